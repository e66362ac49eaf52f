"""LOGICAL_AND (&&) vs TFLM: bool tensors with broadcast shapes up to rank 5 (or one
shape for both), constant or variable second input; other types are refused
(TFLM reads their bytes as bool, which is undefined behaviour).

Hypothesis examples: 25.
"""

import numpy as np
import pytest
from broadcast_cases import broadcast_shapes
from elementwise_math_cases import binary_model
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import seeds

from microinterp import Interpreter
from microinterp.errors import UnsupportedOpError


@requires_tflm
@settings(max_examples=25, deadline=None)
@given(shapes=broadcast_shapes(), const=st.booleans(), seed=seeds)
def test_logical_and_matches_tflm(shapes, const, seed):
    rng = np.random.default_rng(seed)
    s1, s2, so = shapes
    a, b = rng.integers(0, 2, size=s1).astype(bool), rng.integers(0, 2, size=s2).astype(bool)
    model = binary_model("LOGICAL_AND", s1, s2, so, "bool", const2=b if const else None)
    compare_with_tflm(model, [[a] if const else [a, b]])


@pytest.mark.parametrize("dtype", ["int8", "float32"])
def test_logical_and_refuses_non_bool(dtype):
    with pytest.raises(UnsupportedOpError, match="only bool"):
        Interpreter.from_bytes(binary_model("LOGICAL_AND", (4,), (4,), (4,), dtype))
