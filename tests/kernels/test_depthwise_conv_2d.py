"""DEPTHWISE_CONV_2D vs TFLM (tolerance 0): int8 (per-channel and per-tensor),
int16x8 (int64 bias), float32; depth multipliers 1-3 (4-8 on 1-3 input channels), strides, dilations,
SAME/VALID padding, optional bias, fused activations, extreme scales and
zero points.

Drawing and model building are shared with the CONV_2D tests (``conv_cases``);
only configurations TFLM accepts are drawn (in_channels * depth_multiplier ==
out_channels too), because an invalid one can crash the oracle and with it pytest.
"""

import conv_cases
import numpy as np
import pytest
from conv_cases import conv_model, input_shape, random_bias, two_invocations, window_geometry
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import ACTIVATIONS, int_array, seeds

from microinterp import Interpreter
from microinterp.errors import UnsupportedOpError


@st.composite
def geometry(draw) -> dict:
    """A window (see ``conv_cases``) with 1-16 input channels and a depth multiplier of 1-3,
    or 1-3 input channels and a multiplier of 4-8 (``bind``'s per-channel GEMM path)."""
    g = draw(window_geometry())
    in_c, multiplier = draw(st.one_of(st.tuples(st.integers(1, 16), st.integers(1, 3)),
                                      st.tuples(st.integers(1, 3), st.integers(4, 8))))
    g.update(batch=draw(st.integers(1, 2)), in_c=in_c, out_c=in_c * multiplier)
    g["options"].update(depth_multiplier=multiplier, fused_activation_function=draw(st.sampled_from(ACTIVATIONS)))
    return g


def quantization(g: dict, act_dtype: str) -> st.SearchStrategy[dict]:
    return conv_cases.quantization(g["out_c"], g["kh"] * g["kw"], act_dtype)


def build_depthwise(g: dict, act_dtype: str, weights: np.ndarray, bias: np.ndarray | None, bias_mode: str,
                    q: dict | None) -> bytes:
    return conv_model("DEPTHWISE_CONV_2D", g, act_dtype, weights, bias, bias_mode, q, filter_channel_dim=3)


def bias_modes() -> st.SearchStrategy[str]:
    # Not "optional" (bias index -1): TFLM's depthwise prepare then frees a null
    # temp tensor and segfaults; see test_depthwise_optional_bias_index.
    return st.sampled_from(["bias", "bias", "absent"])


def filter_shape(g: dict) -> tuple[int, int, int, int]:
    return (1, g["kh"], g["kw"], g["out_c"])


@requires_tflm
@settings(max_examples=50, deadline=None)
@given(st.data(), seeds)
def test_depthwise_int8_matches_tflm(data, seed):
    g = data.draw(geometry())
    q = data.draw(quantization(g, "int8"))
    bias_mode = data.draw(bias_modes())
    rng = np.random.default_rng(seed)
    weights = int_array(rng, filter_shape(g), "int8")
    bias = random_bias(rng, g, "int32", bias_mode)
    model = build_depthwise(g, "int8", weights, bias, bias_mode, q)
    compare_with_tflm(model, two_invocations(rng, g, "int8"))


@requires_tflm
@settings(max_examples=40, deadline=None)
@given(st.data(), seeds)
def test_depthwise_int16x8_matches_tflm(data, seed):
    g = data.draw(geometry())
    q = data.draw(quantization(g, "int16"))
    bias_mode = data.draw(bias_modes())
    rng = np.random.default_rng(seed)
    weights = int_array(rng, filter_shape(g), "int8")
    bias = random_bias(rng, g, "int64", bias_mode, 2**36)
    model = build_depthwise(g, "int16", weights, bias, bias_mode, q)
    compare_with_tflm(model, two_invocations(rng, g, "int16"))


@requires_tflm
@settings(max_examples=40, deadline=None)
@given(st.data(), seeds)
def test_depthwise_float32_matches_tflm(data, seed):
    g = data.draw(geometry())
    bias_mode = data.draw(bias_modes())
    rng = np.random.default_rng(seed)
    weights = rng.uniform(-1, 1, size=filter_shape(g)).astype(np.float32)
    bias = random_bias(rng, g, "float32", bias_mode)
    model = build_depthwise(g, "float32", weights, bias, bias_mode, None)
    compare_with_tflm(model, two_invocations(rng, g, "float32"))


@requires_tflm
@pytest.mark.parametrize("dtype", ["int8", "int16", "float32"])
def test_depthwise_optional_bias_index(dtype):
    """A bias input of index -1 means "no bias". TFLM crashes on it in prepare
    (``CalculateOpDataDepthwiseConv`` deallocates the null bias because it
    counts 3 inputs), so microinterp's result on that model is checked against
    TFLM running the same op with the bias input left out."""
    g = dict(batch=2, in_h=6, in_w=5, in_c=3, out_c=6, out_h=3, out_w=5, kh=3, kw=2,
             options=dict(padding="SAME", stride_h=2, stride_w=1, depth_multiplier=2,
                          fused_activation_function="RELU6"))
    rng = np.random.default_rng(3)
    if dtype == "float32":
        q, weights = None, rng.uniform(-1, 1, size=filter_shape(g)).astype(np.float32)
        x = rng.uniform(-4, 4, size=input_shape(g)).astype(np.float32)
    else:
        q = dict(in_scale=0.02, in_zp=-5 if dtype == "int8" else 0,
                 filter_scales=rng.uniform(0.005, 0.02, size=6).astype(np.float32),
                 out_scale=0.03, out_zp=7 if dtype == "int8" else 0)
        weights, x = int_array(rng, filter_shape(g), "int8"), int_array(rng, input_shape(g), dtype)
    reference = compare_with_tflm(build_depthwise(g, dtype, weights, None, "absent", q), [[x]])
    mi = Interpreter.from_bytes(build_depthwise(g, dtype, weights, None, "optional", q))
    mi.set_input(x, 0)
    mi.invoke()
    assert np.array_equal(mi.get_output(0), reference.get_output(0))


def test_depthwise_int16_with_int32_bias_is_refused():
    """TFLM's int16 depthwise reads the bias as int64 whatever its type, so an
    int32 bias would be misread there; microinterp refuses it with a clear error
    (not run in TFLM: it would read past the end of the bias buffer)."""
    g = dict(batch=1, in_h=4, in_w=4, in_c=2, out_c=2, out_h=4, out_w=4, kh=3, kw=3,
             options=dict(padding="SAME", stride_h=1, stride_w=1, depth_multiplier=1))
    q = dict(in_scale=0.01, in_zp=0, filter_scales=np.array([0.02], np.float32), out_scale=0.05, out_zp=0)
    model = build_depthwise(g, "int16", np.ones(filter_shape(g), np.int8), np.zeros(2, np.int32), "bias", q)
    with pytest.raises(UnsupportedOpError, match="int64"):
        Interpreter.from_bytes(model)


@requires_tflm
def test_depthwise_float_infinite_weight_skips_padding_like_tflm():
    """TFLM skips taps outside the image instead of multiplying a zero pad, which
    matters once a weight is infinite (0 * inf = NaN): border outputs stay finite."""
    g = dict(batch=1, in_h=5, in_w=6, in_c=2, out_c=4, out_h=5, out_w=6, kh=3, kw=3,
             options=dict(padding="SAME", stride_h=1, stride_w=1, depth_multiplier=2))
    rng = np.random.default_rng(12)
    weights = rng.uniform(-1, 1, size=filter_shape(g)).astype(np.float32)
    weights[0, 2, 2, :] = np.inf  # the bottom-right tap reads the padding for the last row/column
    x = rng.uniform(0.5, 4, size=input_shape(g)).astype(np.float32)  # no zeros: inf * x stays inf
    compare_with_tflm(build_depthwise(g, "float32", weights, None, "absent", None), [[x]])


@settings(max_examples=60, deadline=None)
@given(window_geometry(), st.integers(1, 2), st.integers(1, 3))
def test_tap_groups_are_the_taps(g, batch, channels):
    """``taps.TapPlanes.groups`` (the integer tap sums' einsum operands): every tap appears in
    exactly one group, as one regular strided view per plane (no per-tap fallback), and each
    slice of a group is that tap's own view."""
    from microinterp.kernels.padding import PaddingValues, Window
    from microinterp.kernels.taps import TapPlanes

    o = g["options"]
    pad = PaddingValues(((g["out_h"] - 1) * o["stride_h"] + (g["kh"] - 1) * o["dilation_h_factor"] + 1 - g["in_h"]) // 2
                        if o["padding"] == "SAME" else 0,
                        ((g["out_w"] - 1) * o["stride_w"] + (g["kw"] - 1) * o["dilation_w_factor"] + 1 - g["in_w"]) // 2
                        if o["padding"] == "SAME" else 0)
    pad = PaddingValues(max(pad.height, 0), max(pad.width, 0))
    win = Window.create((g["in_h"], g["in_w"]), (g["out_h"], g["out_w"]), (g["kh"], g["kw"]),
                        (o["stride_h"], o["stride_w"]), (o["dilation_h_factor"], o["dilation_w_factor"]), pad)
    planes = TapPlanes(win, batch, channels, np.float32)
    planes.buffer[...] = np.arange(planes.buffer.size, dtype=np.float32).reshape(planes.buffer.shape)
    groups = planes.groups()
    seen = sorted(t for _, indices in groups for t in indices)
    assert seen == list(range(g["kh"] * g["kw"]))
    planes_read = {(fy * o["dilation_h_factor"] % o["stride_h"], fx * o["dilation_w_factor"] % o["stride_w"])
                   for fy in range(g["kh"]) for fx in range(g["kw"])}
    assert len(groups) == len(planes_read)
    for view, indices in groups:
        for k, t in enumerate(indices):
            tap = view[k // view.shape[1], k % view.shape[1]]
            assert np.shares_memory(tap, planes.buffer) and np.array_equal(tap, planes.taps[t])


@requires_tflm
@pytest.mark.parametrize("case", conv_cases.raw_input_route_cases())
def test_depthwise_raw_input_route_matches_tflm(case, monkeypatch):
    """As ``test_conv_raw_input_route_matches_tflm``: the tap sums of the raw input, padded
    with the input zero point, that folded into the bias; the route is checked to be taken."""
    conv_cases.check_raw_input_route("DEPTHWISE_CONV_2D", case, monkeypatch)
