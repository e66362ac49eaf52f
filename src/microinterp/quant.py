"""The one home of fixed-point arithmetic (C twin: ``firmware/src/mi_quant.c``).

Every kernel rescales through these functions and none writes its own
rounding, so that bit-exactness with TFLM is argued in one place:

* ``quantize_multiplier`` turns a real multiplier into (int32 mantissa, shift)
  exactly as TFLM's ``QuantizeMultiplier`` (``frexp`` + round-half-away).
* ``multiply_by_quantized_multiplier`` is TFLM's default *double rounding*
  ``MultiplyByQuantizedMultiplier`` (gemmlowp's
  ``SaturatingRoundingDoublingHighMul`` then ``RoundingDivideByPOT``);
  tflite-micro never defines ``TFLITE_SINGLE_ROUNDING``.
* ``multiply_by_quantized_multiplier_int64`` is the overload TFLM uses for
  int64 accumulators (16x8 kernels), which reduces the multiplier to 16 bits.

The functions are vectorised: ``x`` may be any integer numpy array and the
multiplier/shift may be scalars or arrays that broadcast against it (per
channel). Values are carried in int64 and every result is in int32 range.
"""

from __future__ import annotations

import math

import numpy as np

INT32_MIN = -(2**31)
INT32_MAX = 2**31 - 1

# TFLM ActivationFunctionType values (schema enum), repeated here so kernels
# need not import the schema package.
ACT_NONE, ACT_RELU, ACT_RELU_N1_TO_1, ACT_RELU6, ACT_TANH, ACT_SIGN_BIT = 0, 1, 2, 3, 4, 5


def round_half_away(x: float) -> int:
    """C's ``std::round``: halves go away from zero (Python's ``round`` goes to even)."""
    return int(math.copysign(math.floor(abs(x) + 0.5), x))


def quantize_multiplier(real_multiplier: float) -> tuple[int, int]:
    """Real multiplier -> (quantized_multiplier, shift) with
    real ~= quantized_multiplier * 2**(shift - 31); TFLM's ``QuantizeMultiplier``."""
    if real_multiplier == 0.0:
        return 0, 0
    q, shift = math.frexp(real_multiplier)
    q_fixed = round_half_away(q * (1 << 31))
    if q_fixed == (1 << 31):
        q_fixed //= 2
        shift += 1
    if shift < -31:
        return 0, 0
    if shift > 30:
        # TFLM would overflow later; refuse here with a clear message.
        raise ValueError(f"multiplier {real_multiplier} is too large to quantize (shift {shift} > 30)")
    return int(q_fixed), int(shift)


def quantize_multipliers(real_multipliers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-channel ``quantize_multiplier``; returns int64 arrays (multiplier, shift)."""
    pairs = [quantize_multiplier(float(r)) for r in np.asarray(real_multipliers, np.float64).ravel()]
    mult = np.array([p[0] for p in pairs], np.int64)
    shift = np.array([p[1] for p in pairs], np.int64)
    return mult, shift


def quantize_multiplier_greater_than_one(real_multiplier: float) -> tuple[int, int]:
    """TFLM's ``QuantizeMultiplierGreaterThanOne``: same mantissa, shift >= 0."""
    mult, shift = quantize_multiplier(real_multiplier)
    assert shift >= 0, "multiplier must be >= 1"
    return mult, shift


def _wrap_int32(x: np.ndarray) -> np.ndarray:
    """Two's-complement wrap to int32, as the C code's int32 arithmetic does."""
    return (np.asarray(x, np.int64) + (1 << 31)) % (1 << 32) - (1 << 31)


def saturating_rounding_doubling_high_mul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """gemmlowp ``SaturatingRoundingDoublingHighMul`` on int32 values held in int64."""
    a = np.asarray(a, np.int64)
    b = np.asarray(b, np.int64)
    ab = a * b  # |a*b| <= 2**62: no int64 overflow
    nudge = np.where(ab >= 0, 1 << 30, 1 - (1 << 30))
    s = ab + nudge
    # C integer division truncates toward zero; numpy's >> floors.
    high = np.where(s >= 0, s >> 31, -((-s) >> 31))
    overflow = (a == b) & (a == INT32_MIN)
    return np.where(overflow, INT32_MAX, high)


def rounding_divide_by_pot(x: np.ndarray, exponent: np.ndarray | int) -> np.ndarray:
    """gemmlowp ``RoundingDivideByPOT``: divide by 2**exponent, rounding half away from zero."""
    x = np.asarray(x, np.int64)
    exponent = np.asarray(exponent, np.int64)
    mask = (np.int64(1) << exponent) - 1
    remainder = x & mask
    threshold = (mask >> 1) + (x < 0)
    return (x >> exponent) + (remainder > threshold)


def multiply_by_quantized_multiplier(
    x: np.ndarray, quantized_multiplier: np.ndarray | int, shift: np.ndarray | int
) -> np.ndarray:
    """TFLM ``MultiplyByQuantizedMultiplier(int32 x, int32 m, int shift)``, double rounding."""
    x = np.asarray(x, np.int64)
    shift = np.asarray(shift, np.int64)
    left = np.maximum(shift, 0)
    right = np.maximum(-shift, 0)
    if np.any(left):
        x = _wrap_int32(x << left)
    return rounding_divide_by_pot(saturating_rounding_doubling_high_mul(x, quantized_multiplier), right)


def multiply_by_quantized_multiplier_int64(
    x: np.ndarray, quantized_multiplier: np.ndarray | int, shift: np.ndarray | int
) -> np.ndarray:
    """TFLM ``MultiplyByQuantizedMultiplier(int64 x, int32 m, int shift)`` (16x8 kernels).

    The multiplier is first reduced to 16 bits, then one rounding shift is
    applied; the result is truncated to int32 as in the C code.
    """
    x = np.asarray(x, np.int64)
    m = np.asarray(quantized_multiplier, np.int64)
    shift = np.asarray(shift, np.int64)
    reduced = np.where(m < 0x7FFF0000, (m + (1 << 15)) >> 16, 0x7FFF)
    total_shift = 15 - shift
    result = (x * reduced + (np.int64(1) << (total_shift - 1))) >> total_shift
    return _wrap_int32(result)


def multiply_by_quantized_multiplier_smaller_than_one_exp(
    x: np.ndarray, quantized_multiplier: int, left_shift: int
) -> np.ndarray:
    """TFLM ``MultiplyByQuantizedMultiplierSmallerThanOneExp`` (left_shift <= 0)."""
    return rounding_divide_by_pot(saturating_rounding_doubling_high_mul(x, quantized_multiplier), -left_shift)


def multiply_by_quantized_multiplier_greater_than_one(
    x: np.ndarray, quantized_multiplier: int, left_shift: int
) -> np.ndarray:
    """TFLM ``MultiplyByQuantizedMultiplierGreaterThanOne`` (left_shift >= 0)."""
    return saturating_rounding_doubling_high_mul(_wrap_int32(np.asarray(x, np.int64) << left_shift),
                                                 quantized_multiplier)


# --------------------------------------------------------------------------- activations


def quantize_value(real: float, scale: float, zero_point: int) -> int:
    """TFLM's ``Quantize`` helper used for activation bounds:
    ``zero_point + static_cast<int32_t>(TfLiteRound(f / scale))`` in float32."""
    return int(zero_point) + round_half_away(float(np.float32(real) / np.float32(scale)))


def activation_range_quantized(
    activation: int, qmin: int, qmax: int, scale: float, zero_point: int
) -> tuple[int, int]:
    """TFLM ``CalculateActivationRangeQuantized``: clamp bounds in the output's quantized domain."""
    if activation == ACT_RELU:
        return max(qmin, quantize_value(0.0, scale, zero_point)), qmax
    if activation == ACT_RELU6:
        return (max(qmin, quantize_value(0.0, scale, zero_point)),
                min(qmax, quantize_value(6.0, scale, zero_point)))
    if activation == ACT_RELU_N1_TO_1:
        return (max(qmin, quantize_value(-1.0, scale, zero_point)),
                min(qmax, quantize_value(1.0, scale, zero_point)))
    if activation == ACT_NONE:
        return qmin, qmax
    raise ValueError(f"fused activation {activation} is not supported on quantized tensors")


def activation_range_float(activation: int) -> tuple[float, float]:
    """TFLM ``CalculateActivationRange`` for float: (min, max) as float32 bounds."""
    lo, hi = -np.finfo(np.float32).max, np.finfo(np.float32).max
    if activation == ACT_RELU:
        return 0.0, float(hi)
    if activation == ACT_RELU6:
        return 0.0, 6.0
    if activation == ACT_RELU_N1_TO_1:
        return -1.0, 1.0
    if activation == ACT_NONE:
        return float(lo), float(hi)
    raise ValueError(f"fused activation {activation} is not supported on float tensors")


def clamp_float(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """TFLM's ``ActivationFunctionWithMinMax``: min(max(x, lo), hi) in float32."""
    return np.minimum(np.maximum(x, np.float32(lo)), np.float32(hi))


def dtype_range(dtype: np.dtype) -> tuple[int, int]:
    info = np.iinfo(dtype)
    return int(info.min), int(info.max)
