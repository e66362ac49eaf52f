"""``threshold_stage.ThresholdStage`` (a small FULLY_CONNECTED's output stage as a
threshold search) against the reference stage, ``quant.multiply_by_quantized_multiplier``
``+ zp`` and the clamp on the exact integer accumulator, value for value: per-tensor and
per-channel multipliers, left and right shifts, int8 and narrow-range int16 outputs,
biases that put thresholds beyond the reachable accumulators, a one-value clamp range.
Every input row is drawn at random or at the extremes that reach each channel's ends."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import seeds

from microinterp import quant
from microinterp.kernels.threshold_stage import ThresholdStage


def reference(acc: np.ndarray, multiplier: np.ndarray, shift: np.ndarray, zp: int, lo: int, hi: int) -> np.ndarray:
    return np.clip(quant.multiply_by_quantized_multiplier(acc, multiplier, shift) + zp, lo, hi)


@settings(max_examples=120, deadline=None)
@given(k=st.integers(1, 40), n=st.integers(1, 20), rows=st.integers(1, 4), seed=seeds, per_channel=st.booleans(),
       log_scale=st.floats(-24.0, 3.0), out16=st.booleans(), bias_bits=st.integers(0, 30),
       act=st.sampled_from(["full", "relu", "narrow", "one"]))
def test_threshold_stage_is_the_output_stage(k, n, rows, seed, per_channel, log_scale, out16, bias_bits, act):
    rng = np.random.default_rng(seed)
    out_dtype = np.dtype(np.int16 if out16 else np.int8)
    qmin, qmax = quant.dtype_range(out_dtype)
    zp = int(rng.integers(qmin, qmax + 1))
    lo, hi = {"full": (qmin, qmax), "relu": (max(zp, qmin), qmax), "narrow": (zp - 20, zp + 20),
              "one": (zp, zp)}[act]
    lo, hi = max(lo, qmin), min(hi, qmax)
    reals = 2.0 ** (log_scale + rng.uniform(-1, 1, n if per_channel else 1))
    multiplier, shift = quant.quantize_multipliers(reals)
    if not per_channel:
        multiplier, shift = multiplier[0], shift[0]
    stage = quant.OutputStage(multiplier, shift, zp, lo, hi, wrap=False)
    w = rng.integers(-128, 128, (k, n)).astype(np.int64)
    c = rng.integers(-(1 << bias_bits), (1 << bias_bits) + 1, n).astype(np.int64)
    x_range = (-128, 127)
    found = ThresholdStage.make(stage, w, c, x_range, out_dtype)
    if found is None:  # refused: a left shift that would wrap, or too many thresholds (int16, wide clamp)
        span = max(int(np.abs(np.asarray(w)).sum(axis=0).max()) * 128 + int(np.abs(c).max()), 1)
        assert (hi - lo) * n > 1 << 14 or span << int(np.max(np.maximum(shift, 0))) > quant.INT32_MAX
        return
    x = np.zeros((rows, k), np.int8)
    out = np.zeros((rows, n), out_dtype)
    run = found.bind(x, out)
    ends = [np.where(w[:, rng.integers(0, n)] >= 0, 127, -128), np.where(w[:, rng.integers(0, n)] >= 0, -128, 127)]
    for step in range(6):
        x[...] = ends[step % 2] if step < 2 else rng.integers(-128, 128, (rows, k))
        run()
        acc = x.astype(np.int64) @ w + c
        assert np.array_equal(out, reference(acc, multiplier, shift, zp, lo, hi)), step


@settings(max_examples=80, deadline=None)
@given(n=st.integers(1, 12), seed=seeds, per_channel=st.booleans(), log_scale=st.floats(-8.0, 3.0),
       relu=st.booleans())
def test_threshold_stage_on_every_accumulator(n, seed, per_channel, log_scale, relu):
    """One input value per row and weights of magnitude 1 to 3: the 256 rows reach every
    accumulator of each channel's range (or every other, every third), so every threshold
    and its neighbours are tried."""
    rng = np.random.default_rng(seed)
    zp = int(rng.integers(-128, 128))
    lo, hi = (zp, 127) if relu else (-128, 127)
    reals = 2.0 ** (log_scale + rng.uniform(-1, 1, n if per_channel else 1))
    multiplier, shift = quant.quantize_multipliers(reals)
    if not per_channel:
        multiplier, shift = multiplier[0], shift[0]
    stage = quant.OutputStage(multiplier, shift, zp, lo, hi, wrap=False)
    w = (rng.integers(1, 4, (1, n)) * rng.choice([-1, 1], (1, n))).astype(np.int64)
    c = rng.integers(-300, 301, n).astype(np.int64)
    found = ThresholdStage.make(stage, w, c, (-128, 127), np.dtype(np.int8))
    assert found is not None
    x = np.arange(-128, 128, dtype=np.int64).astype(np.int8).reshape(256, 1)
    out = np.zeros((256, n), np.int8)
    found.bind(x, out)()
    assert np.array_equal(out, reference(x.astype(np.int64) @ w + c, multiplier, shift, zp, lo, hi))
