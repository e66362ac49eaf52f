"""ROUND vs TFLM, tolerance 0 (float bits compared): float32 only. TFLM's
``RoundToNearest`` rounds halves to even but gives +0.0 for negative inputs
that round to zero (numpy gives -0.0); values: drawn floats with specials, a
grid of quarters and sixteenths around zero, and three sweeps of 32768 values.

Hypothesis examples: 25.
"""

import numpy as np
import pytest
from elementwise_math_cases import check_float_sweep, check_float_unary, shapes, unary_model
from hypothesis import given, settings
from oracle import compare_with_tflm, requires_tflm
from strategies import seeds

from microinterp import Interpreter
from microinterp.errors import UnsupportedOpError


@requires_tflm
@settings(max_examples=25, deadline=None)
@given(shape=shapes, seed=seeds)
def test_round_float_matches_tflm(shape, seed):
    check_float_unary("ROUND", shape, seed, low=-20.0, high=20.0)


@requires_tflm
def test_round_halves_and_small_negatives_match_tflm():
    grid = np.concatenate([np.arange(-64, 65) / 4.0, np.arange(-32, 33) / 16.0, [-0.0, 0.0]]).astype(np.float32)
    compare_with_tflm(unary_model("ROUND", grid.shape, "float32"), [[grid]], nan_payloads=True)
    mi = Interpreter.from_bytes(unary_model("ROUND", (1,), "float32"))
    mi.set_input(np.array([-0.25], np.float32), 0)
    mi.invoke()
    assert np.signbit(mi.get_output(0)[0]) == np.False_  # +0.0, where np.round gives -0.0


@requires_tflm
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_round_float_sweep_matches_tflm(seed):
    check_float_sweep("ROUND", seed, low=-1e7, high=1e7)


@pytest.mark.parametrize("dtype", ["int8", "int32"])
def test_round_refuses_what_tflm_refuses(dtype):
    with pytest.raises(UnsupportedOpError, match="not supported"):
        Interpreter.from_bytes(unary_model("ROUND", (4,), dtype))
