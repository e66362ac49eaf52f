"""GATHER vs TFLM, tolerance 0: inputs of ranks 1..4, any axis, batch_dims from 0
to axis (negative forms included), positions of ranks batch_dims..3 holding any
in-range index (repeats included), float32 and int8; positions as a graph
input or a constant.

Hypothesis examples: 40.
"""

import numpy as np
from broadcast_cases import data
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import scales, seeds, zero_points

from microinterp.builder import ModelBuilder


@st.composite
def gather_case(draw):
    rank = draw(st.integers(1, 4))
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=rank, max_size=rank)))
    axis = draw(st.integers(0, rank - 1))
    batch_dims = draw(st.integers(0, axis))
    extra = tuple(draw(st.lists(st.integers(1, 3), min_size=0, max_size=3 - batch_dims)))
    pos_shape = shape[:batch_dims] + extra
    if draw(st.booleans()):
        axis -= rank
    if batch_dims and draw(st.booleans()):
        batch_dims -= len(pos_shape)
    return shape, axis, batch_dims, pos_shape


@requires_tflm
@settings(max_examples=40, deadline=None)
@given(case=gather_case(), dtype=st.sampled_from(["float32", "int8"]), const=st.booleans(), seed=seeds,
       data_=st.data())
def test_gather_matches_tflm(case, dtype, const, seed, data_):
    shape, axis, batch_dims, pos_shape = case
    rank = len(shape)
    a, bd = axis % rank, batch_dims % len(pos_shape) if batch_dims < 0 else batch_dims
    out_shape = shape[:a] + pos_shape[bd:] + shape[a + 1:]
    rng = np.random.default_rng(seed)
    positions = rng.integers(0, shape[a], size=pos_shape).astype(np.int32)
    q = {"scale": data_.draw(scales()), "zero_point": data_.draw(zero_points())} if dtype == "int8" else {}
    b = ModelBuilder()
    x = b.add_input("x", shape, dtype, **q)
    p = b.add_constant("positions", positions) if const else b.add_input("positions", pos_shape, "int32")
    y = b.add_output("y", out_shape, dtype, **q)
    b.add_operator("GATHER", [x, p], [y], axis=axis, batch_dims=batch_dims)
    x_data = data(shape, dtype, rng)
    compare_with_tflm(b.build(), [[x_data] if const else [x_data, positions]])


def test_gather_out_of_range_position_is_an_error_not_a_wild_read():
    import pytest

    from microinterp import Interpreter
    from microinterp.errors import KernelError

    b = ModelBuilder()
    x = b.add_input("x", (4, 2), "float32")
    p = b.add_input("positions", (2,), "int32")
    y = b.add_output("y", (2, 2), "float32")
    b.add_operator("GATHER", [x, p], [y], axis=0)
    mi = Interpreter.from_bytes(b.build())
    mi.set_input(np.zeros((4, 2), np.float32), 0)
    mi.set_input(np.array([1, 4], np.int32), 1)
    with pytest.raises(KernelError, match="position 4 is outside 0..3"):
        mi.invoke()
