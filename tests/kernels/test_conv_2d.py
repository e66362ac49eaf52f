"""CONV_2D vs TFLM (tolerance 0): int8 (per-channel and per-tensor), int16x8
(int64 and int32 bias), float32; strides, dilations, SAME/VALID padding,
grouped convolution, optional bias, fused activations, extreme scales and
zero points. Plus the int16 seanet CONV_2D models with full-range inputs.

Drawing and model building are shared with the depthwise tests (``conv_cases``).
"""

import glob
import zlib

import conv_cases
import numpy as np
import pytest
from conv_cases import conv_model, random_bias, two_invocations, window_geometry
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import MODELS_DIR, compare_with_tflm, model_path, requires_tflm, tflm_runtime
from strategies import ACTIVATIONS, int_array, seeds

from microinterp import Interpreter
from microinterp.builder import ModelBuilder
from microinterp.errors import UnsupportedOpError


@st.composite
def geometry(draw) -> dict:
    """A window (see ``conv_cases``) with 1-4 groups of 1-16 channels in and out."""
    g = draw(window_geometry())
    groups = draw(st.sampled_from([1, 1, 1, 2, 3, 4]))
    filter_c = draw(st.integers(1, 16 // groups))
    out_c = groups * draw(st.integers(1, 16 // groups))
    g.update(batch=draw(st.integers(1, 2)), in_c=groups * filter_c, filter_c=filter_c, out_c=out_c)
    g["options"]["fused_activation_function"] = draw(st.sampled_from(ACTIVATIONS))
    return g


def quantization(g: dict, act_dtype: str) -> st.SearchStrategy[dict]:
    return conv_cases.quantization(g["out_c"], g["kh"] * g["kw"] * g["filter_c"], act_dtype)


def build_conv(g: dict, act_dtype: str, weights: np.ndarray, bias: np.ndarray | None, bias_mode: str,
               q: dict | None) -> bytes:
    return conv_model("CONV_2D", g, act_dtype, weights, bias, bias_mode, q, filter_channel_dim=0)


def bias_mode_strategy() -> st.SearchStrategy[str]:
    return st.sampled_from(["bias", "bias", "bias", "optional", "absent"])


@requires_tflm
@settings(max_examples=50, deadline=None)
@given(st.data(), seeds)
def test_conv_int8_matches_tflm(data, seed):
    g = data.draw(geometry())
    q = data.draw(quantization(g, "int8"))
    bias_mode = data.draw(bias_mode_strategy())
    rng = np.random.default_rng(seed)
    weights = int_array(rng, (g["out_c"], g["kh"], g["kw"], g["filter_c"]), "int8")
    bias = random_bias(rng, g, "int32", bias_mode)
    model = build_conv(g, "int8", weights, bias, bias_mode, q)
    compare_with_tflm(model, two_invocations(rng, g, "int8"))


@requires_tflm
@settings(max_examples=40, deadline=None)
@given(st.data(), seeds)
def test_conv_int16x8_matches_tflm(data, seed):
    g = data.draw(geometry())
    q = data.draw(quantization(g, "int16"))
    bias_mode = data.draw(bias_mode_strategy())
    bias_dtype = data.draw(st.sampled_from(["int64", "int64", "int32"]))
    if bias_mode != "bias" and bias_dtype == "int32":
        g["options"]["quantized_bias_type"] = 2  # TensorType.INT32: without a bias the option picks int32 sums
    rng = np.random.default_rng(seed)
    weights = int_array(rng, (g["out_c"], g["kh"], g["kw"], g["filter_c"]), "int8")
    # int32 accumulators: |sum| <= 400 * 128 * 32768 < 2**31 - 2**28, so no drawn case overflows
    limit = 2**28 if bias_dtype == "int32" else 2**36
    bias = random_bias(rng, g, bias_dtype, bias_mode, limit)
    model = build_conv(g, "int16", weights, bias, bias_mode, q)
    compare_with_tflm(model, two_invocations(rng, g, "int16"))


@requires_tflm
@settings(max_examples=40, deadline=None)
@given(st.data(), seeds)
def test_conv_float32_matches_tflm(data, seed):
    g = data.draw(geometry())
    bias_mode = data.draw(bias_mode_strategy())
    rng = np.random.default_rng(seed)
    weights = rng.uniform(-1, 1, size=(g["out_c"], g["kh"], g["kw"], g["filter_c"])).astype(np.float32)
    bias = random_bias(rng, g, "float32", bias_mode)
    model = build_conv(g, "float32", weights, bias, bias_mode, None)
    compare_with_tflm(model, two_invocations(rng, g, "float32"))


_TANH_GEOMETRY = dict(batch=1, in_h=5, in_w=4, in_c=3, filter_c=3, out_c=4, out_h=5, out_w=4, kh=3, kw=3,
                      options=dict(padding="SAME", stride_h=1, stride_w=1, fused_activation_function="TANH"))


@requires_tflm
@pytest.mark.parametrize("dtype", ["int8", "float32"])
def test_conv_fused_tanh_is_ignored_like_tflm(dtype):
    """TFLM's activation-range helpers fall through to the full range for TANH."""
    g = _TANH_GEOMETRY
    rng = np.random.default_rng(7)
    shape = (g["out_c"], g["kh"], g["kw"], g["filter_c"])
    if dtype == "int8":
        q = dict(in_scale=0.05, in_zp=-3, filter_scales=np.full(g["out_c"], 0.02, np.float32),
                 out_scale=0.01, out_zp=2)
        weights, x = int_array(rng, shape, "int8"), int_array(rng, (1, 5, 4, 3), "int8")
    else:
        q, weights = None, rng.uniform(-1, 1, size=shape).astype(np.float32)
        x = rng.uniform(-4, 4, size=(1, 5, 4, 3)).astype(np.float32)
    compare_with_tflm(build_conv(g, dtype, weights, None, "absent", q), [[x]])


_SEANET = sorted(p.rsplit("/", 1)[-1] for p in glob.glob(str(MODELS_DIR / "tflite-micro-seanet" / "conv*.tflite")))


@requires_tflm
@pytest.mark.parametrize("name", _SEANET or ["conv0.tflite"])
def test_seanet_int16_conv_models_match_tflm(name):
    """Real int16x8 CONV_2D layers (int64 bias, per-channel), full-range random inputs."""
    data = model_path(f"tflite-micro-seanet/{name}").read_bytes()
    shape = Interpreter.from_bytes(data).get_input_details(0)["shape"]
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    compare_with_tflm(data, [[int_array(rng, tuple(int(d) for d in shape), "int16")] for _ in range(2)])


@requires_tflm
def test_conv_uint8_is_rejected_like_tflm():
    """uint8 convolutions fail to prepare in TFLM; microinterp names the supported combinations."""
    b = ModelBuilder()
    x = b.add_input("x", (1, 4, 4, 2), "uint8", scale=0.1, zero_point=128)
    w = b.add_constant("w", np.ones((3, 3, 3, 2), np.uint8), scale=0.1, zero_point=128)
    y = b.add_output("y", (1, 4, 4, 3), "uint8", scale=0.1, zero_point=128)
    b.add_operator("CONV_2D", [x, w, -1], [y], padding="SAME", stride_h=1, stride_w=1)
    model = b.build()
    with pytest.raises(RuntimeError):
        tflm_runtime.Interpreter.from_bytes(model, arena_size=1 << 16)
    with pytest.raises(UnsupportedOpError, match="int8/int8"):
        Interpreter.from_bytes(model)


@requires_tflm
@pytest.mark.parametrize("activation", ["NONE", "RELU6"])
def test_conv_float_infinite_weight_skips_padding_like_tflm(activation):
    """TFLM skips taps outside the image instead of multiplying a zero pad, which
    matters once a weight is infinite (0 * inf = NaN): border outputs stay finite."""
    g = dict(batch=1, in_h=5, in_w=6, in_c=2, filter_c=2, out_c=3, out_h=5, out_w=6, kh=3, kw=3,
             options=dict(padding="SAME", stride_h=1, stride_w=1, fused_activation_function=activation))
    rng = np.random.default_rng(11)
    weights = rng.uniform(-1, 1, size=(3, 3, 3, 2)).astype(np.float32)
    weights[:, 0, 0, 0] = np.inf  # the top-left tap reads the padding for the first row/column
    x = rng.uniform(0.5, 4, size=(1, 5, 6, 2)).astype(np.float32)  # no zeros: inf * x stays inf
    mi = compare_with_tflm(build_conv(g, "float32", weights, None, "absent", None), [[x]])
    assert np.isfinite(mi.get_output(0)).all()  # inf sums clamp to +-FLT_MAX; a NaN would mean a padded tap


@requires_tflm
@pytest.mark.parametrize("case", conv_cases.raw_input_route_cases())
def test_conv_raw_input_route_matches_tflm(case, monkeypatch):
    """Layers whose input zero point is not 0 take the bound routes that sum the raw input,
    its zero point folded into the bias (``convolution.fold_input_zero_point``), and match
    TFLM; the route is checked to be the one taken."""
    conv_cases.check_raw_input_route("CONV_2D", case, monkeypatch)
