"""CAST vs TFLM, tolerance 0: every (input, output) pair of TFLM's type lists,
integers over their full range (wrapping to narrower types), float32 values
well outside every integer range plus +-inf (TFLM's x86 build saturates and
truncates), bool; plus NaN -> int checked on outputs alone (NaN inputs cannot
go through ``compare_with_tflm``, which also compares the input tensor); plus
the audio preprocessor's two builtin stretches (the whole model runs in
test_audio_preprocessor.py), 3 random full-range inputs each.

Hypothesis examples: 40 + 10 (NaN) = 50.
"""

import numpy as np
import pytest
from broadcast_cases import assert_same_bits
from hypothesis import given, settings
from hypothesis import strategies as st
from model_slices import extract_ops
from oracle import compare_with_tflm, model_path, random_input, requires_tflm
from strategies import seeds

from microinterp import Interpreter
from microinterp.builder import ModelBuilder

INPUTS = ["int8", "int16", "int32", "uint32", "float32", "bool"]
OUTPUTS = ["int8", "int16", "int32", "uint32", "float32"]
SHAPES = st.sampled_from([(1,), (7,), (3, 5), (2, 3, 4)])


def cast_model(shape, src, dst) -> bytes:
    b = ModelBuilder()
    x = b.add_input("x", shape, src)
    y = b.add_output("y", shape, dst)
    b.add_operator("CAST", [x], [y])
    return b.build()


def cast_input(shape, src, rng):
    n = int(np.prod(shape))
    if src == "bool":
        return rng.integers(0, 2, size=shape).astype(bool)
    if src == "float32":
        mags = 10.0 ** rng.uniform(-3, 11, size=n) * rng.choice([-1, 1], size=n)
        vals = mags.astype(np.float32)
        special = np.array([np.inf, -np.inf, 0.5, -0.5, -0.0, 127.9, -128.9, 2.0**31, 2.0**32, 4294967040.0],
                           np.float32)
        vals[: min(n, special.size)] = rng.permutation(special)[: min(n, special.size)]
        return vals.reshape(shape)
    info = np.iinfo(src)
    v = rng.integers(info.min, info.max, size=n, endpoint=True, dtype=np.int64)
    v[: min(n, 2)] = [info.min, info.max][: min(n, 2)]
    return v.astype(src).reshape(shape)


@requires_tflm
@settings(max_examples=40, deadline=None)
@given(src=st.sampled_from(INPUTS), dst=st.sampled_from(OUTPUTS), shape=SHAPES, seed=seeds)
def test_cast_matches_tflm(src, dst, shape, seed):
    x = cast_input(shape, src, np.random.default_rng(seed))
    model = cast_model(shape, src, dst)
    compare_with_tflm(model, [[x]], nan_payloads=True)


@requires_tflm
@settings(max_examples=10, deadline=None)
@given(dst=st.sampled_from(OUTPUTS), seed=seeds)
def test_cast_nan_matches_tflm(dst, seed):
    x = cast_input((8,), "float32", np.random.default_rng(seed))
    x[::2] = np.nan
    assert_same_bits(cast_model((8,), "float32", dst), [x])


AUDIO = "tflite-micro/audio_preprocessor_int8.tflite"
AUDIO_FLOAT = "tflite-micro/audio_preprocessor_float.tflite"


@requires_tflm
@pytest.mark.parametrize("name,first,last", [(AUDIO, 5, 8), (AUDIO, 14, 21), (AUDIO_FLOAT, 14, 15)],
                         ids=["energy-slice-concat", "log-scale-clamp-tail", "float-log-scale"])
def test_audio_preprocessor_builtin_stretches_match_tflm(name, first, last):
    """The audio preprocessor's builtin stretches between its Signal custom ops,
    with the model's own constants: CAST uint32->int32, STRIDED_SLICE,
    CONCATENATION, CAST int32->uint32; and CAST int16->int32, MUL, ADD, DIV,
    ADD, MINIMUM, MAXIMUM, CAST int32->int8; the float model's CAST int16->float32, MUL."""
    model = extract_ops(model_path(name).read_bytes(), list(range(first, last + 1)))
    mi = Interpreter.from_bytes(model)
    rng = np.random.default_rng(first)
    for _ in range(3):
        compare_with_tflm(model, [[random_input(mi.get_input_details(i), rng) for i in range(mi.num_inputs)]])
