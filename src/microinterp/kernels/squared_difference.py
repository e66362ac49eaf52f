"""SQUARED_DIFFERENCE (TFLM: kernels/squared_difference.cc;
C twin: firmware/src/kernels/mi_squared_difference.c).

``(x - y)**2`` element-wise with numpy broadcasting, no fused activation.

* float32: one float32 subtraction and one float32 product.
* int32: the same in C int32 arithmetic (both steps wrap).
* int8 / int16: both inputs are offset, shifted left by ``left_shift`` (7 for
  int8, whose zero points TFLM requires in the type's range, 0 for int16,
  whose zero points must be 0), scaled by
  ``s_i / (2 * max(s1, s2))`` (``MultiplyByQuantizedMultiplierSmallerThanOneExp``),
  subtracted and squared in int32, then rescaled by
  ``(2 * max)**2 / (2**(2 * left_shift) * s_out)`` with the plain
  ``MultiplyByQuantizedMultiplier`` (this one may exceed 1), plus ``zp_out``,
  clamped to the type's range. All multipliers come from double arithmetic on
  the float32 scales (``2**(2 * left_shift) * s_out`` is an exact float32
  product). An input scale that is not finite and positive is refused (TFLM
  CHECK-aborts unless both input multipliers lie in (0, 1)), and so is a zero
  output scale (``elementwise.nonzero_output_scale``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .. import quant
from ..context import Node, Registration
from ..memory.declaration import KernelMemory, c_struct
from . import elementwise

#: the largest finite float32 (a scale above it is infinite)
FLOAT32_MAX = float(np.finfo(np.float32).max)

INPUT1, INPUT2, OUTPUT = 0, 1, 0
TYPES = ("FLOAT32", "INT32", "INT8", "INT16")
LEFT_SHIFT = {"INT8": 7, "INT16": 0}


@dataclass(frozen=True)
class OpData:
    type_name: str
    left_shift: int = 0
    input1_offset: int = 0
    input1_multiplier: int = 0
    input1_shift: int = 0
    input2_offset: int = 0
    input2_multiplier: int = 0
    input2_shift: int = 0
    output_offset: int = 0
    output_multiplier: int = 0
    output_shift: int = 0


def prepare(node: Node) -> OpData:
    a, b, out, type_name = elementwise.tensors_of(node)
    elementwise.require_type(node, type_name, TYPES)
    elementwise.check_shapes(node, a, b, out)
    if type_name in ("FLOAT32", "INT32"):
        return OpData(type_name)
    if any(t.quant is None for t in (a, b, out)):
        raise node.unsupported(f"{type_name.lower()} SQUARED_DIFFERENCE needs quantized tensors")
    if type_name == "INT16" and any(t.zero_point != 0 for t in (a, b, out)):
        raise node.fail("int16 inputs and output must have zero point 0")
    if type_name == "INT8" and any(not -128 <= t.zero_point <= 127 for t in (a, b, out)):
        raise node.fail("int8 inputs and output need zero points in [-128, 127] (TFLM's prepare checks them)")
    left_shift = LEFT_SHIFT[type_name]
    s1, s2, so = (float(np.float32(t.scale)) for t in (a, b, out))
    if not (0.0 < s1 <= FLOAT32_MAX and 0.0 < s2 <= FLOAT32_MAX):  # measured for 0: the oracle process aborts
        raise node.unsupported(f"input scales {s1!r} and {s2!r}: TFLM's QuantizeMultiplierSmallerThanOneExp "
                               "aborts on the zero input multiplier, as on any outside (0, 1) (scales must be finite "
                               "and positive)")
    elementwise.nonzero_output_scale(node, out)
    twice_max = 2.0 * max(s1, s2)
    m1, sh1 = quant.quantize_multiplier(s1 / twice_max)  # in (0, 1/2]: SmallerThanOneExp's CHECKs hold
    m2, sh2 = quant.quantize_multiplier(s2 / twice_max)
    scaled_out = float(np.float32((1 << (2 * left_shift)) * np.float32(so)))
    try:
        mo, sho = quant.quantize_multiplier(twice_max * twice_max / scaled_out)
    except ValueError as e:
        raise node.unsupported(str(e)) from None
    return OpData(type_name, left_shift, -a.zero_point, m1, sh1, -b.zero_point, m2, sh2, out.zero_point, mo, sho)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    x1, x2, out = inputs[INPUT1], inputs[INPUT2], outputs[OUTPUT]
    if data.type_name == "FLOAT32":
        a, b = elementwise.operands(x1, x2, out.shape)
        with np.errstate(over="ignore", invalid="ignore"):
            diff = a - b
            out[...] = diff * diff
        return
    if data.type_name == "INT32":
        a, b = elementwise.operands(x1, x2, out.shape)
        diff = quant.wrap_int32(a.astype(np.int64) - b)
        out[...] = quant.wrap_int32(diff * diff)
        return
    scaled1 = elementwise.rescale_input(x1, data.input1_offset, data.left_shift, data.input1_multiplier,
                                        data.input1_shift)
    scaled2 = elementwise.rescale_input(x2, data.input2_offset, data.left_shift, data.input2_multiplier,
                                        data.input2_shift)
    a, b = elementwise.operands(scaled1, scaled2, out.shape)
    diff = a - b
    raw = quant.multiply_by_quantized_multiplier(quant.wrap_int32(diff * diff), data.output_multiplier,
                                                 data.output_shift) + data.output_offset
    qmin, qmax = quant.dtype_range(out.dtype)
    out[...] = np.clip(raw, qmin, qmax)


MEMORY = KernelMemory(c_op_data=c_struct(w=elementwise.C_BROADCAST_WORDS + 12, b=1), modelled=False)
REGISTRATION = Registration("SQUARED_DIFFERENCE", prepare, invoke, memory=MEMORY)
