"""Shared drawing helpers for the element-wise math, comparison and logic kernel
tests (ABS ... SHAPE): single-op models and input values that reach the corners
(signed zeros, infinities, NaN, subnormals, exact halves, float32 bit patterns
from every binade; full-range integers with their extremes).

Every model goes through ``oracle.compare_with_tflm``, which compares float
outputs bit for bit (-0.0 != +0.0; NaN on both sides counts as the same answer).
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from oracle import compare_with_tflm, tflm_runtime

from microinterp import Interpreter
from microinterp.builder import ModelBuilder

FLOAT_SPECIALS = np.array([
    0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999997, -0.49999997, 0.50000006,
    np.inf, -np.inf, np.nan, 1e-45, -1e-45, 1.1754942e-38, 3.4028235e38, -3.4028235e38, 1e-30,
    8388607.5, -8388607.5, 8388608.0, 2147483648.0, 88.72, -103.9, -87.3, 1e10, 3.1415927, -3.1415927,
], np.float32)


def float_values(rng: np.random.Generator, n: int, *, low: float = -10.0, high: float = 10.0) -> np.ndarray:
    """float32 values: a third uniform in [low, high), a third random bit patterns
    (every exponent, NaNs and infinities included), the rest the specials."""
    uniform = rng.uniform(low, high, size=n).astype(np.float32)
    bits = rng.integers(0, 2**32, size=n, dtype=np.uint64).astype(np.uint32).view(np.float32)
    specials = FLOAT_SPECIALS[rng.integers(0, FLOAT_SPECIALS.size, size=n)]
    pick = rng.integers(0, 3, size=n)
    vals = np.where(pick == 0, uniform, np.where(pick == 1, bits, specials)).astype(np.float32)
    k = min(n, FLOAT_SPECIALS.size)
    vals[:k] = rng.permutation(FLOAT_SPECIALS)[:k]
    return rng.permutation(vals)


def int_values(rng: np.random.Generator, n: int, dtype: str) -> np.ndarray:
    """Full-range integers, the extremes and 0/-1/1 first (then shuffled)."""
    info = np.iinfo(dtype)
    vals = rng.integers(info.min, info.max, size=n, endpoint=True, dtype=np.int64)
    special = np.array([info.min, info.max, 0, -1, 1], np.int64)
    k = min(n, special.size)
    vals[:k] = special[:k]
    return rng.permutation(vals).astype(dtype)


def values(rng: np.random.Generator, shape: tuple, dtype: str) -> np.ndarray:
    n = int(np.prod(shape, dtype=np.int64))
    if dtype == "float32":
        return float_values(rng, n).reshape(shape)
    if dtype == "bool":
        return rng.integers(0, 2, size=shape).astype(bool)
    return int_values(rng, n, dtype).reshape(shape)


shapes = st.lists(st.integers(1, 6), min_size=0, max_size=4).map(tuple)


def unary_model(op: str, shape: tuple, dtype: str, in_q: dict | None = None, out_q: dict | None = None,
                out_dtype: str | None = None) -> bytes:
    b = ModelBuilder()
    x = b.add_input("x", shape, dtype, **(in_q or {}))
    y = b.add_output("y", shape, out_dtype or dtype, **(out_q or {}))
    b.add_operator(op, [x], [y])
    return b.build()


def binary_model(op: str, s1: tuple, s2: tuple, so: tuple, dtype: str, out_dtype: str | None = None,
                 qs: list[dict] | None = None, const2: np.ndarray | None = None, **options) -> bytes:
    qs = qs or [{}, {}, {}]
    b = ModelBuilder()
    x1 = b.add_input("x1", s1, dtype, **qs[0])
    if const2 is not None:
        x2 = b.add_constant("x2", const2, dtype, **qs[1])
    else:
        x2 = b.add_input("x2", s2, dtype, **qs[1])
    y = b.add_output("y", so, out_dtype or dtype, **qs[2])
    b.add_operator(op, [x1, x2], [y], **options)
    return b.build()


def check_float_unary(op: str, shape: tuple, seed: int, *, low: float = -10.0, high: float = 10.0) -> None:
    """A float32 one-input op on drawn values (specials included) vs TFLM, bit for bit."""
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape, dtype=np.int64))
    x = float_values(rng, n, low=low, high=high).reshape(shape)
    compare_with_tflm(unary_model(op, shape, "float32"), [[x]], nan_payloads=True)


def check_float_sweep(op: str, seed: int, n: int = 1 << 15, *, low: float = -100.0, high: float = 100.0) -> None:
    """One large model: n values, so last-bit differences of a C-library function cannot hide."""
    check_float_unary(op, (n,), seed, low=low, high=high)


def tflm_invoke_fails(model: bytes, inputs: list[np.ndarray]) -> bool:
    """Whether TFLM's invoke reports an error (for inputs its kernel rejects at run time)."""
    tf = tflm_runtime.Interpreter.from_bytes(model, arena_size=1 << 20)
    for i, x in enumerate(inputs):
        tf.set_input(x, i)
    try:
        tf.invoke()
    except RuntimeError:
        return True
    return False


def microinterp_invoke_fails(model: bytes, inputs: list[np.ndarray]) -> bool:
    from microinterp.errors import KernelError

    mi = Interpreter.from_bytes(model)
    for i, x in enumerate(inputs):
        mi.set_input(x, i)
    try:
        mi.invoke()
    except KernelError:
        return True
    return False


def comparable_values(rng: np.random.Generator, shape: tuple, dtype: str) -> np.ndarray:
    """Values for comparison tests: half the draws come from a handful of values
    (so that equal pairs are common), the rest over the full range."""
    n = int(np.prod(shape, dtype=np.int64))
    if dtype == "bool":
        return rng.integers(0, 2, size=shape).astype(bool)
    if dtype == "float32":
        few = np.array([0.0, -0.0, 1.0, -1.0, 0.5, np.nan, np.inf, -np.inf], np.float32)
        wide = float_values(rng, n)
    else:
        info = np.iinfo(dtype)
        few = np.array([info.min, info.max, -1, 0, 1, 2, 3], np.int64).astype(dtype)
        wide = int_values(rng, n, dtype)
    pick = rng.integers(0, 2, size=n).astype(bool)
    return np.where(pick, few[rng.integers(0, few.size, size=n)], wide).astype(dtype).reshape(shape)


NAN_PAIRS = [  # (x, y) bit patterns: two NaNs of every kind, ties, NaN with numbers, inf and zero operands
    (0x7FC00001, 0xFFC00001), (0xFFC00001, 0x7FC00001), (0x7F800001, 0xFF800001), (0x7F800005, 0x7FC00001),
    (0x7FC00001, 0x7F800005), (0x7FC00005, 0xFFC00001), (0x7FC00000, 0xFFDDC1AB), (0x7F812729, 0xFF8AFE99),
    (0xFFC00002, 0xFFC00002), (0x7FC00000, 0x3F800000), (0x3F800000, 0x7F800003), (0x7F800003, 0xBF800000),
    (0xBF800000, 0x7FA00000), (0xFF812345, 0xC0000000), (0x7F800000, 0x3F800000), (0xFF800000, 0xBF800000),
    (0x3F800000, 0x00000000), (0xBF800000, 0x80000000), (0x7F800000, 0x00000000), (0x40490FDB, 0x7F800000),
]


def check_nan_pairs(op: str, broadcast: bool, *, nonzero_y: bool = False) -> None:
    """A float32 binary op on NAN_PAIRS (pairwise, or every x against every y) vs TFLM,
    NaN payloads compared bit for bit."""
    a = np.array([p[0] for p in NAN_PAIRS], np.uint32).view(np.float32)
    b = np.array([p[1] for p in NAN_PAIRS], np.uint32).view(np.float32)
    if nonzero_y:
        b = np.where(b == 0, np.float32(-2.0), b).astype(np.float32)
    if broadcast:
        a, b = a.reshape(-1, 1), b.reshape(1, -1)
    so = np.broadcast_shapes(a.shape, b.shape)
    compare_with_tflm(binary_model(op, a.shape, b.shape, so, "float32"), [[a, b]], nan_payloads=True)
