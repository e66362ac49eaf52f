"""MIRROR_PAD vs TFLM, tolerance 0: ranks 1..4, REFLECT and SYMMETRIC, any
paddings up to the widest each mode allows (dim - 1 for REFLECT, dim for
SYMMETRIC), int32 or int64 paddings as a constant or as a graph input read at
invoke time, float32 (bit copies) and int8.

Hypothesis examples: 50.
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


def mirror_pad_model(shape, pads, mode, dtype, q, pad_dtype="int32", const=True):
    out = tuple(d + lo + hi for d, (lo, hi) in zip(shape, pads))
    p = np.array(pads, pad_dtype).reshape(len(shape), 2)
    spec = ("paddings", p) if const else ("paddings", p.shape, pad_dtype)
    return single_op("MIRROR_PAD", [("x", shape, dtype, q), spec], [("y", out, dtype, q)], mode=mode)


@requires_tflm
@settings(max_examples=50, deadline=None)
@given(shape=st.lists(st.integers(1, 5), min_size=1, max_size=4), mode=st.sampled_from([0, 1]),
       dtype=st.sampled_from(["float32", "int8"]), pad_dtype=st.sampled_from(["int32", "int64"]),
       const=st.booleans(), seed=seeds, data_=st.data())
def test_mirror_pad_matches_tflm(shape, mode, dtype, pad_dtype, const, seed, data_):
    shape = tuple(shape)
    widest = [d - 1 if mode == 0 else d for d in shape]
    pads = [[data_.draw(st.integers(0, m)), data_.draw(st.integers(0, m))] for m in widest]
    q = data_.draw(quant_params(dtype))
    model = mirror_pad_model(shape, pads, mode, dtype, q, pad_dtype, const)
    x = data(shape, dtype, np.random.default_rng(seed))
    compare_with_tflm(model, [[x] if const else [x, np.array(pads, pad_dtype)]])


def test_mirror_pad_wider_than_the_input_is_an_error():
    # REFLECT by 3 on an extent of 3 would read past the input in TFLM.
    with pytest.raises(KernelError, match="outside"):
        Interpreter.from_bytes(mirror_pad_model((3,), [[3, 0]], 0, "float32", {}))
