"""SPACE_TO_BATCH_ND vs TFLM, tolerance 0: 4-D (NHWC) and 3-D (NHC) inputs,
block shapes 1..3 per spatial axis, float32 and int8.

* Without padding every element and intermediate is compared (compare_with_tflm).
* With padding, TFLM writes the byte of an uninitialised field (see the kernel's
  docstring): 0 in a fresh arena, other bytes in an arena reused within this
  process, so only the copied elements are compared with TFLM here, bit for bit;
  the padding is checked to be microinterp's documented value (byte 0: +0.0 or
  int8 0, whatever the zero point). Where the padding falls is computed
  independently with TFLM's own loop. (tests/converter/ compares the padding too,
  with TFLM in a fresh arena.)

Hypothesis examples: 30 (no padding) + 40 (padding) = 70.
"""

import numpy as np
from batch_d_models import quant_params
from broadcast_cases import data
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm, tflm_runtime
from strategies import seeds

from microinterp import Interpreter
from microinterp.builder import ModelBuilder


@st.composite
def s2b_case(draw, padded: bool):
    rank = draw(st.sampled_from([3, 4]))
    spatial = rank - 2
    block = [draw(st.integers(1, 3)) for _ in range(spatial)]
    pads, in_sp, out_sp = [], [], []
    for b in block:
        if padded:
            d, top = draw(st.integers(1, 5)), draw(st.integers(0, 3))
            total = -(-(d + top) // b) * b + b * draw(st.integers(0, 1))
        else:
            d = b * draw(st.integers(1, 3))
            top, total = 0, d
        in_sp.append(d)
        pads.append([top, total - d - top])
        out_sp.append(total // b)
    n, c = draw(st.integers(1, 2)), draw(st.integers(1, 3))
    return (n, *in_sp, c), block, pads, (n * int(np.prod(block)), *out_sp, c)


def s2b_model(case, dtype, q):
    in_shape, block, pads, out_shape = case
    b = ModelBuilder()
    x = b.add_input("x", in_shape, dtype, **q)
    bs = b.add_constant("block_shape", np.array(block, np.int32))
    p = b.add_constant("paddings", np.array(pads, np.int32))
    y = b.add_output("y", out_shape, dtype, **q)
    b.add_operator("SPACE_TO_BATCH_ND", [x, bs, p], [y])
    return b.build()


def padding_mask(case):
    """True where TFLM's loop (reference_ops::SpaceToBatchND) writes padding."""
    in_shape, block, pads, out_shape = case
    bh, bw = block[0], block[1] if len(block) > 1 else 1
    top, left = pads[0][0], pads[1][0] if len(pads) > 1 else 0
    in_h, in_w = in_shape[1], in_shape[2] if len(in_shape) == 4 else 1
    out_b, out_h, out_w = out_shape[0], out_shape[1], out_shape[2] if len(out_shape) == 4 else 1
    mask = np.zeros((out_b, out_h, out_w), bool)
    for ob in range(out_b):
        shift_w = (ob // in_shape[0]) % bw
        shift_h = (ob // in_shape[0]) // bw
        for oh in range(out_h):
            for ow in range(out_w):
                y, x = oh * bh + shift_h, ow * bw + shift_w
                mask[ob, oh, ow] = not (top <= y < top + in_h and left <= x < left + in_w)
    return np.broadcast_to(mask[..., None], (out_b, out_h, out_w, out_shape[-1])).reshape(out_shape)


@requires_tflm
@settings(max_examples=30, deadline=None)
@given(case=s2b_case(padded=False), dtype=st.sampled_from(["float32", "int8"]), seed=seeds, data_=st.data())
def test_space_to_batch_nd_without_padding_matches_tflm(case, dtype, seed, data_):
    model = s2b_model(case, dtype, data_.draw(quant_params(dtype)))
    compare_with_tflm(model, [[data(case[0], dtype, np.random.default_rng(seed))]])


@requires_tflm
@settings(max_examples=40, deadline=None)
@given(case=s2b_case(padded=True), dtype=st.sampled_from(["float32", "int8"]), seed=seeds, data_=st.data())
def test_space_to_batch_nd_with_padding_matches_tflm_outside_the_padding(case, dtype, seed, data_):
    q = data_.draw(quant_params(dtype))
    model = s2b_model(case, dtype, q)
    x = data(case[0], dtype, np.random.default_rng(seed))
    mi = Interpreter.from_bytes(model)
    tf = tflm_runtime.Interpreter.from_bytes(model, arena_size=1 << 20)
    for it in (mi, tf):
        it.set_input(x, 0)
        it.invoke()
    got, want = mi.get_output(0), tf.get_output(0)
    mask = padding_mask(case)
    assert np.array_equal(got[~mask].view(np.uint8), want[~mask].view(np.uint8))
    pad_value = 0
    assert np.array_equal(got[mask], np.full(int(mask.sum()), pad_value, got.dtype))
    if dtype == "float32":  # +0.0, not -0.0
        assert not np.signbit(got[mask]).any()
