"""Shared hypothesis strategies for kernel tests: quantization parameters
(including extreme scales and zero points at the ends of the range),
per-channel scales, shapes and fused activations."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

ACTIVATIONS = ["NONE", "RELU", "RELU6", "RELU_N1_TO_1"]


def scales(min_exp: int = -12, max_exp: int = 2) -> st.SearchStrategy[float]:
    """Positive float32 scales spread over many binades (extreme ones included)."""
    return st.builds(
        lambda m, e: float(np.float32(m * 2.0**e)),
        st.floats(1.0, 2.0, exclude_max=True), st.integers(min_exp, max_exp),
    )


def zero_points(dtype: str = "int8") -> st.SearchStrategy[int]:
    if dtype == "int16":
        return st.just(0)  # TFLM requires symmetric int16 activations
    info = np.iinfo(dtype)
    return st.one_of(st.sampled_from([int(info.min), int(info.max), 0]), st.integers(int(info.min), int(info.max)))


def int_array(rng: np.random.Generator, shape: tuple[int, ...], dtype: str) -> np.ndarray:
    info = np.iinfo(dtype)
    return rng.integers(info.min, info.max, size=shape, endpoint=True).astype(dtype)


seeds = st.integers(0, 2**32 - 1)
