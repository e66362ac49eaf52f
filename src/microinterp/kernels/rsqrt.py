"""RSQRT (TFLM: kernels/elementwise.cc, ``RsqrtEval``/``RsqrtEvalQuantized``;
C twin: firmware/src/kernels/mi_rsqrt.c).

* float32: ``1.f / std::sqrt(f)`` (both correctly rounded in IEEE arithmetic).
* int8 and int16 (quantized; int16 with zero points 0): ``v = x - zp_in`` must
  be >= 0 -- TFLM fails the invoke otherwise ("Rsqrt is only defined for
  positive values"), and so does this kernel. ``v == 0`` gives the type's
  maximum; otherwise ``GetInvSqrtQuantizedMultiplierExp(v)`` gives 1/sqrt(v) as
  a multiplier, applied to 1 with an extra left shift of 20, then rescaled by
  ``1 / (sqrt(s_in) * s_out)`` with the shift lowered by 20, plus ``zp_out``,
  clamped. There are at most 2**16 distinct inputs, so prepare tabulates the
  result per input value and invoke is one lookup.

The tflite-micro wheel (our oracle) accepts int16 although the mirrored source
lists only float32 and int8 as supported; the int16 arithmetic is the template
the source already instantiates. An int16 tensor *without* quantization passes
TFLM's prepare but then reads never-initialised rescale parameters: refused here.

Measured quirk: the mirrored source computes ``sqrt(s_in) * s_out`` in float32
(``std::sqrt`` of a float) before dividing 1 by it in double, but the oracle
matches the whole ``1 / (sqrt(s_in) * s_out)`` in double: over 20 int16 scale
pairs where the two recipes give different multipliers, each run over all
32768 non-negative inputs, the float32 recipe differed from TFLM in all 20 and
the double recipe in none. The oracle wins.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .. import quant
from ..context import Node, Registration
from ..memory.declaration import KernelMemory, c_struct
from . import unary

INPUT, OUTPUT = 0, 0
K_SHIFT = 20  # TFLM's kShift: keeps the intermediate 1/sqrt(v) an integer


@dataclass(frozen=True)
class OpData:
    type_name: str
    input_zero_point: int = 0
    table: np.ndarray | None = None  # result for v = x - zp_in, v = 0 .. qmax - zp_in


def output_multiplier(input_scale: float, output_scale: float) -> tuple[int, int]:
    """``QuantizeMultiplier(1 / (sqrt(s_in) * s_out))``, all in double (see the docstring)."""
    real = 1.0 / (math.sqrt(float(np.float32(input_scale))) * float(np.float32(output_scale)))
    return quant.quantize_multiplier(real)


def prepare(node: Node) -> OpData:
    type_name = unary.check_same_type(node, ("FLOAT32", "INT8", "INT16"))
    if type_name == "FLOAT32":
        return OpData(type_name)
    src, dst = node.input(INPUT), node.output(OUTPUT)
    if src.quant is None or dst.quant is None:
        if type_name == "INT8":
            raise node.fail("int8 RSQRT needs quantized input and output")
        raise node.unsupported("int16 RSQRT without quantization is not supported "
                               "(TFLM reads uninitialised rescale parameters)")
    if type_name == "INT16" and (src.zero_point != 0 or dst.zero_point != 0):
        raise node.fail("int16 input and output must have zero point 0")
    try:
        mult, shift = output_multiplier(src.scale, dst.scale)
    except ValueError as e:
        raise node.unsupported(str(e)) from None
    qmin, qmax = quant.dtype_range(src.dtype)
    v = np.arange(0, qmax - src.zero_point + 1, dtype=np.int64)
    inv_mult, inv_shift = quant.inv_sqrt_quantized_multiplier_exp(v)
    scaled = quant.multiply_by_quantized_multiplier(np.ones_like(v), inv_mult, inv_shift + K_SHIFT)
    raw = quant.multiply_by_quantized_multiplier(scaled, mult, shift - K_SHIFT) + dst.zero_point
    table = np.clip(raw, qmin, qmax)
    table[0] = qmax  # "any value close to 0 represents the max output value"
    return OpData(type_name, src.zero_point, table.astype(src.dtype))


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    x, out = inputs[INPUT].reshape(-1), outputs[OUTPUT].reshape(-1)
    if data.type_name == "FLOAT32":
        with np.errstate(divide="ignore", invalid="ignore"):
            out[...] = np.float32(1.0) / np.sqrt(x)
        return
    v = x.astype(np.int64) - data.input_zero_point
    if v.size and int(v.min()) < 0:
        raise node.fail("RSQRT is only defined for positive values (an input is below the zero point), "
                        "as in TFLM")
    out[...] = data.table[v]


MEMORY = KernelMemory(c_op_data=c_struct(w=7, b=1), modelled=False)
REGISTRATION = Registration("RSQRT", prepare, invoke, memory=MEMORY)
