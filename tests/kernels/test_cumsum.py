"""CUMSUM vs TFLM, tolerance 0: ranks 1..4, any axis (negative included) as a
constant or a graph input, exclusive and reverse in all combinations; float32
(sequential sums from +0.0, bit for bit, -0.0 inputs included) and int8 with
any zero points (TFLM's accumulator starts at the rescaled -zp_in) and output
scales from 1/16 to 256 times the input's (int32 accumulator wrap-around on
long axes included).

Hypothesis examples: 50 (int8) + 30 (float32) = 80.
"""

import numpy as np
from batch_d_models import single_op
from broadcast_cases import assert_same_bits, data
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import scales, seeds, zero_points


def cumsum_model(shape, axis, dtype, in_q, out_q, const_axis, exclusive, reverse):
    a = ("axis", np.array(axis, np.int32)) if const_axis else ("axis", (), "int32")
    return single_op("CUMSUM", [("x", shape, dtype, in_q), a], [("y", shape, dtype, out_q)],
                     exclusive=exclusive, reverse=reverse)


@st.composite
def cumsum_case(draw):
    shape = tuple(draw(st.lists(st.integers(1, 6), min_size=1, max_size=4)))
    if draw(st.integers(0, 4)) == 0:  # a long axis: wrapping int32 sums
        shape = shape[:-1] + (draw(st.integers(40, 90)),)
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    return shape, axis, draw(st.booleans()), draw(st.booleans()), draw(st.booleans())


@requires_tflm
@settings(max_examples=50, deadline=None)
@given(case=cumsum_case(), seed=seeds, data_=st.data())
def test_cumsum_int8_matches_tflm(case, seed, data_):
    shape, axis, const_axis, exclusive, reverse = case
    s_in = data_.draw(scales(-10, 0))
    s_out = float(np.float32(s_in * 2.0 ** data_.draw(st.floats(-4, 8))))
    in_q = {"scale": s_in, "zero_point": data_.draw(zero_points())}
    out_q = {"scale": s_out, "zero_point": data_.draw(zero_points())}
    model = cumsum_model(shape, axis, "int8", in_q, out_q, const_axis, exclusive, reverse)
    x = data(shape, "int8", np.random.default_rng(seed))
    compare_with_tflm(model, [[x] if const_axis else [x, np.array(axis, np.int32)]])


@requires_tflm
@settings(max_examples=30, deadline=None)
@given(case=cumsum_case(), seed=seeds)
def test_cumsum_float_matches_tflm(case, seed):
    shape, axis, const_axis, exclusive, reverse = case
    x = data(shape, "float32", np.random.default_rng(seed), low=-1e3, high=1e3)
    model = cumsum_model(shape, axis, "float32", {}, {}, const_axis, exclusive, reverse)
    feeds = [x] if const_axis else [x, np.array(axis, np.int32)]
    compare_with_tflm(model, [feeds])
    assert_same_bits(model, feeds)
