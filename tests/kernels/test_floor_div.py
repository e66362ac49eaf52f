"""FLOOR_DIV vs TFLM, tolerance 0 (float bits compared): float32 ``floor(double(x) /
double(y))`` with broadcast shapes up to rank 5, values with specials (signed
zeros, inf, NaN, subnormals) and non-zero denominators; a zero anywhere in the
denominator fails the invoke in TFLM and in microinterp alike. Other types refused.

Hypothesis examples: 30.
"""

import numpy as np
import pytest
from broadcast_cases import broadcast_shapes
from elementwise_math_cases import (
    binary_model,
    check_nan_pairs,
    microinterp_invoke_fails,
    tflm_invoke_fails,
    values,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import seeds

from microinterp import Interpreter
from microinterp.errors import UnsupportedOpError


@requires_tflm
@settings(max_examples=30, deadline=None)
@given(shapes=broadcast_shapes(), const=st.booleans(), seed=seeds)
def test_floor_div_matches_tflm(shapes, const, seed):
    rng = np.random.default_rng(seed)
    s1, s2, so = shapes
    a, b = values(rng, s1, "float32"), values(rng, s2, "float32")
    b = np.where(b == 0, np.float32(-3.0), b).astype(np.float32)  # TFLM rejects any zero denominator
    model = binary_model("FLOOR_DIV", s1, s2, so, "float32", const2=b if const else None)
    compare_with_tflm(model, [[a] if const else [a, b]], nan_payloads=True)


@requires_tflm
@pytest.mark.parametrize("broadcast", [False, True])
def test_floor_div_nan_payloads_match_tflm(broadcast):
    check_nan_pairs("FLOOR_DIV", broadcast, nonzero_y=True)


@requires_tflm
@pytest.mark.parametrize("zero", [0.0, -0.0])
def test_floor_div_by_zero_fails_in_both(zero):
    model = binary_model("FLOOR_DIV", (3,), (3,), (3,), "float32")
    inputs = [np.array([1, 2, 3], np.float32), np.array([1, zero, 2], np.float32)]
    assert tflm_invoke_fails(model, inputs)
    assert microinterp_invoke_fails(model, inputs)


@pytest.mark.parametrize("dtype", ["int8", "int16", "int32"])
def test_floor_div_refuses_what_tflm_refuses(dtype):
    with pytest.raises(UnsupportedOpError, match="not supported"):
        Interpreter.from_bytes(binary_model("FLOOR_DIV", (4,), (4,), (4,), dtype))
