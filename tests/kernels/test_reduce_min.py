"""REDUCE_MIN vs TFLM, tolerance 0: the REDUCE_MAX cases (see test_reduce_max.py)
mirrored: TFLM folds from FLT_MAX, so a row of +inf/NaN gives FLT_MAX.

Hypothesis examples: 40.
"""

from batch_d_models import reduce_case
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import requires_tflm
from strategies import seeds
from test_reduce_max import check_min_max


@requires_tflm
@settings(max_examples=40, deadline=None)
@given(case=reduce_case(), dtype=st.sampled_from(["float32", "int8"]), const_axis=st.booleans(), seed=seeds,
       data_=st.data())
def test_reduce_min_matches_tflm(case, dtype, const_axis, seed, data_):
    check_min_max("REDUCE_MIN", case, dtype, const_axis, seed, data_)
