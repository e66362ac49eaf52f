"""MAXIMUM vs TFLM, tolerance 0: float32 (bit patterns: -0.0 vs 0.0 keeps TFLM's
``a > b ? a : b`` choice), int8 and int16 with *different* input
quantizations (TFLM compares raw values), int32 and int64, numpy broadcasting
up to rank 5. ``check_select_op`` is shared with test_minimum.py.

Hypothesis examples: 35.
"""

import numpy as np
from broadcast_cases import binary_model, broadcast_shapes, data
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import scales, seeds, zero_points

DTYPES = st.sampled_from(["float32", "int8", "int16", "int32", "int64"])


def operand(shape, dtype, rng):
    if dtype == "int64":
        return rng.integers(-(2**62), 2**62, size=shape).astype(np.int64)
    return data(shape, dtype, rng)


def check_select_op(op, dtype, shapes, seed, data_):
    rng = np.random.default_rng(seed)
    qs = [{}, {}, {}]
    if dtype in ("int8", "int16"):
        qs = [{"scale": data_.draw(scales()), "zero_point": data_.draw(zero_points(dtype))} for _ in range(3)]
    a, b = operand(shapes[0], dtype, rng), operand(shapes[1], dtype, rng)
    m = binary_model(op, shapes, dtype, qs)
    compare_with_tflm(m, [[a, b]], nan_payloads=True)


@requires_tflm
@settings(max_examples=35, deadline=None)
@given(dtype=DTYPES, shapes=broadcast_shapes(), seed=seeds, data_=st.data())
def test_maximum_matches_tflm(dtype, shapes, seed, data_):
    check_select_op("MAXIMUM", dtype, shapes, seed, data_)
