"""SPLIT_V vs TFLM, tolerance 0: ranks 1..5, any axis (negative included),
1..4 parts of any extents (zero-width parts excluded), size_splits given as
the real extents, with a -1 entry, or as a graph input (TFLM never reads it),
float32, int8, int16 and int32.

Hypothesis examples: 40.
"""

import numpy as np
from batch_d_models import quant_params
from broadcast_cases import data
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import seeds

from microinterp.builder import ModelBuilder


@requires_tflm
@settings(max_examples=40, deadline=None)
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=5), parts=st.lists(st.integers(1, 4), min_size=1,
       max_size=4), dtype=st.sampled_from(["float32", "int8", "int16", "int32"]),
       splits_kind=st.sampled_from(["exact", "minus_one", "input"]), seed=seeds, data_=st.data())
def test_split_v_matches_tflm(shape, parts, dtype, splits_kind, seed, data_):
    shape = list(shape)
    axis = data_.draw(st.integers(-len(shape), len(shape) - 1))
    pos = axis % len(shape)
    shape[pos] = sum(parts)
    q = data_.draw(quant_params(dtype))
    b = ModelBuilder()
    x = b.add_input("x", tuple(shape), dtype, **q)
    splits = np.array(parts, np.int32)
    if splits_kind == "minus_one":
        splits[data_.draw(st.integers(0, len(parts) - 1))] = -1
    feeds = [data(tuple(shape), dtype, np.random.default_rng(seed))]
    if splits_kind == "input":
        s = b.add_input("size_splits", splits.shape, "int32")
        feeds.append(splits)
    else:
        s = b.add_constant("size_splits", splits)
    a = b.add_constant("axis", np.array([axis], np.int32))
    ys = [b.add_output(f"y{i}", tuple(shape[:pos] + [p] + shape[pos + 1:]), dtype, **q) for i, p in enumerate(parts)]
    b.add_operator("SPLIT_V", [x, s, a], ys, num_splits=len(parts))
    compare_with_tflm(b.build(), [feeds])
