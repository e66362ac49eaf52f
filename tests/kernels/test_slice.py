"""SLICE vs TFLM, tolerance 0: ranks 1..5, any in-bounds block (size -1 = to
the end included), int32 and int64 begin/size given as constants or as graph
inputs read at invoke time, float32, int32, int8, int16 and bool.

Hypothesis examples: 40.
"""

import numpy as np
import pytest
from batch_d_models import quant_params, single_op
from broadcast_cases import data
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import seeds

from microinterp import Interpreter
from microinterp.errors import KernelError


@st.composite
def slice_case(draw):
    rank = draw(st.integers(1, 5))
    shape = tuple(draw(st.lists(st.integers(1, 5), min_size=rank, max_size=rank)))
    begin, size, out = [], [], []
    for d in shape:
        b = draw(st.integers(0, d - 1))
        s = draw(st.integers(1, d - b))
        if draw(st.integers(0, 3)) == 0:
            s, out_d = -1, d - b
        else:
            out_d = s
        begin.append(b)
        size.append(s)
        out.append(out_d)
    return shape, begin, size, tuple(out)


def slice_model(shape, begin, size, out, dtype, q, index_dtype, const):
    b = np.array(begin, index_dtype)
    s = np.array(size, index_dtype)
    if const:
        idx = [("begin", b), ("size", s)]
    else:
        idx = [("begin", b.shape, index_dtype), ("size", s.shape, index_dtype)]
    return single_op("SLICE", [("x", shape, dtype, q), *idx], [("y", out, dtype, q)])


@requires_tflm
@settings(max_examples=40, deadline=None)
@given(case=slice_case(), dtype=st.sampled_from(["float32", "int32", "int8", "int16", "bool"]),
       index_dtype=st.sampled_from(["int32", "int64"]), const=st.booleans(), seed=seeds, data_=st.data())
def test_slice_matches_tflm(case, dtype, index_dtype, const, seed, data_):
    shape, begin, size, out = case
    q = data_.draw(quant_params(dtype))
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 2, size=shape).astype(bool) if dtype == "bool" else data(shape, dtype, rng)
    model = slice_model(shape, begin, size, out, dtype, q, index_dtype, const)
    feeds = [x] if const else [x, np.array(begin, index_dtype), np.array(size, index_dtype)]
    compare_with_tflm(model, [feeds])


def test_slice_out_of_bounds_block_is_an_error():
    # TFLM reads past the input here; microinterp refuses the model.
    model = slice_model((4, 3), [2, 0], [3, 3], (3, 3), "float32", {}, "int32", True)
    with pytest.raises(KernelError, match="leave input"):
        Interpreter.from_bytes(model)
