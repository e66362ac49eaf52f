"""PAD vs TFLM, tolerance 0: float32, int8 (pad value = output zero point, drawn
over the whole int8 range), int16 and int32, ranks 0..5 with random
non-negative paddings (zero paddings included); plus every seanet ``pad*``
int16 model with full-range random inputs.

Hypothesis examples: 40.
"""

import numpy as np
import pytest
from broadcast_cases import data
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, model_path, random_input, requires_tflm
from strategies import scales, seeds, zero_points

from microinterp import Interpreter
from microinterp.builder import ModelBuilder


@st.composite
def pad_case(draw):
    rank = draw(st.integers(1, 5))
    shape = tuple(draw(st.lists(st.integers(1, 5), min_size=rank, max_size=rank)))
    pads = [(draw(st.integers(0, 3)), draw(st.integers(0, 3))) for _ in range(rank)]
    return shape, pads


def pad_model(op, shape, pads, dtype, q, extra=None, pad_value=None) -> bytes:
    out_shape = tuple(d + lo + hi for d, (lo, hi) in zip(shape, pads))
    b = ModelBuilder()
    x = b.add_input("x", shape, dtype, **q)
    p = b.add_constant("paddings", np.array(pads, np.int32).reshape(len(shape), 2))
    ins = [x, p]
    if pad_value is not None:
        ins.append(b.add_constant("value", np.array(pad_value, dtype), dtype, **q))
    elif extra == "variable":
        ins.append(b.add_input("value", (), dtype, **q))
    y = b.add_output("y", out_shape, dtype, **q)
    b.add_operator(op, ins, [y])
    return b.build()


@requires_tflm
@settings(max_examples=40, deadline=None)
@given(case=pad_case(), dtype=st.sampled_from(["float32", "int8", "int16", "int32"]), seed=seeds, data_=st.data())
def test_pad_matches_tflm(case, dtype, seed, data_):
    shape, pads = case
    q = {}
    if dtype in ("int8", "int16"):
        q = {"scale": data_.draw(scales()), "zero_point": data_.draw(zero_points(dtype))}
    model = pad_model("PAD", shape, pads, dtype, q)
    compare_with_tflm(model, [[data(shape, dtype, np.random.default_rng(seed))]])


@requires_tflm
@pytest.mark.parametrize("name", [f"pad{i}" for i in range(0, 20, 2)])
def test_seanet_pad_models_match_tflm(name):
    model = model_path(f"tflite-micro-seanet/{name}.tflite").read_bytes()
    mi = Interpreter.from_bytes(model)
    rng = np.random.default_rng(len(name))
    compare_with_tflm(model, [[random_input(mi.get_input_details(i), rng) for i in range(mi.num_inputs)]])
