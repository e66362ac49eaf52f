"""GATHER_ND vs TFLM, tolerance 0: params of rank 1..4, index tuples of 1..rank
entries, 0..2 leading index dimensions, float32 and int8; indices are drawn in
range, and also with a negative per-dimension index (one step up in dimension
0, a whole row back in dimension 1) whose flat position stays inside the
tensor, which TFLM accepts and reads. A flat position outside makes both TFLM
and microinterp fail the invoke.

Hypothesis examples: 50 + 20 (per-dimension out of range) = 70.
"""

import numpy as np
from batch_d_models import quant_params, run_both, single_op
from broadcast_cases import data
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import seeds

from microinterp.errors import KernelError


@st.composite
def gather_nd_case(draw, wild: bool):
    rank = draw(st.integers(1, 4))
    params_shape = tuple(draw(st.lists(st.integers(1, 4), min_size=rank, max_size=rank)))
    nd = draw(st.integers(1, rank))
    lead = tuple(draw(st.lists(st.integers(1, 3), min_size=0, max_size=2)))
    rng = np.random.default_rng(draw(seeds))
    idx = np.stack([rng.integers(0, d, size=lead) for d in params_shape[:nd]], axis=-1).astype(np.int32)
    if wild and nd > 1:  # move one step across the first indexed dimension inside the same flat position
        flat = idx.reshape(-1, nd)
        stride = int(np.prod(params_shape[1:nd]))
        for t in flat:
            if t[0] + 1 < params_shape[0]:
                t[0] += 1
                t[1] -= stride // int(np.prod(params_shape[2:nd]))
    out_shape = lead + params_shape[nd:]
    return params_shape, idx.reshape(lead + (nd,)), out_shape


def gather_nd_model(params_shape, idx_shape, out_shape, dtype, q):
    return single_op("GATHER_ND", [("params", params_shape, dtype, q), ("indices", idx_shape, "int32")],
                     [("y", out_shape, dtype, q)])


@requires_tflm
@settings(max_examples=50, deadline=None)
@given(case=gather_nd_case(wild=False), dtype=st.sampled_from(["float32", "int8"]), seed=seeds, data_=st.data())
def test_gather_nd_matches_tflm(case, dtype, seed, data_):
    params_shape, idx, out_shape = case
    model = gather_nd_model(params_shape, idx.shape, out_shape, dtype, data_.draw(quant_params(dtype)))
    compare_with_tflm(model, [[data(params_shape, dtype, np.random.default_rng(seed)), idx]])


@requires_tflm
@settings(max_examples=20, deadline=None)
@given(case=gather_nd_case(wild=True), seed=seeds)
def test_gather_nd_per_dimension_out_of_range_reads_the_flat_position_like_tflm(case, seed):
    params_shape, idx, out_shape = case
    model = gather_nd_model(params_shape, idx.shape, out_shape, "float32", {})
    compare_with_tflm(model, [[data(params_shape, "float32", np.random.default_rng(seed)), idx]])


@requires_tflm
def test_gather_nd_flat_position_outside_fails_in_both():
    model = gather_nd_model((3, 4), (1, 2), (1,), "float32", {})
    mine, tflm = run_both(model, [np.zeros((3, 4), np.float32), np.array([[2, 4]], np.int32)])
    assert isinstance(mine, KernelError) and isinstance(tflm, Exception)
    mine, tflm = run_both(model, [np.arange(12, dtype=np.float32).reshape(3, 4), np.array([[1, -1]], np.int32)])
    assert np.array_equal(mine, tflm) and mine[0] == 3.0
