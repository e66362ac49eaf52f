"""quant.py against scalar, pure-Python restatements of the gemmlowp / TFLM
definitions (arbitrary-precision ints, C truncating division), so the
vectorised numpy code is checked value by value, edge values included."""

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from microinterp import quant

I32 = st.integers(quant.INT32_MIN, quant.INT32_MAX)
EDGES = [quant.INT32_MIN, quant.INT32_MIN + 1, -1, 0, 1, quant.INT32_MAX - 1, quant.INT32_MAX, 1 << 30, -(1 << 30)]


def c_div(a: int, b: int) -> int:
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def srdhm(a: int, b: int) -> int:
    if a == b == quant.INT32_MIN:
        return quant.INT32_MAX
    ab = a * b
    nudge = (1 << 30) if ab >= 0 else 1 - (1 << 30)
    return c_div(ab + nudge, 1 << 31)


def rdbpot(x: int, e: int) -> int:
    mask = (1 << e) - 1
    rem = x & mask
    threshold = (mask >> 1) + (1 if x < 0 else 0)
    return (x >> e) + (1 if rem > threshold else 0)


def rdbpot_x86(x: int, e: int) -> int:
    """``RoundingDivideByPOT`` on int32 as x86-64 computes it for exponents of 32 and
    more: the int32-truncated mask is -1 and ``sar`` shifts by ``e & 31``."""
    if e < 32:
        return rdbpot(x, e)
    threshold = -1 >> 1 if x >= 0 else 0  # (mask >> 1) + (x < 0) with mask == -1
    return (x >> (e & 31)) + (1 if x > threshold else 0)


def wrap32(v: int) -> int:
    return (v + (1 << 31)) % (1 << 32) - (1 << 31)


def mbqm(x: int, m: int, shift: int) -> int:
    left, right = max(shift, 0), max(-shift, 0)
    return rdbpot(srdhm(wrap32(x * (1 << left)), m), right)


@settings(max_examples=400)
@given(st.one_of(I32, st.sampled_from(EDGES)), st.one_of(I32, st.sampled_from(EDGES)))
def test_srdhm(a, b):
    assert int(quant.saturating_rounding_doubling_high_mul(np.int64(a), np.int64(b))) == srdhm(a, b)


@settings(max_examples=400)
@given(st.one_of(I32, st.sampled_from(EDGES)), st.integers(0, 31))
def test_rounding_divide_by_pot(x, e):
    assert int(quant.rounding_divide_by_pot(np.int64(x), e)) == rdbpot(x, e)


@settings(max_examples=200)
@given(st.one_of(I32, st.sampled_from(EDGES)), st.integers(32, 63))
def test_rounding_divide_by_pot_beyond_31_as_x86(x, e):
    """DIV reaches exponents of 32 and more; the result is what the x86-64 oracle computes."""
    assert int(quant.rounding_divide_by_pot(np.int64(x), e)) == rdbpot_x86(x, e)


MULTIPLIERS = st.one_of(st.integers(0, quant.INT32_MAX), st.sampled_from([0, 1, 1 << 30, quant.INT32_MAX]))
ANY_MULTIPLIERS = st.one_of(I32, st.sampled_from(EDGES))


@settings(max_examples=400)
@given(st.lists(st.one_of(I32, st.sampled_from(EDGES)), min_size=1, max_size=20), MULTIPLIERS,
       st.integers(-31, 30))
def test_multiply_by_quantized_multiplier_vectorised(xs, m, shift):
    got = quant.multiply_by_quantized_multiplier(np.array(xs, np.int64), m, shift)
    assert got.tolist() == [mbqm(x, m, shift) for x in xs]


@settings(max_examples=200)
@given(st.lists(st.one_of(I32, st.sampled_from(EDGES)), min_size=1, max_size=20), ANY_MULTIPLIERS,
       st.integers(-31, 30))
def test_multiply_by_quantized_multiplier_negative_multipliers(xs, m, shift):
    """``quantize_multiplier`` only makes negative multipliers from negative reals
    (LEAKY_RELU's alpha, which the kernel applies as a magnitude); gemmlowp's
    semantics hold for them anyway, INT32_MIN x INT32_MIN saturation included."""
    got = quant.multiply_by_quantized_multiplier(np.array(xs, np.int64), m, shift)
    assert got.tolist() == [mbqm(x, m, shift) for x in xs]


def test_per_channel_broadcast():
    x = np.array([[100, -100, 7], [1 << 20, -(1 << 20), 0]], np.int64)
    m = np.array([1 << 30, 1518500250, 2**31 - 1])
    s = np.array([-1, 2, -31])
    got = quant.multiply_by_quantized_multiplier(x, m, s)
    want = [[mbqm(int(v), int(m[j]), int(s[j])) for j, v in enumerate(row)] for row in x.tolist()]
    assert got.tolist() == want


def test_per_channel_full_range():
    """Per-channel multipliers and shifts (any sign, edges included) on full-range int32 values."""
    rng = np.random.default_rng(2)
    m = np.concatenate([[0, 1, 1 << 30, quant.INT32_MAX, quant.INT32_MIN, -1], rng.integers(-(2**31), 2**31, 58)])
    s = np.concatenate([[-31, 30, 0, 1, -1, 7], rng.integers(-31, 31, 58)])
    x = np.concatenate([np.array(EDGES, np.int64)[:, None].repeat(64, 1), rng.integers(-(2**31), 2**31, (40, 64))])
    got = quant.multiply_by_quantized_multiplier(x, m, s)
    want = [[mbqm(int(v), int(m[j]), int(s[j])) for j, v in enumerate(row)] for row in x.tolist()]
    assert got.tolist() == want


@settings(max_examples=200)
@given(st.one_of(I32, st.sampled_from(EDGES)), MULTIPLIERS, st.integers(0, 31))
def test_smaller_and_greater_than_one_variants(x, m, e):
    assert int(quant.multiply_by_quantized_multiplier_smaller_than_one_exp(np.int64(x), m, -e)) == \
        rdbpot(srdhm(x, m), e)
    assert int(quant.multiply_by_quantized_multiplier_greater_than_one(np.int64(x), m, e)) == \
        srdhm(wrap32(x << e), m)


def test_wrap_int32():
    values = [0, -1, quant.INT32_MAX, quant.INT32_MAX + 1, quant.INT32_MIN - 1, 2**40 + 5, -(2**40) - 5, 2**62]
    assert quant.wrap_int32(np.array(values, np.int64)).tolist() == [wrap32(v) for v in values]
    assert int(quant.wrap_int32(np.int64(2**32 + 3))) == 3


@settings(max_examples=300)
@given(st.floats(min_value=1e-12, max_value=1e9, allow_nan=False))
def test_quantize_multiplier_reconstructs(real):
    m, shift = quant.quantize_multiplier(real)
    if m == 0:
        assert real < 2**-31
        return
    assert (1 << 30) <= m < (1 << 31)
    assert math.isclose(m * 2.0 ** (shift - 31), real, rel_tol=2**-30)


def test_quantize_multiplier_edges():
    assert quant.quantize_multiplier(0.0) == (0, 0)
    assert quant.quantize_multiplier(1.0) == (1 << 30, 1)
    assert quant.quantize_multiplier(0.5) == (1 << 30, 0)
    # q rounds up to 2**31: TFLM halves it and bumps the shift
    m, s = quant.quantize_multiplier(1.0 - 2**-40)
    assert (m, s) == (1 << 30, 1)
    assert quant.quantize_multiplier(2**-40) == (0, 0)


@settings(max_examples=300)
@given(st.integers(-(1 << 47), (1 << 47) - 1), st.integers(0, quant.INT32_MAX), st.integers(-31, 7))
def test_multiply_by_quantized_multiplier_int64(x, m, shift):
    reduced = (m + (1 << 15)) >> 16 if m < 0x7FFF0000 else 0x7FFF
    total = 15 - shift
    want = wrap32((x * reduced + (1 << (total - 1))) >> total)
    assert int(quant.multiply_by_quantized_multiplier_int64(np.int64(x), m, shift)) == want


def test_round_half_away():
    assert [quant.round_half_away(v) for v in (0.5, 1.5, 2.5, -0.5, -2.5, 0.49)] == [1, 2, 3, -1, -3, 0]


def test_activation_ranges():
    assert quant.activation_range_quantized(quant.ACT_NONE, -128, 127, 0.1, 3) == (-128, 127)
    assert quant.activation_range_quantized(quant.ACT_RELU, -128, 127, 0.1, 3) == (3, 127)
    assert quant.activation_range_quantized(quant.ACT_RELU6, -128, 127, 0.1, -128) == (-128, -68)
    assert quant.activation_range_quantized(quant.ACT_RELU_N1_TO_1, -128, 127, 0.5, 0) == (-2, 2)


def test_libm_expf_is_glibc_expf():
    """The vectorised ``libm_expf`` (float64 exp, libm only near rounding midpoints) returns
    the C library's expf bit for bit, near midpoints and at the range ends included."""
    rng = np.random.default_rng(11)
    x = np.concatenate([
        rng.uniform(-104, 0, 200_000), rng.uniform(-1, 1, 50_000) * 1e-3, rng.uniform(0, 89, 20_000),
        [0.0, -0.0, np.inf, -np.inf, np.nan, -87.33, -103.97, -150.0, 88.72, 89.0],
    ]).astype(np.float32)
    got, reference = quant.libm_expf(x), quant.libm_float("expf", x)  # element by element through ctypes
    assert np.array_equal(got.view(np.uint32), reference.view(np.uint32))


def test_expf_flags_leave_only_glibc_expf_unflagged():
    """``fdlibm.expf_flags``: where a float64 exp rounded to float32 is a normal float32 and
    not flagged, it is the C library's expf bit for bit (the float LSTM's sigmoid relies on
    it); misrounded values do occur (glibc's expf is not correctly rounded), all flagged.
    ``benchmarks/fdlibm_exhaustive.py --functions expf`` checks every float32."""
    from microinterp import fdlibm

    rng = np.random.default_rng(12)
    x = np.concatenate([rng.uniform(-17, 10, 300_000), rng.uniform(-1, 1, 50_000) * 1e-4,
                        rng.uniform(-87, 88, 50_000)]).astype(np.float32)
    e64 = np.exp(x.astype(np.float64))
    flagged = fdlibm.expf_flags(e64, np.empty(e64.shape, np.bool_))
    ours, reference = e64.astype(np.float32), quant.libm_float("expf", x)
    wrong = ours.view(np.uint32) != reference.view(np.uint32)
    assert wrong.any() and not (wrong & ~flagged).any()
    assert flagged.mean() < 0.02


@settings(max_examples=200)
@given(st.lists(st.one_of(I32, st.sampled_from(EDGES)), min_size=1, max_size=12),
       st.lists(st.tuples(MULTIPLIERS, st.integers(-31, 30)), min_size=1, max_size=4),
       st.integers(-(2**15), 2**15 - 1), st.integers(-(2**15), 2**15), st.booleans(), st.booleans())
def test_output_stage_matches_multiply_by_quantized_multiplier(xs, channels, zp, lo, per_channel, wrap):
    """The prepared, in-place output stage equals wrap + MultiplyByQuantizedMultiplier
    + zero point + clamp, per tensor and per channel (shifts of both signs mixed)."""
    hi = lo + 3000
    if per_channel:
        m = np.array([c[0] for c in channels], np.int64)
        s = np.array([c[1] for c in channels], np.int64)
        acc = np.array(xs, np.int64)[:, None].repeat(len(channels), 1) * 3
    else:
        m, s = np.int64(channels[0][0]), np.int64(channels[0][1])
        acc = np.array(xs, np.int64) * 3
    if not wrap:
        acc = quant.wrap_int32(acc)
    want = np.clip(quant.multiply_by_quantized_multiplier(quant.wrap_int32(acc), m, s) + zp, lo, hi)
    out = np.empty(acc.shape, np.int32)
    quant.OutputStage(m, s, zp, lo, hi, wrap=wrap).apply(acc.copy(), out)
    assert out.tolist() == want.tolist()


@settings(max_examples=200)
@given(st.lists(st.integers(-(2**40), 2**40), min_size=1, max_size=12),
       st.lists(st.tuples(MULTIPLIERS, st.integers(-31, quant.INT64_MULTIPLIER_MAX_SHIFT)), min_size=1, max_size=4),
       st.integers(-(2**15), 2**15 - 1), st.integers(-(2**15), 0), st.booleans(), st.booleans())
def test_int64_output_stage_matches_multiply_by_quantized_multiplier_int64(xs, channels, zp, lo, per_channel,
                                                                          bounded):
    """The prepared 16x8 int64 output stage equals MultiplyByQuantizedMultiplier(int64) +
    zero point + clamp, with the zero point folded (a bound on |acc| given) or not."""
    hi = lo + 40000
    if per_channel:
        m = np.array([c[0] for c in channels], np.int64)
        s = np.array([c[1] for c in channels], np.int64)
        acc = np.array(xs, np.int64)[:, None].repeat(len(channels), 1)
    else:
        m, s = np.int64(channels[0][0]), np.int64(channels[0][1])
        acc = np.array(xs, np.int64)
    bound = float(np.abs(acc).max()) if bounded else None
    want = np.clip(quant.multiply_by_quantized_multiplier_int64(acc, m, s) + zp, lo, hi)
    out = np.empty(acc.shape, np.int32)
    quant.Int64OutputStage(m, s, zp, lo, hi, max_abs_acc=bound).apply(acc.copy(), out)
    assert out.tolist() == want.tolist()


@settings(max_examples=500)
@given(st.one_of(I32, st.sampled_from(EDGES + [0, 1, 2, 3, 255, 256, 1 << 12, (1 << 12) + 1])), st.integers(0, 12))
def test_get_reciprocal_int_matches_the_array_version(x, digits):
    """The Python-int reciprocal (few-row softmax) equals the numpy one, value by value."""
    scale, bits = quant.get_reciprocal(np.array([x], np.int64), digits)
    assert quant.get_reciprocal_int(x, digits) == (int(scale[0]), int(bits[0]))


@settings(max_examples=300)
@given(st.integers(1, 12), st.lists(st.tuples(MULTIPLIERS, st.integers(-31, 6)), min_size=1, max_size=5),
       st.integers(-128, 127), st.integers(-200, 200), st.booleans(), st.integers(0, 2**32 - 1), st.booleans())
def test_folded_product_stage_matches_matmul_then_output_stage(depth, channels, zp, bias_scale, per_channel, seed,
                                                              int16_input):
    """The output stage folded into a small matmul (``FoldedProductStage``) gives the same
    outputs as ``x @ w + c`` then ``OutputStage.apply``, for every input of a random set
    including the dtype's extremes; where it refuses (a possible wrap), nothing is checked."""
    rng = np.random.default_rng(seed)
    n = len(channels) if per_channel else 3
    if per_channel:
        m = np.array([c[0] for c in channels], np.int64)
        s = np.array([c[1] for c in channels], np.int64)
    else:
        m, s = np.int64(channels[0][0]), np.int64(channels[0][1])
    dtype = np.int16 if int16_input else np.int8
    lo, hi = quant.dtype_range(np.dtype(dtype))
    w = rng.integers(-255, 256, (depth, n)).astype(np.int64)
    c = rng.integers(-1000, 1001, n).astype(np.int64) * bias_scale
    stage = quant.OutputStage(m, s, zp, -128, 127, wrap=False)
    folded = quant.FoldedProductStage.make(stage, w, c, (lo, hi))
    if folded is None:
        return
    x = rng.integers(lo, hi, (40, depth), endpoint=True).astype(dtype)
    x[0], x[1] = lo, hi
    out = np.empty((40, n), np.int8)
    folded.bind(x, out)()
    want = np.empty((40, n), np.int8)
    stage.apply(x.astype(np.int64) @ w + c, want)
    assert out.tolist() == want.tolist()


@settings(max_examples=300)
@given(MULTIPLIERS, st.integers(-31, 0), st.integers(-32768, 32767), st.sampled_from(["int8", "int16"]),
       st.booleans(), st.integers(0, 2**32 - 1))
def test_bound_rounded_products_equal_apply_product(m, s, zp, out_dtype, relu, seed):
    """``OutputStage.bind_rounded_products`` (the caller folds the rounding constant into its
    ``B = A + rounding``) gives ``apply_product``'s outputs on ``A``: right shifts 0 to 31,
    zero points folded into the rounding constant or not (large shifts and zero points), the
    clamp from ReLU or the full range, every ``A`` of a random set plus the values around 0
    and the extremes ``|acc * m| <= 2**62``."""
    rng = np.random.default_rng(seed)
    qmin, qmax = quant.dtype_range(np.dtype(out_dtype))
    zp = int(np.clip(zp, qmin, qmax))
    stage = quant.OutputStage(np.int64(m), np.int64(s), zp, max(zp, qmin) if relu else qmin, qmax, wrap=False)
    acc = np.concatenate([rng.integers(-(2**31), 2**31, 200), np.arange(-3, 4), [-(2**31), 2**31 - 1]])
    acc = np.concatenate([acc, rng.integers(-(2**31), 2**31, 50) >> rng.integers(0, 31, 50)])
    a = acc.astype(np.int64) * m + (1 << 30)
    a = np.concatenate([a, (2 ** (31 - s)) * np.arange(-4, 5) + rng.integers(-2, 3, 9)])  # near rounding edges
    want = np.empty(a.shape, out_dtype)
    stage.apply_product(a.copy(), want)
    b = np.empty(a.shape, np.int64)
    got = np.empty(a.shape, out_dtype)
    run = stage.bind_rounded_products(b, got)
    b[...] = a + int(stage.rounding)
    run()
    assert got.tolist() == want.tolist()


def test_fdlibm_tanhf_and_expm1f_equal_the_c_library():
    """The vectorised transcriptions of glibc's tanhf/expm1f (``fdlibm.py``) equal the C
    library's, called element by element through ctypes, on 60,000 random bit patterns
    and values in the ranges LSTM gates reach, every branch edge, +-0, +-inf and NaNs. On a
    C library they do not match, ``exact()`` is False and ``libm_float`` must not use them."""
    from microinterp import fdlibm

    rng = np.random.default_rng(14)
    x = np.concatenate([
        rng.integers(0, 1 << 32, 20000, dtype=np.uint64).astype(np.uint32).view(np.float32),
        rng.uniform(-25.0, 25.0, 20000).astype(np.float32), rng.normal(0.0, 1.0, 20000).astype(np.float32),
        np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -1.0, 22.0, -22.0, 88.72, -88.72, 2.0**-55, 2.0**-26],
                 np.float32), fdlibm._bits(*fdlibm._PROBE_WORDS)])
    for name, ours in (("tanhf", fdlibm.tanhf), ("expm1f", fdlibm.expm1f)):
        reference = quant.libm_float_scalar_loop(name, x)
        assert reference is not None
        if fdlibm.exact():  # glibc with the fdlibm code (the oracle's host): the transcription is used
            assert np.array_equal(ours(x).view(np.uint32), reference.view(np.uint32)), name
        assert np.array_equal(quant.libm_float(name, x).view(np.uint32), reference.view(np.uint32)), name


@settings(max_examples=300)
@given(st.lists(st.tuples(st.one_of(st.integers(1 << 30, quant.INT32_MAX), st.sampled_from([1 << 30, quant.INT32_MAX])),
                          st.integers(-31, 0)), min_size=1, max_size=5),
       st.integers(-128, 127), st.integers(0, 127), st.integers(1, 300), st.integers(0, 2**32 - 1),
       st.booleans(), st.sampled_from(["relu", "below", "dead"]))
def test_float_output_stage_equals_the_int64_stage(channels, zp, span, depth, seed, float64_sums, kind):
    """``convolution.FloatOutputStage`` (an int32 output stage in float64, from the float
    sums) gives ``+ bias`` then ``OutputStage.apply``'s outputs on random accumulators of
    both signs up to the layer's bound, zeros, every accumulator within 300 of zero (where
    the ``A < 0`` rounding differs) and the bound itself, per channel, with right shifts
    0-31, through ``bind`` and through ``bind_lifted_clamp`` (the folded GEMM's ending; both
    clamp the lifted values through int16 where ``lifted_reach`` bounds them below 2**15, as
    about two thirds of the drawn stages are, else in float64);
    clamps at or above the zero point ("relu"), reaching below it ("below", the ``A < 0``
    correction), and channels of near-zero weights with a large bias whose outputs are one
    clamp end ("dead"); where it refuses (a bound), nothing is checked."""
    from microinterp.kernels.convolution import FloatOutputStage

    rng = np.random.default_rng(seed)
    m = np.array([c[0] for c in channels], np.int64)
    s = np.array([c[1] for c in channels], np.int64)
    n = len(channels)
    act_min = max(-128, zp + span // 4) if kind == "relu" else max(-128, zp - 1 - span)
    stage = quant.OutputStage(m, s, zp, act_min, min(127, max(act_min, zp) + span), wrap=False)
    weights = rng.integers(-127, 128, (depth, n))
    bias = rng.integers(-5000, 5000, n).astype(np.int64)
    if kind == "dead":
        weights[:, ::2] = rng.integers(-1, 2, (depth, len(range(0, n, 2))))
        bias[::2] = rng.choice([-1, 1], len(range(0, n, 2))) * rng.integers(2**28, 2**30, len(range(0, n, 2)))
    folded = FloatOutputStage.make(stage, weights, 1, 255, bias)
    if folded is None:
        return
    bound = (np.abs(weights).sum(axis=0) * 255).astype(np.int64)
    sums = rng.integers(-bound, bound, (64 + 601, n), endpoint=True)
    sums[0], sums[1], sums[2] = bound, -bound, 0
    sums[64:] = np.clip(np.arange(-300, 301)[:, None] - bias, -bound, bound)  # accumulators near zero
    sums = sums.astype(np.float64 if float64_sums else np.float32)
    if not float64_sums:
        sums = np.clip(sums, -(2**24), 2**24)  # float32 sums are exact integers below 2**24
    want = np.empty(sums.shape, np.int8)
    stage.apply(sums.astype(np.int64) + bias, want)
    out = np.empty(sums.shape, np.int8)
    folded.bind(sums, out)()
    assert out.tolist() == want.tolist()
    lifted = folded.lifted_offset(np.dtype(np.int8))
    if lifted is not None:  # the folded GEMM's ending: t = sums * scale + lifted offset, then the clamp
        t = sums.astype(np.float64) * folded.scale + lifted
        out[...] = 0
        folded.bind_lifted_clamp(t, out)()
        assert out.tolist() == want.tolist()
