"""PADV2 vs TFLM, tolerance 0: the pad value as a constant scalar or as a second
graph input (read at invoke time), float32, int8 (sharing the output's
quantization), int16 and int32, ranks 1..5.

Hypothesis examples: 30.
"""

import numpy as np
from broadcast_cases import data
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import scales, seeds, zero_points
from test_pad import pad_case, pad_model


@requires_tflm
@settings(max_examples=30, deadline=None)
@given(case=pad_case(), dtype=st.sampled_from(["float32", "int8", "int16", "int32"]), variable=st.booleans(),
       seed=seeds, data_=st.data())
def test_padv2_matches_tflm(case, dtype, variable, seed, data_):
    shape, pads = case
    rng = np.random.default_rng(seed)
    q = {}
    if dtype in ("int8", "int16"):
        q = {"scale": data_.draw(scales()), "zero_point": data_.draw(zero_points(dtype))}
    value = data((), dtype, rng)
    x = data(shape, dtype, rng)
    if variable:
        compare_with_tflm(pad_model("PADV2", shape, pads, dtype, q, extra="variable"), [[x, value]])
    else:
        compare_with_tflm(pad_model("PADV2", shape, pads, dtype, q, pad_value=value), [[x]])
