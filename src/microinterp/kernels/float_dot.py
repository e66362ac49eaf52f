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

from ..quant import clip_ufunc

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


#: elements of one ``bind_dense`` product block (512 KB), for many rows (batch mode): measured on
#: ad01_fp32 batches of 8 and 64, about 10 % less per sample than ``BLOCK``'s 1 MB, whose block
#: and weights no longer stay in a core's cache; one row of a 640 x 128 layer still fits
DENSE_BLOCK = 1 << 17


def bind_dense(x: np.ndarray, w_t: np.ndarray, bias: np.ndarray | None, act_min: float, act_max: float,
               out: np.ndarray) -> Callable[[], None] | None:
    """TFLM's whole float FULLY_CONNECTED as one call on buffers allocated here:
    ``out = clamp(sequential_matmul(x, w_t) + bias)`` (``+ 0.0f`` without a bias), ``x``
    ``(M, K)`` read at every call, ``out`` ``(M, N)`` float32. None for an empty product.

    Small layers cost numpy's per-call and per-row overhead, not arithmetic, so an invoke
    is three numpy calls per block of rows (``bind_matmul`` and a separate bias-and-clamp
    took six, plus copies):

    * the products, one multiply into a ``(K + 1, rows, N)`` block (``DENSE_BLOCK``);
    * one ``np.add.reduce`` over the block's first axis from ``initial=+0.0``: numpy adds
      whole slices in index order (module docstring), so each output is TFLM's running
      sum, and the block's last slice, written once here, holds the bias, so the same
      reduction adds it after the last product, which is TFLM's ``total + bias``. Without
      a bias that slice is left out: ``+ 0.0f`` changes only a -0.0, and a round-to-nearest
      running sum from +0.0 is never -0.0 (both terms would have to be);
    * one clip to ``[act_min, act_max]``, numpy's clip ufunc with 0-d array bounds (scalar
      bounds cost a conversion per call): it is ``minimum(maximum(v, lo), hi)``, NaN passes
      through, an infinity becomes the bound, as TFLM's ``std::min(std::max(v, lo), hi)``
      (which differs only on -0.0; see above).

    With one block (the usual single invoke) the reduction writes ``out`` directly: the
    multiply has read all of ``x`` by then, so even an output that overlaps the input is
    safe. A single output column is padded with a zero column, as ``sequential_matmul``
    does (else the reduced axis would be the innermost one), and the first column is clipped into ``out``."""
    m, k = x.shape
    n = w_t.shape[1]
    if k == 0 or m == 0:
        return None
    depth = k + (bias is not None)
    pad = n == 1 and depth > 1
    width = n + 1 if pad else n
    w3 = np.zeros((k, 1, width), np.float32)
    w3[:, 0, :n] = w_t
    rows = max(1, min(m, DENSE_BLOCK // (depth * width)))
    prod = np.empty((depth, rows, width), np.float32)
    if bias is not None:
        prod[k, :, :n] = np.asarray(bias, np.float32).reshape(n)
        prod[k, :, n:] = 0.0
    xt = x.T[:, :, None]  # (K, M, 1) view of the arena input
    lo, hi = np.array(act_min, np.float32), np.array(act_max, np.float32)
    multiply, reduce, clip = np.multiply, np.add.reduce, clip_ufunc
    products = prod[:k]
    direct = rows == m and not pad and out.flags.c_contiguous
    if direct:
        def run_direct() -> None:
            multiply(xt, w3, products)
            reduce(prod, 0, None, out, False, _ZERO)
            clip(out, lo, hi, out=out)

        return run_direct
    total = np.empty((m, width), np.float32)
    head = total[:, :n]
    blocks = [(start, min(m, start + rows)) for start in range(0, m, rows)]
    if len(blocks) == 1:
        def run_one() -> None:
            multiply(xt, w3, products)
            reduce(prod, 0, None, total, False, _ZERO)
            clip(head, lo, hi, out=out)

        return run_one

    def run() -> None:
        for start, stop in blocks:
            r = stop - start
            multiply(xt[:, start:stop], w3, products[:, :r])
            reduce(prod[:, :r], 0, None, total[start:stop], False, _ZERO)
        clip(head, lo, hi, out=out)

    return run
