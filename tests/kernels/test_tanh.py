"""TANH vs TFLM: float32 (libm tanhf), int8 (gemmlowp fixed point, every int8 value at
every drawn scale/zero point), int16 (LUT: power-of-two input shifts 0 and 1, and the
general input-multiplier path)."""

import numpy as np
from activation_cases import every_int8, float_with_cutoffs, int16_with_edges, unary_model
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import scales, seeds, zero_points

SHAPES = st.sampled_from([(256,), (4, 64), (2, 2, 8, 8), (1, 16, 16)])


@requires_tflm
@settings(max_examples=25, deadline=None)
@given(shape=SHAPES, scale=scales(-12, 0), zp=zero_points("int8"), seed=seeds)
def test_tanh_int8_matches_tflm(shape, scale, zp, seed):
    rng = np.random.default_rng(seed)
    model = unary_model("TANH", shape, "int8", {"scale": scale, "zero_point": zp},
                        {"scale": 1.0 / 128, "zero_point": 0})
    compare_with_tflm(model, [[every_int8(shape, rng)]])


@requires_tflm
@settings(max_examples=20, deadline=None)
@given(shape=SHAPES, pot=st.booleans(), scale=scales(-16, -6), seed=seeds)
def test_tanh_int16_matches_tflm(shape, pot, scale, seed):
    rng = np.random.default_rng(seed)
    in_scale = (2.0**-12 if seed % 2 else 2.0**-11) if pot else scale
    model = unary_model("TANH", shape, "int16", {"scale": in_scale, "zero_point": 0},
                        {"scale": 2.0**-15, "zero_point": 0})
    compare_with_tflm(model, [[int16_with_edges(shape, rng)]])


@requires_tflm
@settings(max_examples=10, deadline=None)
@given(shape=SHAPES, seed=seeds)
def test_tanh_float_matches_tflm(shape, seed):
    rng = np.random.default_rng(seed)
    compare_with_tflm(unary_model("TANH", shape, "float32", {}, {}), [[float_with_cutoffs(shape, rng)]])
