"""EMBEDDING_LOOKUP vs TFLM, tolerance 0: tables of rank 2..4 with 1..8 rows
(as a constant or a graph input), 1..10 ids (repeats included); float32 ->
float32 (raw bits), int8 -> int8, and TFLM's hybrid int8 -> float32
dequantization (zero point 0, scales over many binades). An id out of range
fails in both TFLM and microinterp.

Hypothesis examples: 60.
"""

import numpy as np
from batch_d_models import run_both
from broadcast_cases import assert_same_bits, data
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import scales, seeds, zero_points

from microinterp.builder import ModelBuilder
from microinterp.errors import KernelError

KINDS = [("float32", "float32"), ("int8", "int8"), ("int8", "float32")]


def lookup_model(ids_n, table, value_dtype, out_dtype, q, const_table):
    b = ModelBuilder()
    ids = b.add_input("ids", (ids_n,), "int32")
    if const_table:
        v = b.add_constant("value", table, **q)
    else:
        v = b.add_input("value", table.shape, value_dtype, **q)
    out_q = q if out_dtype == "int8" else {}
    y = b.add_output("y", (ids_n,) + table.shape[1:], out_dtype, **out_q)
    b.add_operator("EMBEDDING_LOOKUP", [ids, v], [y])
    return b.build()


@requires_tflm
@settings(max_examples=60, deadline=None)
@given(rows=st.integers(1, 8), tail=st.lists(st.integers(1, 4), min_size=1, max_size=3), ids_n=st.integers(1, 10),
       kind=st.sampled_from(KINDS), const_table=st.booleans(), seed=seeds, data_=st.data())
def test_embedding_lookup_matches_tflm(rows, tail, ids_n, kind, const_table, seed, data_):
    value_dtype, out_dtype = kind
    rng = np.random.default_rng(seed)
    table = data((rows, *tail), value_dtype, rng)
    q = {}
    if value_dtype == "int8":
        zp = 0 if out_dtype == "float32" else data_.draw(zero_points())
        q = {"scale": data_.draw(scales(-20, 4)), "zero_point": zp}
    ids = rng.integers(0, rows, size=ids_n).astype(np.int32)
    model = lookup_model(ids_n, table, value_dtype, out_dtype, q, const_table)
    feeds = [ids] if const_table else [ids, table]
    compare_with_tflm(model, [feeds])
    if out_dtype == "float32":
        assert_same_bits(model, feeds)


@requires_tflm
def test_embedding_lookup_id_out_of_range_fails_in_both():
    table = np.arange(6, dtype=np.float32).reshape(3, 2)
    model = lookup_model(2, table, "float32", "float32", {}, const_table=True)
    mine, tflm = run_both(model, [np.array([1, 3], np.int32)])
    assert isinstance(mine, KernelError) and isinstance(tflm, Exception)
