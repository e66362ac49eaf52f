"""BROADCAST_TO vs TFLM, tolerance 0: inputs of rank 0..5 broadcast to targets
of rank up to 5 (new leading dimensions and size-1 dimensions stretched, the
no-op copy included), int32 and int64 shape tensors, float32 (raw bits, NaN
included), int8, int16, int32, int64 and bool.

Hypothesis examples: 50.
"""

import numpy as np
from batch_d_models import quant_params, single_op
from broadcast_cases import any_type_data, assert_same_bits
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import seeds

DTYPES = ["float32", "int8", "int16", "int32", "int64", "bool"]


@st.composite
def broadcast_case(draw):
    target = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=5)))
    rank = draw(st.integers(0, len(target)))
    shape = tuple(1 if draw(st.booleans()) else d for d in target[len(target) - rank:])
    return shape, target


@requires_tflm
@settings(max_examples=50, deadline=None)
@given(case=broadcast_case(), dtype=st.sampled_from(DTYPES), shape_dtype=st.sampled_from(["int32", "int64"]),
       seed=seeds, data_=st.data())
def test_broadcast_to_matches_tflm(case, dtype, shape_dtype, seed, data_):
    shape, target = case
    q = data_.draw(quant_params(dtype))
    model = single_op("BROADCAST_TO", [("x", shape, dtype, q), ("shape", np.array(target, shape_dtype))],
                      [("y", target, dtype, q)])
    rng = np.random.default_rng(seed)
    x = any_type_data(shape, dtype, rng)
    if dtype == "float32" and x.size:
        x.reshape(-1)[0] = np.nan
    compare_with_tflm(model, [[x]])
    if dtype == "float32":
        assert_same_bits(model, [x])
