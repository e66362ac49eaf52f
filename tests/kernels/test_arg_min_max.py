"""ARG_MAX and ARG_MIN vs TFLM, tolerance 0, one parametrized set of tests: ranks 1..5, any
axis (negative included) as a constant or as a graph input read at invoke time, float32 and int8
with many ties (the first maximum / minimum wins; -0.0 ties +0.0) and infinities; plus NaN
placement checked on outputs alone (a NaN first stays index 0, a NaN elsewhere never wins).
int64 output is refused, like TFLM Micro.

Hypothesis examples, per op: 40 + 15 (NaN) = 55; for the two ops 2 x 55 = 110.
"""

import numpy as np
import pytest
from broadcast_cases import assert_same_bits
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import scales, seeds, zero_points

from microinterp import Interpreter
from microinterp.builder import ModelBuilder
from microinterp.errors import UnsupportedOpError

SHAPES = st.lists(st.integers(1, 5), min_size=1, max_size=5)
NAN_SHAPES = st.lists(st.integers(2, 5), min_size=1, max_size=3)


def arg_model(op, shape, axis, dtype, q, const_axis=True, out_dtype="int32") -> bytes:
    pos = axis % len(shape)
    b = ModelBuilder()
    x = b.add_input("x", shape, dtype, **q)
    a = b.add_constant("axis", np.array([axis], np.int32)) if const_axis else b.add_input("axis", (1,), "int32")
    y = b.add_output("y", shape[:pos] + shape[pos + 1:], out_dtype)
    b.add_operator(op, [x, a], [y], output_type=2 if out_dtype == "int32" else 4)  # TensorType.INT32 / INT64
    return b.build()


def tied(shape, dtype, rng):
    """Few distinct values, so ties are everywhere."""
    if dtype == "float32":
        return rng.choice(np.array([-1.5, 0.0, 2.25, -0.0, 7.0, np.inf, -np.inf], np.float32), size=shape)
    return rng.integers(-3, 3, size=shape).astype(np.int8) * np.int8(40)


def check_arg_op(op, shape, dtype, const_axis, seed, data_):
    shape = tuple(shape)
    axis = data_.draw(st.integers(-len(shape), len(shape) - 1))
    q = {"scale": data_.draw(scales()), "zero_point": data_.draw(zero_points())} if dtype == "int8" else {}
    x = tied(shape, dtype, np.random.default_rng(seed))
    model = arg_model(op, shape, axis, dtype, q, const_axis)
    compare_with_tflm(model, [[x] if const_axis else [x, np.array([axis], np.int32)]])


def check_arg_nan(op, shape, seed, data_):
    shape = tuple(shape)
    axis = data_.draw(st.integers(0, len(shape) - 1))
    rng = np.random.default_rng(seed)
    x = tied(shape, "float32", rng)
    x[rng.random(shape) < 0.3] = np.nan
    assert_same_bits(arg_model(op, shape, axis, "float32", {}), [x])


OPS = ["ARG_MAX", "ARG_MIN"]


@requires_tflm
@pytest.mark.parametrize("op", OPS)
@settings(max_examples=40, deadline=None)
@given(shape=SHAPES, dtype=st.sampled_from(["float32", "int8"]), const_axis=st.booleans(), seed=seeds,
       data_=st.data())
def test_arg_matches_tflm(op, shape, dtype, const_axis, seed, data_):
    check_arg_op(op, shape, dtype, const_axis, seed, data_)


@requires_tflm
@pytest.mark.parametrize("op", OPS)
@settings(max_examples=15, deadline=None)
@given(shape=NAN_SHAPES, seed=seeds, data_=st.data())
def test_arg_nan_matches_tflm(op, shape, seed, data_):
    check_arg_nan(op, shape, seed, data_)


@pytest.mark.parametrize("op", OPS)
def test_arg_int64_output_is_unsupported_like_tflm_micro(op):
    with pytest.raises(UnsupportedOpError, match="int32 only"):
        Interpreter.from_bytes(arg_model(op, (3, 4), 1, "float32", {}, out_dtype="int64"))
