"""Shared drawing helpers for the element-wise and data-movement kernel tests
(SUB, MUL, DIV, MAXIMUM, MINIMUM, ...): TFLM-valid broadcast shape pairs,
full-range input data, and a bit-pattern check for float outputs.

``oracle.compare_with_tflm`` compares with ``np.array_equal``, which treats
-0.0 and 0.0 as equal; ``assert_same_bits`` re-runs TFLM and compares the raw
bytes, so a sign-of-zero difference in a float kernel cannot hide.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from oracle import tflm_runtime

from microinterp import Interpreter

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


def assert_same_bits(model: bytes, inputs: list[np.ndarray]) -> None:
    """Outputs of microinterp and TFLM are identical byte for byte (float -0.0 included)."""
    mi = Interpreter.from_bytes(model)
    tf = tflm_runtime.Interpreter.from_bytes(model, arena_size=1 << 20)
    for i, x in enumerate(inputs):
        mi.set_input(x, i)
        tf.set_input(x, i)
    mi.invoke()
    tf.invoke()
    for k in range(mi.num_outputs):
        got, want = mi.get_output(k), tf.get_output(k)
        assert got.tobytes() == want.tobytes(), f"output {k}: bit patterns differ\n{got}\n{want}"
