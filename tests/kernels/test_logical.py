"""LOGICAL_AND (&&), LOGICAL_OR (||) and LOGICAL_NOT vs TFLM.

LOGICAL_AND and LOGICAL_OR: bool tensors with broadcast shapes up to rank 5 (or one shape for
both), constant or variable second input; other types are refused (TFLM reads their bytes as
bool, which is undefined behaviour). LOGICAL_NOT: bool tensors of drawn shapes (rank 0..4);
other types refused.

Hypothesis examples: 25 per binary op (LOGICAL_AND, LOGICAL_OR) + 15 (LOGICAL_NOT) = 65.
"""

import numpy as np
import pytest
from broadcast_cases import broadcast_shapes
from elementwise_math_cases import binary_model, shapes, unary_model
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import seeds

from microinterp import Interpreter
from microinterp.errors import UnsupportedOpError

BINARY_OPS = ["LOGICAL_AND", "LOGICAL_OR"]


@requires_tflm
@pytest.mark.parametrize("op", BINARY_OPS)
@settings(max_examples=25, deadline=None)
@given(shapes=broadcast_shapes(), const=st.booleans(), seed=seeds)
def test_logical_binary_matches_tflm(op, shapes, const, seed):
    rng = np.random.default_rng(seed)
    s1, s2, so = shapes
    a, b = rng.integers(0, 2, size=s1).astype(bool), rng.integers(0, 2, size=s2).astype(bool)
    model = binary_model(op, s1, s2, so, "bool", const2=b if const else None)
    compare_with_tflm(model, [[a] if const else [a, b]])


@pytest.mark.parametrize("op", BINARY_OPS)
@pytest.mark.parametrize("dtype", ["int8", "float32"])
def test_logical_binary_refuses_non_bool(op, dtype):
    with pytest.raises(UnsupportedOpError, match="only bool"):
        Interpreter.from_bytes(binary_model(op, (4,), (4,), (4,), dtype))


@requires_tflm
@settings(max_examples=15, deadline=None)
@given(shape=shapes, seed=seeds)
def test_logical_not_matches_tflm(shape, seed):
    x = np.random.default_rng(seed).integers(0, 2, size=shape).astype(bool)
    compare_with_tflm(unary_model("LOGICAL_NOT", shape, "bool"), [[x]])


@pytest.mark.parametrize("dtype", ["float32", "int8"])
def test_logical_not_refuses_non_bool(dtype):
    with pytest.raises(UnsupportedOpError, match="not supported"):
        Interpreter.from_bytes(unary_model("LOGICAL_NOT", (4,), dtype))
