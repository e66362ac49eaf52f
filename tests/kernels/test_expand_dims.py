"""EXPAND_DIMS vs TFLM, tolerance 0: ranks 0..4, every axis in [-rank-1, rank],
float32, int8 and int16 (quantization carried over).

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
@given(shape=st.lists(st.integers(1, 4), min_size=0, max_size=4), dtype=st.sampled_from(["float32", "int8", "int16"]),
       seed=seeds, data_=st.data())
def test_expand_dims_matches_tflm(shape, dtype, seed, data_):
    shape = tuple(shape)
    axis = data_.draw(st.integers(-len(shape) - 1, len(shape)))
    pos = axis + len(shape) + 1 if axis < 0 else axis
    q = {"scale": data_.draw(scales()), "zero_point": data_.draw(zero_points(dtype))} if dtype != "float32" else {}
    b = ModelBuilder()
    x = b.add_input("x", shape, dtype, **q)
    a = b.add_constant("axis", np.array([axis], np.int32))
    y = b.add_output("y", shape[:pos] + (1,) + shape[pos:], dtype, **q)
    b.add_operator("EXPAND_DIMS", [x, a], [y])
    compare_with_tflm(b.build(), [[data(shape, dtype, np.random.default_rng(seed))]])
