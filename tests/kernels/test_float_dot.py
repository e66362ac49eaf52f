"""``float_dot.sequential_matmul`` against TFLM's plain float32 loop
(``total = 0.0f; total += x[k] * w[k]``), bit for bit, signed zeros, infinities
and NaN included, across block boundaries."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import seeds

from microinterp.kernels import float_dot


def loop(x: np.ndarray, w_t: np.ndarray) -> np.ndarray:
    total = np.zeros((x.shape[0], w_t.shape[1]), np.float32)
    for k in range(x.shape[1]):
        total += x[:, k, None] * w_t[None, k, :]
    return total


@settings(max_examples=150, deadline=None)
@given(m=st.integers(1, 9), k=st.integers(0, 300), n=st.one_of(st.integers(1, 3), st.integers(1, 40)), seed=seeds, block=st.sampled_from([7, 1 << 21]),
       special=st.booleans())
def test_sequential_matmul_is_the_c_loop(m, k, n, seed, block, special):
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal((m, k)) * 10.0 ** rng.uniform(-3, 3, (m, k))).astype(np.float32)
    w_t = rng.standard_normal((k, n)).astype(np.float32)
    if special and k:
        x.flat[rng.integers(0, x.size, 3)] = np.array([-0.0, np.inf, np.nan], np.float32)[rng.integers(0, 3, 3)]
        w_t[0] = -0.0
    saved = float_dot.BLOCK
    float_dot.BLOCK = block
    try:
        with np.errstate(invalid="ignore"):  # inf * 0 and inf - inf are NaN, silently as in C
            got = float_dot.sequential_matmul(x, w_t)
    finally:
        float_dot.BLOCK = saved
    with np.errstate(invalid="ignore"):
        want = loop(x, w_t)
    assert np.array_equal(got.view(np.int32), want.view(np.int32)) or \
        np.array_equal(np.where(np.isnan(got), 0, got.view(np.int32)), np.where(np.isnan(want), 0, want.view(np.int32)))


def dense_loop(x: np.ndarray, w_t: np.ndarray, bias: np.ndarray | None, lo: float, hi: float) -> np.ndarray:
    """TFLM's float FULLY_CONNECTED per element: the running sum, ``+ bias`` (``+ 0.0f``), the clamp."""
    total = loop(x, w_t) + (bias if bias is not None else np.float32(0.0))
    return np.minimum(np.maximum(total, np.float32(lo)), np.float32(hi))


def same_bits(got: np.ndarray, want: np.ndarray) -> bool:
    """Equal bit for bit, any NaN equal to any NaN (the payload is not TFLM's business here)."""
    return np.array_equal(np.where(np.isnan(got), 0, got.view(np.int32)),
                          np.where(np.isnan(want), 0, want.view(np.int32)))


@settings(max_examples=150, deadline=None)
@given(m=st.integers(1, 9), k=st.integers(1, 300), n=st.one_of(st.integers(1, 3), st.integers(1, 40)),
       seed=seeds, block=st.sampled_from([7, 1 << 21]), special=st.booleans(), has_bias=st.booleans(),
       bounds=st.sampled_from([(-3.4028235e38, 3.4028235e38), (0.0, 3.4028235e38), (0.0, 6.0), (-1.0, 1.0)]),
       zeros=st.sampled_from([0.0, 0.3, 0.6, 1.0]))
def test_bind_dense_is_the_c_loop(m, k, n, seed, block, special, has_bias, bounds, zeros):
    """``bind_dense`` (the bias as the reduction's last slice, the clip ufunc) against the C
    loop, on arena-like views, in one block or several (``block``), signed zeros, infinities
    and NaN included, a share ``zeros`` of the inputs +-0.0 (as behind a ReLU); called several
    times so a bound buffer reused across calls would show."""
    rng = np.random.default_rng(seed)
    w_t = rng.standard_normal((k, n)).astype(np.float32)
    bias = rng.standard_normal(n).astype(np.float32) if has_bias else None
    if special:
        w_t[0] = -0.0
        if bias is not None:
            bias[rng.integers(0, n)] = np.array([-0.0, np.inf, np.nan], np.float32)[rng.integers(0, 3)]
    arena = np.zeros(m * k + m * n, np.float32)
    x, out = arena[:m * k].reshape(m, k), arena[m * k:].reshape(m, n)
    saved = float_dot.DENSE_BLOCK
    float_dot.DENSE_BLOCK = block
    try:
        run = float_dot.bind_dense(x, w_t, bias, *bounds, out)
    finally:
        float_dot.DENSE_BLOCK = saved
    for _ in range(3):
        x[...] = (rng.standard_normal((m, k)) * 10.0 ** rng.uniform(-3, 3, (m, k))).astype(np.float32)
        x[rng.random((m, k)) < zeros] = np.float32(-0.0) if special else np.float32(0.0)
        if special:
            x.flat[rng.integers(0, x.size, 3)] = np.array([-0.0, np.inf, np.nan], np.float32)[rng.integers(0, 3, 3)]
        with np.errstate(invalid="ignore", over="ignore"):
            run()
            want = dense_loop(x, w_t, bias, *bounds)
        assert same_bits(out, want)
