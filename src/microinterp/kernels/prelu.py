"""PRELU (TFLM: kernels/prelu.cc + prelu_common.cc, reference/prelu.h;
C twin: firmware/src/kernels/mi_prelu.c).

``x >= 0 ? x : x * alpha``, with alpha broadcast numpy-style against x.

* float32: ``BroadcastPrelu4DSlowFloat`` -- the comparison keeps -0.0 and
  sends NaN to the product; shapes of at most 4 dimensions (TFLM extends them
  to 4-D and has no other path).
* int8 (alpha int8) and int16 (alpha *int8*, as TFLM requires): with
  ``v = x - zp_in``, ``v >= 0`` gives ``MultiplyByQuantizedMultiplier(v, m1)``
  with ``m1 = s_in / s_out``, otherwise
  ``MultiplyByQuantizedMultiplier(v * (alpha - zp_alpha), m2)`` with
  ``m2 = s_in * s_alpha / s_out``; plus ``zp_out``, clamped to the type's
  range. Both multipliers come from double arithmetic on the float32 scales.
  Every step is TFLM's int32 arithmetic: with zero points outside the type's
  range (hostile models) ``x - zp_in``, the product with ``alpha - zp_alpha``
  and the sum with ``zp_out`` wrap, and the sign test sees the wrapped value,
  as the x86-64 oracle computes them (checked against it with zero points
  across int32).
  TFLM always takes the broadcasting loop (``BroadcastBinaryOpSimple``), so
  the output must have exactly the broadcast shape (at most 6 dimensions).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .. import quant
from ..context import Node, Registration
from ..memory.declaration import KernelMemory, c_struct
from . import elementwise

INPUT, ALPHA, OUTPUT = 0, 1, 0
MAX_FLOAT_RANK = 4


@dataclass(frozen=True)
class OpData:
    type_name: str
    input_offset: int = 0
    alpha_offset: int = 0
    output_offset: int = 0
    multiplier_1: int = 0
    shift_1: int = 0
    multiplier_2: int = 0
    shift_2: int = 0


def prepare(node: Node) -> OpData:
    x, alpha, out = node.input(INPUT), node.input(ALPHA), node.output(OUTPUT)
    if x.type_name != out.type_name:
        raise node.fail(f"input {x.type_name} and output {out.type_name} must have the same type")
    if x.type_name not in ("FLOAT32", "INT8", "INT16"):
        raise node.unsupported(f"type {x.type_name} is not supported (float32, int8, int16)")
    want_alpha = "FLOAT32" if x.type_name == "FLOAT32" else "INT8"
    if alpha.type_name != want_alpha:
        raise node.unsupported(f"{x.type_name.lower()} PRELU needs a {want_alpha.lower()} alpha, "
                               f"got {alpha.type_name.lower()}")
    max_rank = MAX_FLOAT_RANK if x.type_name == "FLOAT32" else elementwise.MAX_BROADCAST_RANK
    if max(len(x.shape), len(alpha.shape), len(out.shape)) > max_rank:
        raise node.unsupported(f"{x.type_name.lower()} PRELU supports at most {max_rank} dimensions")
    try:
        expected = np.broadcast_shapes(tuple(x.shape), tuple(alpha.shape))
    except ValueError:
        raise node.fail(f"alpha {list(alpha.shape)} does not broadcast against the input {list(x.shape)}") from None
    if tuple(out.shape) != tuple(expected):
        raise node.fail(f"output {list(out.shape)} must have the broadcast shape {list(expected)}")
    if x.type_name == "FLOAT32":
        return OpData("FLOAT32")
    if any(t.quant is None for t in (x, alpha, out)):
        raise node.unsupported("quantized PRELU needs quantized input, alpha and output")
    s_in, s_alpha, s_out = (float(np.float32(t.scale)) for t in (x, alpha, out))
    try:
        m1, sh1 = quant.quantize_multiplier(s_in / s_out)
        m2, sh2 = quant.quantize_multiplier(s_in * s_alpha / s_out)
    except ValueError as e:
        raise node.unsupported(str(e)) from None
    return OpData(x.type_name, -x.zero_point, -alpha.zero_point, out.zero_point, m1, sh1, m2, sh2)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    x, alpha, out = inputs[INPUT], inputs[ALPHA], outputs[OUTPUT]
    if data.type_name == "FLOAT32":
        a, w = np.broadcast_arrays(x, alpha)
        with np.errstate(over="ignore", under="ignore", invalid="ignore"):
            out[...] = np.where(a >= np.float32(0.0), a, a * w)
        return
    # TFLM's int32 arithmetic: the offset input, its product with the offset alpha and the
    # sum with the output zero point wrap (only zero points outside the type's range reach that)
    v = quant.wrap_int32(x.astype(np.int64) + data.input_offset)
    w = quant.wrap_int32(alpha.astype(np.int64) + data.alpha_offset)
    v, w = np.broadcast_arrays(v, w)
    positive = quant.multiply_by_quantized_multiplier(v, data.multiplier_1, data.shift_1)
    negative = quant.multiply_by_quantized_multiplier(quant.wrap_int32(v * w), data.multiplier_2, data.shift_2)
    raw = quant.wrap_int32(np.where(v >= 0, positive, negative) + data.output_offset)
    qmin, qmax = quant.dtype_range(out.dtype)
    out[...] = np.clip(raw, qmin, qmax)


#: TFLM's side is not modelled (sizes of models with PRELU stay approximate); the C twin's op data is
MEMORY = KernelMemory(c_op_data=c_struct(w=25, b=1), modelled=False)
REGISTRATION = Registration("PRELU", prepare, invoke, memory=MEMORY)
