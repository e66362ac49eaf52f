"""The prepare step and the int8 path shared by LOGISTIC (the sigmoid) and TANH.
Not a kernel: no registration. C twin: firmware/src/kernels/mi_sigmoid_tanh.c.

TFLM counterparts: ``CalculateArithmeticOpDataLogistic`` (logistic_common.cc)
and ``CalculateArithmeticOpData`` (tanh.cc), which set up the same input
rescaling, and the int8 ``reference_integer_ops::Logistic`` / ``Tanh`` loops:

* int8: the input (minus its zero point) is rescaled to Q4.27 with a
  multiplier built from ``frexp`` (not ``QuantizeMultiplier``); inputs at or
  beyond the "input radius" saturate to -128 / 127, the rest go through the
  gemmlowp fixed-point function and a rounding shift to the int8 output.
* int16: symmetric input and output, an output scale of exactly 2^-15, and a
  15-bit input multiplier for the table-interpolated functions in ``quant``
  (or none for the power-of-two input scales each op accepts).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .. import quant
from ..context import Node
from ..model import Tensor

#: integer bits of the fixed-point input both ops feed to gemmlowp (Q4.27)
INPUT_INTEGER_BITS = 4


@dataclass(frozen=True)
class OpData:
    dtype: str  # "float32", "int8" or "int16"
    input_zero_point: int = 0
    input_range_radius: int = 0
    input_multiplier: int = 0
    input_left_shift: int = 0


def int8_input_rescale(scale: float, integer_bits: int) -> tuple[int, int, int]:
    """(multiplier, left_shift, radius) exactly as TFLM's int8 LOGISTIC/TANH prepare:
    ``frexp(scale * 2^(31 - integer_bits))`` and ``TfLiteRound(q * 2^31)``."""
    real = float(np.float32(scale)) * float(1 << (31 - integer_bits))
    q, shift = math.frexp(real)
    multiplier = quant.round_half_away(q * float(1 << 31))
    return multiplier, shift, quant.calculate_input_radius(integer_bits, shift, 31)


def int16_lut_params(scale: float, pot_shifts: tuple[int, ...]) -> tuple[int, int]:
    """(input_multiplier, input_left_shift) of TFLM's int16 LOGISTIC/TANH prepare.

    A power-of-two input scale whose shift is in ``pot_shifts`` keeps multiplier 0
    (the LUT then uses ``3 << shift``); any other scale gets a 15-bit multiplier
    that rescales the input to 1/(3*4096), doubled until it exceeds 32767/2.
    """
    pot, log2_rounded = quant.checked_log2(scale)
    left_shift = (15 - 3) + log2_rounded
    if pot and left_shift in pot_shifts:
        return 0, left_shift
    multiplier = float(np.float32(scale)) * 4096.0 * 3.0
    left_shift = 0
    while multiplier <= 32767.0 / 2.0 and left_shift <= 30:
        left_shift += 1
        multiplier *= 2.0
    return int(multiplier), left_shift


def prepare(node: Node, src: Tensor, dst: Tensor, *, int8_output_zero_point: int | None,
            int16_pot_shifts: tuple[int, ...]) -> OpData:
    """Validate the types and set up the rescaling. ``int8_output_zero_point`` is the
    zero point TFLM enforces on an int8 output (None: not checked, as for TANH);
    ``int16_pot_shifts`` the power-of-two input shifts that skip the multiplier."""
    if src.type_name != dst.type_name:
        raise node.fail(f"input {src.type_name} and output {dst.type_name} must have the same type")
    if src.size != dst.size:  # TFLM: MatchingFlatSize (the shapes may differ; invoke runs on the flat data)
        raise node.fail(f"input {list(src.shape)} and output {list(dst.shape)} differ in element count")
    if src.type_name == "FLOAT32":
        return OpData("float32")
    if src.type_name == "INT8":
        if int8_output_zero_point is not None and dst.zero_point != int8_output_zero_point:
            raise node.fail(f"int8 output zero point must be {int8_output_zero_point} (got {dst.zero_point})")
        mult, shift, radius = int8_input_rescale(src.scale, INPUT_INTEGER_BITS)
        return OpData("int8", src.zero_point, radius, mult, shift)
    if src.type_name == "INT16":
        if src.zero_point != 0 or dst.zero_point != 0:
            raise node.fail("int16 input and output must be symmetric (zero point 0)")
        mult, shift = int16_lut_params(src.scale, int16_pot_shifts)
        if mult > quant.INT32_MAX:
            # TFLM's static_cast<int32_t> of this multiplier is undefined behaviour
            raise node.unsupported(f"int16 input scale {src.scale} is too large (input multiplier {mult} >= 2^31)")
        pot, log2_rounded = quant.checked_log2(dst.scale)
        if not pot or log2_rounded != -15:
            raise node.fail(f"int16 output scale must be 2^-15 (got {dst.scale})")
        return OpData("int16", 0, 0, mult, shift)
    raise node.unsupported(f"input {src.type_name} is not supported (float32, int8, int16)")


def int8_invoke(x: np.ndarray, data: OpData, function: Callable[[np.ndarray, int], np.ndarray],
                output_fraction_bits: int, output_zero_point: int) -> np.ndarray:
    """The int8 path: Q4.27 input, gemmlowp ``function`` (Q0.31 out), a rounding
    shift to ``output_fraction_bits`` plus ``output_zero_point`` (TFLM assumes the
    output quantization, never reads it), saturation outside the input radius."""
    v = x.astype(np.int64) - data.input_zero_point
    q4 = quant.multiply_by_quantized_multiplier(v, data.input_multiplier, data.input_left_shift)
    q0 = function(q4, INPUT_INTEGER_BITS)
    y = np.clip(quant.rounding_divide_by_pot(q0, 31 - output_fraction_bits) + output_zero_point, -128, 127)
    y = np.where(v <= -data.input_range_radius, -128, np.where(v >= data.input_range_radius, 127, y))
    return y.astype(np.int8)
