"""SUM vs TFLM, tolerance 0: ranks 1..5, 0..rank+1 axes (negative and duplicate
ones included, an empty list too), keep_dims on and off, the axis list as a
constant or as a graph input read at invoke time; float32 (TFLM's sequential
sum from +0.0, checked bit for bit including -0.0 inputs) and int8/int16 with
input and output scales far apart (int32 wrap of the sum and the left-shifting
multiplier path).

Hypothesis examples: 40 (quantized) + 25 (float32) + 8 (arena) = 73.
"""

import numpy as np
from batch_d_models import reduce_case, reduce_model
from broadcast_cases import assert_same_bits, data
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import scales, seeds, zero_points
from tflm_arena_probe import assert_predicted_arena_is_minimum


@requires_tflm
@settings(max_examples=40, deadline=None)
@given(case=reduce_case(), dtype=st.sampled_from(["int8", "int16"]), const_axis=st.booleans(), seed=seeds,
       data_=st.data())
def test_sum_quantized_matches_tflm(case, dtype, const_axis, seed, data_):
    shape, axes, keep_dims, out = case
    s_in = data_.draw(scales(-12, 0))
    s_out = float(np.float32(s_in * 2.0 ** data_.draw(st.floats(-6, 10))))
    in_q = {"scale": s_in, "zero_point": data_.draw(zero_points(dtype))}
    out_q = {"scale": s_out, "zero_point": data_.draw(zero_points(dtype))}
    model = reduce_model("SUM", shape, axes, keep_dims, out, dtype, in_q, out_q, const_axis)
    x = data(shape, dtype, np.random.default_rng(seed))
    compare_with_tflm(model, [[x] if const_axis else [x, np.array(axes, np.int32)]])


@requires_tflm
@settings(max_examples=25, deadline=None)
@given(case=reduce_case(), seed=seeds)
def test_sum_float_matches_tflm(case, seed):
    shape, axes, keep_dims, out = case
    x = data(shape, "float32", np.random.default_rng(seed), low=-1e3, high=1e3)
    model = reduce_model("SUM", shape, axes, keep_dims, out, "float32", {}, {})
    compare_with_tflm(model, [[x]])
    assert_same_bits(model, [x])


@requires_tflm
@settings(max_examples=8, deadline=None)
@given(case=reduce_case(), dtype=st.sampled_from(["int8", "int16", "float32"]), const_axis=st.booleans())
def test_sum_arena_is_tflms_minimum(case, dtype, const_axis, tmp_path_factory):
    """SUM shares MEAN's Prepare in TFLM, so the predicted host64 arena is the wheel's minimum."""
    shape, axes, keep_dims, out = case
    q = {} if dtype == "float32" else {"scale": 0.5, "zero_point": 0}
    model = reduce_model("SUM", shape, axes, keep_dims, out, dtype, q, q, const_axis)
    assert_predicted_arena_is_minimum(model, tmp_path_factory.mktemp("sum"))
