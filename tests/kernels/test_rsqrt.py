"""RSQRT vs TFLM, tolerance 0: float32 ``1/sqrt(x)`` (NaN below 0, inf at 0,
-inf at -0.0), and quantized int8 (every input >= zp_in) and int16 (every
input 0..32767) with drawn scales, through TFLM's fixed-point Newton-Raphson
inverse square root and an output multiplier the oracle computes in double.
Inputs below the zero point fail the invoke in TFLM and in microinterp alike.

Hypothesis examples: 15 (float32) + 40 (quantized) = 55.
"""

import numpy as np
import pytest
from elementwise_math_cases import (
    check_float_sweep,
    check_float_unary,
    microinterp_invoke_fails,
    shapes,
    tflm_invoke_fails,
    unary_model,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import scales, seeds, zero_points

from microinterp import Interpreter
from microinterp.errors import KernelError, UnsupportedOpError


@requires_tflm
@settings(max_examples=15, deadline=None)
@given(shape=shapes, seed=seeds)
def test_rsqrt_float_matches_tflm(shape, seed):
    check_float_unary("RSQRT", shape, seed, low=-1.0, high=100.0)


@requires_tflm
def test_rsqrt_float_sweep_matches_tflm():
    check_float_sweep("RSQRT", 0, low=-1.0, high=1e6)


@st.composite
def quantized_case(draw):
    dtype = draw(st.sampled_from(["int8", "int16"]))
    s_in, s_out = draw(scales(-12, 0)), draw(scales(-12, 0))
    return dtype, {"scale": s_in, "zero_point": draw(zero_points(dtype))}, \
        {"scale": s_out, "zero_point": draw(zero_points(dtype))}


@requires_tflm
@settings(max_examples=40, deadline=None)
@given(case=quantized_case(), seed=seeds)
def test_rsqrt_quantized_every_valid_input_matches_tflm(case, seed):
    dtype, in_q, out_q = case
    x = np.arange(in_q["zero_point"], np.iinfo(dtype).max + 1)
    x = np.random.default_rng(seed).permutation(x).astype(dtype)
    compare_with_tflm(unary_model("RSQRT", x.shape, dtype, in_q, out_q), [[x]])


@requires_tflm
@pytest.mark.parametrize("dtype", ["int8", "int16"])
def test_rsqrt_input_below_zero_point_fails_in_both(dtype):
    q = {"scale": 0.05, "zero_point": 0}
    model = unary_model("RSQRT", (3,), dtype, q, q)
    x = np.array([4, -1, 9], dtype)
    assert tflm_invoke_fails(model, [x])
    assert microinterp_invoke_fails(model, [x])


def test_rsqrt_refuses_what_tflm_refuses():
    """int8 without quantization fails TFLM's prepare; int16 without it reads
    uninitialised parameters in TFLM; int32 is not supported."""
    with pytest.raises(KernelError, match="quantized"):
        Interpreter.from_bytes(unary_model("RSQRT", (4,), "int8"))
    with pytest.raises(UnsupportedOpError, match="uninitialised"):
        Interpreter.from_bytes(unary_model("RSQRT", (4,), "int16"))
    with pytest.raises(UnsupportedOpError, match="not supported"):
        Interpreter.from_bytes(unary_model("RSQRT", (4,), "int32"))
