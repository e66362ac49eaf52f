"""HARD_SWISH vs TFLM: int8 (TFLM's int16 fixed-point recipe: every int8 value, scales
that drive the relu-ish shift left, right and to zero, and output shifts of 16+ where
gemmlowp's int16 mask quirk shows) and float32."""

import numpy as np
from activation_cases import every_int8, unary_model
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import scales, seeds, zero_points

SHAPES = st.sampled_from([(256,), (4, 64), (1, 4, 8, 8)])


@requires_tflm
@settings(max_examples=40, deadline=None)
@given(shape=SHAPES, in_scale=scales(-12, 2), ratio=st.floats(-22, 1), in_zp=zero_points("int8"),
       out_zp=zero_points("int8"), seed=seeds)
def test_hard_swish_int8_matches_tflm(shape, in_scale, ratio, in_zp, out_zp, seed):
    # TFLM requires input_scale / (128 * output_scale) <= 1 (output exponent <= 0)
    out_scale = float(np.float32(in_scale / 128 * 2.0 ** -ratio))
    if in_scale / 128 / out_scale >= 1.0:
        out_scale = float(np.float32(in_scale / 128 * 1.5))
    rng = np.random.default_rng(seed)
    model = unary_model("HARD_SWISH", shape, "int8", {"scale": in_scale, "zero_point": in_zp},
                        {"scale": out_scale, "zero_point": out_zp})
    compare_with_tflm(model, [[every_int8(shape, rng)]])


@requires_tflm
@settings(max_examples=10, deadline=None)
@given(shape=SHAPES, seed=seeds)
def test_hard_swish_float_matches_tflm(shape, seed):
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape))
    data = (rng.standard_normal(n) * 4).astype(np.float32)
    data[:6] = [-3.0, 3.0, 0.0, -0.0, -3.0000002, 2.9999998]
    compare_with_tflm(unary_model("HARD_SWISH", shape, "float32", {}, {}), [[data.reshape(shape)]])
