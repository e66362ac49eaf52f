"""ZEROS_LIKE vs TFLM: int64, int32, int8 (quantized too: the integer 0, not the
zero point) and float32, drawn shapes; int16 and bool are refused as in TFLM.

Hypothesis examples: 20.
"""

import numpy as np
import pytest
from elementwise_math_cases import shapes, unary_model, values
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import seeds

from microinterp import Interpreter
from microinterp.errors import UnsupportedOpError


@requires_tflm
@settings(max_examples=20, deadline=None)
@given(dtype=st.sampled_from(["int64", "int32", "int8", "float32"]), quantized=st.booleans(), shape=shapes,
       seed=seeds)
def test_zeros_like_matches_tflm(dtype, quantized, shape, seed):
    q = {"scale": 0.25, "zero_point": 7} if quantized and dtype == "int8" else None
    x = values(np.random.default_rng(seed), shape, dtype)
    mi = compare_with_tflm(unary_model("ZEROS_LIKE", shape, dtype, q, q), [[x]])
    assert not np.any(mi.get_output(0))


@pytest.mark.parametrize("dtype", ["int16", "bool"])
def test_zeros_like_refuses_what_tflm_refuses(dtype):
    with pytest.raises(UnsupportedOpError, match="not supported"):
        Interpreter.from_bytes(unary_model("ZEROS_LIKE", (4,), dtype))
