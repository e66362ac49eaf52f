"""MUL vs TFLM, tolerance 0: float32 (bit patterns, -0.0 included), int32 (wrapping),
int8 (any zero points) and int16 (symmetric), every fused activation, numpy
broadcasting up to rank 5, constant or variable second operand.

Hypothesis examples: 40 (quantized) + 25 (float32/int32) + 15 (65536 pairs each) + 15 (int8 pairs,
zero points across int32) = 95.
"""

import numpy as np
from broadcast_cases import (
    binary_model,
    broadcast_shapes,
    check_exhaustive_pairs,
    check_quantized_pair,
    check_unquantized_pair,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import ACTIVATIONS, scales, seeds, wide_zero_points, zero_points


@st.composite
def quant_params(draw, dtype):
    """Any input scales; an output scale within 2^-4..2^12 of their product, so
    the real multiplier s1*s2/so stays a normal TFLM multiplier (shift <= 30)."""
    s1, s2 = draw(scales(-12, 2)), draw(scales(-12, 2))
    so = float(np.float32(s1 * s2 * 2.0 ** draw(st.floats(-4, 12))))
    return [{"scale": s, "zero_point": draw(zero_points(dtype))} for s in (s1, s2, so)]


@requires_tflm
@settings(max_examples=40, deadline=None)
@given(dtype=st.sampled_from(["int8", "int16"]), shapes=broadcast_shapes(), act=st.sampled_from(ACTIVATIONS),
       const=st.booleans(), seed=seeds, data_=st.data())
def test_mul_quantized_matches_tflm(dtype, shapes, act, const, seed, data_):
    check_quantized_pair("MUL", dtype, shapes, act, const, data_.draw(quant_params(dtype)), seed)


@requires_tflm
@settings(max_examples=25, deadline=None)
@given(dtype=st.sampled_from(["float32", "int32"]), shapes=broadcast_shapes(), act=st.sampled_from(ACTIVATIONS),
       seed=seeds)
def test_mul_float_int32_matches_tflm(dtype, shapes, act, seed):
    check_unquantized_pair("MUL", dtype, shapes, act, seed)


@requires_tflm
@settings(max_examples=15, deadline=None)
@given(dtype=st.sampled_from(["int8", "int16"]), act=st.sampled_from(ACTIVATIONS), seed=seeds, data_=st.data())
def test_mul_exhaustive_pairs_match_tflm(dtype, act, seed, data_):
    """65536 pairs per model: every int8 pair, or 256 x 256 random int16 values (extremes included)."""
    check_exhaustive_pairs("MUL", dtype, data_.draw(quant_params(dtype)), act, seed)


@requires_tflm
@settings(max_examples=15, deadline=None)
@given(data_=st.data())
def test_mul_int8_wide_zero_points_match_tflm(data_):
    """Zero points across int32 (hostile models): TFLM's int32 product and its sum with the
    output zero point wrap; every int8 pair. No fused activation: TFLM's activation range
    (``zero_point + round(6 / scale)``) itself overflows int32 near the bounds, which
    ``quant.activation_range_quantized`` does not reproduce."""
    s1, s2 = data_.draw(scales(-12, 2)), data_.draw(scales(-12, 2))
    so = float(np.float32(s1 * s2 * 2.0 ** data_.draw(st.floats(-4, 12))))
    qs = [{"scale": s, "zero_point": data_.draw(wide_zero_points())} for s in (s1, s2, so)]
    a = np.arange(-128, 128, dtype=np.int8).reshape(256, 1)
    b = np.arange(-128, 128, dtype=np.int8).reshape(1, 256)
    compare_with_tflm(binary_model("MUL", ((256, 1), (1, 256), (256, 256)), "int8", qs,
                                   fused_activation_function="NONE"), [[a, b]])
