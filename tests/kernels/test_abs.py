"""ABS vs TFLM, tolerance 0: float32 (sign bit cleared), int16 without
quantization (-32768 stays -32768), and quantized int8 / int16 over *every*
input value with drawn scales and zero points -- equal scales (no rescale) and
output/input scale ratios within 2^-8..2^8 -- where TFLM computes |x - zp_in|,
rescales in double (the oracle; the mirrored source divides in float32) and
adds zp_out.

Hypothesis examples: 20 (float32) + 40 (quantized) = 60.
"""

import numpy as np
import pytest
from elementwise_math_cases import check_float_sweep, check_float_unary, shapes, unary_model
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import scales, seeds, zero_points

from microinterp import Interpreter
from microinterp.errors import KernelError, UnsupportedOpError


@requires_tflm
@settings(max_examples=20, deadline=None)
@given(shape=shapes, seed=seeds)
def test_abs_float_matches_tflm(shape, seed):
    check_float_unary("ABS", shape, seed)


@requires_tflm
def test_abs_float_sweep_matches_tflm():
    check_float_sweep("ABS", 0)


@requires_tflm
def test_abs_int16_unquantized_matches_tflm():
    x = np.arange(-32768, 32768, dtype=np.int16)
    compare_with_tflm(unary_model("ABS", x.shape, "int16"), [[x]])


@st.composite
def quantized_case(draw):
    dtype = draw(st.sampled_from(["int8", "int16"]))
    s_in = draw(scales(-12, 0))
    same = draw(st.integers(0, 3)) == 0
    s_out = s_in if same else float(np.float32(s_in * 2.0 ** draw(st.floats(-8, 8))))
    return dtype, {"scale": s_in, "zero_point": draw(zero_points(dtype))}, \
        {"scale": s_out, "zero_point": draw(zero_points(dtype))}


@requires_tflm
@settings(max_examples=40, deadline=None)
@given(case=quantized_case(), seed=seeds)
def test_abs_quantized_every_input_matches_tflm(case, seed):
    dtype, in_q, out_q = case
    info = np.iinfo(dtype)
    x = np.random.default_rng(seed).permutation(np.arange(info.min, info.max + 1)).astype(dtype)
    compare_with_tflm(unary_model("ABS", x.shape, dtype, in_q, out_q), [[x]])


def test_abs_refuses_what_tflm_refuses():
    """int8 without quantization fails TFLM's prepare; int32 its eval; int16 needs zero point 0."""
    with pytest.raises(KernelError, match="quantized"):
        Interpreter.from_bytes(unary_model("ABS", (4,), "int8"))
    with pytest.raises(UnsupportedOpError, match="not supported"):
        Interpreter.from_bytes(unary_model("ABS", (4,), "int32"))
    q = {"scale": 0.5, "zero_point": 3}
    with pytest.raises(KernelError, match="zero point 0"):
        Interpreter.from_bytes(unary_model("ABS", (4,), "int16", q, q))


@pytest.mark.parametrize("dtype", ["int8", "int16"])
def test_abs_zero_output_scale_is_a_kernel_error(dtype):
    """An output scale of 0 under a non-zero input scale makes s_in / s_out infinite: a
    KernelError in prepare naming it (it used to surface as 'float division by zero'). TFLM
    has no check and converts the infinite multiplier with undefined behaviour; the C twin
    refuses the same models (tests/firmware/test_fw_twin_fixes.py)."""
    with pytest.raises(KernelError, match="non-zero output scale"):
        Interpreter.from_bytes(unary_model("ABS", (4,), dtype, {"scale": 0.1, "zero_point": 0},
                                           {"scale": 0.0, "zero_point": 0}))


@requires_tflm
@pytest.mark.parametrize(("s_in", "s_out"), [(0.0, 0.1), (0.0, 0.0)])
def test_abs_zero_input_scale_matches_tflm(s_in, s_out):
    """A zero input scale is a zero multiplier (or, with both 0, no rescale): TFLM computes it."""
    x = np.arange(-128, 128, dtype=np.int8)
    compare_with_tflm(unary_model("ABS", x.shape, "int8", {"scale": s_in, "zero_point": 3},
                                  {"scale": s_out, "zero_point": -5}), [[x]])
