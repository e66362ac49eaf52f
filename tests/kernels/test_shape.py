"""SHAPE vs TFLM: the int32 dimensions of inputs of drawn rank (1..6), extents
and types; an int64 output is refused (TFLM's eval rejects it).

Hypothesis examples: 20.
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


def _model(in_shape, dtype, out_dtype="int32") -> bytes:
    b = ModelBuilder()
    x = b.add_input("x", in_shape, dtype)
    y = b.add_output("y", (len(in_shape),), out_dtype)
    b.add_operator("SHAPE", [x], [y])
    return b.build()


@requires_tflm
@settings(max_examples=20, deadline=None)
@given(shape=st.lists(st.integers(1, 7), min_size=1, max_size=6).map(tuple),
       dtype=st.sampled_from(["float32", "int8", "int16", "int32", "bool"]), seed=seeds)
def test_shape_matches_tflm(shape, dtype, seed):
    x = values(np.random.default_rng(seed), shape, dtype)
    mi = compare_with_tflm(_model(shape, dtype), [[x]])
    assert mi.get_output(0).tolist() == list(shape)


def test_shape_refuses_int64_output():
    with pytest.raises(UnsupportedOpError, match="not supported"):
        Interpreter.from_bytes(_model((2, 3), "float32", "int64"))
