"""Shared drawing and model building for the CONV_2D and DEPTHWISE_CONV_2D tests.

Only configurations TFLM accepts are drawn (a VALID window never exceeds the
image, the effective output scale stays in the range TFLM's 64-bit rescale
assumes), because an invalid one can crash the oracle and with it pytest.
A geometry is a dict: ``batch, in_h, in_w, in_c, out_h, out_w, out_c, kh, kw``
(plus ``filter_c`` for CONV_2D) and the op's ``options``.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from strategies import int_array, scales, zero_points

from microinterp.builder import ModelBuilder


@st.composite
def window_geometry(draw) -> dict:
    """Filter size, dilation, stride, padding and image size, with the output size
    TFLM computes for them (at least 1x1)."""
    kh, kw = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    dh, dw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    sh, sw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    padding = draw(st.sampled_from(["SAME", "VALID"]))
    in_h, in_w = draw(st.integers(1, 12)), draw(st.integers(1, 12))
    if padding == "VALID":  # keep the dilated window inside the image
        in_h, in_w = max(in_h, (kh - 1) * dh + 1), max(in_w, (kw - 1) * dw + 1)
        out_h, out_w = (in_h - (kh - 1) * dh - 1) // sh + 1, (in_w - (kw - 1) * dw - 1) // sw + 1
    else:
        out_h, out_w = -(-in_h // sh), -(-in_w // sw)
    return dict(in_h=in_h, in_w=in_w, out_h=out_h, out_w=out_w, kh=kh, kw=kw, options=dict(
        padding=padding, stride_h=sh, stride_w=sw, dilation_h_factor=dh, dilation_w_factor=dw))


@st.composite
def quantization(draw, channels: int, depth: int, act_dtype: str) -> dict:
    """Input/filter/output scales and zero points (including the range ends) for a
    convolution with ``channels`` outputs that sums ``depth`` products each.

    Three cases in four are "useful": the output scale leaves RELU6 /
    RELU_N1_TO_1 several quantization steps, and the effective scale
    ``in * filter / out`` is within 16x of the one that maps the typical
    accumulator of random full-range data (about ``sqrt(depth) * 85`` output
    steps, for int8 and int16 alike) onto the output range, so outputs spread
    over it. The fourth case is extreme: any output scale in [2**-12, 8] and
    an effective scale anywhere in [2**-30, 16] (outputs all at the zero
    point, or all saturated)."""
    extreme = draw(st.integers(0, 3)) == 0
    n = channels if draw(st.booleans()) else 1
    filter_scales = np.array([draw(scales(-10, 0)) for _ in range(n)], np.float32)
    if extreme:
        out_scale, factor = draw(scales(-12, 2)), draw(scales(-4, 29))
    else:
        out_scale = draw(scales(-10, -3))
        factor = float(np.sqrt(depth) * 85.0 * 2.0 ** draw(st.floats(-4, 4)))
    in_scale = float(np.float32(out_scale / (float(filter_scales.max()) * factor)))
    return dict(
        in_scale=in_scale, in_zp=draw(zero_points(act_dtype)), filter_scales=filter_scales,
        out_scale=out_scale, out_zp=draw(zero_points(act_dtype)),
    )


def input_shape(g: dict) -> tuple[int, int, int, int]:
    return (g["batch"], g["in_h"], g["in_w"], g["in_c"])


def random_bias(rng: np.random.Generator, g: dict, dtype: str, bias_mode: str,
                limit: int = 2**20) -> np.ndarray | None:
    """The bias for ``bias_mode`` "bias" (None otherwise, drawing nothing): ``g["out_c"]``
    float32 values in [-2, 2), or integers in [-limit, limit) as ``dtype``."""
    if bias_mode != "bias":
        return None
    if dtype == "float32":
        return rng.uniform(-2, 2, size=g["out_c"]).astype(np.float32)
    return rng.integers(-limit, limit, size=g["out_c"]).astype(dtype)


def two_invocations(rng: np.random.Generator, g: dict, act_dtype: str) -> list[list[np.ndarray]]:
    """Inputs of two invocations: full-range integers, or float32 values in [-4, 4)."""
    if act_dtype == "float32":
        return [[rng.uniform(-4, 4, size=input_shape(g)).astype(np.float32)] for _ in range(2)]
    return [[int_array(rng, input_shape(g), act_dtype)] for _ in range(2)]


def conv_model(op: str, g: dict, act_dtype: str, weights: np.ndarray, bias: np.ndarray | None, bias_mode: str,
               q: dict | None, filter_channel_dim: int) -> bytes:
    """A one-op CONV_2D / DEPTHWISE_CONV_2D model; ``q`` None means float32.
    ``bias_mode`` "optional" (with no bias) passes the bias input as index -1,
    "absent" leaves it out; per-channel filter scales run along ``filter_channel_dim``."""
    b = ModelBuilder()
    out_shape = (g["batch"], g["out_h"], g["out_w"], g["out_c"])
    if q is None:
        x = b.add_input("x", input_shape(g), act_dtype)
        w = b.add_constant("w", weights)
        y = b.add_output("y", out_shape, act_dtype)
    else:
        x = b.add_input("x", input_shape(g), act_dtype, scale=q["in_scale"], zero_point=q["in_zp"])
        w = b.add_constant("w", weights, scale=q["filter_scales"], zero_point=0,
                           quantized_dimension=filter_channel_dim)
        y = b.add_output("y", out_shape, act_dtype, scale=q["out_scale"], zero_point=q["out_zp"])
    inputs = [x, w]
    if bias is not None:
        bq = {} if q is None else dict(scale=q["in_scale"] * q["filter_scales"], zero_point=0)
        inputs.append(b.add_constant("bias", bias, **bq))
    elif bias_mode == "optional":
        inputs.append(-1)
    b.add_operator(op, inputs, [y], **g["options"])
    return b.build()


def raw_input_route_cases() -> list[tuple[int, int, int, int]]:
    """(stride, kernel, input zero point, output channels) of the layers the raw-input tests
    run: 1x1 and 3x3, strides 1 and 2, zero points at both ends and between."""
    return [(1, 1, -128, 8), (1, 1, 3, 24), (1, 3, -7, 4), (2, 3, 127, 3), (2, 3, 5, 16), (1, 3, 100, 40)]


def raw_input_route_model(op: str, stride: int, kernel: int, zero_point: int, out_c: int,
                          seed: int) -> tuple[bytes, list[list[np.ndarray]]]:
    """An int8 CONV_2D / DEPTHWISE_CONV_2D layer of converter-like scales (per-channel filter
    scales, a ReLU6-like clamp from the output zero point -128) whose input zero point is
    not 0, with two invocations of full-range inputs: the case the bound routes sum the raw
    input for (``convolution.fold_input_zero_point``)."""
    rng = np.random.default_rng(seed)
    depthwise = op == "DEPTHWISE_CONV_2D"
    in_c = out_c if depthwise else out_c + 1  # CONV_2D: every bound route (folded GEMM, planes, im2col)
    g = dict(batch=1, in_h=9, in_w=7, in_c=in_c, out_c=out_c, kh=kernel, kw=kernel,
             out_h=-(-9 // stride), out_w=-(-7 // stride),
             options=dict(padding="SAME", stride_h=stride, stride_w=stride, dilation_h_factor=1,
                          dilation_w_factor=1, fused_activation_function=3))  # RELU6
    if depthwise:
        g["options"]["depth_multiplier"] = 1
    shape = (1, kernel, kernel, out_c) if depthwise else (out_c, kernel, kernel, in_c)
    weights = int_array(rng, shape, "int8")
    q = dict(in_scale=0.02, in_zp=zero_point, filter_scales=rng.uniform(0.002, 0.02, out_c).astype(np.float32),
             out_scale=0.05, out_zp=-128)
    bias = rng.integers(-3000, 3000, out_c).astype(np.int32)
    model = conv_model(op, g, "int8", weights, bias, "bias", q, filter_channel_dim=3 if depthwise else 0)
    return model, two_invocations(rng, g, "int8")


def check_raw_input_route(op: str, case: tuple[int, int, int, int], monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Run ``raw_input_route_model(op, *case)`` against TFLM and assert that the bound route
    summing the raw input (reach 128, a float stage made) was the one taken: a spy on
    ``FloatOutputStage.make`` records it, so a silent fallback to another route fails."""
    from oracle import compare_with_tflm

    from microinterp.kernels import convolution

    taken = []
    make = convolution.FloatOutputStage.make

    def spy(stage, weights, axis, reach, bias):  # type: ignore[no-untyped-def]
        made = make(stage, weights, axis, reach, bias)
        taken.append(reach == 128 and made is not None)
        return made

    monkeypatch.setattr(convolution.FloatOutputStage, "make", staticmethod(spy))
    model, inputs = raw_input_route_model(op, *case, seed=sum(case) & 0xFFFF)
    compare_with_tflm(model, inputs)
    assert taken and taken[0]
