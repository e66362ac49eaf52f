"""SQUEEZE vs TFLM, tolerance 0: ranks 1..8 with size-1 dimensions, explicit
squeeze_dims (negative included) or none (squeeze all), every fixed-size type.

Hypothesis examples: 30.
"""

import numpy as np
from broadcast_cases import data
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import seeds

from microinterp.builder import ModelBuilder


@requires_tflm
@settings(max_examples=30, deadline=None)
@given(shape=st.lists(st.sampled_from([1, 1, 2, 3]), min_size=1, max_size=8),
       dtype=st.sampled_from(["float32", "int8", "int16", "int32"]), seed=seeds, data_=st.data())
def test_squeeze_matches_tflm(shape, dtype, seed, data_):
    shape = tuple(shape)
    ones = [d for d, n in enumerate(shape) if n == 1]
    dims = data_.draw(st.lists(st.sampled_from(ones), unique=True)) if ones else []
    dims = [d - len(shape) if data_.draw(st.booleans()) else d for d in dims]
    squeezed = {d % len(shape) for d in dims} if dims else set(ones)
    out_shape = tuple(n for d, n in enumerate(shape) if d not in squeezed)
    b = ModelBuilder()
    x = b.add_input("x", shape, dtype)
    y = b.add_output("y", out_shape, dtype)
    b.add_operator("SQUEEZE", [x], [y], squeeze_dims=dims)
    compare_with_tflm(b.build(), [[data(shape, dtype, np.random.default_rng(seed))]])
