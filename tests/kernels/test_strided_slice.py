"""STRIDED_SLICE vs TFLM, tolerance 0: ranks 1..4, begin/end anywhere in
[-size-2, size+2] (clamping), strides -3..3, random begin/end/shrink masks,
all five TFLM types; plus every seanet ``strided_slice*`` int16 model.
Expected output shapes come from Python's own slice semantics, not the kernel.

Hypothesis examples: 50.
"""

import numpy as np
import pytest
from broadcast_cases import data
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, model_path, random_input, requires_tflm
from strategies import scales, seeds, zero_points

from microinterp import Interpreter
from microinterp.builder import ModelBuilder


@st.composite
def slice_case(draw):
    rank = draw(st.integers(1, 4))
    shape = tuple(draw(st.lists(st.integers(1, 6), min_size=rank, max_size=rank)))
    begin, end, strides, out_shape = [], [], [], []
    begin_mask, end_mask, shrink_mask = (draw(st.integers(0, 2**rank - 1)) for _ in range(3))
    for axis, size in enumerate(shape):
        if shrink_mask >> axis & 1:
            b = draw(st.integers(-size, size - 1))
            begin.append(b), end.append(b + 1), strides.append(1)
            begin_mask &= ~(1 << axis)
            continue
        b, e = draw(st.integers(-size - 2, size + 2)), draw(st.integers(-size - 2, size + 2))
        s = draw(st.sampled_from([-3, -2, -1, 1, 2, 3]))
        begin.append(b), end.append(e), strides.append(s)
        py = slice(None if begin_mask >> axis & 1 else b, None if end_mask >> axis & 1 else e, s)
        out_shape.append(len(range(*py.indices(size))))
    assume(all(d > 0 for d in out_shape))
    return shape, begin, end, strides, begin_mask, end_mask, shrink_mask, tuple(out_shape)


@requires_tflm
@settings(max_examples=50, deadline=None)
@given(case=slice_case(), dtype=st.sampled_from(["float32", "int8", "int16", "int32", "bool"]), seed=seeds,
       data_=st.data())
def test_strided_slice_matches_tflm(case, dtype, seed, data_):
    shape, begin, end, strides, begin_mask, end_mask, shrink_mask, out_shape = case
    q = {}
    if dtype in ("int8", "int16"):
        q = {"scale": data_.draw(scales()), "zero_point": data_.draw(zero_points(dtype))}
    b = ModelBuilder()
    x = b.add_input("x", shape, dtype, **q)
    consts = [b.add_constant(n, np.array(v, np.int32)) for n, v in (("begin", begin), ("end", end), ("strides", strides))]
    y = b.add_output("y", out_shape, dtype, **q)
    b.add_operator("STRIDED_SLICE", [x, *consts], [y], begin_mask=begin_mask, end_mask=end_mask,
                   shrink_axis_mask=shrink_mask)
    rng = np.random.default_rng(seed)
    x_data = rng.integers(0, 2, size=shape).astype(bool) if dtype == "bool" else data(shape, dtype, rng)
    compare_with_tflm(b.build(), [[x_data]])


@requires_tflm
@pytest.mark.parametrize("name", [f"strided_slice{i}" for i in range(0, 34, 2)])
def test_seanet_strided_slice_models_match_tflm(name):
    model = model_path(f"tflite-micro-seanet/{name}.tflite").read_bytes()
    mi = Interpreter.from_bytes(model)
    rng = np.random.default_rng(len(name))
    compare_with_tflm(model, [[random_input(mi.get_input_details(i), rng) for i in range(mi.num_inputs)]])


@requires_tflm
@pytest.mark.parametrize("options", [{"offset": True}, {"ellipsis_mask": 1}, {"new_axis_mask": 1}],
                         ids=["offset", "ellipsis_mask", "new_axis_mask"])
def test_strided_slice_ignores_what_tflm_ignores(options):
    """TFLM's BuildStridedSliceParams drops offset, ellipsis_mask and new_axis_mask."""
    b = ModelBuilder()
    x = b.add_input("x", (2, 6), "int8", scale=0.5, zero_point=3)
    consts = [b.add_constant(n, np.array(v, np.int32)) for n, v in (("begin", [0, 1]), ("end", [2, 3]),
                                                                      ("strides", [1, 1]))]
    y = b.add_output("y", (2, 2), "int8", scale=0.5, zero_point=3)
    b.add_operator("STRIDED_SLICE", [x, *consts], [y], **options)
    compare_with_tflm(b.build(), [[np.arange(12, dtype=np.int8).reshape(2, 6)]])
