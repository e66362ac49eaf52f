"""Cortex-M0+, M4 and M4F builds of the C port, run in QEMU.

Two layers, both on real cross-compiled firmware really run in the emulator:

* the port alone (``firmware/ports/cortex_m/selftest``): semihosting files,
  exit codes, exact instruction counting, the FPU enable, and every failure mode
  (HardFault, lockup, stack overflow, timeout) classified with a clear message;
* the interpreter: ``microinterp firmware check`` on real models, bit-exact with
  the Python reference over several vectors, plus a corrupted expectation that
  must be reported as a mismatch naming the op.

Skipped (with the reason) only when the toolchain or QEMU is not installed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from microinterp.fw import cortex_m
from microinterp.fw.emulator import HARDFAULT_EXIT_CODE, Outcome, classify

_missing = cortex_m.toolchain_missing()
pytestmark = pytest.mark.skipif(_missing is not None, reason=f"Cortex-M toolchain/emulator absent: {_missing}")

TARGET_NAMES = list(cortex_m.TARGETS)


# ---- the port alone ------------------------------------------------------------


@pytest.fixture(scope="module")
def selftests(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The selftest firmware built once per target."""
    if _missing:
        pytest.skip(_missing)
    root = tmp_path_factory.mktemp("cm_selftest")
    return {name: cortex_m.build_selftest(t, root) for name, t in cortex_m.TARGETS.items()}


def _run(selftests: dict[str, Path], name: str, args: list[str], tmp_path: Path, timeout: float = 20.0,
         count: bool = True):
    return cortex_m.TARGETS[name].run(selftests[name], args, cwd=tmp_path, timeout=timeout, count=count)


@pytest.mark.parametrize("name", TARGET_NAMES)
def test_semihosting_files_round_trip(selftests, name, tmp_path):
    data = np.random.default_rng(7).integers(0, 256, 3000, dtype=np.uint8)
    (tmp_path / "in.bin").write_bytes(data.tobytes())
    r = _run(selftests, name, ["copy", "in.bin", "out.bin"], tmp_path)
    assert r.ok, r.describe()
    got = np.frombuffer((tmp_path / "out.bin").read_bytes(), dtype=np.uint8)
    np.testing.assert_array_equal(got, data + np.uint8(1))
    assert r.stack_used is not None and 0 < r.stack_used < r.stack_size


@pytest.mark.parametrize("name", TARGET_NAMES)
def test_instruction_count_is_exact_and_repeatable(selftests, name, tmp_path):
    """The loop body is 4 instructions: doubling N must add exactly 4N."""
    n = 1500
    a = _run(selftests, name, ["loop", str(n)], tmp_path)
    b = _run(selftests, name, ["loop", str(2 * n)], tmp_path)
    c = _run(selftests, name, ["loop", str(n)], tmp_path)
    assert a.ok and b.ok and c.ok, (a.describe(), b.describe())
    assert len(a.regions) == 1 and len(b.regions) == 1
    assert b.regions[0] - a.regions[0] == 4 * n
    assert a.regions == c.regions
    assert a.regions[0] - 4 * n < 16  # only the markers' own few instructions on top


@pytest.mark.parametrize("name", TARGET_NAMES)
def test_exit_code_reaches_the_host(selftests, name, tmp_path):
    r = _run(selftests, name, ["exit", "3"], tmp_path, count=False)
    assert r.outcome is Outcome.FIRMWARE_ERROR and r.returncode == 3, r.describe()
    assert "code 3" in r.message


def test_hard_float_build_uses_the_fpu(selftests, tmp_path):
    r = _run(selftests, "cortex-m4f", ["fpu"], tmp_path, count=False)
    assert r.ok, r.describe()


def test_hard_float_without_cp10_cp11_enable_faults(tmp_path):
    """Proves the reset handler's CPACR write is what makes hard-float code run."""
    t = cortex_m.TARGETS["cortex-m4f"]
    elf = cortex_m.build_selftest(t, tmp_path, defines=["CM_SKIP_FPU_ENABLE"])
    r = t.run(elf, ["fpu"], cwd=tmp_path, timeout=20, count=False)
    assert r.outcome is Outcome.HARDFAULT, r.describe()
    assert "cfsr=0x00080000" in r.message  # UsageFault NOCP: coprocessor access disabled


def test_unaligned_word_load_faults_on_m0plus(selftests, tmp_path):
    r = _run(selftests, "cortex-m0plus", ["fault-unaligned"], tmp_path, count=False)
    assert r.outcome is Outcome.HARDFAULT and r.returncode == HARDFAULT_EXIT_CODE, r.describe()
    assert r.message.startswith("HardFault: exception 3 (HardFault) pc=0x")
    assert r.seconds < 10


def test_unaligned_word_load_is_legal_on_m4(selftests, tmp_path):
    """The reason the M0+ build runs on a real ARMv6-M core: the M4 hides this bug."""
    r = _run(selftests, "cortex-m4", ["fault-unaligned"], tmp_path, count=False)
    assert r.ok, r.describe()


@pytest.mark.parametrize("name", TARGET_NAMES)
def test_bad_pointer_is_a_hardfault_not_a_timeout(selftests, name, tmp_path):
    r = _run(selftests, name, ["fault-bad-ptr"], tmp_path, count=False)
    assert r.outcome is Outcome.HARDFAULT, r.describe()
    assert "pc=0x" in r.message and r.seconds < 10
    if name != "cortex-m0plus":  # v7-M also says why: precise bus fault at that address
        assert "bfar=0x30000000" in r.message


@pytest.mark.parametrize("name", TARGET_NAMES)
def test_stack_overflow_is_a_hardfault(selftests, name, tmp_path):
    r = _run(selftests, name, ["stack", str(cortex_m.DEFAULT_STACK_SIZE + 8192)], tmp_path, count=False)
    assert r.outcome is Outcome.HARDFAULT, r.describe()
    assert "stack overflow" in r.message


@pytest.mark.parametrize("name", TARGET_NAMES)
def test_stack_high_water_mark_is_measured(selftests, name, tmp_path):
    r = _run(selftests, name, ["stack", "12000"], tmp_path, count=False)
    assert r.ok, r.describe()
    assert 12000 <= r.stack_used < 12000 + 2048


def test_hang_is_a_timeout_with_the_last_console_line(selftests, tmp_path):
    r = _run(selftests, "cortex-m4", ["hang"], tmp_path, timeout=1.5, count=False)
    assert r.outcome is Outcome.TIMEOUT, r.describe()
    assert "selftest: hang" in r.message and r.seconds < 10


def test_cpu_lockup_is_an_emulator_crash(selftests, tmp_path):
    r = _run(selftests, "cortex-m4", ["lockup"], tmp_path, count=False)
    assert r.outcome is Outcome.EMULATOR_CRASH, r.describe()
    assert "Lockup" in r.message and r.seconds < 10


def test_classify_shell_signal_codes():
    """rc 139/134 come from QEMU run under a shell (the CI scripts do that)."""
    assert classify(139, "", "", timed_out=False, timeout=1)[0] is Outcome.EMULATOR_CRASH
    out, msg = classify(134, "", "qemu: fatal: Lockup: x\n", timed_out=False, timeout=1)
    assert out is Outcome.EMULATOR_CRASH and "SIGABRT" in msg and "Lockup" in msg
    assert classify(1, "", "qemu-system-arm: -M nope: unsupported machine\n", timed_out=False,
                    timeout=1)[0] is Outcome.EMULATOR_ERROR


@pytest.mark.parametrize("name", TARGET_NAMES)
def test_footprint_sections(selftests, name):
    fp = cortex_m.footprint(selftests[name])
    assert fp.text > 0 and fp.flash >= fp.text + fp.rodata
    assert fp.stack_reserved == cortex_m.DEFAULT_STACK_SIZE
    assert fp.model < 64  # the selftest links no model
