"""RESIZE_NEAREST_NEIGHBOR vs TFLM, tolerance 0: 4-D inputs up to 9x9, output
sizes 1..13 (up- and downscaling, sizes that do not divide), every
align_corners / half_pixel_centers combination (TFLM accepts both at once
here), float32 (copied bit for bit, NaN included), int8 and int16.

Hypothesis examples: 50.
"""

import numpy as np
from batch_d_models import quant_params, single_op
from broadcast_cases import assert_same_bits, data
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import seeds


@requires_tflm
@settings(max_examples=50, deadline=None)
@given(n=st.integers(1, 2), h=st.integers(1, 9), w=st.integers(1, 9), c=st.integers(1, 3),
       new_h=st.integers(1, 13), new_w=st.integers(1, 13), align_corners=st.booleans(),
       half_pixel_centers=st.booleans(), dtype=st.sampled_from(["float32", "int8", "int16"]), seed=seeds,
       data_=st.data())
def test_resize_nearest_neighbor_matches_tflm(n, h, w, c, new_h, new_w, align_corners, half_pixel_centers, dtype,
                                               seed, data_):
    q = data_.draw(quant_params(dtype))
    model = single_op("RESIZE_NEAREST_NEIGHBOR",
                      [("x", (n, h, w, c), dtype, q), ("size", np.array([new_h, new_w], np.int32))],
                      [("y", (n, new_h, new_w, c), dtype, q)],
                      align_corners=align_corners, half_pixel_centers=half_pixel_centers)
    x = data((n, h, w, c), dtype, np.random.default_rng(seed))
    if dtype == "float32":
        x.reshape(-1)[0] = np.nan
    compare_with_tflm(model, [[x]])
    if dtype == "float32":
        assert_same_bits(model, [x])
