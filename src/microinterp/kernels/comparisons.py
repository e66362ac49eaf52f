"""Shared pieces of TFLM's comparison kernels (EQUAL, NOT_EQUAL, GREATER,
GREATER_EQUAL, LESS, LESS_EQUAL; TFLM: kernels/comparisons.cc and
reference/comparisons.h). Not a kernel: no registration. C twin: firmware/src/kernels/mi_comparisons.c + .h.

The output is bool. float32, int32 and int64 (and bool for EQUAL/NOT_EQUAL)
are compared as they are, with numpy broadcasting (TFLM's
``BroadcastBinaryOpSimple`` when the input shapes differ).

int8 is compared *after rescaling*, and not to a common scale: each input
becomes ``MultiplyByQuantizedMultiplierSmallerThanOneExp((x - zp) << 8, m, s)``
with ``(m, s)`` quantized from that input's *own* scale (which must therefore
be below 1: TFLM's CHECK aborts otherwise, and an unquantized int8 input has
scale 0, which aborts as well -- both refused here). So two int8 values compare
as their real values rounded to a grid of about 2**8 steps per unit, which can
make nearby but different values equal.

TFLM's GREATER also has an int16 case, but prepare fills the rescale
parameters only for int8, so it reads never-initialised ones; refused.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .. import quant
from ..context import Node
from ..memory.declaration import OpMemory, c_struct, temps
from . import elementwise

INPUT1, INPUT2, OUTPUT = 0, 1, 0
LEFT_SHIFT = 8  # kLeftShift of ComparisonsPrepare

ORDERED_TYPES = ("FLOAT32", "INT32", "INT64", "INT8")
EQUALITY_TYPES = ("BOOL",) + ORDERED_TYPES


@dataclass(frozen=True)
class OpData:
    type_name: str
    input1_offset: int = 0
    input1_multiplier: int = 0
    input1_shift: int = 0
    input2_offset: int = 0
    input2_multiplier: int = 0
    input2_shift: int = 0


def _own_scale_multiplier(node: Node, scale: float, which: str) -> tuple[int, int]:
    """``QuantizeMultiplierSmallerThanOneExp(double(scale))``; its CHECKs abort TFLM."""
    real = float(np.float32(scale))
    if not 0.0 < real < 1.0:
        raise node.unsupported(f"int8 {which} scale {real!r} is outside (0, 1); TFLM aborts on it")
    return quant.quantize_multiplier(real)


def prepare(node: Node, types: tuple[str, ...]) -> OpData:
    a, b, out = node.input(INPUT1), node.input(INPUT2), node.output(OUTPUT)
    if a.type_name != b.type_name:
        raise node.fail(f"inputs must share one type, got {a.type_name} and {b.type_name}")
    if a.type_name not in types:
        raise node.unsupported(f"type {a.type_name} is not supported ({', '.join(t.lower() for t in types)})")
    if out.type_name != "BOOL":
        raise node.fail(f"output must be bool, got {out.type_name}")
    elementwise.check_shapes(node, a, b, out)
    if a.type_name != "INT8":
        return OpData(a.type_name)
    if a.quant is None or b.quant is None:
        raise node.unsupported("int8 inputs need quantization (TFLM aborts on a zero scale)")
    m1, s1 = _own_scale_multiplier(node, a.scale, "input 1")
    m2, s2 = _own_scale_multiplier(node, b.scale, "input 2")
    return OpData("INT8", -a.zero_point, m1, s1, -b.zero_point, m2, s2)


def _rescale(x: np.ndarray, offset: int, multiplier: int, shift: int) -> np.ndarray:
    shifted = (x.astype(np.int64) + offset) << LEFT_SHIFT
    return quant.multiply_by_quantized_multiplier_smaller_than_one_exp(shifted, multiplier, shift)


def invoke(data: OpData, inputs: Sequence[np.ndarray | None], out: np.ndarray,
           compare: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> None:
    x1, x2 = inputs[INPUT1], inputs[INPUT2]
    if data.type_name == "INT8":
        x1 = _rescale(x1, data.input1_offset, data.input1_multiplier, data.input1_shift)
        x2 = _rescale(x2, data.input2_offset, data.input2_multiplier, data.input2_shift)
    a, b = elementwise.operands(x1, x2, out.shape)
    out[...] = compare(a, b)



#: the C twin's op data (mi_comparisons.h mi_comparisons_op_data_t): the broadcast walk
#: (mi_broadcast_t), six rescale words and the type byte
#: TFLM's comparison OpData (comparisons.cc): one ``ComparisonParams`` (7 ints and a bool)
TFLM_OP_DATA = "OpDataComparison"


def memory(node: Node, pointer_bytes: int) -> OpMemory:
    """ComparisonsPrepare takes temporaries of the two inputs only, not the output (comparisons.cc)."""
    return OpMemory(tflm_prepare=temps(node, (0, 1)))


C_OP_DATA = c_struct(w=elementwise.C_BROADCAST_WORDS + 6, b=1)
