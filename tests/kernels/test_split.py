"""SPLIT vs TFLM, tolerance 0: ranks 1..5, any axis (negative included), 1..4
equal parts, float32, int8, int16 and int32.

Hypothesis examples: 30.
"""

import numpy as np
from broadcast_cases import data
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import scales, seeds, zero_points

from microinterp.builder import ModelBuilder


@requires_tflm
@settings(max_examples=30, deadline=None)
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=5), parts=st.integers(1, 4),
       dtype=st.sampled_from(["float32", "int8", "int16", "int32"]), seed=seeds, data_=st.data())
def test_split_matches_tflm(shape, parts, dtype, seed, data_):
    shape = list(shape)
    axis = data_.draw(st.integers(-len(shape), len(shape) - 1))
    pos = axis % len(shape)
    shape[pos] *= parts
    part = tuple(shape[:pos] + [shape[pos] // parts] + shape[pos + 1:])
    q = {"scale": data_.draw(scales()), "zero_point": data_.draw(zero_points(dtype))} if dtype in ("int8", "int16") else {}
    b = ModelBuilder()
    a = b.add_constant("axis", np.array(axis, np.int32))
    x = b.add_input("x", tuple(shape), dtype, **q)
    ys = [b.add_output(f"y{i}", part, dtype, **q) for i in range(parts)]
    b.add_operator("SPLIT", [a, x], ys, num_splits=parts)
    compare_with_tflm(b.build(), [[data(tuple(shape), dtype, np.random.default_rng(seed))]])
