"""LOG_SOFTMAX vs TFLM, tolerance 0: ranks 1..4, rows of 1..40 values; int8
with input scales over many binades (the output is fixed at 16/256, zero
point 127, as TFLM requires), full-range and near-constant rows; float32 with
glibc's expf/logf, signed zeros, infinities and NaN, bit for bit.

Hypothesis examples: 60 (int8) + 30 (float32) = 90.
"""

import numpy as np
import pytest
from batch_d_models import single_op
from broadcast_cases import assert_same_bits, data
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import scales, seeds, zero_points

from microinterp import Interpreter
from microinterp.errors import KernelError

shapes = st.lists(st.integers(1, 4), min_size=0, max_size=3).flatmap(
    lambda lead: st.integers(1, 40).map(lambda depth: tuple(lead) + (depth,)))
OUT_Q = {"scale": 16 / 256, "zero_point": 127}


def log_softmax_model(shape, dtype, in_q, out_q):
    return single_op("LOG_SOFTMAX", [("x", shape, dtype, in_q)], [("y", shape, dtype, out_q)])


@requires_tflm
@settings(max_examples=60, deadline=None)
@given(shape=shapes, seed=seeds, narrow=st.booleans(), data_=st.data())
def test_log_softmax_int8_matches_tflm(shape, seed, narrow, data_):
    model = log_softmax_model(shape, "int8", {"scale": data_.draw(scales(-16, 3)), "zero_point":
                                              data_.draw(zero_points())}, OUT_Q)
    rng = np.random.default_rng(seed)
    x = data(shape, "int8", rng)
    if narrow:  # values close together: many differences survive the input radius
        x = (rng.integers(-4, 5, size=shape) + rng.integers(-100, 100)).astype(np.int8)
    compare_with_tflm(model, [[x]])


@requires_tflm
@settings(max_examples=30, deadline=None)
@given(shape=shapes, seed=seeds, magnitude=st.sampled_from([1.0, 30.0, 1e4]), special=st.booleans())
def test_log_softmax_float_matches_tflm(shape, seed, magnitude, special):
    rng = np.random.default_rng(seed)
    x = data(shape, "float32", rng, low=-magnitude, high=magnitude)
    if special:
        mask = rng.random(shape)
        x[mask < 0.05] = np.nan
        x[(mask >= 0.05) & (mask < 0.1)] = -np.inf
        x[(mask >= 0.1) & (mask < 0.12)] = np.inf
    model = log_softmax_model(shape, "float32", {}, {})
    compare_with_tflm(model, [[x]])
    assert_same_bits(model, [x])


def test_log_softmax_int8_output_quantization_is_checked_like_tflm():
    with pytest.raises(KernelError, match="16/256"):
        Interpreter.from_bytes(log_softmax_model((2, 5), "int8", {"scale": 0.1, "zero_point": 0},
                                                 {"scale": 1 / 256, "zero_point": -128}))
