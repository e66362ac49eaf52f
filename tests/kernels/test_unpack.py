"""UNPACK vs TFLM, tolerance 0: ranks 1..5, any axis (negative included), num equal
to the axis extent (1..5 outputs), float32, int32, int16 and int8.

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
@given(shape=st.lists(st.integers(1, 5), min_size=1, max_size=5),
       dtype=st.sampled_from(["float32", "int32", "int16", "int8"]), seed=seeds, data_=st.data())
def test_unpack_matches_tflm(shape, dtype, seed, data_):
    shape = tuple(shape)
    axis = data_.draw(st.integers(-len(shape), len(shape) - 1))
    pos = axis % len(shape)
    q = {"scale": data_.draw(scales()), "zero_point": data_.draw(zero_points(dtype))} if dtype in ("int8", "int16") else {}
    b = ModelBuilder()
    x = b.add_input("x", shape, dtype, **q)
    ys = [b.add_output(f"y{i}", shape[:pos] + shape[pos + 1:], dtype, **q) for i in range(shape[pos])]
    b.add_operator("UNPACK", [x], ys, num=shape[pos], axis=axis)
    compare_with_tflm(b.build(), [[data(shape, dtype, np.random.default_rng(seed))]])
