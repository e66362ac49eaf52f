"""LOGICAL_NOT vs TFLM: bool tensors of drawn shapes (rank 0..4); other types refused.

Hypothesis examples: 15.
"""

import numpy as np
import pytest
from elementwise_math_cases import shapes, unary_model
from hypothesis import given, settings
from oracle import compare_with_tflm, requires_tflm
from strategies import seeds

from microinterp import Interpreter
from microinterp.errors import UnsupportedOpError


@requires_tflm
@settings(max_examples=15, deadline=None)
@given(shape=shapes, seed=seeds)
def test_logical_not_matches_tflm(shape, seed):
    x = np.random.default_rng(seed).integers(0, 2, size=shape).astype(bool)
    compare_with_tflm(unary_model("LOGICAL_NOT", shape, "bool"), [[x]])


@pytest.mark.parametrize("dtype", ["float32", "int8"])
def test_logical_not_refuses_non_bool(dtype):
    with pytest.raises(UnsupportedOpError, match="not supported"):
        Interpreter.from_bytes(unary_model("LOGICAL_NOT", (4,), dtype))
