"""DIV (TFLM: kernels/div.cc; C twin: firmware/src/kernels/mi_div.c).

TFLM micro divides float32 (IEEE division, then the activation clamp), int32
(C division, truncating toward zero, then the integer activation clamp) and
int8. The int8 path never divides: per element it negates both operands if
the divisor is negative, takes the divisor's fixed-point reciprocal
(``GetReciprocal``), normalises the dividend by its leading sign bits,
multiplies (``MultiplyByQuantizedMultiplierGreaterThanOne``) and rescales by
``s1 / (s2 * s_out)`` (double from the float32 scales, as the oracle build
computes it) with the shift reduced by the reciprocal's and the dividend's
exponents.

A zero dividend (31 leading sign bits), or a negative one that is minus a
power of two, takes TFLM's rounding shift to 32 bits or more, outside
gemmlowp's contract; the x86-64 oracle then rounds 0 up to 1 and leaves a
shift of exactly 32 undone, so the result lands near INT32_MIN and wraps
when the zero point is added (``quant.rounding_divide_by_pot`` and an
int32 wrap): reproduced, every int8 pair is tested.
A zero divisor is undefined in TFLM (int32: SIGFPE; int8: garbage from
``CountLeadingZeros(0)``). Here int32 x/0 gives 0 and the int8 result is
whatever the same fixed-point steps yield; neither crashes.

An int8 model whose input 2 or output has scale 0 (or no quantization) is
refused in prepare (``KernelError``), as the C twin refuses it: ``s1 / (s2 *
s_out)`` is then infinite. TFLM has no such check: its ``QuantizeMultiplier``
converts the infinite mantissa to int64 (undefined behaviour; measured on the
x86-64 oracle: outputs at or next to the output zero point), so there is no
defined TFLM result to be exact with.
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
TYPES = ("FLOAT32", "INT32", "INT8")


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
    if type_name == "INT32" and (a.quant is not None or b.quant is not None):
        raise node.unsupported("int32 DIV supports only unquantized inputs (as TFLM)")
    lo, hi = elementwise.activation_range(type_name, elementwise.activation_of(node), out)
    if type_name in ("FLOAT32", "INT32"):
        return OpData(type_name, lo, hi)
    denominator = float(b.scale) * float(out.scale)  # double, from the float32 scales
    if denominator == 0.0:
        raise node.fail(f"int8 DIV needs non-zero input 2 and output scales, got {float(b.scale)!r} and "
                        f"{float(out.scale)!r} (the rescaling s1 / (s2 * s_out) would be infinite)")
    mult, shift = quant.quantize_multiplier(float(a.scale) / denominator)
    return OpData(type_name, lo, hi, -a.zero_point, -b.zero_point, out.zero_point, mult, shift)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    x1, x2, out = inputs[INPUT1], inputs[INPUT2], outputs[OUTPUT]
    a, b = elementwise.operands(x1, x2, out.shape)
    if data.type_name == "FLOAT32":
        with np.errstate(divide="ignore", invalid="ignore"):
            q = quant.sse_nan_first(np.asarray(a / b, np.float32), a, b)
        out[...] = quant.clamp_float(q, data.activation_min, data.activation_max)
        return
    if data.type_name == "INT32":
        n, d = a.astype(np.int64), b.astype(np.int64)
        safe = np.where(d == 0, 1, d)
        q = np.where(d == 0, 0, np.abs(n) // np.abs(safe) * np.sign(n) * np.sign(safe))  # C truncation
        out[...] = np.clip(quant.wrap_int32(q), data.activation_min, data.activation_max)
        return
    v1 = a.astype(np.int64) + data.input1_offset
    v2 = b.astype(np.int64) + data.input2_offset
    negative = v2 < 0
    v1, v2 = np.where(negative, -v1, v1), np.where(negative, -v2, v2)
    reciprocal, recip_shift = quant.get_reciprocal(v2, 31)
    headroom = quant.count_leading_sign_bits_i32(v1)
    unscaled = quant.multiply_by_quantized_multiplier_greater_than_one(v1, reciprocal, headroom)
    # MultiplyByQuantizedMultiplierSmallerThanOneExp with TFLM's exponents, which exceed 31
    # for a zero dividend; total_shift > 0 would need a multiplier above 2**22 (a
    # negative-shift UB in TFLM) and is clamped here.
    exponent = np.maximum(recip_shift + headroom - data.output_shift, 0)
    high = quant.saturating_rounding_doubling_high_mul(unscaled, data.output_multiplier)
    raw = quant.rounding_divide_by_pot(high, exponent)
    # int32 addition: with an exponent of 32 the x86 shift is a no-op and raw can be near
    # INT32_MIN, so adding the zero point wraps in TFLM (e.g. -0.5 saturating to +127)
    out[...] = np.clip(quant.wrap_int32(raw + data.output_offset), data.activation_min, data.activation_max)


def bind(node: Node, data: OpData, inputs: Sequence[np.ndarray | None],
         outputs: Sequence[np.ndarray]) -> Callable[[], None]:
    """int32 by a constant divisor without 0 or -1 (the audio front end's scalar): the
    quotient in float64, truncated, stored -- 3 calls. Exact: for |n|, |d| <= 2**31 the
    correctly rounded n / d is within |n / d| * 2**-53 of the true quotient, less than
    its distance 1 / |d| to the next integer when it is not one, so truncating it is C's
    truncating division; without -1 the quotient fits int32. Then the activation clamp.
    Everything else keeps ``invoke``."""
    x1, x2, out = inputs[INPUT1], inputs[INPUT2], outputs[OUTPUT]
    divisor = node.input(INPUT2).data
    if (data.type_name != "INT32" or divisor is None or np.any(np.asarray(divisor) == 0)
            or np.any(np.asarray(divisor) == -1) or x1.dtype != np.int32 or x2.dtype != np.int32):
        return functools.partial(invoke, node, data, inputs, outputs)
    try:
        if np.broadcast_shapes(x1.shape, x2.shape) != out.shape:
            return functools.partial(invoke, node, data, inputs, outputs)
    except ValueError:
        return functools.partial(invoke, node, data, inputs, outputs)
    quotient = np.empty(out.shape, np.float64)
    d = np.asarray(divisor, np.float64).reshape(x2.shape)
    p = functools.partial
    calls = [p(np.divide, x1, d, quotient), p(np.trunc, quotient, quotient)]
    if data.activation_max < quant.INT32_MAX:
        calls.append(p(np.minimum, quotient, float(data.activation_max), out=quotient))
    if data.activation_min > quant.INT32_MIN:
        calls.append(p(np.maximum, quotient, float(data.activation_min), out=quotient))
    calls.append(p(np.copyto, out, quotient, casting="unsafe"))
    calls_t = tuple(calls)

    def run() -> None:
        for call in calls_t:
            call()

    return run


MEMORY = KernelMemory(tflm_params="TfLiteDivParams", tflm_op_data="OpDataDiv", c_op_data=c_struct(w=elementwise.C_BROADCAST_WORDS + 9, b=1))
REGISTRATION = Registration("DIV", prepare, invoke, memory=MEMORY, bind=bind)
