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


@settings(max_examples=400)
@given(st.lists(I32, min_size=1, max_size=20), st.integers(0, quant.INT32_MAX), st.integers(-31, 30))
def test_multiply_by_quantized_multiplier_vectorised(xs, m, shift):
    got = quant.multiply_by_quantized_multiplier(np.array(xs, np.int64), m, shift)
    assert got.tolist() == [mbqm(x, m, shift) for x in xs]


def test_per_channel_broadcast():
    x = np.array([[100, -100, 7], [1 << 20, -(1 << 20), 0]], np.int64)
    m = np.array([1 << 30, 1518500250, 2**31 - 1])
    s = np.array([-1, 2, -31])
    got = quant.multiply_by_quantized_multiplier(x, m, s)
    want = [[mbqm(int(v), int(m[j]), int(s[j])) for j, v in enumerate(row)] for row in x.tolist()]
    assert got.tolist() == want


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
