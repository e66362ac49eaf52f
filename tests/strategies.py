"""Shared hypothesis strategies for kernel tests: quantization parameters
(including extreme scales and zero points at the ends of the range),
per-channel scales, shapes and fused activations."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

ACTIVATIONS = ["NONE", "RELU", "RELU6", "RELU_N1_TO_1"]


def _float32_in_binade(m: float, e: int) -> float:
    """m * 2**e rounded to float32, kept strictly below 2**(e + 1): a mantissa just
    under 2 must not round up into the next binade (e.g. to exactly 1.0 when a
    test asks for scales below 1)."""
    top = np.float32(2.0 ** (e + 1))
    value = np.float32(m * 2.0**e)
    return float(np.nextafter(top, np.float32(0)) if value >= top else value)


def scales(min_exp: int = -12, max_exp: int = 2) -> st.SearchStrategy[float]:
    """Positive float32 scales in [2**min_exp, 2**(max_exp + 1)), spread over many binades."""
    return st.builds(_float32_in_binade, st.floats(1.0, 2.0, exclude_max=True), st.integers(min_exp, max_exp))


def zero_points(dtype: str = "int8") -> st.SearchStrategy[int]:
    if dtype == "int16":
        return st.just(0)  # TFLM requires symmetric int16 activations
    info = np.iinfo(dtype)
    return st.one_of(st.sampled_from([int(info.min), int(info.max), 0]), st.integers(int(info.min), int(info.max)))


def wide_zero_points() -> st.SearchStrategy[int]:
    """Zero points anywhere in int32 but INT32_MIN (the C loader saturates to +-(2**31 - 1)),
    extremes favoured: hostile models whose int32 arithmetic wraps in TFLM."""
    limit = 2**31 - 1
    return st.one_of(st.sampled_from([-limit, limit, -(2**24), 2**24, -40000, 40000, -129, 128, 0]),
                     st.integers(-limit, limit))


def int_array(rng: np.random.Generator, shape: tuple[int, ...], dtype: str) -> np.ndarray:
    info = np.iinfo(dtype)
    return rng.integers(info.min, info.max, size=shape, endpoint=True).astype(dtype)


seeds = st.integers(0, 2**32 - 1)
