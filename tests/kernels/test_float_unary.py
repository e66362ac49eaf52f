"""The float32-only one-input ops vs TFLM, tolerance 0 (float bits compared), one parametrized
set of tests. Per op, what is exercised, and the uniform range its values are drawn from:

* EXP: glibc ``expf`` (overflow above ~88.72, subnormals below ~-87.3); [-110, 100).
* LOG: glibc ``logf`` (NaN below 0, -inf at 0, subnormal inputs); [-1, 1e+06).
* SIN, COS: glibc ``sinf`` / ``cosf``, including huge arguments (range reduction); [-10000, 10000).
* SQRT: correctly rounded square root; negatives give NaN; [-10, 1000).
* SQUARE: one float32 product (overflow to inf, underflow to 0); [-1e+20, 1e+20).
* NEG: ``-x`` (sign bit flipped on zeros and NaN too); [-1e+30, 1e+30).
* FLOOR: ``std::floor`` (-0.0 kept, halves, values beyond 2**23); [-1e+08, 1e+08).
* CEIL: ``std::ceil`` (ceil(-0.5) = -0.0, values beyond 2**23); [-1e+08, 1e+08).

Besides the uniform values: random float32 bit patterns (NaN, inf, subnormals) and a fixed list
of specials; plus three sweeps of 32768 values per op. Other types are refused.

Hypothesis examples: 25 per op; for the nine ops 9 x 25 = 225.
"""

import pytest
from elementwise_math_cases import check_float_sweep, check_float_unary, shapes, unary_model
from hypothesis import given, settings
from oracle import requires_tflm
from strategies import seeds

from microinterp import Interpreter
from microinterp.errors import UnsupportedOpError

# op -> (low, high) of its uniform values
RANGES = {
    "EXP": (-110.0, 100.0),
    "LOG": (-1.0, 1000000.0),
    "SIN": (-10000.0, 10000.0),
    "COS": (-10000.0, 10000.0),
    "SQRT": (-10.0, 1000.0),
    "SQUARE": (-1e+20, 1e+20),
    "NEG": (-1e+30, 1e+30),
    "FLOOR": (-100000000.0, 100000000.0),
    "CEIL": (-100000000.0, 100000000.0),
}
OPS = list(RANGES)


@requires_tflm
@pytest.mark.parametrize("op", OPS)
@settings(max_examples=25, deadline=None)
@given(shape=shapes, seed=seeds)
def test_float_matches_tflm(op, shape, seed):
    low, high = RANGES[op]
    check_float_unary(op, shape, seed, low=low, high=high)


@requires_tflm
@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_float_sweep_matches_tflm(op, seed):
    low, high = RANGES[op]
    check_float_sweep(op, seed, low=low, high=high)


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("dtype", ["int8", "int16", "int32"])
def test_refuses_what_tflm_refuses(op, dtype):
    with pytest.raises(UnsupportedOpError, match="not supported"):
        Interpreter.from_bytes(unary_model(op, (4,), dtype, {"scale": 0.5, "zero_point": 0},
                                           {"scale": 0.5, "zero_point": 0}))
