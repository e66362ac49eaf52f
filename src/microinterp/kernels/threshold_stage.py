"""A small integer layer's output stage read off sorted thresholds. Not a kernel: no
registration; used by ``fully_connected.py`` (whose C twin, mi_fully_connected.c, runs
the stage's arithmetic itself).

TFLM's int32 output stage (``MultiplyByQuantizedMultiplier``, double rounding, ``+ zp``,
clamp) is a non-decreasing function ``f`` of the accumulator, per channel, where no value
wraps (no int32 accumulator overflow, no left shift past int32: both checked): each step
(``acc << left``, ``acc * m`` with ``m >= 0``, adding a rounding constant, flooring
shifts, the clamp) is one. So ``f(acc) = act_min + #{v in (act_min, act_max] : t_v <= acc}`` with
``t_v = min{acc : f(acc) >= v}``, at most 255 thresholds per int8 channel, found here
once by bisection on the reference ``quant.multiply_by_quantized_multiplier`` and then
checked at every threshold (``f(t_v) >= v > f(t_v - 1)``).

Tiny layers cost numpy's per-call overhead, not arithmetic, and the stage's integer
route is five or more numpy calls. Here an invoke is four, whatever the stage:

* the input, copied into a float64 row whose last element is a constant 1.0;
* one BLAS product with the weights, whose last row holds each channel's constant
  (bias, input offset, and the channel's offset below): every partial sum is an integer
  below 2**53 (bounded here in Python ints), so float64 is exact in any order;
* one ``searchsorted`` in all channels' thresholds laid end to end: channel ``n``'s
  accumulators and thresholds are moved by ``offset_n`` into a band of their own, above
  every lower channel's and closed by a sentinel above all of the channel's keys, so the
  count of thresholds at or below a key is ``n * (L + 1) + (f(acc) - act_min)`` (``L``
  thresholds per channel);
* one ``take`` from a table of ``act_min + (i mod (L + 1))`` in the output's dtype.

Thresholds beyond the channel's reachable accumulators are pulled to its ends (one below
the lowest: always counted; one above the highest: never), which changes no count.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .. import quant

#: most thresholds (all channels) a layer may take this route with: the table stays in cache
MAX_THRESHOLDS = 1 << 14


def _stage(acc: np.ndarray, multiplier: np.ndarray, shift: np.ndarray, zero_point: int, lo: int, hi: int) -> np.ndarray:
    """TFLM's int32 output stage (no wrap: the caller's accumulators fit int32), by the reference function."""
    scaled = quant.multiply_by_quantized_multiplier(acc, multiplier, shift) + zero_point
    return np.clip(scaled, lo, hi)


def thresholds(acc_lo: list[int], acc_hi: list[int], multiplier: np.ndarray, shift: np.ndarray, zero_point: int,
               lo: int, hi: int) -> np.ndarray | None:
    """``t[v - lo - 1, n]`` = the least accumulator of channel ``n`` in ``[acc_lo[n], acc_hi[n] + 1]``
    whose output is at least ``v``, for ``v`` in ``(lo, hi]`` (``acc_hi[n] + 1``: none); None if
    the stage is not monotone on that range (checked at every threshold)."""
    n = len(acc_lo)
    values = np.arange(lo + 1, hi + 1, dtype=np.int64)[:, None]  # (L, 1)
    m = np.broadcast_to(np.asarray(multiplier, np.int64), (n,))
    s = np.broadcast_to(np.asarray(shift, np.int64), (n,))
    below = np.broadcast_to(np.array(acc_lo, np.int64), (values.size, n)).copy()
    above = np.broadcast_to(np.array(acc_hi, np.int64) + 1, (values.size, n)).copy()
    start, stop = below.copy(), above.copy()
    while True:
        open_ = below < above
        if not open_.any():
            break
        mid = (below + above) // 2
        reached = _stage(mid, m, s, zero_point, lo, hi) >= values
        above = np.where(open_ & reached, mid, above)
        below = np.where(open_ & ~reached, mid + 1, below)
    t = below
    # the checks that make the bisection's answer exact: f(t) >= v where t is reachable, f(t - 1) < v where
    # t - 1 is; and the thresholds non-decreasing in v (they are, for a monotone f)
    inside, after_start = t < stop, t > start
    if not np.all(np.where(inside, _stage(np.minimum(t, stop - 1), m, s, zero_point, lo, hi) >= values, True)):
        return None
    if not np.all(np.where(after_start, _stage(np.maximum(t - 1, start), m, s, zero_point, lo, hi) < values, True)):
        return None
    if values.size > 1 and not np.all(np.diff(t, axis=0) >= 0):
        return None
    return t


class ThresholdStage:
    """``out = stage(x @ w + c)`` for a small integer matmul by thresholds (module docstring).
    ``make`` refuses (None) where the route does not apply."""

    def __init__(self, weights: np.ndarray, table: np.ndarray, values: np.ndarray) -> None:
        self.weights, self.table, self.values = weights, table, values

    @classmethod
    def make(cls, stage: quant.OutputStage, weights: np.ndarray, constant: np.ndarray, x_range: tuple[int, int],
             out_dtype: np.dtype) -> ThresholdStage | None:
        """``weights`` (K, N) and ``constant`` (N,) integers (the raw input's ``x @ weights + constant``
        is TFLM's int32 accumulator), ``x_range`` the raw input's (min, max)."""
        if stage.general or stage.wrap or np.any(np.asarray(stage.multiplier) < 0):
            return None
        lo, hi = stage.act_min, stage.act_max
        qmin, qmax = quant.dtype_range(out_dtype)
        k, n = weights.shape
        count = hi - lo
        if not qmin <= lo <= hi <= qmax or count * n > MAX_THRESHOLDS:
            return None
        w = [[int(v) for v in row] for row in np.asarray(weights, np.int64).T.tolist()]  # per channel
        c = [int(v) for v in np.asarray(constant, np.int64).reshape(-1).tolist()]
        x_lo, x_hi = int(x_range[0]), int(x_range[1])
        acc_lo = [sum(min(x_lo * v, x_hi * v) for v in w[ch]) + c[ch] for ch in range(n)]
        acc_hi = [sum(max(x_lo * v, x_hi * v) for v in w[ch]) + c[ch] for ch in range(n)]
        left = int(np.max(np.maximum(stage.shift, 0)))
        if max(-min(acc_lo), max(acc_hi)) << left > quant.INT32_MAX:  # the stage's left shift wraps no value
            return None
        if count == 0:
            t = np.zeros((0, n), np.int64)
        else:
            found = thresholds(acc_lo, acc_hi, stage.multiplier, stage.shift, stage.output_zero_point, lo, hi)
            if found is None:
                return None
            t = found
        # channel n's band: keys acc + offset_n and thresholds t + offset_n (at most acc_hi + 1),
        # then the sentinel acc_hi + 2, all above channel n-1's band
        floor, width = min(acc_lo), max(acc_hi) - min(acc_lo) + 3
        offsets = [ch * width - floor for ch in range(n)]
        largest = max(abs(x_lo), abs(x_hi))
        partial = max(largest * sum(abs(v) for v in w[ch]) + abs(c[ch] + offsets[ch]) for ch in range(n))
        if partial >= 2**53 or n * width >= 2**53:
            return None
        sentinel = np.array(acc_hi, np.int64)[None, :] + 2
        bands = np.concatenate([t, sentinel]) + np.array(offsets, np.int64)  # (L + 1, N)
        table = bands.T.reshape(-1).astype(np.float64)  # channel-major, sorted
        folded = np.empty((k + 1, n), np.float64)
        folded[:k] = weights
        folded[k] = [c[ch] + offsets[ch] for ch in range(n)]
        values = np.tile(np.arange(lo, hi + 1, dtype=np.int64), n).astype(out_dtype)  # act_min + (i mod (L + 1))
        return cls(folded, table, values)

    def bind(self, x: np.ndarray, out: np.ndarray) -> Callable[[], None]:
        """``out[...] = stage(x @ w + c)`` as a call on buffers allocated here; ``x`` is the
        (B, K) input view, read at every call, ``out`` (B, N)."""
        rows, k = x.shape
        row = np.ones((rows, k + 1), np.float64)
        head = row[:, :k]
        keys = np.empty((rows, self.weights.shape[1]), np.float64)
        weights, search, take, dot = self.weights, self.table.searchsorted, self.values.take, np.dot
        target = out.reshape(keys.shape)
        if target.dtype != self.values.dtype:
            raise ValueError(f"output dtype {target.dtype} is not the stage's {self.values.dtype}")

        def run() -> None:
            head[...] = x
            dot(row, weights, out=keys)  # exact: integers below 2**53
            take(search(keys, "right"), None, target, "clip")  # "clip": unbuffered; every index is in range

        return run
