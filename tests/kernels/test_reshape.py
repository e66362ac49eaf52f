"""RESHAPE vs TFLM: any shape into any other of the same size, any dtype."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import seeds

from microinterp.builder import ModelBuilder


@st.composite
def reshape_case(draw):
    dims = draw(st.lists(st.integers(1, 5), min_size=1, max_size=4))
    size = int(np.prod(dims))
    perm = draw(st.permutations(dims))
    new = list(perm)
    if draw(st.booleans()):
        new = [size]
    return dims, new, draw(st.sampled_from(["int8", "int16", "float32", "int32"]))


@requires_tflm
@settings(max_examples=30, deadline=None)
@given(reshape_case(), seeds)
def test_reshape_matches_tflm(case, seed):
    dims, new, dtype = case
    rng = np.random.default_rng(seed)
    b = ModelBuilder()
    q = {"scale": 0.5, "zero_point": 0} if dtype in ("int8", "int16") else {}
    x = b.add_input("x", dims, dtype, **q)
    shape = b.add_constant("shape", np.array(new, np.int32))
    y = b.add_output("y", new, dtype, **q)
    b.add_operator("RESHAPE", [x, shape], [y], new_shape=new)
    data = rng.integers(-100, 100, size=dims).astype(dtype)
    compare_with_tflm(b.build(), [[data]])
