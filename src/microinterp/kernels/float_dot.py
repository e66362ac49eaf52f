"""TFLM's float32 dot products, in TFLM's order, vectorised. Not a kernel: no registration.

TFLM's float reference kernels (FULLY_CONNECTED, CONV_2D, the LSTM gates) sum
``total += x[k] * w[k]`` from ``total = 0.0f``, k = 0, 1, 2, ... in float32;
x86-64 TFLM is built without FMA, so each product is rounded to float32 before
it is added. Float addition is not associative, so this order must be kept.

``sequential_matmul`` builds the float32 products as a (K, rows, N) block and
reduces it over the first axis with ``np.add.reduce``. numpy reduces a
non-innermost axis by adding whole slices in index order (pairwise summation is
only used along a contiguous innermost axis), starting from ``initial``, so every
output element is the C loop's running sum. With a single output column the K axis *would* become the
innermost one (numpy drops length-1 axes) and be summed pairwise, so a zero
column is added there; the reduction's ``initial=+0.0`` is the loop's start from
+0.0 (a leading -0.0 becomes +0.0). ``tests/kernels/test_float_dot.py`` checks
it bit for bit against the plain loop. C twin: the loops inside
``mi_fully_connected.c`` / ``mi_conv_2d.c``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

_ZERO = np.float32(0.0)

#: elements of one float32 product block (rows x K x N), so large layers stay in bounded memory
BLOCK = 1 << 18


def sequential_matmul(x: np.ndarray, w_t: np.ndarray) -> np.ndarray:
    """``(M, K) x (K, N) -> (M, N)`` float32, each element summed over k in order from +0.0."""
    m, k = x.shape
    n = w_t.shape[1]
    if n == 1 and k > 1:
        return sequential_matmul(x, np.concatenate([w_t, np.zeros_like(w_t)], axis=1))[:, :1].copy()
    out = np.zeros((m, n), np.float32)
    if k == 0 or m == 0 or n == 0:
        return out
    if m >= 4 * n and m >= 2:  # measured: 2x faster at 1024 rows x 16 channels, slower near m == n
        return _sequential_matmul_by_rows(x, w_t, out)
    rows = max(1, BLOCK // (k * n))
    for start in range(0, m, rows):
        block = x[start:start + rows]
        # a C-ordered (K, rows, N) product block, whatever the operands' layouts: the reduced
        # axis is the outermost one, so numpy adds whole (rows, N) slices in k order, with
        # long inner loops
        prod = np.empty((k, block.shape[0], n), np.float32)
        np.multiply(block.T[:, :, None], w_t[:, None, :], out=prod)
        np.add.reduce(prod, axis=0, out=out[start:start + rows], initial=_ZERO)
    return out


def _sequential_matmul_by_rows(x: np.ndarray, w_t: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``sequential_matmul`` for more rows than columns (a convolution's im2col matrix):
    the product block is laid out (K, N, rows), so the multiply's inner loop runs along
    the rows (long and contiguous) instead of the few output channels, and the reduction
    still adds whole (N, rows) slices in k order from +0.0. Every block keeps at least two
    rows, so the reduced axis never becomes the innermost one (see the module docstring)."""
    m, k = x.shape
    n = w_t.shape[1]
    rows = max(2, BLOCK // (k * n))
    w3 = w_t[:, :, None]
    for start in range(0, m, rows):
        stop = min(m, start + rows)
        if m - stop == 1:  # never leave a last block of one row
            stop = m
        xt = np.ascontiguousarray(x[start:stop].T)  # (K, r)
        prod = np.empty((k, n, stop - start), np.float32)
        np.multiply(w3, xt[:, None, :], out=prod)
        out[start:stop] = np.add.reduce(prod, axis=0, initial=_ZERO).T
    return out


def bind_matmul(x: np.ndarray, w_t: np.ndarray, out: np.ndarray) -> Callable[[], None] | None:
    """``out[...] = sequential_matmul(x, w_t)`` as a call on buffers allocated here, in row
    blocks of at most ``BLOCK`` products (batch mode's many rows: each block is one multiply
    and one reduction, as ``sequential_matmul``'s loop; each output's sum does not depend
    on the blocking). ``x`` is read at every call (a view of the arena); ``out`` is
    ``(M, N)`` float32. None for an empty product."""
    m, k = x.shape
    n = w_t.shape[1]
    if n == 1 and k > 1:  # the zero column of sequential_matmul, padded once here
        w_t = np.concatenate([w_t, np.zeros_like(w_t)], axis=1)
    if k == 0 or m == 0:
        return None
    width = w_t.shape[1]
    rows = max(1, min(m, BLOCK // (k * width)))
    blocks = [(start, min(m, start + rows)) for start in range(0, m, rows)]
    prod = np.empty((k, rows, width), np.float32)
    xt, w3 = x.T[:, :, None], w_t[:, None, :]
    total = np.empty((m, width), np.float32)
    head = total[:, :n]

    def run() -> None:
        for start, stop in blocks:
            block = prod[:, :stop - start]
            np.multiply(xt[:, start:stop], w3, out=block)
            np.add.reduce(block, axis=0, out=total[start:stop], initial=_ZERO)
        if head is not out:
            np.copyto(out, head)

    return run
