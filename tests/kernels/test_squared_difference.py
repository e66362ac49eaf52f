"""SQUARED_DIFFERENCE vs TFLM, tolerance 0: float32 and int32 (wrapping) with
broadcast shapes up to rank 5 and constant or variable second input; int8
(left shift 7) and int16 (left shift 0, zero points 0) with drawn input scales
within 2^6 of each other and an output scale near what a converter picks
(about max_scale^2 times the type's range), also over every int8 pair and
256 x 256 int16 values.

Hypothesis examples: 20 (float32/int32) + 35 (quantized) + 10 (65536 pairs each) = 65.
"""

import numpy as np
import pytest
from broadcast_cases import broadcast_shapes
from elementwise_math_cases import binary_model, check_nan_pairs, values
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm, tflm_runtime
from strategies import scales, seeds, zero_points


@requires_tflm
@settings(max_examples=20, deadline=None)
@given(dtype=st.sampled_from(["float32", "int32"]), shapes=broadcast_shapes(), const=st.booleans(), seed=seeds)
def test_squared_difference_float_int32_matches_tflm(dtype, shapes, const, seed):
    rng = np.random.default_rng(seed)
    s1, s2, so = shapes
    a, b = values(rng, s1, dtype), values(rng, s2, dtype)
    model = binary_model("SQUARED_DIFFERENCE", s1, s2, so, dtype, const2=b if const else None)
    compare_with_tflm(model, [[a] if const else [a, b]], nan_payloads=True)


@requires_tflm
@pytest.mark.parametrize("broadcast", [False, True])
def test_squared_difference_nan_payloads_match_tflm(broadcast):
    check_nan_pairs("SQUARED_DIFFERENCE", broadcast)


@st.composite
def quant_params(draw, dtype):
    s1 = draw(scales(-12, 0))
    s2 = float(np.float32(s1 * 2.0 ** draw(st.floats(-6, 6))))
    bits = 8 if dtype == "int8" else 15
    so = float(np.float32(max(s1, s2) ** 2 * 2.0 ** draw(st.floats(bits - 6, bits + 4))))
    return [{"scale": s, "zero_point": draw(zero_points(dtype))} for s in (s1, s2, so)]


@requires_tflm
@settings(max_examples=35, deadline=None)
@given(dtype=st.sampled_from(["int8", "int16"]), shapes=broadcast_shapes(), const=st.booleans(), seed=seeds,
       data_=st.data())
def test_squared_difference_quantized_matches_tflm(dtype, shapes, const, seed, data_):
    rng = np.random.default_rng(seed)
    s1, s2, so = shapes
    a, b = values(rng, s1, dtype), values(rng, s2, dtype)
    model = binary_model("SQUARED_DIFFERENCE", s1, s2, so, dtype, qs=data_.draw(quant_params(dtype)),
                         const2=b if const else None)
    compare_with_tflm(model, [[a] if const else [a, b]], nan_payloads=True)


@requires_tflm
@settings(max_examples=10, deadline=None)
@given(dtype=st.sampled_from(["int8", "int16"]), seed=seeds, data_=st.data())
def test_squared_difference_many_pairs_match_tflm(dtype, seed, data_):
    rng = np.random.default_rng(seed)
    if dtype == "int8":
        a = np.arange(-128, 128, dtype=np.int8).reshape(256, 1)
        b = np.arange(-128, 128, dtype=np.int8).reshape(1, 256)
    else:
        a, b = values(rng, (256, 1), dtype), values(rng, (1, 256), dtype)
    model = binary_model("SQUARED_DIFFERENCE", a.shape, b.shape, (256, 256), dtype, qs=data_.draw(quant_params(dtype)))
    compare_with_tflm(model, [[a, b]])


@pytest.mark.parametrize("which", [0, 1, 2])
def test_squared_difference_int8_zero_points_outside_int8_are_refused_like_tflm(which):
    """TFLM's prepare requires every int8 zero point in [-128, 127]; so does microinterp
    (a KernelError), and the C twin (tests/firmware/test_fw_twin_fixes.py)."""
    from microinterp import Interpreter
    from microinterp.errors import KernelError

    qs = [{"scale": 0.1, "zero_point": 0} for _ in range(3)]
    qs[which]["zero_point"] = 128 if which != 1 else -129
    model = binary_model("SQUARED_DIFFERENCE", (4,), (4,), (4,), "int8", qs=qs)
    with pytest.raises(KernelError, match="zero points in"):
        Interpreter.from_bytes(model)
    if tflm_runtime is not None:
        with pytest.raises(RuntimeError):
            tflm_runtime.Interpreter.from_bytes(model)
