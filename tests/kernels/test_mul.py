"""MUL vs TFLM, tolerance 0: float32 (bit patterns, -0.0 included), int32 (wrapping),
int8 (any zero points) and int16 (symmetric), every fused activation, numpy
broadcasting up to rank 5, constant or variable second operand.

Hypothesis examples: 40 (quantized) + 25 (float32/int32) + 15 (65536 pairs each) = 80.
"""

import numpy as np
from broadcast_cases import (
    broadcast_shapes,
    check_exhaustive_pairs,
    check_quantized_pair,
    check_unquantized_pair,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import requires_tflm
from strategies import ACTIVATIONS, scales, seeds, zero_points


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
