"""The one home of fixed-point arithmetic (C twin: ``firmware/src/mi_quant.c``).

Every kernel rescales through these functions and none writes its own
rounding, so that bit-exactness with TFLM is argued in one place. The file
reads top to bottom, one name per concept:

* **multipliers** -- ``quantize_multiplier`` turns a real multiplier into
  (int32 mantissa, shift) exactly as TFLM's ``QuantizeMultiplier`` (``frexp`` +
  round-half-away), plus its per-channel and int16 variants;
* **rescaling** -- C's int32 wrap-around, gemmlowp's rounding primitives and
  ``multiply_by_quantized_multiplier``, TFLM's default *double rounding*
  ``MultiplyByQuantizedMultiplier`` (gemmlowp's ``SaturatingRoundingDoublingHighMul``
  then ``RoundingDivideByPOT``; tflite-micro never defines ``TFLITE_SINGLE_ROUNDING``),
  and its int64 overload for the 16x8 kernels (16-bit multiplier);
* **activation ranges** -- ``CalculateActivationRange*`` and the float clamp;
* **gemmlowp fixed-point transcendental functions** -- exp, logistic, tanh,
  1/(1+x) on ``FixedPoint<int32, IntegerBits>`` raw values;
* **libm-exact float helpers** -- ``roundf`` and the C library's ``expf``/
  ``tanhf``/``logf``, bit for bit;
* **int16 fixed point and LUTs** -- HARD_SWISH's int16 primitives and the
  interpolation tables of the int16 LOGISTIC/TANH/SOFTMAX;
* **op-specific set-up** -- the SOFTMAX, LOG_SOFTMAX, RSQRT/L2_NORMALIZATION and MEAN
  multipliers.

The functions are vectorised: ``x`` may be any integer numpy array and the
multiplier/shift may be scalars or arrays that broadcast against it (per
channel). Values are carried in int64 and every result is in int32 range.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import importlib
import math
from collections.abc import Callable, Sequence

import numpy as np

from . import fdlibm

INT32_MIN = -(2**31)
INT32_MAX = 2**31 - 1

# TFLM ActivationFunctionType values (schema enum), repeated here so kernels
# need not import the schema package.
ACT_NONE, ACT_RELU, ACT_RELU_N1_TO_1, ACT_RELU6, ACT_TANH, ACT_SIGN_BIT = 0, 1, 2, 3, 4, 5


# --------------------------------------------------------------------------- multipliers
# Real multipliers -> TFLM's (int32 mantissa, shift) pairs, computed once in prepare.


def round_half_away(x: float) -> int:
    """C's ``std::round``: halves go away from zero (Python's ``round`` goes to even)."""
    return int(math.copysign(math.floor(abs(x) + 0.5), x))


def quantize_multiplier_unbounded(real_multiplier: float) -> tuple[int, int]:
    """TFLM's ``QuantizeMultiplier``: real ~= quantized_multiplier * 2**(shift - 31),
    with no upper bound on the shift.

    The kernels feed it ``float(s_in) * float(s_w) / float(s_out)`` and the like;
    the C twin computes those doubles and this rounding with integers only
    (``mi_quantize_scale_ratio``, the same IEEE results: mi_quant.c argues it,
    tests/firmware/test_fw_quant.py checks it), so its images need no soft-float.

    Softmax's ``PreprocessSoftmaxScaling`` caps its multiplier at ``2**31 - 1``,
    which quantizes to shift 31; TFLM accepts it (the rescaled differences are
    then only ever 0), so the softmax set-up needs this unrefusing version.
    """
    if real_multiplier == 0.0:
        return 0, 0
    if not math.isfinite(real_multiplier):  # C twin: MI_ERR_BAD_PARAM
        raise ValueError(f"multiplier {real_multiplier} is not finite")
    q, shift = math.frexp(real_multiplier)
    q_fixed = round_half_away(q * (1 << 31))
    if q_fixed == (1 << 31):
        q_fixed //= 2
        shift += 1
    if shift < -31:
        return 0, 0
    return int(q_fixed), int(shift)


def quantize_multiplier(real_multiplier: float) -> tuple[int, int]:
    """Real multiplier -> (quantized_multiplier, shift) with
    real ~= quantized_multiplier * 2**(shift - 31); TFLM's ``QuantizeMultiplier``,
    refusing a shift above 30 (which would overflow later in TFLM) with a clear message."""
    q_fixed, shift = quantize_multiplier_unbounded(real_multiplier)
    if shift > 30:
        raise ValueError(f"multiplier {real_multiplier} is too large to quantize (shift {shift} > 30)")
    return q_fixed, shift


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


def downscale_int32_to_int16_multiplier(multiplier: int) -> int:
    """TFLM ``DownScaleInt32ToInt16Multiplier``: round a Q31 multiplier to Q15."""
    if multiplier >= INT32_MAX - (1 << 15):
        return 32767
    return (multiplier + (1 << 15)) >> 16


# --------------------------------------------------------------------------- rescaling (int32 fixed point)
# What every int8/int16 kernel does per element in invoke, on int32 values held in
# int64 numpy arrays: C's int32 wrap-around, gemmlowp's rounding primitives and
# TFLM's MultiplyByQuantizedMultiplier family built from them.


def wrap_int32(x: np.ndarray) -> np.ndarray:
    """Two's-complement wrap to int32: what C's int32 arithmetic and accumulators do on
    overflow (numpy's int64 -> int32 cast keeps the low 32 bits). Returns int64 values."""
    return np.asarray(x, np.int64).astype(np.int32).astype(np.int64)[()]


def _saturate_int32(x: np.ndarray) -> np.ndarray:
    """Clamp to the int32 range (TFLM's saturating int32 additions and subtractions)."""
    return np.clip(np.asarray(x, np.int64), INT32_MIN, INT32_MAX)


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
    """gemmlowp ``RoundingDivideByPOT`` on int32: divide by 2**exponent, rounding half
    away from zero.

    gemmlowp's contract is 0 <= exponent <= 31. TFLM's int8 DIV goes beyond it
    (a zero dividend has 31 leading sign bits, so its exponent reaches 32 and
    more), and there the result is whatever the x86-64 oracle build computes:
    the mask ``(1ll << e) - 1`` truncated to int32 is -1 and ``x >> e`` shifts
    by ``e & 31`` (the x86 ``sar`` count), so a zero dividend rounds to 1, not 0.
    Exponents 0..31 are unaffected; exponents up to 63 are accepted.
    """
    x = np.asarray(x, np.int64)
    exponent = np.asarray(exponent, np.int64)
    mask = np.where(exponent >= 32, -1, (np.int64(1) << np.minimum(exponent, 31)) - 1)
    remainder = x & mask
    threshold = (mask >> 1) + (x < 0)
    return (x >> (exponent & 31)) + (remainder > threshold)


def multiply_by_quantized_multiplier(
    x: np.ndarray, quantized_multiplier: np.ndarray | int, shift: np.ndarray | int
) -> np.ndarray:
    """TFLM ``MultiplyByQuantizedMultiplier(int32 x, int32 m, int shift)``, double rounding:
    ``RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x << left, m), right)`` with
    ``left = max(shift, 0)`` (the shifted value wraps to int32) and ``right = max(-shift, 0)``.

    The hot path of every int8 kernel, so it is written without sign branches, in
    a few numpy passes, through two identities (checked value by value against
    the scalar gemmlowp definitions in tests/test_quant.py):

    * ``SaturatingRoundingDoublingHighMul(a, b)``, with its sign-dependent nudge
      and truncating division, equals ``(a*b + 2**30) >> 31`` with a flooring
      shift; its one saturating case, ``a == b == INT32_MIN``, needs a multiplier
      of INT32_MIN, which ``quantize_multiplier`` never returns but is kept exact;
    * ``RoundingDivideByPOT(v, r)`` equals ``(v + 2**(r-1) - (v < 0)) >> r`` for
      ``r >= 1``.
    """
    x = np.asarray(x, np.int64)
    if np.ndim(shift) == 0 and np.ndim(quantized_multiplier) == 0:
        # per-tensor: branch on Python ints, no array reductions
        s, m = int(shift), int(quantized_multiplier)
        if s > 0:
            x = wrap_int32(x << s)
        high = (x * m + (1 << 30)) >> 31
        if m == INT32_MIN:
            high = np.where(x == INT32_MIN, INT32_MAX, high)
        if s >= 0:
            return high
        return (high + (1 << (-s - 1)) - (high < 0)) >> -s
    m = np.asarray(quantized_multiplier, np.int64)
    shift = np.asarray(shift, np.int64)
    if np.any(shift > 0):
        x = wrap_int32(x << np.maximum(shift, 0))
    high = (x * m + (1 << 30)) >> 31
    if np.any(m == INT32_MIN):
        high = np.where((x == INT32_MIN) & (m == INT32_MIN), INT32_MAX, high)
    right = np.maximum(-shift, 0)
    half = (np.int64(1) << right) >> 1  # 2**(r-1), or 0 for r == 0
    return (high + half - ((high < 0) & (right > 0))) >> right


#: The largest shift ``multiply_by_quantized_multiplier_int64`` takes. It shifts right by
#: ``15 - shift`` after adding ``1 << (14 - shift)``: from shift 15 on that is a shift by a
#: negative count, undefined in C (TFLM only DCHECKs ``shift < 8``), so the 16x8 kernels refuse
#: such a multiplier in prepare. C twin: ``MI_INT64_MULTIPLIER_MAX_SHIFT`` in mi_quant.h.
INT64_MULTIPLIER_MAX_SHIFT = 14


def int64_multiplier_shift_error(shift: np.ndarray | int) -> str | None:
    """Why a 16x8 kernel must refuse these shifts (an effective scale of 2**14 or more), or None."""
    worst = int(np.max(shift)) if np.size(shift) else 0
    if worst <= INT64_MULTIPLIER_MAX_SHIFT:
        return None
    return (f"the output multiplier's shift {worst} is out of range for a 16x8 kernel (at most "
            f"{INT64_MULTIPLIER_MAX_SHIFT}: input scale x filter scale / output scale is 2**{worst - 1} or more)")


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
    return wrap_int32(result)


#: most values ``OutputStage.bind_rounded_products`` is worth it for: its same-shape constant operands
#: save numpy's broadcasting set-up, a fixed cost per call, but add a memory pass each; measured on
#: ADD int8 (both whole ADD calls): 0.6x of ``apply_product``'s time at 256 values, 0.86x at 2048,
#: even at 4096, 1.2x at 16384
SAME_SHAPE_STAGE_MAX = 2048


class OutputStage:
    """The int32 output stage of the conv/FC family, prepared once: ``acc (+ wrap)``,
    ``MultiplyByQuantizedMultiplier`` (double rounding), ``+ output_zero_point``, clamp.

    Same arithmetic as ``multiply_by_quantized_multiplier`` (and tested against it
    value by value), but the per-channel constants it derives from the multipliers
    and shifts are computed here at prepare time instead of on every invoke, and
    ``apply`` works in place on the caller's int64 accumulator, so an invoke costs a
    few numpy passes without temporaries. On small tensors each pass is mostly numpy's
    per-call cost, so the two roundings and the zero point are folded into one shift:

    with ``A = acc*m + 2**30`` (after the left shift), ``SaturatingRoundingDoublingHighMul``
    is ``h = floor(A / 2**31)`` and ``RoundingDivideByPOT(h, r)`` is
    ``floor((h + 2**(r-1) - [h < 0]) / 2**r)`` (r >= 1). Since ``h < 0`` exactly when
    ``A < 0``, and ``floor(floor(Y / 2**31) / 2**r) = floor(Y / 2**(31 + r))`` for integer
    ``Y``, the result plus the zero point is

        ``floor((A - 2**31 [A < 0] + 2**(r+30) + zp * 2**(31+r)) / 2**(31+r))``,

    one add of a prepared constant and one shift (the ``[A < 0]`` term only where
    ``r >= 1``). Every intermediate stays inside int64: ``|acc*m| <= 2**62`` and the
    constant's bound is checked here (the zero point is added separately when it does not
    fit). The clamp writes the output dtype directly. Stages outside these bounds (a
    multiplier of INT32_MIN, whose product saturates; right shifts beyond 31) take the
    general functions.
    """

    def __init__(self, multiplier: np.ndarray | int, shift: np.ndarray | int, output_zero_point: int,
                 act_min: int, act_max: int, *, wrap: bool = True) -> None:
        m = np.asarray(multiplier, np.int64)
        s = np.asarray(shift, np.int64)
        self.per_channel = m.ndim > 0 or s.ndim > 0
        m, s = np.broadcast_arrays(m, s)
        m, s = m.copy(), s.copy()
        self.multiplier, self.shift = m, s
        left = np.maximum(s, 0)
        right = np.maximum(-s, 0)
        # INT32_MIN * INT32_MIN saturates in SaturatingRoundingDoublingHighMul; quantize_multiplier
        # never makes that multiplier, so such stages go through the general function.
        self.general = bool(np.any(m == INT32_MIN)) or bool(np.any(right > 31))
        self.any_left = bool(np.any(left > 0))
        self.any_right = bool(np.any(right > 0))
        self.all_right = bool(np.all(right > 0))
        self.output_zero_point = int(output_zero_point)
        self.act_min, self.act_max = int(act_min), int(act_max)
        self.wrap = wrap

        def constant(values: np.ndarray) -> np.ndarray | int:
            return values if self.per_channel else int(values.reshape(-1)[0])

        self.left = constant(left)
        total = 31 + right
        rights = [int(r) for r in right.reshape(-1).tolist()] if not self.general else []
        rounding = [(1 << (r + 30)) if r > 0 else 0 for r in rights]
        folded = [c + (self.output_zero_point << (31 + r)) for c, r in zip(rounding, rights)]  # Python ints
        self.zero_point_folded = not self.general and 2**62 + 2**31 + 2**30 + max(map(abs, folded), default=0) < 2**63
        self.total_shift = constant(total)
        self.rounding = 0 if self.general else constant(
            np.array(folded if self.zero_point_folded else rounding, np.int64).reshape(right.shape))
        self.sign_mask = np.where(right > 0, -(1 << 31), 0).astype(np.int64)  # used only when some rights are 0

    def apply(self, acc: np.ndarray, out: np.ndarray) -> None:
        """Rescale the int64 accumulator ``acc`` (last axis = channels; overwritten)
        and store the clamped result in ``out`` (any integer dtype, same size)."""
        if self.general:
            scaled = multiply_by_quantized_multiplier(wrap_int32(acc) if self.wrap else acc,
                                                      self.multiplier, self.shift)
            _store_clamped(scaled + self.output_zero_point, self.act_min, self.act_max, out)
            return
        if self.wrap:
            _wrap_int32_inplace(acc)
        if self.any_left:
            acc <<= self.left
            _wrap_int32_inplace(acc)
        acc *= self.multiplier
        acc += 1 << 30
        self.apply_product(acc, out)

    @property
    def takes_products(self) -> bool:
        """Whether a caller may hand ``apply_product`` its own ``A = acc*m + 2**30``: a
        per-tensor stage that neither wraps nor shifts left (ADD/SUB's)."""
        return not (self.general or self.wrap or self.any_left or self.per_channel)

    def apply_product(self, acc: np.ndarray, out: np.ndarray) -> None:
        """The rest of ``apply`` from ``A = acc*m + 2**30`` on (overwritten): the roundings,
        the zero point, the clamp into ``out``. ADD/SUB look up tables of ``rescaled * m``."""
        if self.any_right:
            negative = acc >> 63  # -1 where A < 0
            if self.all_right:
                negative <<= 31
            else:
                negative &= self.sign_mask
            acc += negative
        acc += self.rounding
        acc >>= self.total_shift
        if not self.zero_point_folded:
            acc += self.output_zero_point
        _store_clamped(acc, self.act_min, self.act_max, out)

    def bind_rounded_products(self, acc: np.ndarray, out: np.ndarray) -> Callable[[], None]:
        """``apply_product`` as a call on buffers allocated here, for a caller (``takes_products``)
        whose ``acc`` (int64, read at every call, overwritten) holds ``B = A + rounding``, the
        stage's rounding constant folded into its own operands (ADD's tables, QUANTIZE's
        constant). With a right shift ``r >= 1`` that constant is a multiple of ``2**31`` and
        ``A < 0`` exactly when ``B < rounding``, so ``floor((A - 2**31 [A < 0] + rounding) /
        2**(31 + r))`` is ``floor((floor(B / 2**31) - [B < rounding]) / 2**r)``: a compare, two
        shifts, a subtract and the clamp (without a right shift: one shift and the clamp).
        Every operand is an array shaped like ``acc``: numpy's same-shape fast path, where a
        scalar operand costs a broadcasting set-up per call, which is most of a small op."""
        if not self.takes_products:
            raise ValueError("bind_rounded_products needs a per-tensor stage without wrap or left shift")

        def full(value: int) -> np.ndarray:
            return np.full(acc.shape, value, np.int64)

        shape = acc.shape
        target = out.reshape(shape)
        lo, hi = full(self.act_min), full(self.act_max)
        zero_point = None if self.zero_point_folded or not self.output_zero_point else full(self.output_zero_point)
        clip, add, less, subtract, shift, copyto = _clip, np.add, np.less, np.subtract, np.right_shift, np.copyto
        narrow = target.dtype != acc.dtype  # clip within int64, then one casting copy: cheaper than clip's cast

        def store() -> None:
            if narrow:
                clip(acc, lo, hi, out=acc)
                copyto(target, acc, casting="unsafe")
            else:
                clip(acc, lo, hi, out=target)

        if not self.any_right:
            total = full(self.total_shift)

            def run_shift() -> None:
                shift(acc, total, out=acc)
                if zero_point is not None:
                    add(acc, zero_point, out=acc)
                store()

            return run_shift
        rounding, high, right = full(self.rounding), full(31), full(self.total_shift - 31)
        negative = np.empty(shape, np.bool_)

        def run() -> None:
            less(acc, rounding, out=negative)  # A < 0
            shift(acc, high, out=acc)
            subtract(acc, negative, out=acc)
            shift(acc, right, out=acc)
            if zero_point is not None:
                add(acc, zero_point, out=acc)
            store()

        return run


class FoldedStage:
    """An ``OutputStage`` whose multiply the caller folds into its own operands.

    With ``A = acc*m + 2**30`` (``OutputStage``'s notation, the left shift folded into
    ``m' = m << left``) and the stage's rounding constant ``R``, ``B = acc*m' + K`` with
    ``K = 2**30 + R`` is ``A + R``, and ``A < 0`` exactly when ``B < R``. So once a caller
    has ``acc*m'`` -- from weights or a table already multiplied by ``m'`` -- the stage is
    one add, one compare, one conditional subtract of ``2**31`` (channels with a right
    shift), one shift and the clamp (``finish``): about half of ``apply``'s numpy passes,
    which is what small tensors cost. ``of`` refuses (None) a general stage (a multiplier
    of INT32_MIN or a right shift beyond 31); the caller must prove that its int32
    accumulator cannot wrap (``|acc| << left < 2**31``) and that ``|acc*m'| + |K|`` stays
    inside int64 (``fits``).
    """

    def __init__(self, stage: OutputStage, n: int) -> None:
        left = np.broadcast_to(np.maximum(stage.shift, 0), (n,)).astype(np.int64)
        right = np.broadcast_to(np.maximum(-np.asarray(stage.shift, np.int64), 0), (n,))
        rounding = np.broadcast_to(np.asarray(stage.rounding, np.int64), (n,))
        self.left = [int(v) for v in left.tolist()]
        #: ``m << left`` per channel (Python ints, then int64)
        self.multipliers = [int(m) << k for m, k in zip(np.broadcast_to(stage.multiplier, (n,)).tolist(), self.left)]
        self.multiplier = np.array(self.multipliers, np.int64) if stage.per_channel else np.int64(self.multipliers[0])
        self.rounding = [int(v) for v in rounding.tolist()]
        self.constant = np.int64(1 << 30) + (rounding.copy() if stage.per_channel else rounding[0])
        self.threshold = rounding.copy() if stage.per_channel else rounding[0]
        subtract = np.where(right > 0, np.int64(1) << 31, 0).astype(np.int64)
        self.subtract = subtract[0] if stage.all_right or not stage.any_right else subtract
        self.shift = stage.total_shift
        self.zero_point = 0 if stage.zero_point_folded else stage.output_zero_point
        self.any_right, self.act_min, self.act_max = stage.any_right, stage.act_min, stage.act_max

    @classmethod
    def of(cls, stage: OutputStage, n: int = 1) -> FoldedStage | None:
        """The folded form of ``stage`` for ``n`` channels (1: per tensor), or None."""
        return None if stage.general else cls(stage, n)

    def fits(self, max_abs_acc: Sequence[int] | int) -> bool:
        """Whether accumulators up to ``max_abs_acc`` (per channel, or one bound) neither wrap
        int32 after the left shift nor leave int64 once multiplied and offset."""
        bounds = [int(max_abs_acc)] * len(self.multipliers) if isinstance(max_abs_acc, int) else list(max_abs_acc)
        return all((b << k) < 2**31 and b * abs(m) + 2**30 + abs(r) < 2**62
                   for b, k, m, r in zip(bounds, self.left, self.multipliers, self.rounding))

    def finisher(self, acc: np.ndarray, out: np.ndarray, offset: np.ndarray | None = None) -> Callable[[], None]:
        """A call taking ``acc`` (int64, holding ``acc*m'``; overwritten) to the clamped
        result in ``out`` (same shape, any integer dtype). ``offset`` (per channel, in
        accumulator units: a bias, a folded zero point) is added to the accumulator first,
        within the same add (``offset*m' + K``; the caller's bound covers it)."""
        negative = np.empty(acc.shape, np.bool_)
        constant = self.constant if offset is None else np.asarray(offset, np.int64) * self.multiplier + self.constant
        threshold, subtract, shift = self.threshold, self.subtract, self.shift
        zero_point, lo, hi = self.zero_point, self.act_min, self.act_max
        add, less, sub, rshift = np.add, np.less, np.subtract, np.right_shift
        if not self.any_right:
            def finish_no_right() -> None:
                add(acc, constant, out=acc)
                rshift(acc, shift, out=acc)
                if zero_point:
                    add(acc, zero_point, out=acc)
                _clip(acc, lo, hi, out=out, casting="unsafe")

            return finish_no_right

        def finish() -> None:
            add(acc, constant, out=acc)
            less(acc, threshold, out=negative)  # A = B - R < 0
            sub(acc, subtract, out=acc, where=negative)
            rshift(acc, shift, out=acc)
            if zero_point:
                add(acc, zero_point, out=acc)
            _clip(acc, lo, hi, out=out, casting="unsafe")

        return finish


class FoldedProductStage:
    """``out = stage(x @ w + c)`` for a small integer matmul (``w`` (K, N) and ``c`` (N,)
    integer constants, the input offset and bias in ``c``), with the stage folded
    (``FoldedStage``): ``x @ (w*m') + c*m'`` is ``acc*m'``, so an invoke is the matmul
    and ``FoldedStage.finisher`` with ``c`` as its offset. ``make`` refuses
    (None) where the fold does not apply; every bound is checked in Python integers."""

    def __init__(self, weights: np.ndarray, constant: np.ndarray, folded: FoldedStage) -> None:
        self.weights, self.constant, self.folded = weights, constant, folded

    @classmethod
    def make(cls, stage: OutputStage, weights: np.ndarray, constant: np.ndarray,
             x_range: tuple[int, int]) -> FoldedProductStage | None:
        """``weights`` (K, N) and ``constant`` (N,) integers (any dtype holding them exactly),
        ``x_range`` the raw input's (min, max); None where the fold does not apply."""
        n = weights.shape[1]
        folded = FoldedStage.of(stage, n)
        if folded is None:
            return None
        w = [[int(v) for v in row] for row in np.asarray(weights, np.int64).T.tolist()]  # per channel
        c = [int(v) for v in np.asarray(constant, np.int64).reshape(-1).tolist()]
        lo, hi = int(x_range[0]), int(x_range[1])
        # the int32 accumulator x @ w + c over every input, and the int64 matmul's partial sums
        worst = [max(abs(sum(max(lo * v, hi * v) for v in w[ch]) + c[ch]),
                     abs(sum(min(lo * v, hi * v) for v in w[ch]) + c[ch])) for ch in range(n)]
        partial = [max(abs(lo), abs(hi)) * sum(abs(v) for v in w[ch]) + abs(c[ch]) for ch in range(n)]
        if not folded.fits(worst) or not folded.fits(partial):
            return None
        m = np.array(folded.multipliers, np.int64)
        return cls(np.asarray(weights, np.int64) * m, np.asarray(constant, np.int64), folded)

    def bind(self, x: np.ndarray, out: np.ndarray) -> Callable[[], None]:
        """``out[...] = stage(x @ w + c)`` as a call on buffers allocated here; ``x`` is the
        (B, K) input view, read at every call."""
        acc = np.empty((x.shape[0], self.weights.shape[1]), np.int64)
        finish = self.folded.finisher(acc, out.reshape(acc.shape), offset=self.constant)
        weights, matmul = self.weights, np.matmul

        def run() -> None:
            matmul(x, weights, out=acc)
            finish()

        return run


class Int64OutputStage:
    """The output stage of the 16x8 kernels with an int64 accumulator, prepared once:
    ``multiply_by_quantized_multiplier_int64`` (the multiplier reduced to 16 bits, one
    rounding shift, the result truncated to int32), ``+ output_zero_point``, clamp.

    The reduced multipliers, shifts and rounding constants are computed here. When the
    caller bounds ``|acc|`` per channel (``max_abs_acc``, from the layer's weights and
    bias) so that the rescaled value provably fits int32, the truncation is a no-op and
    the zero point folds into the rounding constant, ``floor((x*r + h) / 2**t) + zp =
    floor((x*r + h + zp * 2**t) / 2**t)``; an invoke is then a multiply, an add, a shift
    and the clamp into the output.
    """

    def __init__(self, multiplier: np.ndarray | int, shift: np.ndarray | int, output_zero_point: int,
                 act_min: int, act_max: int, max_abs_acc: np.ndarray | float | None = None) -> None:
        m = np.asarray(multiplier, np.int64)
        s = np.asarray(shift, np.int64)
        if int(np.max(s, initial=0)) > INT64_MULTIPLIER_MAX_SHIFT:
            raise ValueError(int64_multiplier_shift_error(s))
        self.reduced = np.where(m < 0x7FFF0000, (m + (1 << 15)) >> 16, 0x7FFF).astype(np.int64)
        self.total_shift = (15 - s).astype(np.int64)
        rounding = np.int64(1) << (self.total_shift - 1)
        self.output_zero_point = int(output_zero_point)
        self.act_min, self.act_max = int(act_min), int(act_max)
        self.fold = False
        if max_abs_acc is not None:
            bound = np.broadcast_to(np.asarray(max_abs_acc, np.float64), np.broadcast_shapes(
                np.shape(max_abs_acc), self.reduced.shape))
            reduced, total = np.broadcast_arrays(self.reduced, self.total_shift)
            products = [int(math.ceil(b)) * abs(int(r)) for b, r in zip(bound.reshape(-1).tolist(),
                                                                        np.broadcast_to(reduced, bound.shape).reshape(-1).tolist())]
            shifts = np.broadcast_to(total, bound.shape).reshape(-1).tolist()
            fits = all((p + (1 << (t - 1))) >> t < 2**31 - 1 and p + (1 << (t - 1)) + abs(self.output_zero_point << t)
                       < 2**62 for p, t in zip(products, shifts))
            self.fold = fits
        self.rounding = rounding + (np.int64(self.output_zero_point) << self.total_shift) if self.fold else rounding

    def apply(self, acc: np.ndarray, out: np.ndarray) -> None:
        """Rescale the int64 accumulator ``acc`` (last axis = channels; overwritten) and
        store the clamped result in ``out`` (any integer dtype, same size)."""
        acc *= self.reduced
        acc += self.rounding
        acc >>= self.total_shift
        if not self.fold:
            _wrap_int32_inplace(acc)
            acc += self.output_zero_point
        _store_clamped(acc, self.act_min, self.act_max, out)


def _store_clamped(values: np.ndarray, lo: int, hi: int, out: np.ndarray) -> None:
    """``out[...] = clip(values, lo, hi)`` in ``out``'s dtype and shape (same size), in one
    pass when ``out`` can be viewed in ``values``' shape, else through ``values`` in place."""
    if out.shape == values.shape or out.flags.c_contiguous:
        _clip(values, lo, hi, out=out.reshape(values.shape), casting="unsafe")
    else:
        _clip(values, lo, hi, out=values)
        np.copyto(out, values.reshape(out.shape), casting="unsafe")


def _clip_ufunc() -> Callable[..., np.ndarray]:
    """numpy's clip ufunc itself (``numpy._core.umath`` from numpy 2, ``numpy.core.umath`` before):
    ``np.clip`` wraps it in Python-level checks that cost more than the clamp on small arrays."""
    for name in ("numpy._core.umath", "numpy.core.umath"):
        try:
            return importlib.import_module(name).clip  # type: ignore[no-any-return]
        except (ImportError, AttributeError):
            continue
    return np.clip


_clip = _clip_ufunc()
#: numpy's clip ufunc (see ``_clip_ufunc``), for kernels that bind their own clamp
clip_ufunc = _clip


def _wrap_int32_inplace(x: np.ndarray) -> None:
    """``wrap_int32`` in place on an int64 array: ((x + 2**31) mod 2**32) - 2**31."""
    x += 1 << 31
    x &= 0xFFFFFFFF
    x -= 1 << 31


def multiply_by_quantized_multiplier_smaller_than_one_exp(
    x: np.ndarray, quantized_multiplier: np.ndarray | int, left_shift: np.ndarray | int
) -> np.ndarray:
    """TFLM ``MultiplyByQuantizedMultiplierSmallerThanOneExp`` (left_shift <= 0):
    ``RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x, m), -left_shift)``,
    i.e. ``multiply_by_quantized_multiplier`` with a non-positive shift."""
    return multiply_by_quantized_multiplier(x, quantized_multiplier, left_shift)


def multiply_by_quantized_multiplier_greater_than_one(
    x: np.ndarray, quantized_multiplier: np.ndarray | int, left_shift: np.ndarray | int
) -> np.ndarray:
    """TFLM ``MultiplyByQuantizedMultiplierGreaterThanOne`` (left_shift >= 0) on int32 x:
    ``SaturatingRoundingDoublingHighMul(x << left_shift, m)``, i.e.
    ``multiply_by_quantized_multiplier`` with a non-negative shift."""
    return multiply_by_quantized_multiplier(x, quantized_multiplier, left_shift)


def count_leading_zeros_u32(x: np.ndarray) -> np.ndarray:
    """``__builtin_clz`` on uint32 values (TFLM's ``CountLeadingZeros``; 32 for zero)."""
    x = np.asarray(x, np.int64) & 0xFFFFFFFF
    _, exponent = np.frexp(x.astype(np.float64))  # exact: x < 2**53
    return np.where(x == 0, 32, 32 - exponent).astype(np.int64)


def count_leading_sign_bits_i32(x: np.ndarray) -> np.ndarray:
    """TFLM ``CountLeadingSignBits<int32_t>`` (gcc's ``__builtin_clrsb``; 31 for 0):
    how far an int32 can be shifted left without changing its sign."""
    x = np.asarray(x, np.int64)
    return count_leading_zeros_u32(x ^ (x >> 63)) - 1


# --------------------------------------------------------------------------- activation ranges

def dtype_range(dtype: np.dtype) -> tuple[int, int]:
    """(min, max) of an integer numpy dtype."""
    info = np.iinfo(dtype)
    return int(info.min), int(info.max)


def quantize_value(real: float, scale: float, zero_point: int) -> int:
    """TFLM's ``Quantize`` helper used for activation bounds:
    ``zero_point + static_cast<int32_t>(TfLiteRound(f / scale))`` in float32."""
    return int(zero_point) + round_half_away(float(np.float32(real) / np.float32(scale)))


def activation_range_quantized(
    activation: int, qmin: int, qmax: int, scale: float, zero_point: int
) -> tuple[int, int]:
    """TFLM ``CalculateActivationRangeQuantized``: clamp bounds in the output's quantized domain.

    Only RELU, RELU6 and RELU_N1_TO_1 clamp; any other fused activation (NONE,
    TANH, SIGN_BIT) gets the dtype's full range, exactly as TFLM does."""
    if activation == ACT_RELU:
        return max(qmin, quantize_value(0.0, scale, zero_point)), qmax
    if activation == ACT_RELU6:
        return (max(qmin, quantize_value(0.0, scale, zero_point)),
                min(qmax, quantize_value(6.0, scale, zero_point)))
    if activation == ACT_RELU_N1_TO_1:
        return (max(qmin, quantize_value(-1.0, scale, zero_point)),
                min(qmax, quantize_value(1.0, scale, zero_point)))
    # NONE, and the non-clamping TANH / SIGN_BIT, fall through to the full range in TFLM.
    return qmin, qmax


def activation_range_float(activation: int) -> tuple[float, float]:
    """TFLM ``CalculateActivationRange`` for float: (min, max) as float32 bounds
    (the full float32 range for NONE/TANH/SIGN_BIT, which TFLM does not clamp)."""
    lo, hi = -np.finfo(np.float32).max, np.finfo(np.float32).max
    if activation == ACT_RELU:
        return 0.0, float(hi)
    if activation == ACT_RELU6:
        return 0.0, 6.0
    if activation == ACT_RELU_N1_TO_1:
        return -1.0, 1.0
    return float(lo), float(hi)  # NONE, TANH, SIGN_BIT: TFLM does not clamp


def clamp_float(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """TFLM's ``ActivationFunctionWithMinMax`` on float32: ``std::min(std::max(x, lo), hi)``.

    Written with comparisons, not ``np.maximum``/``np.minimum``: C++'s
    ``std::max(a, b)`` is ``(a < b) ? b : a``, which keeps the sign of zero
    (RELU of -0.0 is -0.0 in TFLM) and lets NaN through; numpy's SIMD maximum
    returns +0.0 for -0.0, which is a different bit pattern.
    """
    x = np.asarray(x, np.float32)
    lo32, hi32 = np.float32(lo), np.float32(hi)
    y = np.where(x < lo32, lo32, x)
    return np.where(hi32 < y, hi32, y)


# ------------------------------------------------------------- gemmlowp fixed-point transcendental functions
# TFLM's int8 LOGISTIC/TANH/SOFTMAX/LOG_SOFTMAX (and DIV's reciprocal) evaluate gemmlowp's
# fixed-point functions on ``FixedPoint<int32_t, IntegerBits>`` values. The
# helpers below reproduce gemmlowp/fixedpoint/fixedpoint.h operation by
# operation on int32 raw values held in int64 arrays; "+"/"-" wrap like the C
# int32 arithmetic and every product is a SaturatingRoundingDoublingHighMul.


def saturating_rounding_multiply_by_pot(x: np.ndarray, exponent: np.ndarray | int) -> np.ndarray:
    """gemmlowp ``SaturatingRoundingMultiplyByPOT<exponent>`` on int32: a saturating
    left shift for exponent > 0, a rounding right shift for exponent < 0. An array
    of exponents (one per element, as in TFLM's ``SaturatingRoundingMultiplyByPOTParam``,
    the run-time version LOG_SOFTMAX uses) gives the same values element by element."""
    x = np.asarray(x, np.int64)
    if np.ndim(exponent) == 0:
        exponent = int(exponent)
        if exponent == 0:
            return x
        if exponent < 0:
            return rounding_divide_by_pot(x, -exponent)
        threshold = (1 << (31 - exponent)) - 1
        return np.where(x > threshold, INT32_MAX, np.where(x < -threshold, INT32_MIN, x << exponent))
    e = np.asarray(exponent, np.int64)
    left = np.maximum(e, 0)
    threshold = (np.int64(1) << (31 - left)) - 1
    up = np.where(x > threshold, INT32_MAX, np.where(x < -threshold, INT32_MIN, x << left))
    return np.where(e > 0, up, rounding_divide_by_pot(x, np.maximum(-e, 0)))


def rounding_half_sum(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """gemmlowp ``RoundingHalfSum`` for int32: (a + b +/- 1) / 2 with C truncation."""
    s = np.asarray(a, np.int64) + np.asarray(b, np.int64)
    t = s + np.where(s >= 0, 1, -1)
    return np.where(t >= 0, t // 2, -((-t) // 2))


def _fx_mul(a: np.ndarray, b: np.ndarray | int) -> np.ndarray:
    return saturating_rounding_doubling_high_mul(a, b)


def _exp_on_interval_between_negative_one_quarter_and_0_excl(a: np.ndarray) -> np.ndarray:
    """exp(a) for a in [-1/4, 0), Q0.31 in and out (Taylor series around -1/8)."""
    constant_term = 1895147668  # exp(-1/8)
    constant_1_over_3 = 715827883
    x = wrap_int32(a + (1 << 28))  # a + 1/8
    x2 = _fx_mul(x, x)
    x3 = _fx_mul(x2, x)
    x4 = _fx_mul(x2, x2)
    x4_over_4 = saturating_rounding_multiply_by_pot(x4, -2)
    poly = saturating_rounding_multiply_by_pot(
        wrap_int32(_fx_mul(wrap_int32(x4_over_4 + x3), constant_1_over_3) + x2), -1)
    return wrap_int32(constant_term + _fx_mul(constant_term, wrap_int32(x + poly)))


#: (exponent, Q0.31 of exp(-2**exponent)) for gemmlowp's barrel shifter
_EXP_BARREL = ((-2, 1672461947), (-1, 1302514674), (0, 790015084), (1, 290630308),
               (2, 39332535), (3, 720401), (4, 242))


def gemmlowp_exp_on_negative_values(a: np.ndarray, integer_bits: int) -> np.ndarray:
    """gemmlowp ``exp_on_negative_values``: exp(a) for a <= 0 given as
    ``FixedPoint<int32, integer_bits>`` raw values; returns Q0.31 raw values."""
    a = np.asarray(a, np.int64)
    frac = 31 - integer_bits
    one_quarter = 1 << (frac - 2)
    a_mod_quarter_minus_one_quarter = wrap_int32((a & (one_quarter - 1)) - one_quarter)
    result = _exp_on_interval_between_negative_one_quarter_and_0_excl(
        saturating_rounding_multiply_by_pot(a_mod_quarter_minus_one_quarter, integer_bits))
    remainder = wrap_int32(a_mod_quarter_minus_one_quarter - a)
    for exponent, multiplier in _EXP_BARREL:
        if integer_bits > exponent:
            bit = 1 << (frac + exponent)
            result = np.where((remainder & bit) != 0, _fx_mul(result, multiplier), result)
    if integer_bits > 5:
        clamp = -(1 << (36 - integer_bits))
        result = np.where(a < clamp, 0, result)
    return np.where(a == 0, INT32_MAX, result)


def _newton_raphson_reciprocal_half(half_denominator: np.ndarray) -> np.ndarray:
    """The shared Newton-Raphson core of gemmlowp's 1/(1+x) helpers: returns the
    F2 (Q2.29) approximation of 1/half_denominator after three iterations."""
    x = wrap_int32(1515870810 + _fx_mul(half_denominator, -1010580540))  # 48/17 - 32/17 * d
    one_f2 = 1 << 29
    for _ in range(3):
        half_denominator_times_x = _fx_mul(half_denominator, x)
        one_minus = wrap_int32(one_f2 - half_denominator_times_x)
        x = wrap_int32(x + saturating_rounding_multiply_by_pot(_fx_mul(x, one_minus), 2))
    return x


def gemmlowp_one_over_one_plus_x_for_x_in_0_1(a: np.ndarray) -> np.ndarray:
    """gemmlowp ``one_over_one_plus_x_for_x_in_0_1`` (Q0.31 in and out)."""
    x = _newton_raphson_reciprocal_half(rounding_half_sum(a, INT32_MAX))
    return saturating_rounding_multiply_by_pot(x, 1)  # Rescale<0>(ExactMulByPot<-1>(x))


def gemmlowp_one_minus_x_over_one_plus_x_for_x_in_0_1(a: np.ndarray) -> np.ndarray:
    """gemmlowp ``one_minus_x_over_one_plus_x_for_x_in_0_1`` (Q0.31 in and out)."""
    x = _newton_raphson_reciprocal_half(rounding_half_sum(a, INT32_MAX))
    return saturating_rounding_multiply_by_pot(wrap_int32(x - (1 << 29)), 2)  # Rescale<0>(x - 1)


def gemmlowp_logistic(a: np.ndarray, integer_bits: int) -> np.ndarray:
    """gemmlowp ``logistic`` on ``FixedPoint<int32, integer_bits>`` raw values -> Q0.31 raw."""
    a = np.asarray(a, np.int64)
    positive = a > 0
    abs_input = np.where(positive, a, wrap_int32(-a))
    result_if_positive = gemmlowp_one_over_one_plus_x_for_x_in_0_1(
        gemmlowp_exp_on_negative_values(wrap_int32(-abs_input), integer_bits))
    result_if_negative = wrap_int32(INT32_MAX - result_if_positive)
    return np.where(a == 0, 1 << 30, np.where(positive, result_if_positive, result_if_negative))


def gemmlowp_tanh(a: np.ndarray, integer_bits: int) -> np.ndarray:
    """gemmlowp ``tanh`` on ``FixedPoint<int32, integer_bits>`` raw values -> Q0.31 raw."""
    a = np.asarray(a, np.int64)
    negative = a < 0
    n = np.where(negative, a, wrap_int32(-a))
    # neg_tanh_on_negative_values: ExactMulByPot<1> only relabels the format.
    t = gemmlowp_one_minus_x_over_one_plus_x_for_x_in_0_1(gemmlowp_exp_on_negative_values(n, integer_bits + 1))
    return np.where(a == 0, 0, np.where(negative, wrap_int32(-t), t))


def gemmlowp_log_x_for_x_greater_than_or_equal_to_1(a: np.ndarray, output_integer_bits: int,
                                                     input_integer_bits: int) -> np.ndarray:
    """TFLM ``log_x_for_x_greater_than_or_equal_to_1<OutputIntegerBits>`` on
    ``FixedPoint<int32, input_integer_bits>`` raw values (> 0) -> raw values with
    ``output_integer_bits`` integer bits.

    The input is normalised two ways (by its own headroom, and after a multiply by
    sqrt(1/2)); the better of the two feeds a rational approximation whose
    denominator goes through gemmlowp's Newton-Raphson reciprocal. Products are
    ``SaturatingRoundingDoublingHighMul``, sums wrap like int32, the two exponent
    adjustments saturate (``SaturatingAddNonGemmlowp`` / ``SaturatingSub``), and
    ``Rescale`` is gemmlowp's ``SaturatingRoundingMultiplyByPOT``.
    """
    accum_bits = output_integer_bits + 1
    log_2, sqrt_sqrt_half, sqrt_half, one_quarter = 1488522236, 1805811301, 1518500250, 536870912
    alpha_n, alpha_d, alpha_i, alpha_f = 117049297, 127690142, 1057819769, 638450708
    shifted_quarter = int(saturating_rounding_multiply_by_pot(np.int64(one_quarter), -accum_bits))
    z_a = np.asarray(a, np.int64)
    z_a_headroom_plus_1 = count_leading_zeros_u32(z_a)
    r_a_tmp = saturating_rounding_multiply_by_pot(z_a, z_a_headroom_plus_1 - 1)
    r_a_raw = saturating_rounding_multiply_by_pot(_fx_mul(r_a_tmp, sqrt_half), 1)
    z_a_pow_2_adj = _saturate_int32(saturating_rounding_multiply_by_pot(
        input_integer_bits - z_a_headroom_plus_1, 31 - accum_bits) + shifted_quarter)
    z_b = _fx_mul(z_a, sqrt_half)
    z_b_headroom = count_leading_zeros_u32(z_b) - 1
    r_b_raw = saturating_rounding_multiply_by_pot(z_a, z_b_headroom)
    z_b_pow_2_adj = _saturate_int32(saturating_rounding_multiply_by_pot(
        input_integer_bits - z_b_headroom, 31 - accum_bits) - shifted_quarter)
    r = np.minimum(r_a_raw, r_b_raw)
    z_pow_2_adj = np.maximum(z_a_pow_2_adj, z_b_pow_2_adj)
    p = rounding_half_sum(r, sqrt_sqrt_half)
    q = wrap_int32(r - sqrt_sqrt_half)
    q = wrap_int32(q + q)
    common_sq = _fx_mul(q, q)
    num = wrap_int32(_fx_mul(q, r) + _fx_mul(_fx_mul(q, common_sq), alpha_n))
    denom_minus_one_0 = wrap_int32(
        _fx_mul(p, wrap_int32(wrap_int32(alpha_i + q) + _fx_mul(alpha_d, common_sq))) + _fx_mul(alpha_f, q))
    recip_denom = gemmlowp_one_over_one_plus_x_for_x_in_0_1(denom_minus_one_0)
    num_scaled = saturating_rounding_multiply_by_pot(num, -accum_bits)  # Rescale<accum> of a Q0.31
    total = wrap_int32(_fx_mul(z_pow_2_adj, log_2) + _fx_mul(num_scaled, recip_denom))
    return saturating_rounding_multiply_by_pot(total, accum_bits - output_integer_bits)  # Rescale<output>


def calculate_input_radius(input_integer_bits: int, input_left_shift: int, total_signed_bits: int = 31) -> int:
    """TFLM ``CalculateInputRadius`` (double path): the largest |input| whose
    rescaled value still fits the fixed-point input format."""
    max_input_rescaled = ((1 << input_integer_bits) - 1) * math.ldexp(1.0, total_signed_bits - input_integer_bits)
    return int(math.floor(max_input_rescaled / math.ldexp(1.0, input_left_shift)))


def get_reciprocal(x: np.ndarray, x_integer_digits: int) -> tuple[np.ndarray, np.ndarray]:
    """TFLM ``GetReciprocal``: (Q0.31 raw of the normalised 1/x, num_bits_over_unit).

    ``x`` is shifted left until its top bit is set (uint32 arithmetic), and
    1/(1 + frac) comes from gemmlowp's Newton-Raphson helper.
    """
    x = np.asarray(x, np.int64)
    headroom_plus_one = count_leading_zeros_u32(x)
    num_bits_over_unit = x_integer_digits - headroom_plus_one
    shifted = ((x & 0xFFFFFFFF) << headroom_plus_one) & 0xFFFFFFFF
    shifted_sum_minus_one = wrap_int32((shifted - (1 << 31)) & 0xFFFFFFFF)
    return gemmlowp_one_over_one_plus_x_for_x_in_0_1(shifted_sum_minus_one), num_bits_over_unit


def _int_wrap32(v: int) -> int:
    return ((v + (1 << 31)) & 0xFFFFFFFF) - (1 << 31)


def _int_srdhm(a: int, b: int) -> int:
    """``saturating_rounding_doubling_high_mul`` on Python ints (the definition, C truncation)."""
    if a == b == INT32_MIN:
        return INT32_MAX
    s = a * b + ((1 << 30) if a * b >= 0 else 1 - (1 << 30))
    return s >> 31 if s >= 0 else -((-s) >> 31)


def _int_srmpot(x: int, exponent: int) -> int:
    """``saturating_rounding_multiply_by_pot`` on a Python int, exponent in [-31, 31]."""
    if exponent > 0:
        threshold = (1 << (31 - exponent)) - 1
        return INT32_MAX if x > threshold else INT32_MIN if x < -threshold else x << exponent
    if exponent < 0:
        e = -exponent
        mask = (1 << e) - 1
        return (x >> e) + ((x & mask) > (mask >> 1) + (x < 0))
    return x


def get_reciprocal_int(x: int, x_integer_digits: int) -> tuple[int, int]:
    """``get_reciprocal`` of one value in Python ints, operation by operation the same
    gemmlowp steps (``count_leading_zeros_u32``, ``rounding_half_sum``, the three
    Newton-Raphson iterations of ``_newton_raphson_reciprocal_half``): a softmax row's
    sum is one number, and a few hundred Python int operations cost less than the ~60
    numpy calls of the array version (tested against it in tests/test_quant.py)."""
    u = int(x) & 0xFFFFFFFF
    headroom_plus_one = 32 - u.bit_length()
    shifted = (u << headroom_plus_one) & 0xFFFFFFFF
    a = _int_wrap32((shifted - (1 << 31)) & 0xFFFFFFFF)
    total = a + INT32_MAX  # rounding_half_sum(a, INT32_MAX)
    total += 1 if total >= 0 else -1
    half_denominator = total // 2 if total >= 0 else -((-total) // 2)
    r = _int_wrap32(1515870810 + _int_srdhm(half_denominator, -1010580540))
    for _ in range(3):
        one_minus = _int_wrap32((1 << 29) - _int_srdhm(half_denominator, r))
        r = _int_wrap32(r + _int_srmpot(_int_srdhm(r, one_minus), 2))
    return _int_srmpot(r, 1), x_integer_digits - headroom_plus_one


# --------------------------------------------------------------------------- libm-exact float helpers
# TFLM's float kernels call std::exp/std::tanh/std::log/std::sin... on floats, i.e.
# the C library's expf/tanhf/logf/sinf... Those are not correctly rounded, and numpy's own
# float32 exp differs from glibc's in ~40% of inputs (float64 exp rounded to
# float32 still differs in ~0.07%). To be bit-exact we call the very same libm
# functions TFLM's host build links through ctypes (the firmware twin simply
# calls them): about 0.5 us an element, which only float models pay. ``expf``,
# on the float SOFTMAX/LOGISTIC hot paths, is vectorised and asks libm only
# where the float64 result could round differently.


def roundf(x: np.ndarray) -> np.ndarray:
    """C ``roundf`` (TFLM's ``TfLiteRound`` on float) on float32 arrays: half away from zero.

    Computed in float64 so that ``|x| + 0.5`` is exact (0.49999997f must give 0).
    """
    f = np.asarray(x, np.float32).astype(np.float64)
    return np.copysign(np.floor(np.abs(f) + 0.5), f).astype(np.float32)


@functools.cache
def _libm_function(name: str) -> Callable[[float], float] | None:
    path = ctypes.util.find_library("m") or ctypes.util.find_library("c")
    if path is None:  # pragma: no cover - every supported platform has a libm
        return None
    fn = getattr(ctypes.CDLL(path), name, None)
    if fn is not None:
        fn.restype, fn.argtypes = ctypes.c_float, [ctypes.c_float]
    return fn


_NUMPY_FALLBACK = {"expf": np.exp, "tanhf": np.tanh, "logf": np.log, "sinf": np.sin, "cosf": np.cos,
                   "expm1f": np.expm1}


#: C library functions with an exact vectorised transcription (``fdlibm.py``), used when
#: ``fdlibm.exact()`` confirms it matches this process's C library
_VECTORISED = {"tanhf": fdlibm.tanhf, "expm1f": fdlibm.expm1f}

#: below this many elements the ctypes loop is faster than the ~60 numpy passes of a
#: transcription (measured on this project's 2-core host: break-even at 300-500 elements)
VECTORISED_MIN_SIZE = 512


def libm_float(name: str, x: np.ndarray | float) -> np.ndarray:
    """The C library's float function ``name`` (``"expf"``, ``"sinf"``, ``"expm1f"``, ...)
    applied element-wise, float32 in and out: ``tanhf`` and ``expm1f`` through their
    vectorised transcription where it is exact here (on arrays of ``VECTORISED_MIN_SIZE``
    elements or more), the rest one ctypes call per element."""
    arr = np.asarray(x, np.float32)
    if name in _VECTORISED and arr.size >= VECTORISED_MIN_SIZE and fdlibm.exact():
        return _VECTORISED[name](arr)
    out = libm_float_scalar_loop(name, arr)
    if out is None:  # pragma: no cover - no C library: close, but not bit-exact
        with np.errstate(all="ignore"):
            return _NUMPY_FALLBACK[name](arr.astype(np.float64)).astype(np.float32)
    return out


def libm_float_scalar_loop(name: str, x: np.ndarray) -> np.ndarray | None:
    """The C library's float function ``name`` on every element of ``x`` through ctypes,
    one call per element (None without a C library): the reference the vectorised
    transcriptions are checked against."""
    fn = _libm_function(name)
    if fn is None:  # pragma: no cover - every supported platform has a libm
        return None
    arr = np.asarray(x, np.float32)
    return np.fromiter(map(fn, arr.ravel().tolist()), np.float32, count=arr.size).reshape(arr.shape)


def libm_expf(x: np.ndarray | float) -> np.ndarray:
    """The C library's (glibc's) ``expf`` applied element-wise (float32 in, float32 out).

    glibc's expf is not correctly rounded, but its documented error is below
    0.502 ulp, so it can only differ from the correctly rounded float32 where
    the exact value lies within 0.002 ulp of a rounding midpoint. We round a
    float64 exp to float32 and call libm's expf only where the float64 value
    is within 0.01 ulp of a midpoint (~0.5 % of arguments) or the result is
    zero (above -104), subnormal or not finite. An exhaustive run over every float32 in
    [-110, 90] on glibc 2.36 (x86-64, FMA variant) put all 170,648
    expf-vs-correct-rounding differences inside that band (max 0.0017 ulp).
    """
    xf = np.asarray(x, np.float32)
    with np.errstate(over="ignore", invalid="ignore"):
        t = np.exp(xf.astype(np.float64))
        c = t.astype(np.float32)
        c64 = c.astype(np.float64)
        neighbour = np.nextafter(c, np.where(t >= c64, np.float32(np.inf), np.float32(-np.inf))).astype(np.float64)
        ulp = np.abs(neighbour - c64)
        distance = np.abs(t - 0.5 * (c64 + neighbour)) / np.where(ulp > 0, ulp, 1.0)
        # Zero/subnormal results go to libm too, except below -104 where both glibc (underflow
        # threshold -103.97) and correct rounding (exp(-104) < 2**-150) give +0.0.
        tiny = (np.abs(c) < np.finfo(np.float32).tiny) & ~(xf < np.float32(-104.0))
        hard = (distance < 0.01) | ~np.isfinite(c) | tiny
    if np.any(hard):
        c = np.array(c, np.float32, copy=True).reshape(-1)
        idx = np.flatnonzero(hard.reshape(-1))
        c[idx] = libm_float("expf", xf.reshape(-1)[idx])
        c = c.reshape(xf.shape)
    return c


def libm_tanhf(x: np.ndarray | float) -> np.ndarray:
    """The C library's ``tanhf`` applied element-wise (float32 in, float32 out), vectorised
    where ``fdlibm.exact()`` holds."""
    return libm_float("tanhf", x)


def libm_logf(x: np.ndarray | float) -> np.ndarray:
    """The C library's ``logf`` applied element-wise (float32 in, float32 out)."""
    return libm_float("logf", x)


def clamp_flt_max(x: np.ndarray, out: np.ndarray) -> None:
    """``clamp_float(x, -FLT_MAX, FLT_MAX)`` (TFLM's no-op activation clamp) into ``out``,
    in one pass: with bounds of +-FLT_MAX, ``std::max``/``std::min`` and numpy's
    ``maximum``/``minimum`` agree on every value -- no bound is a zero, so the sign of a
    zero is kept either way, and numpy documents that a NaN operand is the element
    returned, as ``(x < lo) ? lo : x`` returns it -- so numpy's clip is the same clamp."""
    _clip(x, _NEG_FLT_MAX, _FLT_MAX, out=out)


_FLT_MAX = np.float32(np.finfo(np.float32).max)
_NEG_FLT_MAX = -_FLT_MAX


def sse_nan_first(result: np.ndarray, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Fix the NaN of a float32 binary op where *both* operands are NaN.

    x86 SSE arithmetic (what the oracle runs) returns the first source operand,
    quieted, when both are NaN; which C operand is "first" is the compiler's
    choice, fixed per kernel. numpy's SIMD loops make no such promise (the
    operand that wins varies with the loop chosen), so kernels pass their
    operands in TFLM's order and this makes the payload match. ``result`` is
    modified in place and returned; a cheap no-op when no NaN pair exists.
    """
    first = np.broadcast_to(first, result.shape)
    second = np.broadcast_to(second, result.shape)
    both = np.isnan(first) & np.isnan(second)
    if both.any():
        result[both] = (first[both].view(np.uint32) | np.uint32(0x00400000)).view(np.float32)
    return result


# --------------------------------------------------------------------------- int16 fixed point (HARD_SWISH)
# gemmlowp's primitives instantiated for int16_t, as TFLM's int8 HARD_SWISH runs them.


def wrap_int16(x: np.ndarray) -> np.ndarray:
    """Two's-complement wrap to int16 (a C store of an int into an int16_t)."""
    return np.asarray(x, np.int64).astype(np.int16).astype(np.int64)[()]


def saturating_rounding_doubling_high_mul_int16(a: np.ndarray, b: np.ndarray | int) -> np.ndarray:
    """gemmlowp ``SaturatingRoundingDoublingHighMul(int16, int16)``."""
    a = np.asarray(a, np.int64)
    b = np.asarray(b, np.int64)
    ab = a * b
    s = ab + np.where(ab >= 0, 1 << 14, 1 - (1 << 14))
    high = np.where(s >= 0, s >> 15, -((-s) >> 15))  # C division truncates
    return np.where((a == b) & (a == -32768), 32767, wrap_int16(high))


def saturating_doubling_high_mul_int16(a: np.ndarray, b: np.ndarray | int) -> np.ndarray:
    """TFLM's ``SaturatingDoublingHighMul`` (hard_swish.h): like the rounding one but
    truncating toward zero (ARM SQDMULH)."""
    a = np.asarray(a, np.int64)
    b = np.asarray(b, np.int64)
    ab = a * b
    high = np.where(ab >= 0, ab >> 15, -((-ab) >> 15))
    return np.where((a == b) & (a == -32768), 32767, wrap_int16(high))


def rounding_divide_by_pot_int16(x: np.ndarray, exponent: int) -> np.ndarray:
    """gemmlowp ``RoundingDivideByPOT`` instantiated for int16_t. The mask
    ``(1 << exponent) - 1`` is stored in an int16, so for exponent >= 16 it becomes
    -1 and the "rounding" yields +1 for every x >= 0: reproduced on purpose."""
    x = np.asarray(x, np.int64)
    mask = int(wrap_int16((1 << exponent) - 1))
    remainder = x & mask
    threshold = (mask >> 1) + (x < 0)
    return wrap_int16((x >> min(exponent, 63)) + (remainder > threshold))


def saturating_left_shift_int16(x: np.ndarray, amount: int) -> np.ndarray:
    """TFLM ``SaturatingLeftShift`` (hard_swish.h): x * 2**amount clamped to int16."""
    return np.clip(np.asarray(x, np.int64) * (1 << amount), -32768, 32767)


# --------------------------------------------------------------------------- int16 LUTs
# TFLM's int16 LOGISTIC and TANH (reference_integer_ops, also used inside the
# micro LSTM) interpolate one shared table of sigmoid(i/24) in 0.16 format;
# int16 SOFTMAX builds 513-entry tables in prepare (LUTPopulate) and
# interpolates them (LUTLookup).

#: LUTSize<int16_t>(): entries of each int16 SOFTMAX table (TFLM and MI_INT16_LUT_ENTRIES in C)
INT16_LUT_ENTRIES = 513


SIGMOID_TABLE_UINT16 = np.array([
    32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498,
    40149, 40794, 41432, 42064, 42688, 43304, 43912, 44511, 45102, 45683, 46255,
    46817, 47369, 47911, 48443, 48964, 49475, 49975, 50464, 50942, 51409, 51865,
    52311, 52745, 53169, 53581, 53983, 54374, 54755, 55125, 55485, 55834, 56174,
    56503, 56823, 57133, 57433, 57724, 58007, 58280, 58544, 58800, 59048, 59288,
    59519, 59743, 59959, 60168, 60370, 60565, 60753, 60935, 61110, 61279, 61441,
    61599, 61750, 61896, 62036, 62172, 62302, 62428, 62549, 62666, 62778, 62886,
    62990, 63090, 63186, 63279, 63368, 63454, 63536, 63615, 63691, 63765, 63835,
    63903, 63968, 64030, 64090, 64148, 64204, 64257, 64308, 64357, 64405, 64450,
    64494, 64536, 64576, 64614, 64652, 64687, 64721, 64754, 64786, 64816, 64845,
    64873, 64900, 64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079, 65097,
    65115, 65132, 65149, 65164, 65179, 65194, 65208, 65221, 65234, 65246, 65258,
    65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360,
    65367, 65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425,
    65429, 65433, 65438, 65442, 65445, 65449, 65453, 65456, 65459, 65462, 65465,
    65468, 65471, 65474, 65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491,
    65493, 65495, 65497, 65498, 65500, 65501, 65503, 65504, 65505, 65507, 65508,
    65509, 65510, 65511, 65512, 65513, 65514, 65515, 65516, 65517, 65517, 65518,
    65519, 65520, 65520, 65521, 65522, 65522, 65523, 65523, 65524, 65524, 65525,
    65525, 65526, 65526, 65526, 65527, 65527, 65528, 65528, 65528, 65529, 65529,
    65529, 65529, 65530, 65530, 65530, 65530, 65531, 65531, 65531, 65531, 65531,
    65532, 65532, 65532, 65532, 65532, 65532, 65533, 65533, 65533, 65533, 65533,
    65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534,
    65534, 65534, 65535], dtype=np.int64)


def _lut_prescale_int16(x: np.ndarray, input_multiplier: int, input_left_shift: int) -> np.ndarray:
    """The common input rescaling of TFLM's int16 LUT sigmoid/tanh: a multiplier of
    0 means the power-of-two case, where the multiplier is ``3 << shift``."""
    if input_multiplier == 0:
        input_multiplier, input_left_shift = 3 << input_left_shift, 0
    rnd = (1 << (input_left_shift - 1)) if input_left_shift > 0 else 0
    return wrap_int32(np.asarray(x, np.int64) * input_multiplier + rnd) >> input_left_shift


def lut_logistic_int16(x: np.ndarray, input_multiplier: int, input_left_shift: int) -> np.ndarray:
    """TFLM ``reference_integer_ops::Logistic`` for int16 (Q0.15 output)."""
    v = _lut_prescale_int16(x, input_multiplier, input_left_shift)
    a = np.abs(v)
    uh = a >> 9
    idx = np.minimum(uh, 254)
    ua, ub = SIGMOID_TABLE_UINT16[idx], SIGMOID_TABLE_UINT16[idx + 1]
    result = np.where(uh >= 255, 0x7FFF << 10, (ua << 9) + (a & 0x1FF) * (ub - ua))
    result = np.where(v >= 0, result + (1 << 9), (1 << 25) - result + (1 << 9) - 1)
    return (result >> 10).astype(np.int16)


def lut_tanh_int16(x: np.ndarray, input_multiplier: int, input_left_shift: int) -> np.ndarray:
    """TFLM ``reference_integer_ops::Tanh`` for int16 (Q0.15 output)."""
    v = _lut_prescale_int16(x, input_multiplier, input_left_shift)
    a = np.abs(v)
    uh = a >> 8
    idx = np.minimum(uh, 254)
    ua, ub = SIGMOID_TABLE_UINT16[idx], SIGMOID_TABLE_UINT16[idx + 1]
    result = np.where(uh >= 255, 0xFFFF << 8, (ua << 8) + (a & 0xFF) * (ub - ua))
    result = np.where(v >= 0, result - (1 << 23) + (1 << 7), -result + (1 << 23) + (1 << 7) - 1)
    return (result >> 8).astype(np.int16)


def checked_log2(x: float) -> tuple[bool, int]:
    """TFLM ``CheckedLog2``: (is x a power of two within 1e-3 in log2, rounded log2),
    computed in float32 with the C library's ``logf`` as TFLM does."""
    one_over_log2 = np.float32(1.0) / np.float32(math.log(2.0))  # compile-time constant in C
    x_log2 = np.float32(libm_logf(np.float32(x))) * one_over_log2
    rounded = np.float32(round_half_away(float(x_log2)))
    frac = np.float32(x_log2 - rounded)
    return bool(abs(frac) < np.float32(1e-3)), int(rounded)


def lut_populate_int16(transform: Callable[[np.ndarray], np.ndarray], input_scale: float, input_zero_point: int,
                       output_scale: float, output_zero_point: int) -> np.ndarray:
    """TFLM ``LUTPopulate<int16_t>`` (float flavour): the 513-entry interpolation table.

    Every step is float32 arithmetic in TFLM's order; each of the 512 base
    values is biased by half the error linear interpolation would make at the
    segment midpoint. ``transform`` maps a float32 array to float32 and must
    reproduce the C lambda bit for bit (e.g. ``libm_expf``).
    """
    f32 = np.float32
    in_s, out_s = f32(input_scale), f32(output_scale)
    input_min = in_s * f32(-32768 - int(input_zero_point))
    input_max = in_s * f32(32767 - int(input_zero_point))
    output_min = out_s * f32(-32768 - int(output_zero_point))
    output_max = out_s * f32(32767 - int(output_zero_point))
    step = (input_max - input_min) / f32(512)
    half_step = step / f32(2)
    scaling_inv = f32(65536) / (output_max - output_min)
    i = np.arange(512).astype(np.float32)
    at_i = input_min + i * step
    val = np.asarray(transform(at_i), np.float32)
    val_midpoint = np.asarray(transform(at_i + half_step), np.float32)
    val_next = np.asarray(transform(input_min + (i + f32(1)) * step), np.float32)
    sample_val = roundf(val * scaling_inv)
    midpoint_interp_val = roundf((val_next * scaling_inv + roundf(val * scaling_inv)) / f32(2))
    midpoint_val = roundf(val_midpoint * scaling_inv)
    bias = roundf((midpoint_interp_val - midpoint_val) / f32(2))
    last = roundf(np.asarray(transform(np.array([input_max], np.float32)), np.float32) * scaling_inv)
    table = np.concatenate([sample_val - bias, last])
    return np.minimum(np.maximum(table, f32(-32768)), f32(32767)).astype(np.int16)


def lut_lookup_int16(value: np.ndarray, lut: np.ndarray) -> np.ndarray:
    """TFLM ``LUTLookup(int16_t, const int16_t*)``: the top 9 bits pick a segment
    of the 513-entry table, the low 7 bits interpolate (rounded, int16 wrap)."""
    v = np.asarray(value, np.int64)
    table = np.asarray(lut, np.int64)
    index = 256 + (v >> 7)
    base = table[index]
    slope = wrap_int16(table[index + 1] - base)
    delta = (slope * (v & 0x7F) + 64) >> 7
    return wrap_int16(base + delta)


# ------------------------------------------------------- op-specific set-up (SOFTMAX, LOG_SOFTMAX, RSQRT, MEAN)

def preprocess_softmax_scaling(beta: float, input_scale: float, input_integer_bits: int) -> tuple[int, int]:
    """TFLM ``PreprocessSoftmaxScaling`` (double-rounding build): (multiplier, left_shift)
    for ``beta * input_scale * 2**(31 - input_integer_bits)``, capped at ``2**31 - 1``."""
    real = min(float(beta) * float(input_scale) * float(1 << (31 - input_integer_bits)), float((1 << 31) - 1))
    return quantize_multiplier_unbounded(real)


def preprocess_log_softmax_scaling_exp(beta: float, input_scale: float,
                                       input_integer_bits: int) -> tuple[int, int, int, int]:
    """TFLM ``PreprocessLogSoftmaxScalingExp`` (double-rounding build):
    (input_multiplier, input_left_shift, reverse_scaling_divisor, reverse_scaling_left_shift).

    The input multiplier is ``beta * input_scale * 2**(31 - input_integer_bits)`` capped
    at ``2**31 - 1`` (``QuantizeMultiplierGreaterThanOne``), the reverse divisor
    ``2**(31 - left_shift) / multiplier`` (``QuantizeMultiplierSmallerThanOneExp``).
    Where TFLM's CHECKs would abort (a multiplier not above 1, a reverse divisor
    not inside (0, 1)) a ValueError is raised instead.
    """
    real = min(float(beta) * float(input_scale) * float(1 << (31 - input_integer_bits)), float((1 << 31) - 1))
    if not real > 1.0:
        raise ValueError(f"input multiplier {real!r} must exceed 1 (TFLM's QuantizeMultiplierGreaterThanOne aborts)")
    multiplier, left_shift = quantize_multiplier_unbounded(real)
    reverse = float(1 << (31 - left_shift)) / float(multiplier)
    if not 0.0 < reverse < 1.0:
        raise ValueError(f"reverse scaling divisor {reverse!r} is outside (0, 1) (TFLM aborts)")
    reverse_multiplier, reverse_shift = quantize_multiplier_unbounded(reverse)
    return multiplier, left_shift, reverse_multiplier, reverse_shift


def inv_sqrt_quantized_multiplier_exp(x: np.ndarray, reverse_shift: int = -1) -> tuple[np.ndarray, np.ndarray]:
    """TFLM ``GetInvSqrtQuantizedMultiplierExp`` element-wise on int32 values >= 0:
    (multiplier, shift) with ``1/sqrt(x) ~= multiplier * 2**(shift - 31)`` for the
    default ``reverse_shift`` of -1 (``kReverseShift``).

    The input is normalised by bit pairs into [2**27, 2**29), then five
    Newton-Raphson steps run in gemmlowp's ``FixedPoint<int32, 3>`` (products are
    ``SaturatingRoundingDoublingHighMul``, ``Rescale<3>`` a saturating left shift),
    and the result is multiplied by sqrt(2)/2 in Q0.31. Inputs 0 and 1 give
    ``(INT32_MAX, 0)`` as in TFLM.
    """
    x = np.asarray(x, np.int64)
    small = x <= 1
    v = np.where(small, 2, x)
    shift = np.full(v.shape, 11, np.int64)
    while np.any(v >= (1 << 29)):
        big = v >= (1 << 29)
        v = np.where(big, v // 4, v)
        shift = shift + big
    left_shift_bit_pairs = (count_leading_zeros_u32(v) - 1) // 2 - 1
    shift = shift - left_shift_bit_pairs
    v = v << (2 * left_shift_bit_pairs)
    half_input = rounding_divide_by_pot(v >> 1, 1)  # F3 input, SaturatingRoundingMultiplyByPOT<-1>
    half_three = (1 << 28) + (1 << 27)  # 1.5 in F3
    r = np.full(v.shape, 1 << 28, np.int64)  # F3::One()
    for _ in range(5):
        cube = saturating_rounding_multiply_by_pot(_fx_mul(_fx_mul(r, r), r), 6)  # F9 -> F3
        r = saturating_rounding_multiply_by_pot(wrap_int32(_fx_mul(half_three, r) - _fx_mul(half_input, cube)), 3)
    r = _fx_mul(r, 1518500250)  # * sqrt(2)/2 in F0
    negative = shift < 0
    r = np.where(negative, wrap_int32(r << np.where(negative, -shift, 0)), r)
    shift = np.where(negative, 0, shift)
    return np.where(small, INT32_MAX, r), np.where(small, 0, shift * reverse_shift)


def mean_multiplier(multiplier: int, shift: int, num_elements: int) -> tuple[int, int]:
    """Fold the division by ``num_elements`` into a quantized multiplier, as TFLM's
    ``QuantizedMeanOrSum`` does for MEAN: the multiplier is scaled up by
    ``2**s`` (``s = floor(log2 n)``, capped at 32 and at ``31 + shift``),
    integer-divided by ``n`` (truncating), and the shift lowered by ``s``.
    The integer division is where TFLM's mean differs from an exact
    ``scale_in / (n * scale_out)`` multiplier, so it is reproduced exactly."""
    s = min(int(num_elements).bit_length() - 1, 32, 31 + shift)
    scaled = (int(multiplier) << s) // int(num_elements)
    return int(wrap_int32(np.int64(scaled))), shift - s
