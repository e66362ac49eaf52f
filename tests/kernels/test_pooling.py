"""AVERAGE_POOL_2D and MAX_POOL_2D vs TFLM (tolerance 0): int8, int16 and
float32; SAME/VALID padding, strides, filter sizes (including filters larger
than the image under SAME padding and filters smaller than the stride),
batches, fused activations, extreme scales and zero points at the range ends.
Float max pooling also gets NaN and +/-inf inputs (TFLM's ``std::max``
ignores NaN).

Only configurations TFLM accepts are drawn: input and output share scale and
zero point, and a VALID window fits the image.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import ACTIVATIONS, int_array, scales, seeds, zero_points

from microinterp import Interpreter
from microinterp.builder import ModelBuilder


@st.composite
def pool_case(draw) -> dict:
    fh, fw = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    sh, sw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    padding = draw(st.sampled_from(["SAME", "VALID"]))
    in_h, in_w = draw(st.integers(1, 10)), draw(st.integers(1, 10))
    if padding == "VALID":
        in_h, in_w = max(in_h, fh), max(in_w, fw)
        out_h, out_w = (in_h - fh) // sh + 1, (in_w - fw) // sw + 1
    else:
        out_h, out_w = -(-in_h // sh), -(-in_w // sw)
    dtype = draw(st.sampled_from(["int8", "int16", "float32"]))
    case = dict(n=draw(st.integers(1, 2)), in_h=in_h, in_w=in_w, c=draw(st.integers(1, 6)), out_h=out_h,
                out_w=out_w, dtype=dtype, options=dict(
                    padding=padding, stride_h=sh, stride_w=sw, filter_height=fh, filter_width=fw,
                    fused_activation_function=draw(st.sampled_from(ACTIVATIONS))))
    if dtype != "float32":
        case.update(scale=draw(scales(-12, 2)), zero_point=draw(zero_points(dtype)))
    return case


def build(op: str, case: dict, rng: np.random.Generator, special: bool) -> tuple[bytes, np.ndarray]:
    b = ModelBuilder()
    q = {} if case["dtype"] == "float32" else dict(scale=case["scale"], zero_point=case["zero_point"])
    in_shape = (case["n"], case["in_h"], case["in_w"], case["c"])
    x = b.add_input("x", in_shape, case["dtype"], **q)
    y = b.add_output("y", (case["n"], case["out_h"], case["out_w"], case["c"]), case["dtype"], **q)
    b.add_operator(op, [x], [y], **case["options"])
    if case["dtype"] == "float32":
        data = rng.uniform(-8, 8, in_shape).astype(np.float32)
        if special:  # sprinkle NaN and infinities (max pooling only: an average would propagate NaN)
            mask = rng.random(in_shape)
            data[mask < 0.1] = np.nan
            data[(mask >= 0.1) & (mask < 0.15)] = np.inf
            data[(mask >= 0.15) & (mask < 0.2)] = -np.inf
    else:
        data = int_array(rng, in_shape, case["dtype"])
    return b.build(), data


@requires_tflm
@settings(max_examples=45, deadline=None)
@given(pool_case(), seeds)
def test_average_pool_matches_tflm(case, seed):
    model, data = build("AVERAGE_POOL_2D", case, np.random.default_rng(seed), special=False)
    compare_with_tflm(model, [[data]])


@requires_tflm
@settings(max_examples=45, deadline=None)
@given(pool_case(), seeds, st.booleans())
def test_max_pool_matches_tflm(case, seed, special):
    model, data = build("MAX_POOL_2D", case, np.random.default_rng(seed), special)
    # With NaN inputs the graph-input tensor itself fails np.array_equal (NaN != NaN), so only the
    # output (never NaN here) is compared; the model has no other tensor.
    compare_with_tflm(model, [[data]], check_intermediates=not special)


@requires_tflm
def test_average_pool_global_window():
    """A KWS-style global average over a 25x5 int8 map (125 taps, odd count rounding)."""
    rng = np.random.default_rng(3)
    b = ModelBuilder()
    x = b.add_input("x", (1, 25, 5, 64), "int8", scale=0.05, zero_point=-128)
    y = b.add_output("y", (1, 1, 1, 64), "int8", scale=0.05, zero_point=-128)
    b.add_operator("AVERAGE_POOL_2D", [x], [y], padding="VALID", stride_h=25, stride_w=5, filter_height=25,
                   filter_width=5)
    compare_with_tflm(b.build(), [[int_array(rng, (1, 25, 5, 64), "int8")]])


@requires_tflm
@pytest.mark.parametrize("op", ["MAX_POOL_2D", "AVERAGE_POOL_2D"])
def test_float_pooling_keeps_tflm_bits(op):
    """Float pooling matches TFLM bit for bit, not just by value: windows of +0.0/-0.0 ties (the
    running std::max keeps the first of equal values) and RELU of -0.0 keep the sign of zero."""
    from oracle import tflm_runtime

    rng = np.random.default_rng(9)
    data = rng.choice(np.array([0.0, -0.0, -0.0, 1.5, -2.0], np.float32), (1, 6, 6, 3))
    for act in ACTIVATIONS:
        b = ModelBuilder()
        x = b.add_input("x", data.shape, "float32")
        y = b.add_output("y", (1, 3, 3, 3), "float32")
        b.add_operator(op, [x], [y], padding="SAME", stride_h=2, stride_w=2, filter_height=2, filter_width=3,
                       fused_activation_function=act)
        model = b.build()
        mi = Interpreter.from_bytes(model)
        tf = tflm_runtime.Interpreter.from_bytes(model, arena_size=1 << 16)
        for it in (mi, tf):
            it.set_input(data, 0)
            it.invoke()
        assert np.array_equal(mi.get_output(0).view(np.uint32), tf.get_output(0).view(np.uint32)), act
