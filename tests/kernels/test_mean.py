"""MEAN vs TFLM, tolerance 0: ranks 1..5, any non-empty axis list (negative and
duplicate axes included), keep_dims on and off, float32 (TFLM's sequential
float sum, checked bit for bit; the 4-D axes [1, 2] keep_dims special case is
drawn often), int8 and int16 with TFLM's integer-divided mean multiplier.

Hypothesis examples: 40 (quantized) + 25 (float32) = 65.
"""

import numpy as np
from broadcast_cases import data
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import scales, seeds, zero_points

from microinterp.builder import ModelBuilder


@st.composite
def mean_case(draw):
    if draw(st.integers(0, 3)) == 0:  # TFLM's float special case: 4-D, axes {1, 2}, keep_dims
        shape = (draw(st.integers(1, 3)), draw(st.integers(1, 7)), draw(st.integers(1, 7)), draw(st.integers(1, 4)))
        return shape, draw(st.sampled_from([[1, 2], [2, 1]])), True
    rank = draw(st.integers(1, 5))
    shape = tuple(draw(st.lists(st.integers(1, 6), min_size=rank, max_size=rank)))
    axes = draw(st.lists(st.integers(-rank, rank - 1), min_size=1, max_size=rank + 1))
    return shape, axes, draw(st.booleans())


def mean_model(shape, axes, keep_dims, dtype, in_q, out_q) -> bytes:
    rank = len(shape)
    reduced = {a % rank for a in axes}
    out_shape = tuple(1 if d in reduced else n for d, n in enumerate(shape) if keep_dims or d not in reduced)
    b = ModelBuilder()
    x = b.add_input("x", shape, dtype, **in_q)
    ax = b.add_constant("axis", np.array(axes, np.int32))
    y = b.add_output("y", out_shape, dtype, **out_q)
    b.add_operator("MEAN", [x, ax], [y], keep_dims=keep_dims)
    return b.build()


@requires_tflm
@settings(max_examples=40, deadline=None)
@given(case=mean_case(), dtype=st.sampled_from(["int8", "int16"]), seed=seeds, data_=st.data())
def test_mean_quantized_matches_tflm(case, dtype, seed, data_):
    shape, axes, keep_dims = case
    s_in = data_.draw(scales(-12, 0))
    s_out = float(np.float32(s_in * 2.0 ** data_.draw(st.floats(-4, 4))))
    in_q = {"scale": s_in, "zero_point": data_.draw(zero_points(dtype))}
    out_q = {"scale": s_out, "zero_point": data_.draw(zero_points(dtype))}
    model = mean_model(shape, axes, keep_dims, dtype, in_q, out_q)
    compare_with_tflm(model, [[data(shape, dtype, np.random.default_rng(seed))]])


@requires_tflm
@settings(max_examples=25, deadline=None)
@given(case=mean_case(), seed=seeds)
def test_mean_float_matches_tflm(case, seed):
    shape, axes, keep_dims = case
    x = data(shape, "float32", np.random.default_rng(seed), low=-1e3, high=1e3)
    model = mean_model(shape, axes, keep_dims, "float32", {}, {})
    compare_with_tflm(model, [[x]], nan_payloads=True)
