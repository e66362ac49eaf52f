"""FLOOR_MOD vs TFLM, tolerance 0 (float bits compared): float32 ``fmodf`` plus the
sign fix-up, broadcast shapes up to rank 5, values with specials (signed zeros,
inf, NaN, subnormals; zero divisors give NaN, no error); other types refused.

NaN results are compared bit for bit, including the x87 ``fprem`` choice of NaN
that the oracle build makes (pairs of NaNs, signalling and quiet, of both signs).

Hypothesis examples: 30.
"""

import numpy as np
import pytest
from broadcast_cases import broadcast_shapes
from elementwise_math_cases import binary_model, check_nan_pairs, values
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import seeds

from microinterp import Interpreter
from microinterp.errors import UnsupportedOpError


@requires_tflm
@settings(max_examples=30, deadline=None)
@given(shapes=broadcast_shapes(), const=st.booleans(), small=st.booleans(), seed=seeds)
def test_floor_mod_matches_tflm(shapes, const, small, seed):
    rng = np.random.default_rng(seed)
    s1, s2, so = shapes
    a, b = values(rng, s1, "float32"), values(rng, s2, "float32")
    if small:  # small integral and half-integral values: exact zeros and sign fix-ups
        a = (rng.integers(-20, 21, size=s1) / 2).astype(np.float32)
        b = (rng.integers(-6, 7, size=s2) / 2).astype(np.float32)
    model = binary_model("FLOOR_MOD", s1, s2, so, "float32", const2=b if const else None)
    compare_with_tflm(model, [[a] if const else [a, b]], nan_payloads=True)


@requires_tflm
@pytest.mark.parametrize("broadcast", [False, True])
def test_floor_mod_nan_payloads_match_tflm(broadcast):
    check_nan_pairs("FLOOR_MOD", broadcast)


@pytest.mark.parametrize("dtype", ["int8", "int16", "int32"])
def test_floor_mod_refuses_what_tflm_refuses(dtype):
    with pytest.raises(UnsupportedOpError, match="not supported"):
        Interpreter.from_bytes(binary_model("FLOOR_MOD", (4,), (4,), (4,), dtype))
