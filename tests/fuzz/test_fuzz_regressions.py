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

import numpy as np
import pytest
from harness import run_one
from oracle import compare_with_tflm, requires_tflm

from microinterp import Interpreter, model
from microinterp.builder import ModelBuilder
from microinterp.errors import KernelError, ModelError


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
    with pytest.raises(ModelError, match="options table is Pool2DOptions, but CONV_2D takes Conv2DOptions"):
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
