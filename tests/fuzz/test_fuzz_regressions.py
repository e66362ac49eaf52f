"""Every fuzzer finding, as a builder recipe that reproduces its class.

Each case was first found by ``scripts/fuzz.sh python`` as a mutated model that
raised something other than a ``MicrointerpError``. The mutated bytes are not
kept (some came from the shared real models, which stay out of the project);
each recipe below rebuilds the same fault with ``microinterp.builder`` and
asserts the fixed outcome through the fuzzers' own property
(``harness.run_one``): refused with the named error, or run (and, where TFLM
runs it too, bit-exact with TFLM).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from harness import run_one
from oracle import compare_with_tflm, requires_tflm

from microinterp import Interpreter, model
from microinterp.builder import ModelBuilder
from microinterp.errors import KernelError, ModelError, UnsupportedOpError


def _conv(b: ModelBuilder, out_shape: tuple[int, ...] = (1, 3, 3, 2), **options: object) -> None:
    x = b.add_input("x", (1, 5, 5, 1), "float32")
    w = b.add_constant("w", np.ones((2, 3, 3, 1), np.float32))
    y = b.add_output("y", out_shape, "float32")
    b.add_operator("CONV_2D", [x, w, -1], [y], **options)


def _options_of_another_op(monkeypatch: pytest.MonkeyPatch) -> bytes:
    """Found as: AttributeError 'SliceOptions' object has no attribute 'stride_h' (TRANSPOSE_CONV)."""
    b = ModelBuilder()
    _conv(b, padding="VALID", stride_w=1, stride_h=1, filter_width=3, filter_height=3)
    with monkeypatch.context() as m:  # the builder picks the table from OPTIONS_OF_OP
        m.setitem(model.OPTIONS_OF_OP, "CONV_2D", "Pool2DOptions")
        return b.build()


def test_options_table_of_another_op_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _options_of_another_op(monkeypatch)
    assert run_one(data) == "refused: ModelError"
    with pytest.raises(ModelError, match="carries Pool2DOptions options, but CONV_2D takes Conv2DOptions"):
        Interpreter.from_bytes(data)


@pytest.mark.parametrize("options", [dict(stride_w=0, stride_h=1), dict(stride_w=1, stride_h=1,
                                                                         dilation_h_factor=-2), {}])
def test_zero_stride_or_dilation_is_refused(options: dict) -> None:
    """Found as: ValueError 'slice step cannot be zero' in TRANSPOSE_CONV (a stride of 0; an op
    without options has strides 0 too, as the schema's defaults)."""
    b = ModelBuilder()
    _conv(b, padding="VALID", **options)
    data = b.build()
    assert run_one(data) == "refused: ModelError"
    with pytest.raises(ModelError, match="must be at least 1"):
        Interpreter.from_bytes(data)


def test_huge_shape_is_refused_before_any_allocation() -> None:
    """Found as: MemoryError 'Unable to allocate 33.0 TiB' (a dimension of 5.9e9)."""
    b = ModelBuilder()
    x = b.add_input("x", (65536, 65536, 8), "float32")
    y = b.add_output("y", (65536, 65536, 8), "float32")
    b.add_operator("RELU", [x], [y])
    data = b.build()
    assert run_one(data) == "refused: ModelError"
    with pytest.raises(ModelError, match=r"tensor 0 \('x'\): shape \[65536, 65536, 8\] of FLOAT32 would take "
                                         r"1\.374e\+11 bytes, more than the 256 MiB bound"):
        Interpreter.from_bytes(data)


def test_constant_tensor_as_op_output_is_refused() -> None:
    """Found as: ValueError 'assignment destination is read-only'."""
    b = ModelBuilder()
    x = b.add_input("x", (4,), "float32")
    c = b.add_constant("c", np.zeros(4, np.float32))
    b.outputs.append(c)
    b.add_operator("RELU", [x], [c])
    data = b.build()
    assert run_one(data) == "refused: ModelError"
    with pytest.raises(ModelError, match=r"operator 0 \(RELU\) writes tensor 1 \('c'\), which is a constant"):
        Interpreter.from_bytes(data)


def test_constant_tensor_as_graph_input_is_refused() -> None:
    """The same fault through ``set_input``: a graph input with buffer data."""
    b = ModelBuilder()
    c = b.add_constant("c", np.zeros(4, np.float32))
    b.inputs.append(c)
    y = b.add_output("y", (4,), "float32")
    b.add_operator("RELU", [c], [y])
    data = b.build()
    assert run_one(data) == "refused: ModelError"
    with pytest.raises(ModelError, match=r"subgraph input tensor 0 \('c'\) is a constant"):
        Interpreter.from_bytes(data)


def _unary(op: str, in_shape: tuple[int, ...], out_shape: tuple[int, ...], dtype: str = "float32",
           **options: object) -> bytes:
    b = ModelBuilder()
    quant = dict(scale=0.05, zero_point=3) if dtype != "float32" else {}
    x = b.add_input("x", in_shape, dtype, **quant)
    y = b.add_output("y", out_shape, dtype, **quant)
    b.add_operator(op, [x], [y], **options)
    return b.build()


ACTIVATIONS = ["RELU", "RELU6", "HARD_SWISH", "LEAKY_RELU", "LOGISTIC", "TANH"]


def _activation(op: str, in_shape: tuple[int, ...], out_shape: tuple[int, ...], dtype: str) -> bytes:
    """LOGISTIC and TANH take TFLM's fixed output quantization (int8: 1/256 at -128, 1/128 at 0)."""
    if dtype == "float32" or op not in ("LOGISTIC", "TANH"):
        return _unary(op, in_shape, out_shape, dtype, **({"alpha": 0.25} if op == "LEAKY_RELU" else {}))
    b = ModelBuilder()
    x = b.add_input("x", in_shape, dtype, scale=0.05, zero_point=3)
    y = b.add_output("y", out_shape, dtype, scale=1 / 256 if op == "LOGISTIC" else 1 / 128,
                     zero_point=-128 if op == "LOGISTIC" else 0)
    b.add_operator(op, [x], [y])
    return b.build()


@requires_tflm
@pytest.mark.parametrize("op", ACTIVATIONS)
@pytest.mark.parametrize("dtype", ["float32", "int8"])
def test_activation_with_reshaped_output_runs_like_tflm(op: str, dtype: str) -> None:
    """Found as: ValueError 'could not broadcast input array from shape (2,3,4) into shape (2,12)'
    (RELU6, LEAKY_RELU, LOGISTIC). TFLM only asks for the same element count and loops over the
    flat data, so the model runs, and must give TFLM's bytes."""
    data = _activation(op, (2, 3, 4), (2, 12), dtype)
    assert run_one(data) == "ran"
    rng = np.random.default_rng(0)
    x = (rng.uniform(-8, 8, (2, 3, 4)).astype(np.float32) if dtype == "float32"
         else rng.integers(-128, 128, (2, 3, 4), dtype=np.int8))
    compare_with_tflm(data, [[x]])


@pytest.mark.parametrize("op", ACTIVATIONS)
def test_activation_with_another_element_count_is_refused(op: str) -> None:
    """Found as: ValueError 'could not broadcast ... (1,2,160,8) into shape (1,6,160,8)' (LEAKY_RELU)."""
    data = _activation(op, (1, 2, 16, 8), (1, 6, 16, 8), "float32")
    assert run_one(data) == "refused: KernelError"
    with pytest.raises(KernelError, match="differ in element count"):
        Interpreter.from_bytes(data)


@pytest.mark.parametrize("dtype", ["float32", "int32"])
def test_scalar_variable_tensor_resets(dtype: str) -> None:
    """Found as: ValueError 'Changing the dtype of a 0d array is only supported if the itemsize is
    unchanged' in ``reset()`` (a variable tensor of rank 0)."""
    b = ModelBuilder()
    x = b.add_input("x", (), dtype)
    state = b.add_tensor("state", (), dtype, is_variable=True)
    y = b.add_output("y", (), dtype)
    b.add_operator("ADD", [x, state], [y])
    data = b.build()
    assert run_one(data) == "ran"
    it = Interpreter.from_bytes(data)
    it.set_input(np.array(5, dtype), 0)
    it.invoke()
    assert it.get_output(0) == 5  # the state starts at 0 and ADD does not write it


@pytest.mark.parametrize("op", ["AVERAGE_POOL_2D", "MAX_POOL_2D"])
@pytest.mark.parametrize("dtype", ["float32", "int8"])
def test_pooling_with_an_empty_output_runs(op: str, dtype: str) -> None:
    """Found as: ValueError 'operands could not be broadcast together with shapes (1,0,3,2)
    (1,3,3,2) ...' (AVERAGE_POOL_2D with an output of height 0). TFLM's loops run zero times."""
    data = _unary(op, (1, 3, 3, 2), (1, 0, 3, 2), dtype, padding="SAME", stride_w=1, stride_h=1,
                  filter_width=2, filter_height=2)
    assert run_one(data) == "ran"
    it = Interpreter.from_bytes(data)
    it.invoke()
    assert it.get_output(0).shape == (1, 0, 3, 2)


def test_arena_bound_holds_for_many_big_tensors() -> None:
    """Each tensor under the 256 MiB bound, but together live at once: refused before the arena
    is allocated (numpy would raise MemoryError, or the machine would swap)."""
    b = ModelBuilder()
    shape = (1024, 1024, 60)  # 240 MiB of float32
    xs = [b.add_input(f"x{i}", shape, "float32") for i in range(10)]
    y = b.add_output("y", shape, "float32")
    b.add_operator("ADD_N", xs, [y])
    data = b.build()
    assert run_one(data) == "refused: ModelError"
    with pytest.raises(ModelError, match="bytes of arena, more than the 2048 MiB"):
        Interpreter.from_bytes(data)


def test_loading_memory_is_a_small_multiple_of_the_model() -> None:
    """Parsing copies nothing big: constants are views into the model bytes."""
    import tracemalloc

    from microinterp.examples import digits_model_path

    raw = digits_model_path().read_bytes()
    model.load_model(raw)  # warm the caches (options classes, dtype tables)
    tracemalloc.start()
    try:
        model.load_model(raw)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2 * len(raw) + 64 * 1024, peak


# ---- found by the C fuzzer (scripts/fuzz.sh c) ------------------------------------------


def _c_statuses(data: bytes, tmp_path: Path) -> dict[str, str]:
    """init/allocate/invoke statuses of the C port (ASan + UBSan build) on ``data``, by name."""
    from microinterp.fw import runner
    from microinterp.fw import targets as tg

    target = tg.get_target("host-asan")
    if target.unavailable():
        pytest.skip(f"the C port cannot be built here: {target.unavailable()}")
    f = tmp_path / "m.tflite"
    f.write_bytes(data)
    exe = target.build().parent / "test_reader"
    proc = subprocess.run([str(exe), "check", str(f)], capture_output=True, text=True, timeout=120,
                          env=target.env())
    assert "runtime error" not in proc.stderr and "Sanitizer" not in proc.stderr, proc.stderr[-3000:]
    assert proc.returncode == 0, proc.stderr[-3000:]
    return {k: runner.STATUS_NAMES[int(v)] for k, v in (kv.split("=") for kv in proc.stdout.split())}


def _int16_conv_or_fc(op: str, output_scale: float) -> bytes:
    b = ModelBuilder()
    if op == "CONV_2D":
        x = b.add_input("x", (1, 3, 3, 2), "int16", scale=0.5, zero_point=0)
        w = b.add_constant("w", np.ones((2, 1, 1, 2), np.int8), scale=[0.5, 0.5], zero_point=[0, 0],
                           quantized_dimension=0)
        y = b.add_output("y", (1, 3, 3, 2), "int16", scale=output_scale, zero_point=0)
        b.add_operator("CONV_2D", [x, w, -1], [y], padding="SAME", stride_w=1, stride_h=1)
    else:
        x = b.add_input("x", (1, 4), "int16", scale=0.5, zero_point=0)
        w = b.add_constant("w", np.ones((2, 4), np.int8), scale=0.5, zero_point=0)
        y = b.add_output("y", (1, 2), "int16", scale=output_scale, zero_point=0)
        b.add_operator("FULLY_CONNECTED", [x, w, -1], [y])
    return b.build()


@pytest.mark.parametrize("op", ["CONV_2D", "FULLY_CONNECTED"])
def test_16x8_multiplier_shift_out_of_range_is_refused_by_both_twins(op: str, tmp_path: Path) -> None:
    """Found by the C fuzzer as: UBSan 'shift exponent -11 is negative' in
    mi_multiply_by_quantized_multiplier_int64 (an int16 CONV_2D whose input x filter / output scale
    is 2**25). Python computed garbage there without an error; both now refuse it in prepare."""
    data = _int16_conv_or_fc(op, output_scale=2.0**-26)
    assert run_one(data) == "refused: KernelError"
    with pytest.raises(KernelError, match="shift 25 is out of range for a 16x8 kernel"):
        Interpreter.from_bytes(data)
    assert _c_statuses(data, tmp_path)["allocate"] == "MI_ERR_BAD_PARAM"
    ok = _int16_conv_or_fc(op, output_scale=2.0**-12)  # shift 11: the largest class still taken
    assert run_one(ok) == "ran"
    assert _c_statuses(ok, tmp_path) == {"init": "MI_OK", "allocate": "MI_OK", "invoke": "MI_OK"}


def test_huge_output_within_bounds_is_allocated_but_not_invoked_by_the_fuzzers() -> None:
    """Found as: a timeout (a CONV_2D writing 2.9 million rows from a 5x5 image: valid, only slow).
    The fuzzers' budget (harness.INVOKE_ARENA_BYTES, the C target's 1 MiB arena) leaves such
    models at allocation; the interpreter itself still runs them."""
    b = ModelBuilder()
    _conv(b, out_shape=(1, 300_000, 3, 2), padding="SAME", stride_w=2, stride_h=2)
    data = b.build()
    assert run_one(data) == "allocated (too big to invoke here)"
    assert Interpreter.from_bytes(data).arena_used_bytes() > 1 << 20


def test_empty_tensor_with_a_huge_dimension_is_refused_by_both_twins(tmp_path: Path) -> None:
    """Found by the C fuzzer as a timeout (DEPTHWISE_CONV_2D looping over an input of shape
    [1, 134217736, 0, 8]: no bytes, 134 million rows) and, on the same bytes, in Python as
    MemoryError (72 GiB for the padded window buffer). An empty dimension now counts as 1 in the
    tensor bound, in model.py and in the C reader alike."""
    b = ModelBuilder()
    x = b.add_input("x", (1, 134_217_736, 0, 8), "int8", scale=0.05, zero_point=0)
    y = b.add_output("y", (1, 134_217_736, 0, 8), "int8", scale=0.05, zero_point=0)
    b.add_operator("RELU", [x], [y])
    data = b.build()
    assert run_one(data) == "refused: ModelError"
    with pytest.raises(ModelError, match=r"\(counting its empty dimensions as 1\), more than the 256 MiB"):
        Interpreter.from_bytes(data)
    assert _c_statuses(data, tmp_path)["init"] == "MI_ERR_MODEL_TOO_LARGE"


def test_c_reader_refuses_constant_outputs_and_inputs_like_model_py(tmp_path: Path) -> None:
    """Found by the C fuzzer as: UBSan 'shift exponent 95' in SOFTMAX, reached because the C reader
    took a model whose graph input was a constant (model.py already refused it): the twins now
    refuse the same models."""
    for kind in ("output", "input"):
        b = ModelBuilder()
        c = b.add_constant("c", np.zeros(4, np.float32))
        if kind == "output":
            x = b.add_input("x", (4,), "float32")
            b.outputs.append(c)
            b.add_operator("RELU", [x], [c])
        else:
            b.inputs.append(c)
            y = b.add_output("y", (4,), "float32")
            b.add_operator("RELU", [c], [y])
        data = b.build()
        assert run_one(data) == "refused: ModelError"
        assert _c_statuses(data, tmp_path)["init"] == "MI_ERR_MODEL_INVALID", kind


@pytest.mark.parametrize("beta", [-1e30, 1e30, float("-inf"), float("inf"), float("nan")])
def test_softmax_scaling_beyond_an_int32_shift_is_refused_by_both_twins(beta: float, tmp_path: Path) -> None:
    """The SOFTMAX half of the same finding: beta x input scale of -2**95 asks for a left shift of 95
    (``multiply_by_quantized_multiplier_greater_than_one``). A positive one is capped (TFLM's
    PreprocessSoftmaxScaling) and runs. A beta of -inf or NaN (found by the Python fuzzer as
    OverflowError 'cannot convert float infinity to integer' in quantize_multiplier_unbounded) has no
    multiplier (TFLM's QuantizeMultiplier is undefined there): both twins refuse it; +inf is capped."""
    b = ModelBuilder()
    x = b.add_input("x", (1, 8), "int8", scale=0.5, zero_point=0)
    y = b.add_output("y", (1, 8), "int8", scale=1 / 256, zero_point=-128)
    b.add_operator("SOFTMAX", [x], [y], beta=beta)
    data = b.build()
    if not beta > 0:  # -1e30, -inf and NaN
        assert run_one(data) == "refused: KernelError"
        assert _c_statuses(data, tmp_path)["allocate"] == "MI_ERR_BAD_PARAM"
    else:
        assert run_one(data) == "ran"
        assert _c_statuses(data, tmp_path) == {"init": "MI_OK", "allocate": "MI_OK", "invoke": "MI_OK"}


def _transpose_conv(stride_w: int) -> bytes:
    b = ModelBuilder()
    shape_t = b.add_constant("output_shape", np.array([1, 4, 6, 2], np.int32))
    w = b.add_constant("filter", np.arange(-9, 9, dtype=np.int8).reshape(2, 3, 3, 1), scale=[0.02, 0.03],
                       zero_point=[0, 0], quantized_dimension=0)
    x = b.add_input("x", (1, 2, 3, 1), "int8", scale=0.1, zero_point=1)
    y = b.add_output("y", (1, 4, 6, 2), "int8", scale=0.05, zero_point=-2)
    b.add_operator("TRANSPOSE_CONV", [shape_t, w, x], [y], padding="VALID", stride_h=2, stride_w=stride_w)
    return b.build()


@requires_tflm
def test_transpose_conv_with_a_huge_stride_runs_in_output_sized_memory() -> None:
    """Found as: MemoryError 'Unable to allocate 19.8 TiB for an array with shape
    (1, 4, 84825604258, 8)' (TRANSPOSE_CONV's scatter buffer grew with the stride). It now
    grows with the output only; with a stride past the output, only input column 0 lands."""
    data = _transpose_conv(stride_w=1 << 30)
    assert run_one(data) == "ran"
    x = np.arange(-3, 3, dtype=np.int8).reshape(1, 2, 3, 1)
    compare_with_tflm(_transpose_conv(stride_w=7), [[x]])  # the same landing, a stride TFLM's int32 math takes
    big, small = Interpreter.from_bytes(data), Interpreter.from_bytes(_transpose_conv(stride_w=7))
    for it in (big, small):
        it.set_input(x, 0)
        it.invoke()
    np.testing.assert_array_equal(big.get_output(0), small.get_output(0))


def test_pooling_window_beyond_the_bound_is_refused_by_both_twins(tmp_path: Path) -> None:
    """Found as: a timeout (MAX_POOL_2D with a 2x15269890 window: a 15-million-wide buffer and
    30 million taps in the Python kernel, where TFLM clips the window to the input)."""
    from microinterp import UnsupportedOpError

    data = _unary("MAX_POOL_2D", (1, 3, 3, 2), (1, 2, 2, 2), "int8", padding="SAME", stride_w=2, stride_h=2,
                  filter_width=15_269_890, filter_height=2)
    assert run_one(data) == "refused: UnsupportedOpError"
    with pytest.raises(UnsupportedOpError, match="window has more than 65536 taps"):
        Interpreter.from_bytes(data)
    assert _c_statuses(data, tmp_path)["allocate"] == "MI_ERR_UNSUPPORTED_SHAPE"


def test_softmax_scaling_below_a_left_shift_is_refused_by_both_twins(tmp_path: Path) -> None:
    """Found by the C fuzzer as UBSan 'shift exponent -4 is negative' (SOFTMAX whose beta x input
    scale x 2**26 is below 1: a negative left shift for TFLM's MultiplyByQuantizedMultiplierGreaterThanOne)."""
    b = ModelBuilder()
    x = b.add_input("x", (1, 8), "int8", scale=0.5, zero_point=0)
    y = b.add_output("y", (1, 8), "int8", scale=1 / 256, zero_point=-128)
    b.add_operator("SOFTMAX", [x], [y], beta=1e-12)
    data = b.build()
    assert run_one(data) == "refused: KernelError"
    assert _c_statuses(data, tmp_path)["allocate"] == "MI_ERR_BAD_PARAM"


@pytest.mark.parametrize("op", ["CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED"])
def test_int64_bias_near_the_limit_wraps_in_both_twins(op: str, tmp_path: Path) -> None:
    """Found by the C fuzzer as UBSan 'signed integer overflow: 822840 + 9223372036854771812' (an
    int16 CONV_2D whose int64 bias sits at the top of the range). numpy's int64 add wraps; the C
    port now wraps the same way (mi_wrap_add_i64) instead of overflowing."""
    b = ModelBuilder()
    top = np.iinfo(np.int64).max - 5
    if op == "FULLY_CONNECTED":
        x = b.add_input("x", (1, 4), "int16", scale=0.5, zero_point=0)
        w = b.add_constant("w", np.full((2, 4), 100, np.int8), scale=0.5, zero_point=0)
        bias = b.add_constant("b", np.array([top, -top], np.int64), scale=0.25, zero_point=0)
        y = b.add_output("y", (1, 2), "int16", scale=0.5, zero_point=0)
        b.add_operator(op, [x, w, bias], [y])
    else:
        x = b.add_input("x", (1, 2, 2, 2), "int16", scale=0.5, zero_point=0)
        shape = (2, 1, 1, 2) if op == "CONV_2D" else (1, 1, 1, 2)
        w = b.add_constant("w", np.full(shape, 100, np.int8), scale=[0.5, 0.5], zero_point=[0, 0],
                           quantized_dimension=0 if op == "CONV_2D" else 3)
        bias = b.add_constant("b", np.array([top, -top], np.int64), scale=[0.25, 0.25], zero_point=[0, 0])
        y = b.add_output("y", (1, 2, 2, 2), "int16", scale=0.5, zero_point=0)
        b.add_operator(op, [x, w, bias], [y], padding="VALID", stride_w=1, stride_h=1,
                       **({"depth_multiplier": 1} if op != "CONV_2D" else {}))
    data = b.build()
    assert run_one(data) == "ran"
    assert _c_statuses(data, tmp_path) == {"init": "MI_OK", "allocate": "MI_OK", "invoke": "MI_OK"}


@pytest.mark.parametrize("output_zero_point", [2**31 - 1, -(2**31)])
def test_conv_fast_path_with_a_huge_output_zero_point(output_zero_point: int, tmp_path: Path) -> None:
    """Found by the C fuzzer smoke as: UBSan 'signed integer overflow' in mi_conv_requant_of
    (act_min - output zero point, for a zero point near INT32_MAX). Such a model now takes the
    reference loop, which adds the zero point in 64 bits: no undefined behaviour, a normal run."""
    b = ModelBuilder()
    x = b.add_input("x", (1, 3, 3, 4), "int8", scale=0.5, zero_point=0)
    w = b.add_constant("w", np.ones((4, 1, 1, 4), np.int8), scale=[0.5] * 4, zero_point=[0] * 4,
                       quantized_dimension=0)
    y = b.add_output("y", (1, 3, 3, 4), "int8", scale=0.25, zero_point=output_zero_point)
    b.add_operator("CONV_2D", [x, w, -1], [y], padding="SAME", stride_w=1, stride_h=1)
    assert _c_statuses(b.build(), tmp_path)["allocate"] == "MI_OK"


def _int16_cell_lstm(cell_scale: float) -> bytes:
    """An int8 LSTM (1 step, 1 input, 2 states) whose int16 cell state has scale ``cell_scale``."""
    b = ModelBuilder()
    x = b.add_input("x", (1, 1, 1), "int8", scale=0.02, zero_point=0)
    ins = [x] + [b.add_constant(f"w{k}", np.ones((2, 1 if k < 4 else 2), np.int8), scale=0.01, zero_point=0)
                 for k in range(8)]
    ins += [-1, -1, -1] + [b.add_constant(f"b{k}", np.zeros(2, np.int32), scale=0.0002, zero_point=0)
                           for k in range(4)]
    ins += [-1, -1, b.add_tensor("h", (1, 2), "int8", is_variable=True, scale=2.0**-7, zero_point=0),
            b.add_tensor("c", (1, 2), "int16", is_variable=True, scale=cell_scale, zero_point=0),
            -1, -1, -1, -1]
    y = b.add_output("y", (1, 1, 2), "int8", scale=2.0**-7, zero_point=0)
    b.add_operator("UNIDIRECTIONAL_SEQUENCE_LSTM", ins, [y], fused_activation_function="TANH",
                   cell_clip=0.0, time_major=False)
    return b.build()


@pytest.mark.parametrize(("power", "refused"), [(17, False), (18, True), (-43, False), (-44, True)])
def test_lstm_cell_tanh_shift_beyond_int32_is_refused_by_both_twins(power: int, refused: bool,
                                                                     tmp_path: Path) -> None:
    """Found by the C fuzzer as: UBSan 'shift exponent 40 is too large for 32-bit type' in
    lut_prescale_int16 (an LSTM whose int16 cell state scale is a large power of two: tanh's input
    shift 12 + power). TFLM's int32 ``3 << shift`` and rounding overflow beyond shift 29
    (multiplier 0) or 31 (multiplier 3); both twins now refuse there, and run up to the bound."""
    data = _int16_cell_lstm(2.0**power)
    if refused:
        assert run_one(data) == "refused: UnsupportedOpError"
        with pytest.raises(UnsupportedOpError, match="puts tanh's input shift at"):
            Interpreter.from_bytes(data)
        assert _c_statuses(data, tmp_path)["allocate"] == "MI_ERR_UNSUPPORTED_SHAPE"
    else:
        assert run_one(data) == "ran"
        assert _c_statuses(data, tmp_path) == {"init": "MI_OK", "allocate": "MI_OK", "invoke": "MI_OK"}


def _squared_difference(dtype: str, scale1: float, scale2: float) -> bytes:
    b = ModelBuilder()
    x1 = b.add_input("x1", (1, 5, 64), dtype, scale=scale1, zero_point=0)
    x2 = b.add_input("x2", (1, 5, 64), dtype, scale=scale2, zero_point=0)
    b.add_operator("SQUARED_DIFFERENCE", [x1, x2], [b.add_output("y", (1, 5, 64), dtype, scale=0.5, zero_point=0)])
    return b.build()


@pytest.mark.parametrize("dtype", ["int8", "int16"])
@pytest.mark.parametrize("scales", [(0.001, -4713.0), (-0.5, 0.25), (-1.0, -2.0), (0.25, float("inf"))])
def test_squared_difference_input_scale_not_positive_is_refused_by_both_twins(dtype: str, scales: tuple,
                                                                              tmp_path: Path) -> None:
    """Found by the C fuzzer as: UBSan 'shift exponent -22 is negative' in mi_rounding_divide_by_pot
    (SQUARED_DIFFERENCE int16 with input scales 0.001 and -4713: an input multiplier far outside
    (0, 1)). TFLM's QuantizeMultiplierSmallerThanOneExp CHECK-aborts unless both lie in (0, 1),
    i.e. unless both input scales are finite and positive; both twins refuse the rest."""
    data = _squared_difference(dtype, *scales)
    assert run_one(data) == "refused: UnsupportedOpError"
    assert _c_statuses(data, tmp_path)["allocate"] == "MI_ERR_UNSUPPORTED_TYPE"


def _with_deprecated_code(data: bytes, code: int) -> bytes:
    """``data`` with operator code 0's deprecated_builtin_code byte set to ``code``."""
    import tflite

    oc = tflite.Model.GetRootAs(data, 0).OperatorCodes(0)
    pos = oc._tab.Offset(4)
    assert pos, "the builder writes the deprecated code"
    raw = bytearray(data)
    raw[oc._tab.Pos + pos] = code
    return bytes(raw)


def test_opcode_takes_the_larger_of_its_two_codes_in_both_twins(tmp_path: Path) -> None:
    """Found with the C fuzzer's case above: deprecated_builtin_code 98 (LEAKY_RELU) and
    builtin_code 99 (SQUARED_DIFFERENCE). TFLM and the C twin take the larger (GetBuiltinCode);
    Python took the deprecated one through the tflite package's BuiltinCode()."""
    data = _with_deprecated_code(_squared_difference("int8", 0.25, 0.5), 98)
    assert [op.name for op in model.load_model(data).subgraphs[0].operators] == ["SQUARED_DIFFERENCE"]
    assert run_one(data) == "ran"
    assert _c_statuses(data, tmp_path) == {"init": "MI_OK", "allocate": "MI_OK", "invoke": "MI_OK"}


@requires_tflm
def test_opcode_with_two_codes_runs_like_tflm() -> None:
    data = _with_deprecated_code(_squared_difference("int8", 0.25, 0.5), 98)
    rng = np.random.default_rng(0)
    compare_with_tflm(data, [[rng.integers(-128, 128, (1, 5, 64), dtype=np.int8) for _ in range(2)]])
