"""MINIMUM vs TFLM, tolerance 0: the MAXIMUM cases (test_maximum.py) with
``a < b ? a : b``: float32 bit patterns, raw int8/int16 comparison across
different quantizations, int32, int64, broadcasting up to rank 5.

Hypothesis examples: 35.
"""

from broadcast_cases import broadcast_shapes
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import requires_tflm
from strategies import seeds
from test_maximum import DTYPES, check_select_op


@requires_tflm
@settings(max_examples=35, deadline=None)
@given(dtype=DTYPES, shapes=broadcast_shapes(), seed=seeds, data_=st.data())
def test_minimum_matches_tflm(dtype, shapes, seed, data_):
    check_select_op("MINIMUM", dtype, shapes, seed, data_)
