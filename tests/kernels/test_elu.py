"""ELU vs TFLM, tolerance 0: float32 (glibc ``expm1f`` below 0, -0.0 kept) and
int8 through TFLM's float32-built 256-entry table, over every int8 input with
drawn scales and zero points (output/input scale ratios 2^-12..2^10), plus the
x86 conversion quirk: a table value beyond int32 becomes INT32_MIN and clamps
to -128.

Hypothesis examples: 20 (float32) + 40 (int8) = 60.
"""

import numpy as np
import pytest
from elementwise_math_cases import check_float_sweep, check_float_unary, shapes, unary_model
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import scales, seeds, zero_points

from microinterp import Interpreter
from microinterp.errors import UnsupportedOpError

EVERY_INT8 = np.arange(-128, 128, dtype=np.int8)


@requires_tflm
@settings(max_examples=20, deadline=None)
@given(shape=shapes, seed=seeds)
def test_elu_float_matches_tflm(shape, seed):
    check_float_unary("ELU", shape, seed, low=-20.0, high=5.0)


@requires_tflm
@pytest.mark.parametrize("seed", [0, 1])
def test_elu_float_sweep_matches_tflm(seed):
    check_float_sweep("ELU", seed, low=-30.0, high=10.0)


@requires_tflm
@settings(max_examples=40, deadline=None)
@given(s_in=scales(-12, 2), ratio=st.floats(-12, 10), zp_in=zero_points(), zp_out=zero_points(), seed=seeds)
def test_elu_int8_every_input_matches_tflm(s_in, ratio, zp_in, zp_out, seed):
    s_out = float(np.float32(s_in * 2.0**ratio))
    x = np.random.default_rng(seed).permutation(EVERY_INT8)
    model = unary_model("ELU", x.shape, "int8", {"scale": s_in, "zero_point": zp_in},
                        {"scale": s_out, "zero_point": zp_out})
    compare_with_tflm(model, [[x]])


@requires_tflm
@pytest.mark.parametrize("s_in,zp_in,s_out,zp_out", [(1.0, 0, 1e-9, 0), (1.0, -128, 1e-7, 100), (4.0, 0, 2e-8, -5)])
def test_elu_int8_out_of_int32_range_matches_tflm(s_in, zp_in, s_out, zp_out):
    model = unary_model("ELU", EVERY_INT8.shape, "int8", {"scale": s_in, "zero_point": zp_in},
                        {"scale": s_out, "zero_point": zp_out})
    mi = compare_with_tflm(model, [[EVERY_INT8]])
    assert mi.get_output(0)[-1] == -128  # the largest input wraps to the bottom, as in TFLM


@pytest.mark.parametrize("dtype,quantized", [("int8", False), ("int16", True), ("int32", False)])
def test_elu_refuses(dtype, quantized):
    q = {"scale": 0.5, "zero_point": 0} if quantized else None
    with pytest.raises(UnsupportedOpError):
        Interpreter.from_bytes(unary_model("ELU", (4,), dtype, q, q))
