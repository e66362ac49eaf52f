"""REDUCE_MAX vs TFLM, tolerance 0: ranks 1..5, 0..rank+1 axes (negative and
duplicate ones included), keep_dims on and off, the axis list as a constant or
a graph input; int8 (shared scale and zero point, as TFLM requires) and
float32 with many ties, signed zeros, NaN and infinities (TFLM's fold from
-FLT_MAX: a row of -inf/NaN gives -FLT_MAX), compared bit for bit.

Hypothesis examples: 40 (plus one plain rejection test).
"""

import numpy as np
import pytest
from batch_d_models import reduce_case, reduce_model
from broadcast_cases import assert_same_bits
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import scales, seeds, zero_points

from microinterp import Interpreter
from microinterp.errors import KernelError, UnsupportedOpError

FLOAT_VALUES = np.array([-1.5, 0.0, -0.0, 2.25, 7.0, np.inf, -np.inf, np.nan, -3.4e38, 3.4e38], np.float32)


def tied(shape, dtype, rng):
    if dtype == "float32":
        return rng.choice(FLOAT_VALUES, size=shape)
    return (rng.integers(-3, 4, size=shape) * 40 + rng.integers(0, 2, size=shape)).clip(-128, 127).astype(np.int8)


def check_min_max(op, case, dtype, const_axis, seed, data_):
    shape, axes, keep_dims, out = case
    q = {"scale": data_.draw(scales()), "zero_point": data_.draw(zero_points())} if dtype == "int8" else {}
    model = reduce_model(op, shape, axes, keep_dims, out, dtype, q, q, const_axis)
    rng = np.random.default_rng(seed)
    x = tied(shape, dtype, rng)
    if dtype == "float32" and rng.integers(0, 2):  # whole rows of -inf/+inf/NaN
        x = rng.choice(FLOAT_VALUES[5:8], size=shape)
    feeds = [x] if const_axis else [x, np.array(axes, np.int32)]
    compare_with_tflm(model, [feeds])
    if dtype == "float32":
        assert_same_bits(model, feeds)


@requires_tflm
@settings(max_examples=40, deadline=None)
@given(case=reduce_case(), dtype=st.sampled_from(["float32", "int8"]), const_axis=st.booleans(), seed=seeds,
       data_=st.data())
def test_reduce_max_matches_tflm(case, dtype, const_axis, seed, data_):
    check_min_max("REDUCE_MAX", case, dtype, const_axis, seed, data_)


@pytest.mark.parametrize("op", ["REDUCE_MAX", "REDUCE_MIN"])
def test_int8_requires_shared_quantization_and_int16_is_unsupported(op):
    model = reduce_model(op, (2, 3), [1], False, (2,), "int8", {"scale": 0.5, "zero_point": 1},
                         {"scale": 0.25, "zero_point": 1})
    with pytest.raises(KernelError, match="share scale"):
        Interpreter.from_bytes(model)
    q = {"scale": 0.5, "zero_point": 0}
    with pytest.raises(UnsupportedOpError, match="INT16"):
        Interpreter.from_bytes(reduce_model(op, (2, 3), [1], False, (2,), "int16", q, q))
