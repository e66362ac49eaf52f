"""Shared drawing helpers for the element-wise and data-movement kernel tests
(SUB, MUL, DIV, MAXIMUM, MINIMUM, ...): TFLM-valid broadcast shape pairs,
full-range input data, one-op binary models, and ``assert_same_bits``.

``oracle.compare_with_tflm`` already compares floats as bit patterns (-0.0 is
not 0.0) but lets any NaN match any NaN; ``assert_same_bits`` (or
``compare_with_tflm(..., nan_payloads=True)``) also holds NaN payloads to TFLM's.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from oracle import compare_with_tflm

from microinterp.builder import ModelBuilder

DTYPES = ["float32", "int32", "int8", "int16"]


@st.composite
def broadcast_shapes(draw, max_rank: int = 5, max_dim: int = 5) -> tuple[tuple, tuple, tuple]:
    """(shape1, shape2, output shape) with numpy/TFLM broadcasting: each input is
    a suffix of the output shape with some extents replaced by 1; sometimes
    both inputs have the output's shape (TFLM's flat path)."""
    rank = draw(st.integers(0, max_rank))
    out = tuple(draw(st.lists(st.integers(1, max_dim), min_size=rank, max_size=rank)))
    if draw(st.integers(0, 3)) == 0:
        return out, out, out

    def operand() -> tuple:
        r = draw(st.integers(0, rank))
        dims = list(out[rank - r:])
        for i in range(r):
            if draw(st.booleans()):
                dims[i] = 1
        return tuple(dims)

    s1, s2 = operand(), operand()
    # the output must be exactly the broadcast shape (what converters emit)
    return s1, s2, tuple(np.broadcast_shapes(s1, s2))


def any_type_data(shape: tuple, dtype: str, rng: np.random.Generator) -> np.ndarray:
    """``data`` for the data-movement ops' types too: bool as random 0/1, int64 in
    [-2**62, 2**62), the others as ``data`` draws them."""
    if dtype == "bool":
        return rng.integers(0, 2, size=shape).astype(bool)
    if dtype == "int64":
        return rng.integers(-2**62, 2**62, size=shape, dtype=np.int64)
    return data(shape, dtype, rng)


def data(shape: tuple, dtype: str, rng: np.random.Generator, *, low: float = -8.0, high: float = 8.0) -> np.ndarray:
    """Full-range integers (extremes included) or floats with exact zeros of both signs."""
    shape = tuple(shape)
    n = int(np.prod(shape, dtype=np.int64))
    if dtype == "float32":
        vals = rng.uniform(low, high, size=n).astype(np.float32)
        special = np.array([0.0, -0.0, 1.0, -1.0, 6.0, 1e-30], np.float32)
        k = min(n, rng.integers(0, special.size + 1))
        vals[:k] = rng.permutation(special)[:k]
        return rng.permutation(vals).reshape(shape)
    info = np.iinfo(dtype)
    vals = rng.integers(info.min, info.max, size=n, endpoint=True, dtype=np.int64)
    special = np.array([info.min, info.max, 0, -1, 1], np.int64)
    k = min(n, rng.integers(0, special.size + 1))
    vals[:k] = special[:k]
    return rng.permutation(vals).astype(dtype).reshape(shape)


def binary_model(op: str, shapes: tuple[tuple, tuple, tuple], dtype: str, qs: list[dict],
                 const2: np.ndarray | None = None, **options) -> bytes:
    """``y = op(x1, x2)`` with shapes (x1, x2, y) and quantization dicts ``qs`` (may be
    empty); ``const2`` makes the second operand a constant tensor with those values."""
    s1, s2, so = shapes
    b = ModelBuilder()
    x1 = b.add_input("x1", s1, dtype, **qs[0])
    x2 = b.add_constant("x2", const2, dtype, **qs[1]) if const2 is not None else b.add_input("x2", s2, dtype, **qs[1])
    y = b.add_output("y", so, dtype, **qs[2])
    b.add_operator(op, [x1, x2], [y], **options)
    return b.build()


def exhaustive_pairs(dtype: str, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A (256, 1) and a (1, 256) operand whose broadcast covers 65536 pairs: every
    int8 pair, or random int16 values (extremes included)."""
    if dtype == "int8":
        return np.arange(-128, 128, dtype=np.int8).reshape(256, 1), np.arange(-128, 128, dtype=np.int8).reshape(1, 256)
    return data((256, 1), dtype, rng), data((1, 256), dtype, rng)


def check_quantized_pair(op: str, dtype: str, shapes: tuple[tuple, tuple, tuple], act: str, const: bool,
                         qs: list[dict], seed: int) -> None:
    """A quantized binary op with a variable or (``const``) constant second operand vs TFLM."""
    rng = np.random.default_rng(seed)
    a, b = data(shapes[0], dtype, rng), data(shapes[1], dtype, rng)
    model = binary_model(op, shapes, dtype, qs, b if const else None, fused_activation_function=act)
    compare_with_tflm(model, [[a] if const else [a, b]])


def check_unquantized_pair(op: str, dtype: str, shapes: tuple[tuple, tuple, tuple], act: str, seed: int) -> None:
    """A float32 or int32 binary op vs TFLM, float NaN payloads included."""
    rng = np.random.default_rng(seed)
    a, b = data(shapes[0], dtype, rng), data(shapes[1], dtype, rng)
    model = binary_model(op, shapes, dtype, [{}, {}, {}], fused_activation_function=act)
    compare_with_tflm(model, [[a, b]], nan_payloads=True)


def check_exhaustive_pairs(op: str, dtype: str, qs: list[dict], act: str, seed: int) -> None:
    """A quantized binary op on 65536 pairs (``exhaustive_pairs``) vs TFLM: rare 1-LSB
    rounding differences cannot hide there."""
    a, b = exhaustive_pairs(dtype, np.random.default_rng(seed))
    model = binary_model(op, (a.shape, b.shape, (256, 256)), dtype, qs, fused_activation_function=act)
    compare_with_tflm(model, [[a, b]])


def assert_same_bits(model: bytes, inputs: list[np.ndarray]) -> None:
    """Outputs of microinterp and TFLM are identical byte for byte, NaN payloads included."""
    compare_with_tflm(model, [inputs], check_intermediates=False, nan_payloads=True)
