"""ARG_MIN vs TFLM, tolerance 0: ranks 1..5, any axis (negative included) as a
constant or as a graph input read at invoke time, float32 and int8 with many
ties (first minimum wins, -0.0 ties +0.0) and infinities; plus NaN placement (a
NaN first stays index 0, a NaN elsewhere never wins). The checks are ARG_MAX's
(test_arg_max.py).

Hypothesis examples: 40 + 15 (NaN) = 55.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import requires_tflm
from strategies import seeds
from test_arg_max import NAN_SHAPES, SHAPES, arg_model, check_arg_nan, check_arg_op

from microinterp import Interpreter
from microinterp.errors import UnsupportedOpError


@requires_tflm
@settings(max_examples=40, deadline=None)
@given(shape=SHAPES, dtype=st.sampled_from(["float32", "int8"]), const_axis=st.booleans(), seed=seeds,
       data_=st.data())
def test_arg_min_matches_tflm(shape, dtype, const_axis, seed, data_):
    check_arg_op("ARG_MIN", shape, dtype, const_axis, seed, data_)


@requires_tflm
@settings(max_examples=15, deadline=None)
@given(shape=NAN_SHAPES, seed=seeds, data_=st.data())
def test_arg_min_nan_matches_tflm(shape, seed, data_):
    check_arg_nan("ARG_MIN", shape, seed, data_)


def test_arg_min_int64_output_is_unsupported_like_tflm_micro():
    with pytest.raises(UnsupportedOpError, match="int32 only"):
        Interpreter.from_bytes(arg_model("ARG_MIN", (3, 4), 1, "float32", {}, out_dtype="int64"))
