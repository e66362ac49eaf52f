"""BATCH_TO_SPACE_ND vs TFLM, tolerance 0: 4-D (NHWC) and 3-D (NHC) inputs,
block shapes 1..3 per spatial axis, any crops that leave a non-empty output,
float32 (bit copies) and int8.

Hypothesis examples: 50.
"""

import numpy as np
from batch_d_models import quant_params, single_op
from broadcast_cases import data
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import seeds


@st.composite
def b2s_case(draw):
    rank = draw(st.sampled_from([3, 4]))
    spatial = rank - 2
    block = [draw(st.integers(1, 3)) for _ in range(spatial)]
    in_sp = [draw(st.integers(1, 4)) for _ in range(spatial)]
    crops, out_sp = [], []
    for b, d in zip(block, in_sp):
        full = b * d
        top = draw(st.integers(0, full - 1))
        bottom = draw(st.integers(0, full - 1 - top))
        crops.append([top, bottom])
        out_sp.append(full - top - bottom)
    out_n, c = draw(st.integers(1, 2)), draw(st.integers(1, 3))
    in_shape = (out_n * int(np.prod(block)), *in_sp, c)
    return in_shape, block, crops, (out_n, *out_sp, c)


@requires_tflm
@settings(max_examples=50, deadline=None)
@given(case=b2s_case(), dtype=st.sampled_from(["float32", "int8"]), seed=seeds, data_=st.data())
def test_batch_to_space_nd_matches_tflm(case, dtype, seed, data_):
    in_shape, block, crops, out_shape = case
    q = data_.draw(quant_params(dtype))
    model = single_op("BATCH_TO_SPACE_ND", [("x", in_shape, dtype, q), ("block_shape", np.array(block, np.int32)),
                                            ("crops", np.array(crops, np.int32))], [("y", out_shape, dtype, q)])
    compare_with_tflm(model, [[data(in_shape, dtype, np.random.default_rng(seed))]])
