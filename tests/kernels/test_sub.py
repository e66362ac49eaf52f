"""SUB vs TFLM, tolerance 0: float32, int32 (wrapping), int8 and int16 with TFLM's
left_shift rescaling, every fused activation, numpy broadcasting up to rank 5,
constant or variable second operand; plus every seanet ``sub*`` int16 model.

Hypothesis examples: 40 (quantized) + 25 (float32/int32) + 15 (65536 pairs each) = 80.
"""

import numpy as np
import pytest
from broadcast_cases import (
    binary_model,
    broadcast_shapes,
    check_exhaustive_pairs,
    check_quantized_pair,
    check_unquantized_pair,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, model_path, random_input, requires_tflm
from strategies import ACTIVATIONS, scales, seeds, zero_points

from microinterp import Interpreter


def _model(shapes, dtype, qs, act, const2=None) -> bytes:
    return binary_model("SUB", shapes, dtype, qs, const2, fused_activation_function=act)


@st.composite
def quant_params(draw, dtype):
    """Input scales within 2^6 of each other and an output scale within 2^-6..2^4 of
    the larger one: the output multiplier stays below 1, as TFLM's CHECK requires."""
    s1 = draw(scales(-12, 0))
    s2 = float(np.float32(s1 * 2.0 ** draw(st.floats(-6, 6))))
    so = float(np.float32(max(s1, s2) * 2.0 ** draw(st.floats(-6, 4))))
    return [{"scale": s, "zero_point": draw(zero_points(dtype))} for s in (s1, s2, so)]


@requires_tflm
@settings(max_examples=40, deadline=None)
@given(dtype=st.sampled_from(["int8", "int16"]), shapes=broadcast_shapes(), act=st.sampled_from(ACTIVATIONS),
       const=st.booleans(), seed=seeds, data_=st.data())
def test_sub_quantized_matches_tflm(dtype, shapes, act, const, seed, data_):
    check_quantized_pair("SUB", dtype, shapes, act, const, data_.draw(quant_params(dtype)), seed)


@requires_tflm
@settings(max_examples=25, deadline=None)
@given(dtype=st.sampled_from(["float32", "int32"]), shapes=broadcast_shapes(), act=st.sampled_from(ACTIVATIONS),
       seed=seeds)
def test_sub_float_int32_matches_tflm(dtype, shapes, act, seed):
    check_unquantized_pair("SUB", dtype, shapes, act, seed)


SEANET_SUB = [f"sub{i}" for i in (0, 2, 4)]


@requires_tflm
@pytest.mark.parametrize("name", SEANET_SUB)
def test_seanet_sub_models_match_tflm(name):
    model = model_path(f"tflite-micro-seanet/{name}.tflite").read_bytes()
    mi = Interpreter.from_bytes(model)
    rng = np.random.default_rng(len(name))
    inputs = [random_input(mi.get_input_details(i), rng) for i in range(mi.num_inputs)]
    compare_with_tflm(model, [inputs])


@requires_tflm
@settings(max_examples=15, deadline=None)
@given(dtype=st.sampled_from(["int8", "int16"]), act=st.sampled_from(ACTIVATIONS), seed=seeds, data_=st.data())
def test_sub_exhaustive_pairs_match_tflm(dtype, act, seed, data_):
    """65536 pairs per model: every int8 pair, or 256 x 256 random int16 values (extremes included)."""
    check_exhaustive_pairs("SUB", dtype, data_.draw(quant_params(dtype)), act, seed)


def test_sub_rejects_what_tflm_aborts_on():
    """An output multiplier >= 1 trips TFLM's CHECK (abort); int32 SUB must be unquantized."""
    from microinterp.errors import UnsupportedOpError

    q = {"scale": 1.0, "zero_point": 0}
    tiny = {"scale": 1e-9, "zero_point": 0}
    with pytest.raises(UnsupportedOpError, match="outside \\(0, 1\\)"):
        Interpreter.from_bytes(_model(((4,), (4,), (4,)), "int8", [q, q, tiny], "NONE"))
    with pytest.raises(UnsupportedOpError, match="unquantized"):
        Interpreter.from_bytes(_model(((4,), (4,), (4,)), "int32", [q, {}, {}], "NONE"))
