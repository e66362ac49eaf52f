"""REVERSE_V2 vs TFLM, tolerance 0: ranks 1..5, any contiguous run of axes
(given in any order, negative ones included) as a constant or a graph input,
float32 (raw bits, NaN included), int32, int16, int8, int64 and bool; a
non-contiguous axis list fails in both TFLM and microinterp.

Hypothesis examples: 50.
"""

import numpy as np
from batch_d_models import quant_params, run_both, single_op
from broadcast_cases import any_type_data, assert_same_bits
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import seeds

from microinterp.errors import KernelError

DTYPES = ["float32", "int32", "int16", "int8", "int64", "bool"]


def reverse_model(shape, axes, dtype, q, const):
    a = np.array(axes, np.int32)
    spec = ("axis", a) if const else ("axis", a.shape, "int32")
    return single_op("REVERSE_V2", [("x", shape, dtype, q), spec], [("y", shape, dtype, q)])


@requires_tflm
@settings(max_examples=50, deadline=None)
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=5), dtype=st.sampled_from(DTYPES),
       const=st.booleans(), seed=seeds, data_=st.data())
def test_reverse_v2_matches_tflm(shape, dtype, const, seed, data_):
    shape = tuple(shape)
    rank = len(shape)
    first = data_.draw(st.integers(0, rank - 1))
    last = data_.draw(st.integers(first, rank - 1))
    axes = data_.draw(st.permutations([a - rank if data_.draw(st.booleans()) else a for a in range(first, last + 1)]))
    q = data_.draw(quant_params(dtype))
    rng = np.random.default_rng(seed)
    x = any_type_data(shape, dtype, rng)
    if dtype == "float32":
        x.reshape(-1)[0] = np.nan
    model = reverse_model(shape, axes, dtype, q, const)
    feeds = [x] if const else [x, np.array(axes, np.int32)]
    compare_with_tflm(model, [feeds])
    if dtype == "float32":
        assert_same_bits(model, feeds)


@requires_tflm
def test_reverse_v2_non_contiguous_axes_fail_in_both():
    model = reverse_model((2, 3, 4), [0, 2], "float32", {}, const=False)
    mine, tflm = run_both(model, [np.zeros((2, 3, 4), np.float32), np.array([0, 2], np.int32)])
    assert isinstance(mine, KernelError) and isinstance(tflm, Exception)
