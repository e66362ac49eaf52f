"""PACK vs TFLM, tolerance 0: 1..6 inputs of ranks 0..4 stacked on any new axis
(negative included), float32, int8/int16 with *different* input quantizations
(TFLM has no prepare and stacks raw values), int32 and int64.

Hypothesis examples: 35.
"""

import numpy as np
from broadcast_cases import data
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import scales, seeds, zero_points

from microinterp.builder import ModelBuilder


@requires_tflm
@settings(max_examples=35, deadline=None)
@given(shape=st.lists(st.integers(1, 4), min_size=0, max_size=4), n=st.integers(1, 6),
       dtype=st.sampled_from(["float32", "int8", "int16", "int32", "int64"]), seed=seeds, data_=st.data())
def test_pack_matches_tflm(shape, n, dtype, seed, data_):
    shape = tuple(shape)
    rank = len(shape) + 1
    axis = data_.draw(st.integers(-rank, rank - 1))
    pos = axis + rank if axis < 0 else axis
    rng = np.random.default_rng(seed)

    def q():
        if dtype in ("int8", "int16"):
            return {"scale": data_.draw(scales()), "zero_point": data_.draw(zero_points(dtype))}
        return {}

    b = ModelBuilder()
    xs = [b.add_input(f"x{i}", shape, dtype, **q()) for i in range(n)]
    y = b.add_output("y", shape[:pos] + (n,) + shape[pos:], dtype, **q())
    b.add_operator("PACK", xs, [y], values_count=n, axis=axis)
    feeds = [rng.integers(-(2**62), 2**62, size=shape).astype(np.int64) if dtype == "int64"
             else data(shape, dtype, rng) for _ in range(n)]
    compare_with_tflm(b.build(), [feeds])
