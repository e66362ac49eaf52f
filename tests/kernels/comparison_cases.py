"""The shared body of the six comparison kernel tests (EQUAL ... LESS_EQUAL):
drawn broadcast shapes, types, and for int8 drawn scales below 1 and zero points.
"""

from __future__ import annotations

import numpy as np
import pytest
from broadcast_cases import broadcast_shapes
from elementwise_math_cases import binary_model, comparable_values
from hypothesis import strategies as st
from oracle import compare_with_tflm
from strategies import scales, zero_points

from microinterp import Interpreter
from microinterp.errors import UnsupportedOpError


@st.composite
def int8_quant(draw):
    """Scales below 1 (TFLM's CHECK aborts otherwise); half the time both inputs share
    one scale and zero point, as a converter emits for a comparison against a constant."""
    s1, z1 = draw(scales(-12, -1)), draw(zero_points())
    if draw(st.booleans()):
        return [{"scale": s1, "zero_point": z1}] * 2 + [{}]
    return [{"scale": s1, "zero_point": z1}, {"scale": draw(scales(-12, -1)), "zero_point": draw(zero_points())}, {}]


@st.composite
def comparison_case(draw, types):
    dtype = draw(st.sampled_from(types))
    shapes = draw(broadcast_shapes())
    qs = draw(int8_quant()) if dtype == "int8" else None
    return dtype, shapes, qs, draw(st.booleans())


def check_comparison(op: str, case, seed: int) -> None:
    dtype, (s1, s2, so), qs, const = case
    rng = np.random.default_rng(seed)
    a, b = comparable_values(rng, s1, dtype), comparable_values(rng, s2, dtype)
    model = binary_model(op, s1, s2, so, dtype, "bool", qs, b if const else None)
    compare_with_tflm(model, [[a] if const else [a, b]])


def check_int8_every_pair(op: str, q1: dict, q2: dict) -> None:
    a = np.arange(-128, 128, dtype=np.int8).reshape(256, 1)
    b = np.arange(-128, 128, dtype=np.int8).reshape(1, 256)
    compare_with_tflm(binary_model(op, a.shape, b.shape, (256, 256), "int8", "bool", [q1, q2, {}]), [[a, b]])


def check_refusals(op: str, refused_types: list[str]) -> None:
    for dtype in refused_types:
        with pytest.raises(UnsupportedOpError, match="not supported"):
            Interpreter.from_bytes(binary_model(op, (4,), (4,), (4,), dtype, "bool"))
    q = {"scale": 1.0, "zero_point": 0}  # QuantizeMultiplierSmallerThanOneExp(1.0) aborts TFLM
    with pytest.raises(UnsupportedOpError, match="outside"):
        Interpreter.from_bytes(binary_model(op, (4,), (4,), (4,), "int8", "bool", [q, q, {}]))
    with pytest.raises(UnsupportedOpError, match="quantization"):
        Interpreter.from_bytes(binary_model(op, (4,), (4,), (4,), "int8", "bool"))
