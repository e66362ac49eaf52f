"""HARD_SWISH (TFLM: kernels/hard_swish.cc + hard_swish_common.cc, reference_ops::HardSwish;
C twin: firmware/src/kernels/mi_hard_swish.c).

float32: ``x * min(6, max(0, x + 3)) / 6`` in float32, in that order.

int8: TFLM's 16-bit fixed-point recipe, step by step in int16 semantics:
the input is moved to a "high-res" scale (x 2^7), multiplied by a Q15 output
multiplier and by a "relu-ish" multiplier (saturating left shifts split in two
around the multiply, or a rounding right shift), mapped to [0, 1], combined with
a *truncating* doubling high mul, and finally right-shifted with gemmlowp's
int16 ``RoundingDivideByPOT``. Quirks kept: the int16 mask of that shift turns
into -1 for shifts >= 16; adding the output zero point wraps in int16 before
the clamp to int8. The multipliers are quantized from double ratios (of the float32
scales) and rounded from Q31 to Q15 by ``DownScaleInt32ToInt16Multiplier``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .. import quant
from ..context import Node, Registration
from ..memory.declaration import KernelMemory, c_struct
from . import unary

INPUT, OUTPUT = 0, 0


@dataclass(frozen=True)
class OpData:
    dtype: str
    input_zero_point: int = 0
    output_zero_point: int = 0
    output_multiplier_fixedpoint_int16: int = 0
    output_multiplier_exponent: int = 0
    reluish_multiplier_fixedpoint_int16: int = 0
    reluish_multiplier_exponent: int = 0


def prepare(node: Node) -> OpData:
    src, dst = node.input(INPUT), node.output(OUTPUT)
    if unary.check_float_or(node, ("INT8",)) == "FLOAT32":
        return OpData("float32")
    hires_input_scale = np.float32(1.0 / 128.0) * np.float32(src.scale)
    reluish_scale = np.float32(3.0) / np.float32(32768.0)
    # the float32 hires scale, then *double* divisions (cvtss2sd + divsd in the oracle wheel)
    out_mult, out_exp = quant.quantize_multiplier(float(hires_input_scale) / float(np.float32(dst.scale)))
    if out_exp > 0:
        raise node.fail(f"output multiplier exponent {out_exp} > 0: input scale too large for the output scale")
    rel_mult, rel_exp = quant.quantize_multiplier(float(hires_input_scale) / float(reluish_scale))
    return OpData("int8", src.zero_point, dst.zero_point,
                  quant.downscale_int32_to_int16_multiplier(out_mult), out_exp,
                  quant.downscale_int32_to_int16_multiplier(rel_mult), rel_exp)


def hard_swish_float(x: np.ndarray) -> np.ndarray:
    t = x + np.float32(3.0)
    relu = np.where(np.float32(0.0) < t, t, np.float32(0.0))  # std::max(0, t)
    relu6 = np.where(relu < np.float32(6.0), relu, np.float32(6.0))  # std::min(6, .)
    return (x * relu6) / np.float32(6.0)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    out = outputs[OUTPUT]
    x = inputs[INPUT].reshape(out.shape)  # same element count (prepare), any shape: TFLM's flat loop
    if data.dtype == "float32":
        out[...] = hard_swish_float(x)
        return
    value = x.astype(np.int64) - data.input_zero_point
    hires = value * 128
    preshift_output = quant.saturating_rounding_doubling_high_mul_int16(
        hires, data.output_multiplier_fixedpoint_int16)
    reluish = hires
    exp = data.reluish_multiplier_exponent
    if exp > 0:
        reluish = quant.saturating_left_shift_int16(reluish, exp - 1)
    reluish = quant.saturating_rounding_doubling_high_mul_int16(reluish, data.reluish_multiplier_fixedpoint_int16)
    if exp > 0:
        reluish = quant.saturating_left_shift_int16(reluish, 1)
    if exp < 0:
        reluish = quant.rounding_divide_by_pot_int16(reluish, -exp)
    reluish = (reluish + (1 << 15)) >> 1
    preshift = quant.saturating_doubling_high_mul_int16(reluish, preshift_output)
    y = quant.rounding_divide_by_pot_int16(preshift, -data.output_multiplier_exponent)
    y = quant.wrap_int16(y + data.output_zero_point)
    out[...] = np.clip(y, -128, 127).astype(np.int8)


MEMORY = KernelMemory(tflm_op_data="HardSwishParams", c_op_data=c_struct(w=7, b=1))
REGISTRATION = Registration("HARD_SWISH", prepare, invoke, memory=MEMORY)
