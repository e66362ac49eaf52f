"""How the C port builds: warnings as errors with host gcc and arm-none-eabi-gcc,
every MI_* feature flag off still compiling and running, and nothing linked
beyond a freestanding C library (string.h, a few libm functions, libgcc's
AEABI helpers) and the two port hooks."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from fw_helpers import build_dir, requires_host_cc
from oracle import model_path

from microinterp.fw import check as fwcheck
from microinterp.fw import runner as rp
from microinterp.fw import targets as tg
from microinterp.model import load_model

#: what the core and kernels may call outside themselves
ALLOWED = {"memcpy", "memmove", "memset", "memcmp", "strlen", "frexp", "floor", "fabs", "copysign", "expf", "logf", "tanhf",
           "mi_port_log", "mi_port_cycles",
           # the float element-wise kernels call the C library as TFLM does (mi_unary.h)
           "sqrt", "sqrtf", "floorf", "ceilf", "fmodf", "sinf", "cosf", "expm1f",
           # TFLite_Detection_PostProcess decodes box sizes with double exp, as TFLM does
           "exp"}
CROSS = "arm-none-eabi-"
needs_cross = pytest.mark.skipif(shutil.which(CROSS + "gcc") is None,
                                 reason="arm-none-eabi-gcc not installed (apt-get install gcc-arm-none-eabi)")


def external_symbols(lib: Path, nm: str = "nm") -> set[str]:
    out = subprocess.run([nm, "-u", str(lib)], capture_output=True, text=True, check=True).stdout
    undefined = {line.split()[-1] for line in out.splitlines() if line.strip() and not line.endswith(":")}
    defined = subprocess.run([nm, "--defined-only", str(lib)], capture_output=True, text=True, check=True).stdout
    own = {line.split()[-1] for line in defined.splitlines() if re.match(r"^[0-9a-f]+ [A-Z] ", line)}
    return undefined - own


@requires_host_cc
def test_host_library_needs_only_a_freestanding_libc() -> None:
    extra = external_symbols(build_dir("host") / "libmi.a") - ALLOWED
    assert not extra, f"the C port calls outside a freestanding C library: {sorted(extra)}"


@needs_cross
@pytest.mark.parametrize("target", ["cortex-m0plus", "cortex-m4", "cortex-m4f"])
def test_cortex_m_library_builds_with_werror(target: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / target
        tg.make([f"TARGET={target}", f"BUILD={out}", "lib"], lock=Path(tmp) / "lock")  # -Werror inside
        extra = {s for s in external_symbols(out / "libmi.a", CROSS + "nm") - ALLOWED
                 if not s.startswith("__aeabi_")}
        assert not extra, f"{target}: unexpected external symbols {sorted(extra)}"


@requires_host_cc
def test_every_feature_flag_off_builds_and_runs_int8(tmp_path: Path) -> None:
    flags = "-DMI_ENABLE_FLOAT=0 -DMI_ENABLE_INT16=0 -DMI_ENABLE_LOG=0 -DMI_ENABLE_OP_HOOK=0"
    out = tmp_path / "minimal"
    tg.make([f"BUILD={out}", f"EXTRA_CFLAGS={flags}", "SANITIZE=1", "runner"], lock=tmp_path / "lock")
    path = model_path("mlperf-tiny/kws_ref_model.tflite")
    model = load_model(str(path))
    inputs = fwcheck.random_inputs(model, 2, seed=4)
    expected, _ = fwcheck.reference_outputs(model, inputs)
    (tmp_path / "in.bin").write_bytes(rp.pack_inputs(inputs))
    run = tg.get_target("host-asan").run(out / "mi_runner", path, tmp_path / "in.bin", tmp_path / "out.bin",
                                         timeout=120)
    assert run.ok, run.describe()
    got = rp.split((tmp_path / "out.bin").read_bytes(), rp.output_sizes(model), 2)
    assert got == expected
    # a float model is refused cleanly when the float paths are compiled out
    fpath = model_path("tflite-micro/hello_world_float.tflite")
    (tmp_path / "f.bin").write_bytes(bytes(4))
    run = tg.get_target("host-asan").run(out / "mi_runner", fpath, tmp_path / "f.bin", tmp_path / "fo.bin",
                                         timeout=60)
    assert run.returncode == rp.EXIT_ALLOCATE and run.status_name == "MI_ERR_UNSUPPORTED_TYPE"
