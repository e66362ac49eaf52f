"""REDUCE_ALL vs TFLM, tolerance 0: ranks 1..5, 0..rank+1 axes (negative and
duplicate ones included), keep_dims on and off, the axis list as a constant or
a graph input, bool inputs from mostly false to all true (so both outcomes
occur). Only bool is accepted: another type is refused by both.

Hypothesis examples: 40.
"""

import numpy as np
from batch_d_models import reduce_case, reduce_model, run_both
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import seeds

from microinterp.errors import UnsupportedOpError


def mostly_true(shape, seed):
    """Bools whose share of true is drawn from {0.5, 0.9, 1.0} with the seed."""
    rng = np.random.default_rng(seed)
    return rng.random(size=shape) < rng.choice([0.5, 0.9, 1.0])


@requires_tflm
@settings(max_examples=40, deadline=None)
@given(case=reduce_case(), const_axis=st.booleans(), seed=seeds)
def test_reduce_all_matches_tflm(case, const_axis, seed):
    shape, axes, keep_dims, out = case
    model = reduce_model("REDUCE_ALL", shape, axes, keep_dims, out, "bool", {}, {}, const_axis)
    x = mostly_true(shape, seed)
    compare_with_tflm(model, [[x] if const_axis else [x, np.array(axes, np.int32)]])


@requires_tflm
def test_reduce_all_refuses_other_types_as_tflm():
    model = reduce_model("REDUCE_ALL", (2, 3), [1], False, (2,), "float32", {}, {})
    ours, tflm = run_both(model, [np.zeros((2, 3), np.float32)])
    assert isinstance(ours, UnsupportedOpError), ours
    assert isinstance(tflm, Exception), tflm
