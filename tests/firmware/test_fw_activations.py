"""C twins of the activation kernels against their Python twins: RELU, RELU6,
HARD_SWISH, LEAKY_RELU, PRELU, LOGISTIC, TANH, LOG_SOFTMAX and L2_NORMALIZATION (firmware/src/kernels/mi_<stem>.c vs kernels/<stem>.py; the
last two share mi_sigmoid_tanh.c / sigmoid_tanh.py).

Parameters (alphas, scales, zero points) come from the strategies of the
Python kernel tests (tests/kernels/test_<op>.py, themselves checked against
TFLM); each hypothesis example is a batch of cases in one model, run in the
C port under ASan/UBSan and in the Python interpreter with full-range random
inputs: every output byte and the arena prediction must match (fw_batch).
float32 inputs are random in [-4, 4); to reach LOGISTIC's cut-offs (-9,
16.619047f) and expf's tails a float case may instead DEQUANTIZE an int8
input of scale 1/4 or 1 first.
Examples per test: fw_batch.EXAMPLES batches of up to fw_batch.MAX_CASES cases.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from fw_batch import SETTINGS, Case, assert_both_refuse, batches, run_cases
from fw_helpers import requires_host_cc
from hypothesis import given
from hypothesis import strategies as st

from microinterp.builder import ModelBuilder

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "kernels"))
from strategies import scales, zero_points  # noqa: E402
from test_hard_swish import SHAPES as HARD_SWISH_SHAPES  # noqa: E402
from test_l2_normalization import shapes as l2norm_shapes  # noqa: E402
from test_leaky_relu import ALPHAS, SHAPES  # noqa: E402
from test_log_softmax import OUT_Q as LOG_SOFTMAX_OUT_Q  # noqa: E402
from test_log_softmax import shapes as log_softmax_shapes  # noqa: E402
from test_logistic import SHAPES as SIGMOID_SHAPES  # noqa: E402
from test_prelu import prelu_shapes  # noqa: E402
from test_relu import SHAPES as RELU_SHAPES  # noqa: E402
from test_relu import quantized_case as relu_quantized_case  # noqa: E402

pytestmark = requires_host_cc


def unary(op: str, shape: tuple[int, ...], dtype: str, in_q: dict, out_q: dict, **options: object) -> Case:
    def add(b: ModelBuilder, p: str) -> None:
        x = b.add_input(p + "x", shape, dtype, **in_q)
        y = b.add_output(p + "y", shape, dtype, **out_q)
        b.add_operator(op, [x], [y], **options)
    return add


@st.composite
def leaky_relu_cases(draw: st.DrawFn) -> Case:
    dtype = draw(st.sampled_from(["float32", "int8", "int16"]))
    in_q: dict = {}
    out_q: dict = {}
    if dtype != "float32":
        s_in = draw(scales(-12, 0))
        s_out = float(np.float32(s_in * 2.0 ** draw(st.floats(-6, 6))))
        in_q = {"scale": s_in, "zero_point": draw(zero_points(dtype))}
        out_q = {"scale": s_out, "zero_point": draw(zero_points(dtype))}
    return unary("LEAKY_RELU", draw(SHAPES), dtype, in_q, out_q, alpha=draw(ALPHAS))


@st.composite
def sigmoid_tanh_cases(draw: st.DrawFn) -> Case:
    """LOGISTIC or TANH as tests/kernels/test_logistic.py / test_tanh.py draw them."""
    op = draw(st.sampled_from(["LOGISTIC", "TANH"]))
    dtype = draw(st.sampled_from(["float32", "float32_wide", "int8", "int16"]))
    shape = draw(SIGMOID_SHAPES)
    if dtype == "int8":
        out_q = {"scale": 1.0 / 256, "zero_point": -128} if op == "LOGISTIC" else {"scale": 1.0 / 128, "zero_point": 0}
        return unary(op, shape, "int8", {"scale": draw(scales(-12, 0)), "zero_point": draw(zero_points("int8"))},
                     out_q)
    if dtype == "int16":
        in_scale = 2.0 ** draw(st.sampled_from([-12, -13])) if draw(st.booleans()) else draw(scales(-16, -6))
        return unary(op, shape, "int16", {"scale": in_scale, "zero_point": 0}, {"scale": 2.0**-15, "zero_point": 0})
    if dtype == "float32":
        return unary(op, shape, "float32", {}, {})
    wide = draw(st.sampled_from([0.25, 1.0]))

    def add(b: ModelBuilder, p: str) -> None:
        q = b.add_input(p + "q", shape, "int8", scale=wide, zero_point=0)
        x = b.add_tensor(p + "x", shape, "float32")
        b.add_operator("DEQUANTIZE", [q], [x])
        b.add_operator(op, [x], [b.add_output(p + "y", shape, "float32")])
    return add


@SETTINGS
@given(batches(sigmoid_tanh_cases()))
def test_logistic_and_tanh(cases: list[Case]) -> None:
    run_cases(cases)


@st.composite
def log_softmax_cases(draw: st.DrawFn) -> Case:
    """As test_log_softmax.py: rows of 1..40 values, int8 input scales over many binades."""
    shape = draw(log_softmax_shapes)
    if draw(st.booleans()):
        return unary("LOG_SOFTMAX", shape, "float32", {}, {})
    return unary("LOG_SOFTMAX", shape, "int8", {"scale": draw(scales(-16, 3)), "zero_point": draw(zero_points())},
                 LOG_SOFTMAX_OUT_Q)


@SETTINGS
@given(batches(log_softmax_cases()))
def test_log_softmax(cases: list[Case]) -> None:
    run_cases(cases)


@st.composite
def prelu_cases(draw: st.DrawFn) -> Case:
    """As test_prelu.py: alpha constant or a graph input, broadcast either way."""
    dtype = draw(st.sampled_from(["float32", "int8", "int16"]))
    xs, als, os = draw(prelu_shapes(4 if dtype == "float32" else 5))
    const = draw(st.booleans())
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    if dtype == "float32":
        quants: list[dict] = [{}, {}, {}]
        alpha = rng.uniform(-1, 1, size=als).astype(np.float32)
    else:
        s_in = draw(scales(-12, 0))
        quants = [{"scale": s_in, "zero_point": draw(zero_points(dtype))},
                  {"scale": draw(scales(-10, -2)), "zero_point": draw(zero_points())},
                  {"scale": float(np.float32(s_in * 2.0 ** draw(st.floats(-6, 6)))),
                   "zero_point": draw(zero_points(dtype))}]
        alpha = rng.integers(-128, 127, size=als, endpoint=True).astype(np.int8)

    def add(b: ModelBuilder, p: str) -> None:
        x = b.add_input(p + "x", xs, dtype, **quants[0])
        a = (b.add_constant(p + "alpha", alpha, **quants[1]) if const
             else b.add_input(p + "alpha", als, alpha.dtype, **quants[1]))
        b.add_operator("PRELU", [x, a], [b.add_output(p + "y", os, dtype, **quants[2])])
    return add


@st.composite
def relu_cases(draw: st.DrawFn) -> Case:
    """RELU, RELU6 (test_relu.py) and HARD_SWISH (test_hard_swish.py) as their tests draw them."""
    op = draw(st.sampled_from(["RELU", "RELU6", "HARD_SWISH"]))
    if op == "HARD_SWISH":
        shape = draw(HARD_SWISH_SHAPES)
        if draw(st.booleans()):
            return unary(op, shape, "float32", {}, {})
        in_scale, ratio = draw(scales(-12, 2)), draw(st.floats(-22, 1))
        out_scale = float(np.float32(in_scale / 128 * 2.0 ** -ratio))
        if in_scale / 128 / out_scale >= 1.0:
            out_scale = float(np.float32(in_scale / 128 * 1.5))
        return unary(op, shape, "int8", {"scale": in_scale, "zero_point": draw(zero_points("int8"))},
                     {"scale": out_scale, "zero_point": draw(zero_points("int8"))})
    shape = draw(RELU_SHAPES)
    if draw(st.booleans()):
        return unary(op, shape, "float32", {}, {})
    dtype, in_scale, in_zp, out_scale, out_zp = draw(relu_quantized_case())
    if dtype == "int16":
        in_zp = out_zp = 0
    if op == "RELU6":
        out_scale, out_zp = in_scale, in_zp
    return unary(op, shape, dtype, {"scale": in_scale, "zero_point": in_zp}, {"scale": out_scale, "zero_point": out_zp})


@st.composite
def l2_normalization_cases(draw: st.DrawFn) -> Case:
    """As test_l2_normalization.py: rows of 1..40 values, int8 output in 1/128 units."""
    shape = draw(l2norm_shapes)
    if draw(st.booleans()):
        return unary("L2_NORMALIZATION", shape, "float32", {}, {})
    return unary("L2_NORMALIZATION", shape, "int8", {"scale": draw(scales()), "zero_point": draw(zero_points())},
                 {"scale": 1 / 128, "zero_point": 0})


@SETTINGS
@given(batches(relu_cases()))
def test_relu_relu6_hard_swish(cases: list[Case]) -> None:
    run_cases(cases)


@SETTINGS
@given(batches(l2_normalization_cases()))
def test_l2_normalization(cases: list[Case]) -> None:
    run_cases(cases)


@SETTINGS
@given(batches(prelu_cases()))
def test_prelu(cases: list[Case]) -> None:
    run_cases(cases)


@SETTINGS
@given(batches(leaky_relu_cases()))
def test_leaky_relu(cases: list[Case]) -> None:
    run_cases(cases)


def _binary_bytes(op: str, x_shape: tuple[int, ...], a_shape: tuple[int, ...], dtype: str, a_dtype: str) -> bytes:
    q = {"scale": 0.1, "zero_point": 0} if dtype != "float32" else {}
    b = ModelBuilder()
    x = b.add_input("x", x_shape, dtype, **q)
    a = b.add_input("a", a_shape, a_dtype, **q)
    b.add_operator(op, [x, a], [b.add_output("y", x_shape, dtype, **q)])
    return b.build()


def _unary_bytes(op: str, dtype: str, in_q: dict, out_q: dict) -> bytes:
    b = ModelBuilder()
    unary(op, (2, 3), dtype, in_q, out_q)(b, "")
    return b.build()


def _one(op: str, dtype: str, q: dict | None = None, **options: object) -> bytes:
    b = ModelBuilder()
    unary(op, (2, 3), dtype, q or {}, q or {}, **options)(b, "")
    return b.build()


REFUSED = {
    "relu int16 zero point": lambda: _one("RELU", "int16", q={"scale": 0.1, "zero_point": 3}),
    "relu uint8": lambda: _one("RELU", "uint8", q={"scale": 0.1, "zero_point": 3}),
    "relu6 int32": lambda: _one("RELU6", "int32"),
    "hard_swish int16": lambda: _one("HARD_SWISH", "int16", q={"scale": 0.1, "zero_point": 0}),
    "hard_swish output exponent": lambda: _unary_bytes("HARD_SWISH", "int8", {"scale": 1.0, "zero_point": 0},
                                                       {"scale": 1e-6, "zero_point": 0}),
    "l2_normalization relu": lambda: _one("L2_NORMALIZATION", "float32", fused_activation_function="RELU"),
    "l2_normalization int16": lambda: _one("L2_NORMALIZATION", "int16", q={"scale": 0.1, "zero_point": 0}),
    "prelu int16 alpha": lambda: _binary_bytes("PRELU", (4,), (4,), "int16", "int16"),
    "prelu float rank 5": lambda: _binary_bytes("PRELU", (1, 2, 2, 2, 2), (1, 2, 2, 2, 2), "float32", "float32"),
    "prelu no broadcast": lambda: _binary_bytes("PRELU", (4,), (3,), "float32", "float32"),
    "log_softmax int8 output scale": lambda: _one("LOG_SOFTMAX", "int8", q={"scale": 1 / 256, "zero_point": 127}),
    "log_softmax int16": lambda: _one("LOG_SOFTMAX", "int16"),
    "log_softmax tiny input scale": lambda: _unary_bytes("LOG_SOFTMAX", "int8", {"scale": 1e-12, "zero_point": 0},
                                                         LOG_SOFTMAX_OUT_Q),
    "logistic int8 output zero point": lambda: _one("LOGISTIC", "int8", q={"scale": 1 / 256, "zero_point": 0}),
    "logistic int16 output scale": lambda: _one("LOGISTIC", "int16", q={"scale": 2.0**-14, "zero_point": 0}),
    "tanh int16 asymmetric": lambda: _one("TANH", "int16", q={"scale": 2.0**-15, "zero_point": 3}),
    "tanh int16 huge input scale": lambda: _unary_bytes("TANH", "int16", {"scale": 1e6, "zero_point": 0},
                                                       {"scale": 2.0**-15, "zero_point": 0}),
    "tanh int32": lambda: _one("TANH", "int32"),
    "leaky_relu int32": lambda: _one("LEAKY_RELU", "int32", alpha=0.5),
    "leaky_relu huge multiplier": lambda: _one("LEAKY_RELU", "int8", q={"scale": 1.0, "zero_point": 0},
                                               alpha=1e10),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refusals(name: str) -> None:
    assert_both_refuse(REFUSED[name]())
