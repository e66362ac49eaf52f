"""SELECT_V2 vs TFLM: bool condition, float32 / int8 / int16 values (copied,
never requantized, even across different scales); three-way broadcast shapes
up to rank 5 (each input a suffix of the output with some extents 1), one
shape for all, and the "mixed scalar" case of one-element tensors of
different ranks. int32 and bool values are refused as in TFLM.

Hypothesis examples: 40.
"""

import numpy as np
import pytest
from elementwise_math_cases import values
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import seeds

from microinterp import Interpreter
from microinterp.builder import ModelBuilder
from microinterp.errors import UnsupportedOpError


@st.composite
def select_shapes(draw):
    kind = draw(st.sampled_from(["broadcast", "same", "scalars"]))
    if kind == "scalars":
        shapes = [tuple([1] * draw(st.integers(0, 3))) for _ in range(4)]
        return shapes[0], shapes[1], shapes[2], shapes[3]
    rank = draw(st.integers(0, 5))
    out = tuple(draw(st.lists(st.integers(1, 4), min_size=rank, max_size=rank)))
    if kind == "same":
        return out, out, out, out

    def operand():
        r = draw(st.integers(0, rank))
        return tuple(1 if draw(st.booleans()) else d for d in out[rank - r:])

    c, x, y = operand(), operand(), operand()
    return c, x, y, tuple(np.broadcast_shapes(c, x, y))  # TFLM: the output has the largest input rank


def _model(shapes, dtype, quants) -> bytes:
    c, x, y, o = shapes
    b = ModelBuilder()
    ic = b.add_input("cond", c, "bool")
    ix = b.add_input("x", x, dtype, **quants[0])
    iy = b.add_input("y", y, dtype, **quants[1])
    out = b.add_output("out", o, dtype, **quants[2])
    b.add_operator("SELECT_V2", [ic, ix, iy], [out])
    return b.build()


@requires_tflm
@settings(max_examples=40, deadline=None)
@given(shapes=select_shapes(), dtype=st.sampled_from(["float32", "int8", "int16"]), seed=seeds)
def test_select_v2_matches_tflm(shapes, dtype, seed):
    rng = np.random.default_rng(seed)
    c, x, y, o = shapes
    quants = [{"scale": 0.5, "zero_point": 1}, {"scale": 0.25, "zero_point": -3}, {"scale": 0.5, "zero_point": 1}] \
        if dtype != "float32" else [{}, {}, {}]
    inputs = [rng.integers(0, 2, size=c).astype(bool), values(rng, x, dtype), values(rng, y, dtype)]
    compare_with_tflm(_model((c, x, y, o), dtype, quants), [inputs], nan_payloads=True)


@pytest.mark.parametrize("dtype", ["int32", "bool"])
def test_select_v2_refuses_what_tflm_refuses(dtype):
    with pytest.raises(UnsupportedOpError, match="not supported"):
        Interpreter.from_bytes(_model(((4,), (4,), (4,), (4,)), dtype, [{}, {}, {}]))
