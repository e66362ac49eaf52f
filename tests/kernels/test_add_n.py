"""ADD_N vs TFLM, tolerance 0: float32 (sequential float32 sum from 0.0f, bits
compared) and int8 (one shared input scale and zero point, TFLM's accumulator
that starts from the rescaled zero-point offset), 2 to 6 inputs of one drawn
shape, some of them constants; drawn scales and zero points.

Hypothesis examples: 20 (float32) + 40 (int8) = 60.
"""

import numpy as np
import pytest
from elementwise_math_cases import NAN_PAIRS, shapes, values
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import scales, seeds, zero_points

from microinterp import Interpreter
from microinterp.builder import ModelBuilder
from microinterp.errors import KernelError, UnsupportedOpError


def _model(shape, dtype, n, in_q, out_q, consts=()) -> bytes:
    b = ModelBuilder()
    ins = []
    for i in range(n):
        if i < len(consts):
            ins.append(b.add_constant(f"c{i}", consts[i], dtype, **in_q))
        else:
            ins.append(b.add_input(f"x{i}", shape, dtype, **in_q))
    y = b.add_output("y", shape, dtype, **out_q)
    b.add_operator("ADD_N", ins, [y])
    return b.build()


@requires_tflm
@settings(max_examples=20, deadline=None)
@given(shape=shapes, n=st.integers(2, 6), seed=seeds)
def test_add_n_float_matches_tflm(shape, n, seed):
    rng = np.random.default_rng(seed)
    xs = [values(rng, shape, "float32") for _ in range(n)]
    compare_with_tflm(_model(shape, "float32", n, {}, {}), [xs], nan_payloads=True)


@requires_tflm
def test_add_n_float_nan_payloads_match_tflm():
    a = np.array([p[0] for p in NAN_PAIRS], np.uint32).view(np.float32)
    b = np.array([p[1] for p in NAN_PAIRS], np.uint32).view(np.float32)
    compare_with_tflm(_model(a.shape, "float32", 3, {}, {}), [[a, b, a[::-1].copy()]], nan_payloads=True)


@requires_tflm
@settings(max_examples=40, deadline=None)
@given(shape=shapes, n=st.integers(2, 6), n_const=st.integers(0, 1), s_in=scales(-12, 0), ratio=st.floats(-3, 6),
       zp_in=zero_points(), zp_out=zero_points(), seed=seeds)
def test_add_n_int8_matches_tflm(shape, n, n_const, s_in, ratio, zp_in, zp_out, seed):
    rng = np.random.default_rng(seed)
    in_q = {"scale": s_in, "zero_point": zp_in}
    out_q = {"scale": float(np.float32(s_in * 2.0**ratio)), "zero_point": zp_out}
    xs = [values(rng, shape, "int8") for _ in range(n)]
    compare_with_tflm(_model(shape, "int8", n, in_q, out_q, xs[:n_const]), [xs[n_const:]])


def test_add_n_refuses_what_tflm_refuses():
    q = {"scale": 0.5, "zero_point": 1}
    with pytest.raises(UnsupportedOpError, match="not supported"):
        Interpreter.from_bytes(_model((4,), "int16", 2, q, q))
    b = ModelBuilder()  # int8 inputs with different scales
    x0 = b.add_input("x0", (4,), "int8", scale=0.5, zero_point=1)
    x1 = b.add_input("x1", (4,), "int8", scale=0.25, zero_point=1)
    y = b.add_output("y", (4,), "int8", scale=0.5, zero_point=1)
    b.add_operator("ADD_N", [x0, x1], [y])
    with pytest.raises(KernelError, match="share one scale"):
        Interpreter.from_bytes(b.build())
