"""BROADCAST_ARGS vs TFLM, tolerance 0: pairs of broadcast-compatible shape
vectors of lengths 0..5 (int32 and int64), fed as graph inputs, with output
vectors as long as the longer shape or longer still (leading 1s).

Hypothesis examples: 40.
"""

import numpy as np
from batch_d_models import single_op
from broadcast_cases import broadcast_shapes
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm


@requires_tflm
@settings(max_examples=40, deadline=None)
@given(shapes=broadcast_shapes(max_rank=5, max_dim=6), dtype=st.sampled_from(["int32", "int64"]),
       extra=st.integers(0, 2))
def test_broadcast_args_matches_tflm(shapes, dtype, extra):
    s1, s2, out = shapes
    a, b = np.array(s1, dtype), np.array(s2, dtype)
    n = max(len(s1), len(s2)) + extra
    model = single_op("BROADCAST_ARGS", [("s1", a.shape, dtype), ("s2", b.shape, dtype)], [("y", (n,), dtype, {})])
    compare_with_tflm(model, [[a, b]])
