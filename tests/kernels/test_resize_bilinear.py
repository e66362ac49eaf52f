"""RESIZE_BILINEAR vs TFLM, tolerance 0: 4-D inputs up to 9x9, output sizes
1..13 (up- and downscaling), align_corners, half_pixel_centers or neither;
float32 (TFLM's float32 tap order, checked bit for bit; inputs up to +/-100)
and int8 (10-bit fixed point, full-range inputs). Both modes at once and int16
are refused, as by TFLM micro.

Hypothesis examples: 60.
"""

import numpy as np
from batch_d_models import quant_params, run_both, single_op
from broadcast_cases import assert_same_bits, data
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import seeds

from microinterp.errors import KernelError, UnsupportedOpError


def resize_model(shape, new_h, new_w, dtype, q, **options):
    n, _, _, c = shape
    return single_op("RESIZE_BILINEAR", [("x", shape, dtype, q), ("size", np.array([new_h, new_w], np.int32))],
                     [("y", (n, new_h, new_w, c), dtype, q)], **options)


@requires_tflm
@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 2), h=st.integers(1, 9), w=st.integers(1, 9), c=st.integers(1, 3),
       new_h=st.integers(1, 13), new_w=st.integers(1, 13), mode=st.sampled_from(["none", "align", "half"]),
       dtype=st.sampled_from(["float32", "int8"]), seed=seeds, data_=st.data())
def test_resize_bilinear_matches_tflm(n, h, w, c, new_h, new_w, mode, dtype, seed, data_):
    q = data_.draw(quant_params(dtype))
    model = resize_model((n, h, w, c), new_h, new_w, dtype, q, align_corners=mode == "align",
                         half_pixel_centers=mode == "half")
    x = data((n, h, w, c), dtype, np.random.default_rng(seed), low=-100.0, high=100.0)
    compare_with_tflm(model, [[x]])
    if dtype == "float32":
        assert_same_bits(model, [x])


@requires_tflm
def test_both_modes_and_int16_are_refused_like_tflm():
    both = resize_model((1, 2, 2, 1), 3, 3, "float32", {}, align_corners=True, half_pixel_centers=True)
    mine, tflm = run_both(both, [np.zeros((1, 2, 2, 1), np.float32)])
    assert isinstance(mine, KernelError) and isinstance(tflm, Exception)
    int16 = resize_model((1, 2, 2, 1), 3, 3, "int16", {"scale": 0.5, "zero_point": 0})
    mine, tflm = run_both(int16, [np.zeros((1, 2, 2, 1), np.int16)])  # TFLM: "requires float or int8"
    assert isinstance(mine, UnsupportedOpError) and isinstance(tflm, Exception)
