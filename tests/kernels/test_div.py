"""DIV vs TFLM, tolerance 0: float32 (bit patterns), int32 (C truncating division) and
int8 (TFLM's reciprocal-based fixed-point division), every fused activation,
numpy broadcasting up to rank 5. Divisors are never zero (undefined in TFLM:
SIGFPE for int32).

Hypothesis examples: 35 (int8) + 25 (float32/int32) + 15 (every int8 pair) = 75.
"""

import numpy as np
from broadcast_cases import binary_model, broadcast_shapes, data
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import ACTIVATIONS, scales, seeds, zero_points


def _model(shapes, dtype, qs, act) -> bytes:
    return binary_model("DIV", shapes, dtype, qs, fused_activation_function=act)


@requires_tflm
@settings(max_examples=35, deadline=None)
@given(shapes=broadcast_shapes(), act=st.sampled_from(ACTIVATIONS), seed=seeds, data_=st.data())
def test_div_int8_matches_tflm(shapes, act, seed, data_):
    rng = np.random.default_rng(seed)
    s1, s2 = data_.draw(scales(-10, 0)), data_.draw(scales(-10, 0))
    so = float(np.float32(s1 / s2 * 2.0 ** data_.draw(st.floats(-4, 8))))
    zps = [data_.draw(zero_points("int8")) for _ in range(3)]
    qs = [{"scale": s, "zero_point": z} for s, z in zip((s1, s2, so), zps)]
    a, b = data(shapes[0], "int8", rng), data(shapes[1], "int8", rng)
    b = np.where(b == zps[1], np.int8(zps[1] + 1 if zps[1] < 127 else zps[1] - 1), b).astype(np.int8)
    compare_with_tflm(_model(shapes, "int8", qs, act), [[a, b]])


@requires_tflm
@settings(max_examples=25, deadline=None)
@given(dtype=st.sampled_from(["float32", "int32"]), shapes=broadcast_shapes(), act=st.sampled_from(ACTIVATIONS),
       seed=seeds)
def test_div_float_int32_matches_tflm(dtype, shapes, act, seed):
    rng = np.random.default_rng(seed)
    a, b = data(shapes[0], dtype, rng), data(shapes[1], dtype, rng)
    if dtype == "int32":
        b = np.where(b == 0, 7, b).astype(np.int32)
        a = np.where((a == np.iinfo(np.int32).min), 5, a).astype(np.int32)  # INT32_MIN / -1 traps in C
    else:
        b = np.where(b == 0, np.float32(0.5), b).astype(np.float32)
    model = _model(shapes, dtype, [{}, {}, {}], act)
    compare_with_tflm(model, [[a, b]], nan_payloads=True)


@requires_tflm
@settings(max_examples=15, deadline=None)
@given(act=st.sampled_from(ACTIVATIONS), data_=st.data())
def test_div_int8_every_pair_matches_tflm(act, data_):
    """Every int8 dividend against every non-zero divisor (256 x 255) per model."""
    s1, s2 = data_.draw(scales(-10, 0)), data_.draw(scales(-10, 0))
    so = float(np.float32(s1 / s2 * 2.0 ** data_.draw(st.floats(-4, 8))))
    zps = [data_.draw(zero_points("int8")) for _ in range(3)]
    qs = [{"scale": s, "zero_point": z} for s, z in zip((s1, s2, so), zps)]
    a = np.arange(-128, 128, dtype=np.int8).reshape(256, 1)
    b = np.array([v for v in range(-128, 128) if v != zps[1]], np.int8).reshape(1, 255)
    compare_with_tflm(_model((a.shape, b.shape, (256, 255)), "int8", qs, act), [[a, b]])


def test_div_int16_is_unsupported_like_tflm():
    import pytest

    from microinterp import Interpreter
    from microinterp.errors import UnsupportedOpError

    q = {"scale": 0.01, "zero_point": 0}
    with pytest.raises(UnsupportedOpError, match="INT16 is not supported"):
        Interpreter.from_bytes(_model(((4,), (4,), (4,)), "int16", [q, q, q], "NONE"))


def test_div_int8_zero_scale_is_a_kernel_error():
    """A zero input-2 or output scale makes s1 / (s2 * s_out) infinite: a KernelError in
    prepare with the scales named (it used to surface as 'float division by zero'). TFLM
    has no check and converts the infinite multiplier with undefined behaviour; the C
    twin refuses the same models (tests/firmware/test_fw_twin_fixes.py). A zero input-1
    scale is a zero multiplier, which TFLM computes (every output the zero point)."""
    import pytest

    from microinterp import Interpreter
    from microinterp.errors import KernelError

    for s2, so in ((0.0, 0.1), (0.1, 0.0), (0.0, 0.0)):
        qs = [{"scale": 0.1, "zero_point": 0}, {"scale": s2, "zero_point": 0}, {"scale": so, "zero_point": 0}]
        with pytest.raises(KernelError, match="non-zero input 2 and output scales"):
            Interpreter.from_bytes(_model(((4,), (4,), (4,)), "int8", qs, "NONE"))


@requires_tflm
def test_div_int8_zero_dividend_scale_matches_tflm():
    qs = [{"scale": 0.0, "zero_point": 3}, {"scale": 0.1, "zero_point": -2}, {"scale": 0.1, "zero_point": 5}]
    a = np.arange(-128, 128, dtype=np.int8)
    b = np.where(a == -2, 1, a).astype(np.int8)
    compare_with_tflm(_model(((256,), (256,), (256,)), "int8", qs, "NONE"), [[a, b]])
