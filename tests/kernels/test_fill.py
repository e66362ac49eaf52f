"""FILL vs TFLM: a scalar value (graph input or constant) of float32, int32 or
int8 (copied, never requantized) into a drawn output shape given by a constant
dims tensor of int32, int64, int16 or int8; what TFLM refuses is refused.

Hypothesis examples: 30.
"""

import numpy as np
import pytest
from elementwise_math_cases import values
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import seeds

from microinterp import Interpreter
from microinterp.builder import ModelBuilder
from microinterp.errors import KernelError, UnsupportedOpError


def _model(out_shape, dtype, dims_dtype, value=None, dims=None, dims_const=True, quant=None) -> bytes:
    b = ModelBuilder()
    dims_data = np.asarray(out_shape if dims is None else dims, dims_dtype)
    if dims_const:
        d = b.add_constant("dims", dims_data, dims_dtype)
    else:
        d = b.add_input("dims", dims_data.shape, dims_dtype)
    q = quant or {}
    v = b.add_constant("value", value, dtype, **q) if value is not None else b.add_input("value", (), dtype, **q)
    y = b.add_output("y", out_shape, dtype, **q)
    b.add_operator("FILL", [d, v], [y])
    return b.build()


@requires_tflm
@settings(max_examples=30, deadline=None)
@given(shape=st.lists(st.integers(1, 5), min_size=1, max_size=4).map(tuple),
       dtype=st.sampled_from(["float32", "int32", "int8"]), dims_dtype=st.sampled_from(["int32", "int64", "int16", "int8"]),
       const=st.booleans(), seed=seeds)
def test_fill_matches_tflm(shape, dtype, dims_dtype, const, seed):
    value = values(np.random.default_rng(seed), (), dtype)
    quant = {"scale": 0.5, "zero_point": 3} if dtype == "int8" else None
    model = _model(shape, dtype, dims_dtype, value if const else None, quant=quant)
    mi = compare_with_tflm(model, [[] if const else [value]], nan_payloads=True)
    assert mi.get_output(0).shape == shape


def test_fill_refuses_what_tflm_refuses():
    with pytest.raises(UnsupportedOpError, match="not supported"):
        Interpreter.from_bytes(_model((2, 3), "int16", "int32"))
    with pytest.raises(UnsupportedOpError, match="non-constant"):
        Interpreter.from_bytes(_model((2, 3), "float32", "int32", dims_const=False))
    with pytest.raises(KernelError, match="must equal the output shape"):
        Interpreter.from_bytes(_model((2, 3), "float32", "int32", dims=[3, 2]))
