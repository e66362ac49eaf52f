"""TRANSPOSE vs TFLM, tolerance 0: every permutation of ranks 1..5 (dims 1..5),
float32, int8 and int16 (quantization carried, values untouched).

Hypothesis examples: 40.
"""

import numpy as np
from broadcast_cases import data
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import scales, seeds, zero_points

from microinterp.builder import ModelBuilder


@st.composite
def transpose_case(draw):
    rank = draw(st.integers(1, 5))
    shape = tuple(draw(st.lists(st.integers(1, 5), min_size=rank, max_size=rank)))
    return shape, tuple(draw(st.permutations(range(rank))))


@requires_tflm
@settings(max_examples=40, deadline=None)
@given(case=transpose_case(), dtype=st.sampled_from(["float32", "int8", "int16"]), seed=seeds, data_=st.data())
def test_transpose_matches_tflm(case, dtype, seed, data_):
    shape, perm = case
    q = {}
    if dtype != "float32":
        q = {"scale": data_.draw(scales()), "zero_point": data_.draw(zero_points(dtype))}
    b = ModelBuilder()
    x = b.add_input("x", shape, dtype, **q)
    p = b.add_constant("perm", np.array(perm, np.int32))
    y = b.add_output("y", tuple(shape[i] for i in perm), dtype, **q)
    b.add_operator("TRANSPOSE", [x, p], [y])
    compare_with_tflm(b.build(), [[data(shape, dtype, np.random.default_rng(seed))]])


def test_transpose_int32_is_unsupported_like_tflm():
    import pytest

    from microinterp import Interpreter
    from microinterp.errors import UnsupportedOpError

    b = ModelBuilder()
    x = b.add_input("x", (2, 3), "int32")
    p = b.add_constant("perm", np.array([1, 0], np.int32))
    y = b.add_output("y", (3, 2), "int32")
    b.add_operator("TRANSPOSE", [x, p], [y])
    with pytest.raises(UnsupportedOpError, match="INT32 is not supported"):
        Interpreter.from_bytes(b.build())
