"""MUL (TFLM: kernels/mul.cc + mul_common.cc; C twin: firmware/src/kernels/mi_mul.c).

float32 multiplies and clamps to the fused activation's range; int32
multiplies with two's-complement wrap (``WrappingMul``) and clamps to the
integer activation range (RELU6 is 0..6). int8 and int16 multiply the offset
inputs in int32 and requantize the product once with
``MultiplyByQuantizedMultiplier`` by ``s1 * s2 / s_out`` (computed in double
from the float32 scales); int16 requires all zero points to be 0, as TFLM's
prepare does. The output type must equal the input type. All of it is TFLM's int32
arithmetic: with zero points outside the type's range (hostile models) the product and the
sum with the output zero point wrap, as the x86-64 oracle computes them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .. import quant
from ..context import Node, Registration
from ..memory.declaration import KernelMemory, c_struct
from . import elementwise

INPUT1, INPUT2, OUTPUT = 0, 1, 0
TYPES = ("FLOAT32", "INT32", "INT8", "INT16")


@dataclass(frozen=True)
class OpData:
    type_name: str
    activation_min: float | int = 0
    activation_max: float | int = 0
    input1_offset: int = 0
    input2_offset: int = 0
    output_offset: int = 0
    output_multiplier: int = 0
    output_shift: int = 0


def prepare(node: Node) -> OpData:
    a, b, out, type_name = elementwise.tensors_of(node)
    elementwise.check_shapes(node, a, b, out)
    elementwise.require_type(node, type_name, TYPES)
    lo, hi = elementwise.activation_range(type_name, elementwise.activation_of(node), out)
    if type_name in ("FLOAT32", "INT32"):
        return OpData(type_name, lo, hi)
    if type_name == "INT16" and (a.zero_point or b.zero_point or out.zero_point):
        raise node.fail("int16 MUL needs zero points of 0 on both inputs and the output")
    so = elementwise.nonzero_output_scale(node, out)
    mult, shift = quant.quantize_multiplier(float(a.scale) * float(b.scale) / so)
    return OpData(type_name, lo, hi, -a.zero_point, -b.zero_point, out.zero_point, mult, shift)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    x1, x2, out = inputs[INPUT1], inputs[INPUT2], outputs[OUTPUT]
    a, b = elementwise.operands(x1, x2, out.shape)
    if data.type_name == "FLOAT32":
        with np.errstate(over="ignore", invalid="ignore"):  # IEEE inf/NaN, as in C
            result = quant.sse_nan_first(np.asarray(a * b, np.float32), b, a)  # TFLM's binary: b first
        out[...] = quant.clamp_float(result, data.activation_min, data.activation_max)
        return
    if data.type_name == "INT32":  # WrappingMul: the low 32 bits of the product
        product = quant.wrap_int32(a.astype(np.int64) * b)
        out[...] = np.clip(product, data.activation_min, data.activation_max)
        return
    # TFLM's int32 arithmetic: the product and the sum with the output zero point wrap (only
    # zero points outside the type's range reach that); the offset inputs wrap with the product
    product = quant.wrap_int32((a.astype(np.int64) + data.input1_offset) * (b.astype(np.int64) + data.input2_offset))
    raw = quant.multiply_by_quantized_multiplier(product, data.output_multiplier, data.output_shift)
    out[...] = np.clip(quant.wrap_int32(raw + data.output_offset), data.activation_min, data.activation_max)


def bind(node: Node, data: OpData, inputs: Sequence[np.ndarray | None],
         outputs: Sequence[np.ndarray]) -> Callable[[], None]:
    """int32: one int32 ``np.multiply`` (the low 32 bits, TFLM's WrappingMul) and the clamp
    (``elementwise.bind_integer``). float32 by a constant without NaN, no activation (the
    audio front end's scale): ``a * b`` in that order (IEEE products; a NaN operand is
    ``a``'s, and with no NaN in ``b`` no pair of NaNs needs ``sse_nan_first``), then the
    clamp to +-FLT_MAX, which only moves infinities (no signed-zero tie with these
    bounds, and numpy's minimum/maximum return a NaN operand as it is). Every other case
    keeps ``invoke``."""
    x1, x2, out = inputs[INPUT1], inputs[INPUT2], outputs[OUTPUT]
    run = None
    if data.type_name == "INT32":
        run = elementwise.bind_integer(np.multiply, x1, x2, out, int(data.activation_min), int(data.activation_max))
    elif data.type_name == "FLOAT32" and _float_bindable(node, data, x1, x2, out):
        top = np.float32(data.activation_max)
        p = functools.partial
        calls = (p(np.multiply, x1, x2, out=out), p(np.minimum, out, top, out=out), p(np.maximum, out, -top, out=out))

        def run() -> None:
            for call in calls:
                call()

    return run if run is not None else functools.partial(invoke, node, data, inputs, outputs)


def _float_bindable(node: Node, data: OpData, x1: np.ndarray, x2: np.ndarray, out: np.ndarray) -> bool:
    """float32 MUL that ``bind`` computes in three calls: an operand constant without NaN,
    the activation range +-FLT_MAX (NONE), numpy broadcasting to exactly the output."""
    top = float(np.finfo(np.float32).max)
    constant = [node.input(k).data for k in (INPUT1, INPUT2) if node.input(k).data is not None]
    if not constant or any(np.isnan(np.asarray(c, np.float32)).any() for c in constant):
        return False
    if (data.activation_min, data.activation_max) != (-top, top):
        return False
    try:
        return np.broadcast_shapes(x1.shape, x2.shape) == out.shape
    except ValueError:
        return False


MEMORY = KernelMemory(tflm_params="TfLiteMulParams", tflm_op_data="OpDataMul", c_op_data=c_struct(w=28, b=1))
REGISTRATION = Registration("MUL", prepare, invoke, memory=MEMORY, bind=bind)
