"""DEQUANTIZE vs TFLM (tolerance 0): int8, int16 and uint8 inputs over their
full range, scales from 2**-20 to 2**10 and zero points at the range ends."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import int_array, scales, seeds

from microinterp.builder import ModelBuilder


@st.composite
def dequantize_case(draw) -> dict:
    dtype = draw(st.sampled_from(["int8", "int16", "uint8"]))
    info = np.iinfo(dtype)
    zp = draw(st.one_of(st.sampled_from([int(info.min), int(info.max), 0]), st.integers(int(info.min), int(info.max))))
    return dict(dtype=dtype, shape=tuple(draw(st.lists(st.integers(1, 6), min_size=1, max_size=4))),
                scale=draw(scales(-20, 10)), zero_point=zp)


@requires_tflm
@settings(max_examples=40, deadline=None)
@given(dequantize_case(), seeds)
def test_dequantize_matches_tflm(case, seed):
    b = ModelBuilder()
    x = b.add_input("x", case["shape"], case["dtype"], scale=case["scale"], zero_point=case["zero_point"])
    y = b.add_output("y", case["shape"], "float32")
    b.add_operator("DEQUANTIZE", [x], [y])
    compare_with_tflm(b.build(), [[int_array(np.random.default_rng(seed), case["shape"], case["dtype"])]])
