"""ARG_MIN vs TFLM, tolerance 0: ranks 1..5, any axis (negative included) as a
constant or as a graph input read at invoke time, float32 and int8 with many
ties (first minimum wins, -0.0 ties +0.0); plus NaN placement (a NaN first
stays index 0, a NaN elsewhere never wins) and infinities.

Hypothesis examples: 40 + 15 (NaN) = 55.
"""

import numpy as np
import pytest
from batch_d_models import single_op
from broadcast_cases import assert_same_bits
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import scales, seeds, zero_points

from microinterp import Interpreter
from microinterp.errors import UnsupportedOpError


def argmin_model(shape, axis, dtype, q, const_axis=True, out_dtype="int32") -> bytes:
    pos = axis % len(shape)
    a = ("axis", np.array([axis], np.int32)) if const_axis else ("axis", (1,), "int32")
    return single_op("ARG_MIN", [("x", shape, dtype, q), a], [("y", shape[:pos] + shape[pos + 1:], out_dtype, {})],
                     output_type=2 if out_dtype == "int32" else 4)  # TensorType.INT32 / INT64


def tied(shape, dtype, rng):
    """Few distinct values, so ties are everywhere."""
    if dtype == "float32":
        return rng.choice(np.array([-1.5, 0.0, 2.25, -0.0, 7.0, np.inf, -np.inf], np.float32), size=shape)
    return rng.integers(-3, 3, size=shape).astype(np.int8) * np.int8(40)


@requires_tflm
@settings(max_examples=40, deadline=None)
@given(shape=st.lists(st.integers(1, 5), min_size=1, max_size=5), dtype=st.sampled_from(["float32", "int8"]),
       const_axis=st.booleans(), seed=seeds, data_=st.data())
def test_arg_min_matches_tflm(shape, dtype, const_axis, seed, data_):
    shape = tuple(shape)
    axis = data_.draw(st.integers(-len(shape), len(shape) - 1))
    q = {"scale": data_.draw(scales()), "zero_point": data_.draw(zero_points())} if dtype == "int8" else {}
    x = tied(shape, dtype, np.random.default_rng(seed))
    model = argmin_model(shape, axis, dtype, q, const_axis)
    compare_with_tflm(model, [[x] if const_axis else [x, np.array([axis], np.int32)]])


@requires_tflm
@settings(max_examples=15, deadline=None)
@given(shape=st.lists(st.integers(2, 5), min_size=1, max_size=3), seed=seeds, data_=st.data())
def test_arg_min_nan_matches_tflm(shape, seed, data_):
    shape = tuple(shape)
    axis = data_.draw(st.integers(0, len(shape) - 1))
    rng = np.random.default_rng(seed)
    x = tied(shape, "float32", rng)
    x[rng.random(shape) < 0.3] = np.nan
    assert_same_bits(argmin_model(shape, axis, "float32", {}), [x])


def test_arg_min_int64_output_is_unsupported_like_tflm_micro():
    with pytest.raises(UnsupportedOpError, match="int32 only"):
        Interpreter.from_bytes(argmin_model((3, 4), 1, "float32", {}, out_dtype="int64"))
