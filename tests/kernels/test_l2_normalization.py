"""L2_NORMALIZATION vs TFLM, tolerance 0: ranks 1..4, last dimensions 1..40,
int8 (any input zero point; all-equal rows give a zero sum of squares,
TFLM's inverse-sqrt special case) and float32 (sequential sum of squares,
the 1e-6 floor for tiny and zero rows, bit for bit). Fused activations are
refused, as by TFLM.

Hypothesis examples: 50 + 25 (float32) = 75.
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
from microinterp.errors import UnsupportedOpError

shapes = st.lists(st.integers(1, 4), min_size=0, max_size=3).flatmap(
    lambda lead: st.integers(1, 40).map(lambda depth: tuple(lead) + (depth,)))


def l2norm_model(shape, dtype, in_q, out_q, **options):
    return single_op("L2_NORMALIZATION", [("x", shape, dtype, in_q)], [("y", shape, dtype, out_q)], **options)


@requires_tflm
@settings(max_examples=50, deadline=None)
@given(shape=shapes, seed=seeds, flat=st.booleans(), data_=st.data())
def test_l2_normalization_int8_matches_tflm(shape, seed, flat, data_):
    zp = data_.draw(zero_points())
    model = l2norm_model(shape, "int8", {"scale": data_.draw(scales()), "zero_point": zp},
                         {"scale": 1 / 128, "zero_point": 0})
    rng = np.random.default_rng(seed)
    x = data(shape, "int8", rng)
    if flat:  # rows close to the zero point: tiny sums of squares (0 and 1 are TFLM's special case)
        x = np.clip(zp + rng.integers(-1, 2, size=shape), -128, 127).astype(np.int8)
    compare_with_tflm(model, [[x]])


@requires_tflm
@settings(max_examples=25, deadline=None)
@given(shape=shapes, seed=seeds, magnitude=st.sampled_from([1e-8, 1.0, 1e3, 1e20]))
def test_l2_normalization_float_matches_tflm(shape, seed, magnitude):
    x = data(shape, "float32", np.random.default_rng(seed), low=-magnitude, high=magnitude)
    model = l2norm_model(shape, "float32", {}, {})
    compare_with_tflm(model, [[x]])
    assert_same_bits(model, [x])


def test_l2_normalization_activation_is_refused_like_tflm():
    with pytest.raises(UnsupportedOpError, match="only NONE"):
        Interpreter.from_bytes(l2norm_model((2, 3), "float32", {}, {}, fused_activation_function="RELU"))
