"""LOGISTIC (TFLM: kernels/logistic.cc + logistic_common.cc; C twin: firmware/src/kernels/mi_logistic.c).

Three TFLM paths, reproduced exactly:

* float32: ``reference_ops::Logistic`` -- not a plain ``1/(1+exp(-x))``: inputs
  above 16.619047f give exactly 1.0f, inputs below -9 give ``expf(x)``, the rest
  ``1.f / (1.f + expf(-x))``, with the C library's ``expf`` (see ``quant.libm_expf``).
* int8: the input is rescaled to Q4.27 with a multiplier built from ``frexp`` (not
  ``QuantizeMultiplier``), inputs beyond the "input radius" saturate, the rest go
  through gemmlowp's fixed-point logistic; the output must have zero point -128
  (TFLM enforces it) and its scale is *assumed* to be 1/256 (never read).
* int16: the table-interpolated sigmoid of ``reference_integer_ops::Logistic``
  with symmetric input/output and an output scale of exactly 2^-15.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .. import quant
from ..context import Node, Registration

INPUT, OUTPUT = 0, 0

# float cut-offs of reference_ops::Logistic
_CUTOFF_UPPER = np.float32(16.619047164916992188)
_CUTOFF_LOWER = np.float32(-9.0)


@dataclass(frozen=True)
class OpData:
    dtype: str
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


def check_int16_output_scale(node: Node, scale: float) -> None:
    pot, log2_rounded = quant.checked_log2(scale)
    if not pot or log2_rounded != -15:
        raise node.fail(f"int16 output scale must be 2^-15 (got {scale})")


def prepare(node: Node) -> OpData:
    src, dst = node.input(INPUT), node.output(OUTPUT)
    if src.type_name != dst.type_name:
        raise node.fail(f"input {src.type_name} and output {dst.type_name} must have the same type")
    if src.type_name == "FLOAT32":
        return OpData("float32")
    if src.type_name == "INT8":
        if dst.zero_point != -128:
            raise node.fail(f"int8 output zero point must be -128 (got {dst.zero_point})")
        mult, shift, radius = int8_input_rescale(src.scale, 4)
        return OpData("int8", src.zero_point, radius, mult, shift)
    if src.type_name == "INT16":
        if src.zero_point != 0 or dst.zero_point != 0:
            raise node.fail("int16 input and output must be symmetric (zero point 0)")
        mult, shift = int16_lut_params(src.scale, (0,))
        check_int16_output_scale(node, dst.scale)
        return OpData("int16", 0, 0, mult, shift)
    raise node.unsupported(f"input {src.type_name} is not supported (float32, int8, int16)")


def logistic_float(x: np.ndarray) -> np.ndarray:
    """``reference_ops::Logistic`` on float32 (also used by the float LSTM)."""
    x = np.asarray(x, np.float32)
    out = np.ones(x.shape, np.float32)
    low = x < _CUTOFF_LOWER
    mid = ~low & ~(x > _CUTOFF_UPPER)
    if low.any():
        out[low] = quant.libm_expf(x[low])
    if mid.any():
        out[mid] = np.float32(1.0) / (np.float32(1.0) + quant.libm_expf(-x[mid]))
    return out


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    x, out = inputs[INPUT], outputs[OUTPUT]
    if data.dtype == "float32":
        out[...] = logistic_float(x)
        return
    if data.dtype == "int16":
        out[...] = quant.lut_logistic_int16(x, data.input_multiplier, data.input_left_shift)
        return
    v = x.astype(np.int64) - data.input_zero_point
    q4 = quant.multiply_by_quantized_multiplier(v, data.input_multiplier, data.input_left_shift)
    q0 = quant.gemmlowp_logistic(q4, 4)
    y = np.clip(quant.rounding_divide_by_pot(q0, 31 - 8) - 128, -128, 127)
    y = np.where(v <= -data.input_range_radius, -128, np.where(v >= data.input_range_radius, 127, y))
    out[...] = y.astype(np.int8)


REGISTRATION = Registration("LOGISTIC", prepare, invoke)
