"""Cortex-M0+, M4 and M4F builds of the C port, run in QEMU.

Two layers, both on real cross-compiled firmware really run in the emulator:

* the port alone (``firmware/ports/cortex_m/selftest``): semihosting files,
  exit codes, exact instruction counting, the FPU enable, and every failure mode
  (HardFault, lockup, stack overflow, timeout) classified with a clear message;
* the interpreter: ``microinterp firmware check`` on real models (the four CI
  models with 4 vectors, the three larger MLPerf/TFLM models with 2), bit-exact
  with the Python reference; instruction counts and footprint; a corrupted
  expectation reported as a mismatch naming the op; a deliberately faulting
  runner reported as a HardFault;
* the emulator choice (QEMU here; the Renode runner's preparation only, since
  Renode is not installable on this machine).

The whole file takes about 30 s (QEMU runs ~300 M instructions/s with counting).

Skipped (with the reason) only when the toolchain or QEMU is not installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from oracle import model_path

from microinterp.fw import check as fwcheck
from microinterp.fw import cortex_m
from microinterp.fw import runner as rp
from microinterp.fw import targets as tg
from microinterp.fw.build import build_selftest
from microinterp.fw.cores import CORES, DEFAULT_STACK_SIZE
from microinterp.fw.emulator import (
    FIRMWARE_DIR,
    HARDFAULT_EXIT_CODE,
    Outcome,
    QemuEmulator,
    RenodeEmulator,
    classify,
    select_emulator,
)
from microinterp.fw.footprint import footprint
from microinterp.fw.toolchain import toolchain_missing
from microinterp.model import load_model

_missing = toolchain_missing()
pytestmark = pytest.mark.skipif(_missing is not None, reason=f"Cortex-M toolchain/emulator absent: {_missing}")

TARGET_NAMES = list(CORES)


# ---- the port alone ------------------------------------------------------------


@pytest.fixture(scope="module")
def selftests(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The selftest firmware built once per target."""
    if _missing:
        pytest.skip(_missing)
    root = tmp_path_factory.mktemp("cm_selftest")
    return {name: build_selftest(t, root) for name, t in CORES.items()}


def _run(selftests: dict[str, Path], name: str, args: list[str], tmp_path: Path, timeout: float = 20.0,
         count: bool = True):
    return CORES[name].run(selftests[name], args, cwd=tmp_path, timeout=timeout, count=count)


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
    t = CORES["cortex-m4f"]
    elf = build_selftest(t, tmp_path, defines=["CM_SKIP_FPU_ENABLE"])
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
    r = _run(selftests, name, ["stack", str(DEFAULT_STACK_SIZE + 8192)], tmp_path, count=False)
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
    fp = footprint(selftests[name])
    assert fp.text > 0 and fp.flash >= fp.text + fp.rodata
    assert fp.stack_reserved == DEFAULT_STACK_SIZE
    assert fp.model < 64  # the selftest links no model


# ---- the interpreter on real models ------------------------------------------------

CI_MODELS = [
    "tflite-micro/hello_world_int8.tflite",
    "mlperf-tiny/ad01_int8.tflite",
    "mlperf-tiny/kws_ref_model.tflite",
    "tflite-micro/micro_speech_quantized.tflite",
    "tflite-micro/keyword_scrambled.tflite",  # SVDF
    "tflite-micro/trained_lstm_int8.tflite",  # UNIDIRECTIONAL_SEQUENCE_LSTM
    "tflite-micro/audio_preprocessor_int8.tflite",  # Signal custom ops, stateful
    "tflite-micro/audio_preprocessor_float.tflite",
]
VECTORS = 4


@pytest.fixture(scope="module")
def fw_workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One build directory per test session: each core's port is compiled once."""
    return tmp_path_factory.mktemp("cm_build")


@pytest.mark.parametrize("name", TARGET_NAMES)
@pytest.mark.parametrize("rel", CI_MODELS)
def test_firmware_check_is_bit_exact(rel, name, fw_workdir):
    """Every output byte of every vector equals microinterp.Interpreter's, and the
    arena the firmware used equals memory.firmware_arena's 32-bit prediction."""
    path = model_path(rel)
    report = fwcheck.check(path, name, vectors=VECTORS, seed=11, workdir=fw_workdir, timeout=120)
    text = "\n".join(report.lines())
    assert report.ok, text
    assert report.outputs_compared > 0 and report.output_bytes_differing == 0, text
    assert report.arena_used_bytes == report.arena_predicted["total_bytes"], text


#: The larger MLPerf Tiny / TFLM models: each runs in about a second of QEMU
#: (100-230 M instructions), so they fit the CI budget too, with fewer vectors.
LARGE_MODELS = [
    "mlperf-tiny/vww_96_int8.tflite",
    "mlperf-tiny/pretrainedResnet_quant.tflite",
    "tflite-micro/person_detect.tflite",
    "tflite-micro/micro_speech_lstm.tflite",  # 57 M instructions on the M0+
]


@pytest.mark.parametrize("name", TARGET_NAMES)
@pytest.mark.parametrize("rel", LARGE_MODELS)
def test_firmware_check_is_bit_exact_on_larger_models(rel, name, fw_workdir):
    path = model_path(rel)
    report = fwcheck.check(path, name, vectors=2, seed=3, workdir=fw_workdir, timeout=300)
    text = "\n".join(report.lines())
    assert report.ok and report.output_bytes_differing == 0, text


@pytest.mark.parametrize("name", TARGET_NAMES)
def test_instructions_flash_and_ram_are_reported(name, fw_workdir, tmp_path):
    """Through the registry, as `microinterp firmware check` runs it: one
    instruction count per vector, repeatable for the same input, and a footprint
    that adds up."""
    path = model_path("mlperf-tiny/ad01_int8.tflite")
    target = tg.get_target(name)
    build = target.build(fw_workdir)
    model = load_model(str(path))
    vectors = fwcheck.random_inputs(model, 2, seed=5)
    (tmp_path / "in.bin").write_bytes(rp.pack_inputs([vectors[0], vectors[1], vectors[0]]))
    run = target.run(build, path, tmp_path / "in.bin", tmp_path / "out.bin", timeout=120)
    assert run.ok, run.describe()
    assert len(run.instructions) == 3 and min(run.instructions) > 100_000
    assert run.instructions[0] == run.instructions[2]  # same input, same instruction count
    fp = run.footprint
    assert fp["model"] >= path.stat().st_size  # the model really is in flash
    assert 10_000 < fp["flash"] < 256 * 1024
    assert fp["arena_used"] == run.values["arena_used_bytes"]
    assert fp["ram"] == fp["ram_linked"] - fp["stack_reserved"] - fp["arena_static"] + fp["arena_used"] + fp[
        "stack_used"]
    lines = "\n".join(run.report_lines())
    assert "instructions per inference" in lines and "flash" in lines and "RAM" in lines


def test_cli_firmware_check_on_m0plus(fw_workdir):
    path = model_path("tflite-micro/hello_world_int8.tflite")
    proc = subprocess.run(
        [sys.executable, "-m", "microinterp.cli", "firmware", "check", str(path), "--target", "cortex-m0plus",
         "--vectors", "3", "--build-dir", str(fw_workdir)],
        capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "cortex-m0plus" in proc.stdout and "identical" in proc.stdout


def _flip_output_byte(model, outputs: list[list[bytes]], layers: list[list[bytes]], vector: int):
    """Flip one byte of output 0 in ``vector``, and the same byte in the layer
    slot holding that tensor, so outputs and per-op expectations stay consistent."""
    sg = model.main
    tensor = sg.outputs[0]
    out = [list(row) for row in outputs]
    b = bytearray(out[vector][0])
    b[len(b) // 2] ^= 0x5A
    out[vector][0] = bytes(b)
    lay = [list(row) for row in layers]
    for slot, (_op, _k, t, _n) in enumerate(rp.dump_layout(model)):
        if t == tensor:
            lay[vector][slot] = bytes(b)
    return out, lay


@pytest.mark.parametrize("name", ["cortex-m0plus", "cortex-m4f"])
def test_corrupted_expected_output_is_a_mismatch_naming_the_op(name, fw_workdir, monkeypatch):
    """The firmware is right and the *expectation* is deliberately wrong in one
    byte: the check must say mismatch and name the operator producing that output."""
    path = model_path("mlperf-tiny/kws_ref_model.tflite")
    model = load_model(str(path))
    producer = next(op for op in model.main.operators if model.main.outputs[0] in op.outputs)
    real_outputs, real_layers = fwcheck.reference_outputs, fwcheck.reference_layers
    corrupted: dict[str, list[list[bytes]]] = {}

    def outputs_with_flip(m, vectors):
        outs, plan = real_outputs(m, vectors)
        corrupted["outputs"], corrupted["layers"] = _flip_output_byte(m, outs, real_layers(m, vectors), 1)
        return corrupted["outputs"], plan

    monkeypatch.setattr(fwcheck, "reference_outputs", outputs_with_flip)
    monkeypatch.setattr(fwcheck, "reference_layers", lambda m, vectors: corrupted["layers"])
    report = fwcheck.check(path, name, vectors=3, seed=2, workdir=fw_workdir, timeout=120)
    text = "\n".join(report.lines())
    assert report.outcome == "mismatch", text
    assert report.first_mismatch == {"vector": 1, "output": 0, "elements_differing": 1,
                                     "elements": int(np.prod(model.main.tensors[model.main.outputs[0]].shape))}
    op = report.first_diverging_op
    assert op is not None and op["op"] == producer.index and op["name"] == producer.name, text
    assert f"#{producer.index} {producer.name}" in text


@pytest.fixture
def faulting_target():
    """The M0+ runner built with a deliberate bad-pointer load inside invoke."""
    t = cortex_m.CortexMFirmwareTarget(CORES["cortex-m0plus"], name="cortex-m0plus-fault-test",
                                       extra_cflags=["-DCM_TEST_FAULT_IN_INVOKE"])
    tg.register(t, replace=True)
    yield t
    tg.TARGETS.pop(t.name, None)


def test_faulting_firmware_is_reported_as_hardfault_not_timeout(faulting_target, fw_workdir):
    path = model_path("tflite-micro/hello_world_int8.tflite")
    report = fwcheck.check(path, faulting_target.name, vectors=2, workdir=fw_workdir, timeout=60)
    assert report.outcome == "firmware-error", "\n".join(report.lines())
    assert "[hardfault] HardFault: exception 3 (HardFault) pc=0x" in report.message
    assert "timeout" not in report.message and report.seconds < 60


# ---- the emulator choice -------------------------------------------------------------


def test_emulator_selection(monkeypatch):
    monkeypatch.delenv("MICROINTERP_EMULATOR", raising=False)
    assert isinstance(select_emulator("qemu"), QemuEmulator)
    assert isinstance(select_emulator("renode"), RenodeEmulator)
    expected = RenodeEmulator if shutil.which("renode") else QemuEmulator
    assert isinstance(select_emulator(), expected)
    monkeypatch.setenv("MICROINTERP_EMULATOR", "qemu")
    assert isinstance(select_emulator(), QemuEmulator)
    with pytest.raises(ValueError, match="unknown emulator"):
        select_emulator("bochs")


@pytest.mark.skipif(shutil.which("renode") is not None, reason="renode is installed: the missing-binary path "
                    "does not apply")
def test_renode_runner_without_renode_says_so(selftests, tmp_path):
    """Renode is not installable here, so only what the runner prepares is checked:
    the script it writes points at files that exist, and the outcome is explicit."""
    r = RenodeEmulator().run(selftests["cortex-m4"], CORES["cortex-m4"].machine, ["loop", "10"],
                             cwd=tmp_path, timeout=5)
    assert r.outcome is Outcome.EMULATOR_MISSING and "renode" in r.message
    script = (tmp_path / "run.resc").read_text()
    for ref in re.findall(r"@(\S+)", script) + re.findall(r"execfile\(r'([^']+)'\)", script):
        assert Path(ref).exists(), ref
    hook = (FIRMWARE_DIR / "ports" / "renode" / "semihost_hook.py").read_text()
    compile(hook, "semihost_hook.py", "exec")  # at least valid Python syntax
