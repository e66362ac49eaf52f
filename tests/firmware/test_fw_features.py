"""Per-model framework builds: the switches of ``firmware/include/mi/mi_config.h``
(``MI_ENABLE_SUBGRAPHS``, ``_VARIABLES``, ``_METADATA``, ``_CUSTOM``, ``MI_OPTIONS_LISTED``)
that a firmware image built for one model compiles its framework with
(``fw/kernel_select.framework_features``, ``make FEATURES=...``).

Checked: which switches a model gets; that a build with every switch off still runs a
model bit-exactly (outputs equal to the Python reference); and that such a build
refuses, with a status, each model that needs what it left out -- a feature compiled
out never makes the port run a model differently. The same models run (or fail
later, in a kernel) in the default build, which keeps everything."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from fw_helpers import build_dir, requires_host_cc
from oracle import model_path

from microinterp.builder import ModelBuilder
from microinterp.fw import check as fwcheck
from microinterp.fw import runner as rp
from microinterp.fw import targets as tg
from microinterp.fw.kernel_select import framework_features, kernel_features
from microinterp.fw.toolchain import toolchain_missing
from microinterp.memory.offline_plan import with_offline_plan
from microinterp.memory.overlap import with_overlap
from microinterp.model import load_model

ALL_OFF = ("-DMI_ENABLE_SUBGRAPHS=0 -DMI_ENABLE_VARIABLES=0 -DMI_ENABLE_METADATA=0 -DMI_ENABLE_CUSTOM=0 "
           "-DMI_OPTIONS_LISTED -DMI_OPTIONS_FULLY_CONNECTED")


def _relu(extra=None) -> bytes:  # type: ignore[no-untyped-def]
    """``y = RELU(x)`` (float32, 4 elements); ``extra(builder)`` adds to it."""
    b = ModelBuilder()
    x = b.add_input("x", (4,), "float32")
    b.add_operator("RELU", [x], [b.add_output("y", (4,), "float32")])
    if extra:
        extra(b)
    return b.build()


def _second_subgraph(b: ModelBuilder) -> None:
    sg = b.add_subgraph("unused")
    x = sg.add_input("x", (4,), "float32")
    sg.add_operator("RELU", [x], [sg.add_output("y", (4,), "float32")])


def _variable_model() -> bytes:
    b = ModelBuilder()
    x = b.add_input("x", (4,), "float32")
    state = b.add_tensor("state", (4,), "float32", is_variable=True)
    b.add_operator("ADD", [x, state], [b.add_output("y", (4,), "float32")])
    return b.build()


def _custom_model() -> bytes:
    """SignalWindow, a custom op the port has a kernel for."""
    b = ModelBuilder()
    x = b.add_input("x", (8,), "int16")
    w = b.add_constant("w", np.full(8, 3, np.int16))
    b.add_custom("SignalWindow", [x, w], [b.add_output("y", (8,), "int16")], {"shift": 1})
    return b.build()


def _metadata(name: str):  # type: ignore[no-untyped-def]
    """A metadata entry the port reads; a RELU model never looks at the bytes."""
    return lambda b: b.add_metadata(name, bytes(16))


#: (what the model needs, model, the switch that keeps it, the status a build without it gives)
NEEDS = [
    ("several subgraphs", lambda: _relu(_second_subgraph), "-DMI_ENABLE_SUBGRAPHS=0", "MI_ERR_UNSUPPORTED_OP"),
    ("a variable tensor", _variable_model, "-DMI_ENABLE_VARIABLES=0", "MI_ERR_UNSUPPORTED_TYPE"),
    ("an offline plan", lambda: with_offline_plan(load_model(_relu()), {}), "-DMI_ENABLE_METADATA=0",
     "MI_ERR_UNSUPPORTED_OP"),
    ("an ahead-of-time image", lambda: _relu(_metadata("microinterp_aot")), "-DMI_ENABLE_METADATA=0",
     "MI_ERR_UNSUPPORTED_OP"),
    ("a custom op", _custom_model, "-DMI_ENABLE_CUSTOM=0", "MI_ERR_UNSUPPORTED_OP"),
]


def test_a_plain_model_gets_every_switch_off() -> None:
    flags = framework_features(load_model(str(model_path("mlperf-tiny/kws_ref_model.tflite"))))
    assert set(ALL_OFF.split()[:4]) <= set(flags)
    assert "-DMI_OPTIONS_LISTED" in flags and "-DMI_OPTIONS_CONV_2D" in flags and "-DMI_OPTIONS_ADD" not in flags


@pytest.mark.parametrize("index", range(len(NEEDS)))
def test_a_model_keeps_what_it_needs(index: int) -> None:
    what, make, switch, _ = NEEDS[index]
    flags = framework_features(load_model(make()))
    assert switch not in flags, what
    assert len([f for f in flags if f.startswith("-DMI_ENABLE_") and "OVERLAP" not in f]) == 3, (what, flags)


def test_overlap_is_compiled_only_for_models_that_opt_in_and_whose_kernels_ask() -> None:
    """mi_allow_overlap's callers (CONV_2D, DEPTHWISE_CONV_2D, ADD): the overlap code is
    compiled (framework and kernels) for KWS opted in, not for KWS as given, nor for the
    fully connected AD model opted in (the same plan)."""
    kws = load_model(str(model_path("mlperf-tiny/kws_ref_model.tflite")))
    ad = load_model(str(model_path("mlperf-tiny/ad01_int8.tflite")))
    for model, compiled in [(kws, False), (load_model(with_overlap(kws)), True), (load_model(with_overlap(ad)), False)]:
        for flags in (framework_features(model), kernel_features(model)):
            assert ("-DMI_ENABLE_OVERLAP=0" not in flags) == compiled
    assert "-DMI_ENABLE_METADATA=0" not in framework_features(load_model(with_overlap(kws)))


def _run(runner: Path, model: bytes, tmp: Path, inputs: bytes) -> tuple[int, str | None]:
    path = tmp / "m.tflite"
    path.write_bytes(model)
    (tmp / "in.bin").write_bytes(inputs)
    out = tg.get_target("host-asan").run(runner, path, tmp / "in.bin", tmp / "out.bin", timeout=120)
    assert out.returncode not in (rp.EXIT_ASAN, rp.EXIT_UBSAN), out.describe()
    return out.returncode, out.status_name


@pytest.fixture(scope="module")
def all_off_runner(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("features") / "all-off"
    tg.make([f"BUILD={out}", f"EXTRA_CFLAGS={ALL_OFF}", "SANITIZE=1", "runner"], lock=out.with_suffix(".lock"))
    return out / "mi_runner"


@requires_host_cc
def test_all_off_build_runs_a_plain_model(all_off_runner: Path, tmp_path: Path) -> None:
    path = model_path("mlperf-tiny/ad01_int8.tflite")
    model = load_model(str(path))
    inputs = fwcheck.random_inputs(model, 2, seed=3)
    expected, _ = fwcheck.reference_outputs(model, inputs)
    (tmp_path / "in.bin").write_bytes(rp.pack_inputs(inputs))
    run = tg.get_target("host-asan").run(all_off_runner, path, tmp_path / "in.bin", tmp_path / "out.bin",
                                         timeout=120)
    assert run.ok, run.describe()
    assert rp.split((tmp_path / "out.bin").read_bytes(), rp.output_sizes(model), 2) == expected


@requires_host_cc
@pytest.mark.parametrize("index", range(len(NEEDS)))
def test_all_off_build_refuses_what_it_left_out(all_off_runner: Path, tmp_path: Path, index: int) -> None:
    what, make, _, status = NEEDS[index]
    model = make()
    inputs = rp.pack_inputs(fwcheck.random_inputs(load_model(model), 1, seed=0))
    code, got = _run(all_off_runner, model, tmp_path, inputs)
    assert code in (rp.EXIT_MODEL, rp.EXIT_ALLOCATE) and got == status, (what, code, got)
    # the default build (everything kept) gets past where the all-off build stopped
    code, got = _run(build_dir("host-asan") / "mi_runner", model, tmp_path, inputs)
    assert code == rp.EXIT_OK, (what, code, got)


def test_kernel_dtype_paths_follow_the_tensor_types() -> None:
    """An int8 model's image leaves out the float and int16 kernel paths; a model with a
    float or int16 tensor anywhere keeps that path."""
    from microinterp.fw.kernel_select import kernel_features

    kws = load_model(str(model_path("mlperf-tiny/kws_ref_model.tflite")))
    off = "-DMI_ENABLE_OVERLAP=0"  # (not opted in: test_overlap_is_compiled_only_...)
    assert kernel_features(kws) == ["-DMI_ENABLE_FLOAT=0", "-DMI_ENABLE_INT16=0", off]
    assert kernel_features(load_model(_relu())) == ["-DMI_ENABLE_INT16=0", off]
    assert kernel_features(load_model(_custom_model())) == ["-DMI_ENABLE_FLOAT=0", off]


@pytest.mark.skipif(toolchain_missing() is not None, reason=f"Cortex-M toolchain/emulator absent: {toolchain_missing()}")
def test_an_int8_image_links_its_kernels_without_float_paths() -> None:
    """KWS's Cortex-M0+ image: its few kernels (not every member the weak full registry
    made the linker load) compiled again with the dtype switches, none from libmi.a,
    and no single-precision soft-float left."""
    from microinterp.fw.build import link_runner, map_path
    from microinterp.fw.cores import CORES
    from microinterp.fw.footprint import flash_inputs

    lib = tg.get_target("cortex-m0plus").build()  # the library's build directory
    elf = link_runner(CORES["cortex-m0plus"], lib, model_path("mlperf-tiny/kws_ref_model.tflite"))
    sources = [src for *_, src in flash_inputs(map_path(elf))]
    kernels = {Path(s).name for s in sources if "/kernels-" in s}
    assert {"mi_conv_2d.o", "mi_depthwise_conv_2d.o", "mi_fully_connected.o", "mi_quant.o"} <= kernels
    assert len(kernels) < 16 and "mi_svdf.o" not in kernels
    assert not [s for s in sources if re.search(r"libmi\.a\(", s)]
    assert not [s for s in sources if re.search(r"\((addsf3|mulsf3)\.o\)", s)]


# ---- kernel paths (MI_ENABLE_INT8_REFERENCE, MI_ENABLE_CONV_RUNS): fw/kernel_select.path_features

def _int8_conv(depthwise: bool = False, kernel: tuple[int, int] = (3, 3), dilation_w: int = 1,
               multiplier: int = 1) -> bytes:
    """One int8 CONV_2D (or DEPTHWISE_CONV_2D) on a 1x6x6x4 input, SAME padding."""
    rng = np.random.default_rng(5)
    b = ModelBuilder()
    kh, kw = kernel
    cin = 4
    cout = cin * multiplier if depthwise else 8
    x = b.add_input("x", (1, 6, 6, cin), "int8", scale=0.05, zero_point=-3)
    wshape = (1, kh, kw, cout) if depthwise else (cout, kh, kw, cin)
    w = b.add_constant("w", rng.integers(-128, 128, size=wshape).astype(np.int8), scale=0.01, zero_point=0,
                       quantized_dimension=3 if depthwise else 0)
    y = b.add_output("y", (1, 6, 6, cout), "int8", scale=0.1, zero_point=4)
    opts = dict(padding="SAME", stride_h=1, stride_w=1, dilation_h_factor=1, dilation_w_factor=dilation_w,
                fused_activation_function="NONE")
    if depthwise:
        opts["depth_multiplier"] = multiplier
    b.add_operator("DEPTHWISE_CONV_2D" if depthwise else "CONV_2D", [x, w], [y], **opts)
    return b.build()


REFERENCE_OFF, RUNS_OFF = "-DMI_ENABLE_INT8_REFERENCE=0", "-DMI_ENABLE_CONV_RUNS=0"


def test_kernel_paths_follow_the_operators() -> None:
    """KWS takes only fast paths; on a DSP core its 1x1 convolutions take the pixel-pair
    path (no runs), without DSP the runs path. Grouped, width-dilated or depth-multiplier
    convolutions keep the reference loop."""
    from microinterp.fw.kernel_select import path_features

    kws = load_model(str(model_path("mlperf-tiny/kws_ref_model.tflite")))
    assert path_features(kws, dsp=True) == [REFERENCE_OFF, RUNS_OFF]
    assert path_features(kws, dsp=False) == [REFERENCE_OFF]
    assert path_features(load_model(_int8_conv()), dsp=False) == [REFERENCE_OFF, RUNS_OFF]  # im2col
    assert path_features(load_model(_int8_conv(kernel=(1, 1))), dsp=True) == [REFERENCE_OFF, RUNS_OFF]
    assert path_features(load_model(_int8_conv(kernel=(1, 1))), dsp=False) == [REFERENCE_OFF]
    # a 13x13x4 window is beyond the 576-byte im2col column: the runs path
    assert path_features(load_model(_int8_conv(kernel=(13, 13))), dsp=True) == [REFERENCE_OFF]
    for needs_reference in (_int8_conv(dilation_w=2), _int8_conv(depthwise=True, multiplier=2)):
        assert REFERENCE_OFF not in path_features(load_model(needs_reference), dsp=True)
    assert path_features(load_model(_relu()), dsp=True) == [REFERENCE_OFF, RUNS_OFF]  # no int8 conv at all


@pytest.fixture(scope="module")
def no_reference_runner(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("paths") / "no-reference"
    tg.make([f"BUILD={out}", f"EXTRA_CFLAGS={REFERENCE_OFF} {RUNS_OFF}", "SANITIZE=1", "runner"],
            lock=out.with_suffix(".lock"))
    return out / "mi_runner"


@requires_host_cc
@pytest.mark.parametrize("make", [lambda: _int8_conv(dilation_w=2), lambda: _int8_conv(kernel=(1, 1)),
                                  lambda: _int8_conv(depthwise=True, multiplier=2)],
                         ids=["width-dilated", "1x1 runs", "depth-multiplier-2"])
def test_a_build_without_the_reference_loops_refuses_what_needs_them(no_reference_runner: Path, tmp_path: Path,
                                                                     make) -> None:  # type: ignore[no-untyped-def]
    model = make()
    inputs = rp.pack_inputs(fwcheck.random_inputs(load_model(model), 1, seed=0))
    code, got = _run(no_reference_runner, model, tmp_path, inputs)
    assert code == rp.EXIT_ALLOCATE and got == "MI_ERR_UNSUPPORTED_SHAPE", (code, got)
    code, got = _run(build_dir("host-asan") / "mi_runner", model, tmp_path, inputs)
    assert code == rp.EXIT_OK, (code, got)


@requires_host_cc
def test_a_build_without_the_reference_loops_runs_a_fast_path_model(no_reference_runner: Path,
                                                                    tmp_path: Path) -> None:
    """An im2col convolution (the host's plain-C fast path) bit-exactly without them."""
    model = _int8_conv()
    parsed = load_model(model)
    inputs = fwcheck.random_inputs(parsed, 2, seed=3)
    expected, _ = fwcheck.reference_outputs(parsed, inputs)
    (tmp_path / "m.tflite").write_bytes(model)
    (tmp_path / "in.bin").write_bytes(rp.pack_inputs(inputs))
    run = tg.get_target("host-asan").run(no_reference_runner, tmp_path / "m.tflite", tmp_path / "in.bin",
                                         tmp_path / "out.bin", timeout=120)
    assert run.ok, run.describe()
    assert rp.split((tmp_path / "out.bin").read_bytes(), rp.output_sizes(parsed), 2) == expected
