"""SIN and COS vs TFLM, tolerance 0 (float bits compared), one parametrized set of tests.

float32 only: glibc ``sinf`` and ``cosf``, including huge arguments (range reduction).
Values: uniform in [-10000, 10000), random float32 bit patterns (NaN, inf, subnormals)
and a fixed list of specials; plus three sweeps of 32768 values per op. Other types are refused.

Hypothesis examples: 25 per op; for the two ops 2 x 25 = 50.
"""

import pytest
from elementwise_math_cases import check_float_sweep, check_float_unary, shapes, unary_model
from hypothesis import given, settings
from oracle import requires_tflm
from strategies import seeds

from microinterp import Interpreter
from microinterp.errors import UnsupportedOpError

OPS = ["SIN", "COS"]
LOW, HIGH = -10000.0, 10000.0


@requires_tflm
@pytest.mark.parametrize("op", OPS)
@settings(max_examples=25, deadline=None)
@given(shape=shapes, seed=seeds)
def test_float_matches_tflm(op, shape, seed):
    check_float_unary(op, shape, seed, low=LOW, high=HIGH)


@requires_tflm
@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_float_sweep_matches_tflm(op, seed):
    check_float_sweep(op, seed, low=LOW, high=HIGH)


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("dtype", ["int8", "int16", "int32"])
def test_refuses_what_tflm_refuses(op, dtype):
    with pytest.raises(UnsupportedOpError, match="not supported"):
        Interpreter.from_bytes(unary_model(op, (4,), dtype, {"scale": 0.5, "zero_point": 0},
                                           {"scale": 0.5, "zero_point": 0}))
