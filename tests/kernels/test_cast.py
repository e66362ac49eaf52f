"""CAST vs TFLM, tolerance 0: every (input, output) pair of TFLM's type lists,
integers over their full range (wrapping to narrower types), float32 values
well outside every integer range plus +-inf (TFLM's x86 build saturates and
truncates), bool; plus NaN -> int checked on outputs alone (NaN inputs cannot
go through ``compare_with_tflm``, which also compares the input tensor).

Hypothesis examples: 40 + 10 (NaN) = 50.
"""

import numpy as np
from broadcast_cases import assert_same_bits
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import seeds

from microinterp.builder import ModelBuilder

INPUTS = ["int8", "int16", "int32", "uint32", "float32", "bool"]
OUTPUTS = ["int8", "int16", "int32", "uint32", "float32"]
SHAPES = st.sampled_from([(1,), (7,), (3, 5), (2, 3, 4)])


def cast_model(shape, src, dst) -> bytes:
    b = ModelBuilder()
    x = b.add_input("x", shape, src)
    y = b.add_output("y", shape, dst)
    b.add_operator("CAST", [x], [y])
    return b.build()


def cast_input(shape, src, rng):
    n = int(np.prod(shape))
    if src == "bool":
        return rng.integers(0, 2, size=shape).astype(bool)
    if src == "float32":
        mags = 10.0 ** rng.uniform(-3, 11, size=n) * rng.choice([-1, 1], size=n)
        vals = mags.astype(np.float32)
        special = np.array([np.inf, -np.inf, 0.5, -0.5, -0.0, 127.9, -128.9, 2.0**31, 2.0**32, 4294967040.0],
                           np.float32)
        vals[: min(n, special.size)] = rng.permutation(special)[: min(n, special.size)]
        return vals.reshape(shape)
    info = np.iinfo(src)
    v = rng.integers(info.min, info.max, size=n, endpoint=True, dtype=np.int64)
    v[: min(n, 2)] = [info.min, info.max][: min(n, 2)]
    return v.astype(src).reshape(shape)


@requires_tflm
@settings(max_examples=40, deadline=None)
@given(src=st.sampled_from(INPUTS), dst=st.sampled_from(OUTPUTS), shape=SHAPES, seed=seeds)
def test_cast_matches_tflm(src, dst, shape, seed):
    x = cast_input(shape, src, np.random.default_rng(seed))
    model = cast_model(shape, src, dst)
    compare_with_tflm(model, [[x]])
    assert_same_bits(model, [x])


@requires_tflm
@settings(max_examples=10, deadline=None)
@given(dst=st.sampled_from(OUTPUTS), seed=seeds)
def test_cast_nan_matches_tflm(dst, seed):
    x = cast_input((8,), "float32", np.random.default_rng(seed))
    x[::2] = np.nan
    assert_same_bits(cast_model((8,), "float32", dst), [x])
