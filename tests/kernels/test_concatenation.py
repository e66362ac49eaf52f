"""CONCATENATION vs TFLM, tolerance 0: 1..10 inputs of ranks 1..6 along any axis
(negative axes included), float32, int8 (shared quantization, as TFLM
requires), int16 (zero point 0, *different* scales: copied raw), int32, int64
and bool; a constant input now and then (as in the audio preprocessor).

Hypothesis examples: 40.
"""

import numpy as np
from broadcast_cases import data
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import scales, seeds, zero_points

from microinterp.builder import ModelBuilder

DTYPES = ["float32", "int8", "int16", "int32", "int64", "bool"]


def values(shape, dtype, rng):
    if dtype == "bool":
        return rng.integers(0, 2, size=shape).astype(bool)
    if dtype == "int64":
        return rng.integers(-(2**62), 2**62, size=shape).astype(np.int64)
    return data(shape, dtype, rng)


@st.composite
def concat_case(draw):
    rank = draw(st.integers(1, 6))
    base = list(draw(st.lists(st.integers(1, 4), min_size=rank, max_size=rank)))
    axis = draw(st.integers(-rank, rank - 1))
    n = draw(st.integers(1, 10))
    shapes = []
    for _ in range(n):
        s = list(base)
        s[axis] = draw(st.integers(1, 3))
        shapes.append(tuple(s))
    return shapes, axis


@requires_tflm
@settings(max_examples=40, deadline=None)
@given(case=concat_case(), dtype=st.sampled_from(DTYPES), consts=st.lists(st.booleans(), min_size=10, max_size=10),
       seed=seeds, data_=st.data())
def test_concatenation_matches_tflm(case, dtype, consts, seed, data_):
    shapes, axis = case
    rng = np.random.default_rng(seed)
    out_q = {}
    if dtype == "int8":
        out_q = {"scale": data_.draw(scales()), "zero_point": data_.draw(zero_points("int8"))}
    elif dtype == "int16":
        out_q = {"scale": data_.draw(scales()), "zero_point": 0}
    b = ModelBuilder()
    ins, feeds = [], []
    for i, s in enumerate(shapes):
        q = dict(out_q, scale=data_.draw(scales())) if dtype == "int16" else out_q
        v = values(s, dtype, rng)
        if consts[i] and i > 0:
            ins.append(b.add_constant(f"c{i}", v, dtype, **q))
        else:
            ins.append(b.add_input(f"x{i}", s, dtype, **q))
            feeds.append(v)
    out_shape = list(shapes[0])
    out_shape[axis] = sum(s[axis] for s in shapes)
    y = b.add_output("y", tuple(out_shape), dtype, **out_q)
    b.add_operator("CONCATENATION", ins, [y], axis=axis)
    compare_with_tflm(b.build(), [feeds])


def test_concatenation_rejects_rescaling_and_activations_like_tflm():
    import pytest

    from microinterp import Interpreter
    from microinterp.errors import UnsupportedOpError

    def build(scale2, act):
        b = ModelBuilder()
        x1 = b.add_input("x1", (2, 3), "int8", scale=0.5, zero_point=1)
        x2 = b.add_input("x2", (2, 3), "int8", scale=scale2, zero_point=1)
        y = b.add_output("y", (4, 3), "int8", scale=0.5, zero_point=1)
        b.add_operator("CONCATENATION", [x1, x2], [y], axis=0, fused_activation_function=act)
        return b.build()

    with pytest.raises(UnsupportedOpError, match="scale and zero point"):
        Interpreter.from_bytes(build(0.25, "NONE"))
    with pytest.raises(UnsupportedOpError, match="fused activation"):
        Interpreter.from_bytes(build(0.5, "RELU"))
