"""Shared pieces of the activation tests (RELU, RELU6, LOGISTIC, TANH, HARD_SWISH,
LEAKY_RELU): the one-op model and inputs that cover every int8 value, the int16
edges and the float values where TFLM's float kernels switch formula."""

from __future__ import annotations

import numpy as np

from microinterp.builder import ModelBuilder


def unary_model(op: str, shape: tuple[int, ...], dtype: str, in_q: dict, out_q: dict, **options) -> bytes:
    """``y = op(x)`` with ``x`` and ``y`` of one shape and type (quantization dicts may be empty)."""
    b = ModelBuilder()
    x = b.add_input("x", shape, dtype, **in_q)
    y = b.add_output("y", shape, dtype, **out_q)
    b.add_operator(op, [x], [y], **options)
    return b.build()


def every_int8(shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """Every int8 value once (shuffled), tiled to fill ``shape``."""
    n = int(np.prod(shape))
    return np.resize(rng.permutation(np.arange(-128, 128)), n).astype(np.int8).reshape(shape)


def int16_with_edges(shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """Random int16 values that start with the range ends, 0, +-1 and +-4096/12288."""
    n = int(np.prod(shape))
    edge = np.array([-32768, -32767, -1, 0, 1, 32767, 4096, -4096, 12288, -12288], np.int64)
    vals = rng.integers(-32768, 32767, size=n, endpoint=True)
    vals[: edge.size] = edge[:n]
    return vals.astype(np.int16).reshape(shape)


def float_with_cutoffs(shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """Normal float32 values of three spreads, starting with signed zeros, LOGISTIC's
    cut-offs (-9, 16.619047f) and their neighbours, and expf's overflow/underflow region."""
    n = int(np.prod(shape))
    special = np.array([0.0, -0.0, -9.0, -9.000001, -8.999999, 16.619047164916992188, 16.62, 16.6,
                        -30.0, 30.0, -100.0, 100.0, 1e-8, -1e-8, 88.0, -88.0, -104.0], np.float32)
    vals = (rng.standard_normal(n) * rng.choice([0.5, 4.0, 20.0], size=n)).astype(np.float32)
    vals[: special.size] = special[:n]
    return vals.reshape(shape)
