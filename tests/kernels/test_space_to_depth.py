"""SPACE_TO_DEPTH vs TFLM, tolerance 0: block sizes 1..4, 4-D inputs whose
height and width are multiples of the block (up to 5 blocks each), 1..3
channels, float32 (bit copies, NaN included) and int8.

Hypothesis examples: 40.
"""

import numpy as np
from batch_d_models import quant_params, single_op
from broadcast_cases import assert_same_bits, data
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import seeds


@requires_tflm
@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 2), h=st.integers(1, 5), w=st.integers(1, 5), c=st.integers(1, 3), bs=st.integers(1, 4),
       dtype=st.sampled_from(["float32", "int8"]), seed=seeds, data_=st.data())
def test_space_to_depth_matches_tflm(n, h, w, c, bs, dtype, seed, data_):
    q = data_.draw(quant_params(dtype))
    in_shape = (n, h * bs, w * bs, c)
    model = single_op("SPACE_TO_DEPTH", [("x", in_shape, dtype, q)], [("y", (n, h, w, c * bs * bs), dtype, q)],
                      block_size=bs)
    x = data(in_shape, dtype, np.random.default_rng(seed))
    if dtype == "float32":
        x.reshape(-1)[0] = np.nan
    compare_with_tflm(model, [[x]])
    if dtype == "float32":
        assert_same_bits(model, [x])
