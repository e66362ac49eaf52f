"""COS vs TFLM, tolerance 0 (float bits compared): float32 only, glibc ``cosf``, including huge arguments (range reduction).
Values: uniform in [-10000, 10000), random float32 bit patterns (NaN, inf, subnormals)
and a fixed list of specials; plus three sweeps of 32768 values. Other types are refused.

Hypothesis examples: 25.
"""

import pytest
from elementwise_math_cases import check_float_sweep, check_float_unary, shapes, unary_model
from hypothesis import given, settings
from oracle import requires_tflm
from strategies import seeds

from microinterp import Interpreter
from microinterp.errors import UnsupportedOpError

LOW, HIGH = -10000.0, 10000.0


@requires_tflm
@settings(max_examples=25, deadline=None)
@given(shape=shapes, seed=seeds)
def test_cos_float_matches_tflm(shape, seed):
    check_float_unary("COS", shape, seed, low=LOW, high=HIGH)


@requires_tflm
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cos_float_sweep_matches_tflm(seed):
    check_float_sweep("COS", seed, low=LOW, high=HIGH)


@pytest.mark.parametrize("dtype", ["int8", "int16", "int32"])
def test_cos_refuses_what_tflm_refuses(dtype):
    with pytest.raises(UnsupportedOpError, match="not supported"):
        Interpreter.from_bytes(unary_model("COS", (4,), dtype, {"scale": 0.5, "zero_point": 0},
                                           {"scale": 0.5, "zero_point": 0}))
