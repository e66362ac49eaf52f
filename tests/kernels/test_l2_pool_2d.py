"""L2_POOL_2D vs TFLM, tolerance 0 (float32, the only type TFLM has): SAME and
VALID padding, strides 1..3, filters 1..5 (larger than the image under SAME),
batches, every fused activation, inputs with signed zeros and values up to
+/-1e19 (squares overflow to inf), compared bit for bit.

Hypothesis examples: 50.
"""

import numpy as np
from batch_d_models import run_both, single_op
from broadcast_cases import assert_same_bits, data
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import ACTIVATIONS, seeds

from microinterp.errors import UnsupportedOpError


@st.composite
def pool_case(draw):
    fh, fw = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    sh, sw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    padding = draw(st.sampled_from(["SAME", "VALID"]))
    in_h, in_w = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    if padding == "VALID":
        in_h, in_w = max(in_h, fh), max(in_w, fw)
        out_h, out_w = (in_h - fh) // sh + 1, (in_w - fw) // sw + 1
    else:
        out_h, out_w = -(-in_h // sh), -(-in_w // sw)
    n, c = draw(st.integers(1, 2)), draw(st.integers(1, 4))
    options = dict(padding=padding, stride_h=sh, stride_w=sw, filter_height=fh, filter_width=fw,
                   fused_activation_function=draw(st.sampled_from(ACTIVATIONS)))
    return (n, in_h, in_w, c), (n, out_h, out_w, c), options


@requires_tflm
@settings(max_examples=50, deadline=None)
@given(case=pool_case(), big=st.booleans(), seed=seeds)
def test_l2_pool_2d_matches_tflm(case, big, seed):
    in_shape, out_shape, options = case
    model = single_op("L2_POOL_2D", [("x", in_shape, "float32")], [("y", out_shape, "float32", {})], **options)
    rng = np.random.default_rng(seed)
    x = data(in_shape, "float32", rng, low=-1e19 if big else -8.0, high=1e19 if big else 8.0)
    compare_with_tflm(model, [[x]])
    assert_same_bits(model, [x])


@requires_tflm
def test_l2_pool_2d_int8_is_unsupported_like_tflm():
    q = {"scale": 0.5, "zero_point": 0}
    model = single_op("L2_POOL_2D", [("x", (1, 4, 4, 1), "int8", q)], [("y", (1, 2, 2, 1), "int8", q)],
                      padding="VALID", stride_h=2, stride_w=2, filter_height=2, filter_width=2)
    mine, tflm = run_both(model, [np.zeros((1, 4, 4, 1), np.int8)])
    assert isinstance(mine, UnsupportedOpError) and "float32 only" in str(mine) and isinstance(tflm, Exception)
