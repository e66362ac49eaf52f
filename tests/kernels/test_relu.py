"""RELU and RELU6 vs TFLM: float32 (incl. -0.0), int8 and int16 over every drawn scale pair.

RELU requantizes (input -> output scale); RELU6 ignores the output quantization
and clamps raw input values, so its output scale is drawn independently too.
"""

import numpy as np
from activation_cases import every_int8, int16_with_edges, unary_model
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import scales, seeds, zero_points

SHAPES = st.sampled_from([(256,), (4, 64), (2, 2, 8, 8)])


def _data(shape, dtype: str, rng: np.random.Generator) -> np.ndarray:
    if dtype == "float32":
        vals = (rng.standard_normal(int(np.prod(shape))) * 5).astype(np.float32)
        vals[:6] = [0.0, -0.0, 6.0, 6.0000005, -1e-30, 5.9999995]
        return vals.reshape(shape)
    return every_int8(shape, rng) if dtype == "int8" else int16_with_edges(shape, rng)


@st.composite
def quantized_case(draw):
    dtype = draw(st.sampled_from(["int8", "int16"]))
    in_scale = draw(scales(-12, 0))
    # output scale within 2^-8..2^8 of the input scale, as any converter makes
    out_scale = float(np.float32(in_scale * 2.0 ** draw(st.floats(-8, 8))))
    return dtype, in_scale, draw(zero_points(dtype)), out_scale, draw(zero_points(dtype))


@requires_tflm
@settings(max_examples=30, deadline=None)
@given(op=st.sampled_from(["RELU", "RELU6"]), shape=SHAPES, case=quantized_case(), seed=seeds)
def test_relu_quantized_matches_tflm(op, shape, case, seed):
    dtype, in_scale, in_zp, out_scale, out_zp = case
    if op == "RELU6" and dtype == "int8":
        out_scale, out_zp = in_scale, in_zp  # what the converter emits; TFLM ignores it anyway
    model = unary_model(op, shape, dtype, {"scale": in_scale, "zero_point": in_zp},
                        {"scale": out_scale, "zero_point": out_zp})
    compare_with_tflm(model, [[_data(shape, dtype, np.random.default_rng(seed))]])


@requires_tflm
@settings(max_examples=10, deadline=None)
@given(op=st.sampled_from(["RELU", "RELU6"]), shape=SHAPES, seed=seeds)
def test_relu_float_matches_tflm(op, shape, seed):
    compare_with_tflm(unary_model(op, shape, "float32", {}, {}), [[_data(shape, "float32", np.random.default_rng(seed))]])
