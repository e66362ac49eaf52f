"""LEAKY_RELU vs TFLM, tolerance 0: float32 (bit patterns), int8 and int16 with
alpha drawn in [-2, 2] (negative alphas included: TFLM negates the scaled
value), input/output scales within 2^-6..2^6 of each other, every input
value of the type in each example; plus every
seanet ``leaky_relu*`` int16 model with full-range random inputs (the oracle
is TFLM, not the seanet golden CSVs, which are 1 LSB off on a few cases).

Hypothesis examples: 40 (quantized) + 15 (float32) = 55.
"""

import numpy as np
import pytest
from activation_cases import unary_model
from broadcast_cases import data
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, model_path, random_input, requires_tflm
from strategies import scales, seeds, zero_points

from microinterp import Interpreter

SHAPES = st.sampled_from([(300,), (4, 64), (1, 2, 8, 8), (2, 3, 1, 5, 2)])
ALPHAS = st.one_of(st.sampled_from([0.0, 0.3, 0.2, 0.01, 1.0, -0.5]), st.floats(-2.0, 2.0, width=32))


@requires_tflm
@settings(max_examples=40, deadline=None)
@given(dtype=st.sampled_from(["int8", "int16"]), alpha=ALPHAS, seed=seeds, data_=st.data())
def test_leaky_relu_quantized_matches_tflm(dtype, alpha, seed, data_):
    """Every representable input value once (256 or 65536), in a random order."""
    s_in = data_.draw(scales(-12, 0))
    s_out = float(np.float32(s_in * 2.0 ** data_.draw(st.floats(-6, 6))))
    in_q = {"scale": s_in, "zero_point": data_.draw(zero_points(dtype))}
    out_q = {"scale": s_out, "zero_point": data_.draw(zero_points(dtype))}
    info = np.iinfo(dtype)
    x = np.random.default_rng(seed).permutation(np.arange(info.min, info.max + 1)).astype(dtype)
    x = x.reshape((16, 16) if dtype == "int8" else (4, 128, 128))
    compare_with_tflm(unary_model("LEAKY_RELU", x.shape, dtype, in_q, out_q, alpha=alpha), [[x]])


@requires_tflm
@settings(max_examples=15, deadline=None)
@given(shape=SHAPES, alpha=ALPHAS, seed=seeds)
def test_leaky_relu_float_matches_tflm(shape, alpha, seed):
    x = data(shape, "float32", np.random.default_rng(seed))
    model = unary_model("LEAKY_RELU", shape, "float32", {}, {}, alpha=alpha)
    compare_with_tflm(model, [[x]], nan_payloads=True)


@requires_tflm
@pytest.mark.parametrize("name", [f"leaky_relu{i}" for i in range(0, 24, 2)])
def test_seanet_leaky_relu_models_match_tflm(name):
    model = model_path(f"tflite-micro-seanet/{name}.tflite").read_bytes()
    mi = Interpreter.from_bytes(model)
    rng = np.random.default_rng(len(name))
    compare_with_tflm(model, [[random_input(mi.get_input_details(i), rng) for i in range(mi.num_inputs)]])
