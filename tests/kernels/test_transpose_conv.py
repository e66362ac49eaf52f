"""TRANSPOSE_CONV vs TFLM: int8 (per-channel and per-tensor filters), int16x8 (int64,
int16 or no bias), float32 (TFLM's scatter order), SAME/VALID padding, strides 1-3,
every output size the converter can declare, fused activations; plus the seanet
int16 models with TFLM's golden CSVs."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, model_path, requires_tflm
from strategies import ACTIVATIONS, scales, seeds, zero_points

from microinterp.builder import ModelBuilder


@st.composite
def geometry(draw):
    n = draw(st.integers(1, 2))
    h, w = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    ic, oc = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    sh, sw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    padding = draw(st.sampled_from(["SAME", "VALID"]))

    def out_size(i, k, s):
        # every size whose forward conv gives back i (what a converter may declare)
        if padding == "SAME":
            return draw(st.integers((i - 1) * s + 1, i * s))
        return draw(st.integers((i - 1) * s + k, (i - 1) * s + k + s - 1))

    oh, ow = out_size(h, kh, sh), out_size(w, kw, sw)
    return (n, h, w, ic), (oc, kh, kw, ic), (n, oh, ow, oc), (sh, sw), padding


def _build(in_shape, w_shape, out_shape, strides, padding, act, dtype, wdata, bias, q):
    b = ModelBuilder()
    shape_t = b.add_constant("output_shape", np.array(out_shape, np.int32))
    w = b.add_constant("filter", wdata, **q.get("w", {}))
    x = b.add_input("x", in_shape, dtype, **q.get("x", {}))
    ins = [shape_t, w, x]
    if bias is not None:
        ins.append(b.add_constant("bias", bias, **q.get("b", {})))
    y = b.add_output("y", out_shape, dtype, **q.get("y", {}))
    b.add_operator("TRANSPOSE_CONV", ins, [y], padding=padding, stride_h=strides[0], stride_w=strides[1],
                   fused_activation_function=act)
    return b.build()


@requires_tflm
@settings(max_examples=30, deadline=None)
@given(geo=geometry(), act=st.sampled_from(ACTIVATIONS), per_channel=st.booleans(), has_bias=st.booleans(),
       in_scale=scales(-10, 0), in_zp=zero_points("int8"), out_scale=scales(-8, 2), out_zp=zero_points("int8"),
       seed=seeds)
def test_transpose_conv_int8_matches_tflm(geo, act, per_channel, has_bias, in_scale, in_zp, out_scale, out_zp,
                                          seed):
    in_shape, w_shape, out_shape, strides, padding = geo
    rng = np.random.default_rng(seed)
    oc = w_shape[0]
    w_scale = rng.uniform(0.002, 0.05, oc if per_channel else 1).astype(np.float32)
    wdata = rng.integers(-127, 127, size=w_shape, endpoint=True).astype(np.int8)
    bias = rng.integers(-5000, 5000, size=oc).astype(np.int32) if has_bias else None
    q = {"x": {"scale": in_scale, "zero_point": in_zp}, "y": {"scale": out_scale, "zero_point": out_zp},
         "w": {"scale": w_scale, "zero_point": 0, "quantized_dimension": 0},
         "b": {"scale": in_scale * w_scale, "zero_point": 0}}
    model = _build(in_shape, w_shape, out_shape, strides, padding, act, "int8", wdata, bias, q)
    x = rng.integers(-128, 127, size=in_shape, endpoint=True).astype(np.int8)
    compare_with_tflm(model, [[x]])


@requires_tflm
@settings(max_examples=25, deadline=None)
@given(geo=geometry(), act=st.sampled_from(ACTIVATIONS), bias_kind=st.sampled_from(["int64", "int16", None]),
       in_scale=scales(-14, -4), out_scale=scales(-12, -2), seed=seeds)
def test_transpose_conv_int16x8_matches_tflm(geo, act, bias_kind, in_scale, out_scale, seed):
    in_shape, w_shape, out_shape, strides, padding = geo
    rng = np.random.default_rng(seed)
    oc = w_shape[0]
    w_scale = rng.uniform(0.002, 0.05, oc).astype(np.float32)
    wdata = rng.integers(-127, 127, size=w_shape, endpoint=True).astype(np.int8)
    bias = None
    if bias_kind == "int64":
        bias = rng.integers(-(2**20), 2**20, size=oc).astype(np.int64)
    elif bias_kind == "int16":
        bias = rng.integers(-32768, 32767, size=oc, endpoint=True).astype(np.int16)
    q = {"x": {"scale": in_scale, "zero_point": 0}, "y": {"scale": out_scale, "zero_point": 0},
         "w": {"scale": w_scale, "zero_point": 0, "quantized_dimension": 0},
         "b": {"scale": in_scale * w_scale, "zero_point": 0}}
    model = _build(in_shape, w_shape, out_shape, strides, padding, act, "int16", wdata, bias, q)
    x = rng.integers(-32768, 32767, size=in_shape, endpoint=True).astype(np.int16)
    compare_with_tflm(model, [[x]])


@requires_tflm
@settings(max_examples=25, deadline=None)
@given(geo=geometry(), act=st.sampled_from(ACTIVATIONS), has_bias=st.booleans(), seed=seeds)
def test_transpose_conv_float_matches_tflm(geo, act, has_bias, seed):
    in_shape, w_shape, out_shape, strides, padding = geo
    rng = np.random.default_rng(seed)
    wdata = rng.standard_normal(w_shape).astype(np.float32)
    bias = rng.standard_normal(w_shape[0]).astype(np.float32) if has_bias else None
    model = _build(in_shape, w_shape, out_shape, strides, padding, act, "float32", wdata, bias, {})
    x = (rng.standard_normal(in_shape) * 3).astype(np.float32)
    compare_with_tflm(model, [[x]])


def _csv(path) -> np.ndarray:
    return np.array([int(v) for v in path.read_text().replace("\n", ",").split(",") if v.strip()])


@requires_tflm
@pytest.mark.parametrize("name", ["transpose_conv0", "transpose_conv2", "transpose_conv4"])
def test_seanet_transpose_conv_int16(name):
    """The seanet int16 models: output_shape arrives as a graph *input* (int32), which
    TFLM ignores; we match TFLM and TFLM's own golden output CSV."""
    model = model_path(f"tflite-micro-seanet/{name}.tflite")
    shape_in = _csv(model.with_name(f"{name}_input0_int32.csv")).astype(np.int32)
    x = _csv(model.with_name(f"{name}_input1_int16.csv")).astype(np.int16)
    golden = _csv(model.with_name(f"{name}_golden_int16.csv")).astype(np.int16)
    mi = compare_with_tflm(model.read_bytes(), [[shape_in, x.reshape(mi_shape(model, 1))]])
    assert np.array_equal(mi.get_output(0).ravel(), golden)


def mi_shape(model, index: int) -> tuple[int, ...]:
    from microinterp.model import load_model

    m = load_model(str(model))
    return m.main.tensors[m.main.inputs[index]].shape
