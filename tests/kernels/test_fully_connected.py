"""FULLY_CONNECTED vs TFLM (tolerance 0): float32, int8 with per-tensor and
per-channel weights, int16x8 with int64 bias, int32 bias or no bias (both
accumulator widths); optional bias, fused activations, batches and
keep_num_dims (rank-3 input), extreme scales and zero points.

Only configurations TFLM accepts are drawn: the bias scale equals
input*weight scale (TFLM rejects a per-tensor bias scale more than 2 % of
an output step away) and the effective scale keeps the multiplier shift
<= 30. Per-tensor weights sometimes have a non-zero zero point, which TFLM
only DCHECKs (compiled out in the oracle) and applies as ``weights_offset``.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import ACTIVATIONS, int_array, scales, seeds, zero_points

from microinterp.builder import ModelBuilder

KINDS = ["float32", "int8", "int8_per_channel", "int16_bias64", "int16_bias32", "int16_nobias64",
         "int16_nobias32", "int16_per_channel"]


@st.composite
def fc_case(draw) -> dict:
    kind = draw(st.sampled_from(KINDS))
    k, n = draw(st.integers(1, 48)), draw(st.integers(1, 24))
    keep_num_dims = draw(st.booleans())
    if keep_num_dims:
        lead = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
        in_shape, out_shape = (*lead, k), (*lead, n)
    else:
        b = draw(st.integers(1, 4))
        in_shape, out_shape = (b, k), (b, n)
    act_dtype = "float32" if kind == "float32" else kind[:5] if kind.startswith("int16") else "int8"
    case = dict(kind=kind, k=k, n=n, in_shape=in_shape, out_shape=out_shape, keep_num_dims=keep_num_dims,
                act=draw(st.sampled_from(ACTIVATIONS)), act_dtype=act_dtype,
                has_bias=not kind.startswith("int16_nobias") and draw(st.integers(0, 3)) > 0)
    if kind == "float32":
        return case
    in_scale = draw(scales(-10, 1))
    per_channel = kind.endswith("per_channel")
    w_scales = [draw(scales(-10, 0)) for _ in range(n)] if per_channel else [draw(scales(-10, 0))]
    # Output scale: usually one that spreads the typical accumulator of full-range random data
    # (standard deviation sqrt(K) * sd(x) * sd(w), sd of a uniform int8 ~74, int16 ~18900) over
    # about a third of the output range; sometimes extreme (all at the zero point, or saturated).
    qmax, sd_x = (127, 74.0) if act_dtype == "int8" else (32767, 18900.0)
    typical = in_scale * max(w_scales) * np.sqrt(k) * sd_x * 74.0 / (qmax / 3)
    if draw(st.integers(0, 3)) == 0:
        out_scale = typical * 2.0 ** draw(st.integers(-12, 12))
    else:
        out_scale = typical * draw(st.floats(0.125, 4.0))
    # Per-tensor weights may carry a zero point: TFLM only DCHECKs it (compiled out in its release
    # build) and applies it as weights_offset; per-channel kernels ignore it.
    w_zp = 0 if per_channel or draw(st.booleans()) else draw(st.integers(-127, 127))
    case.update(in_scale=in_scale, w_scales=w_scales, out_scale=float(np.float32(out_scale)),
                in_zp=draw(zero_points(act_dtype)), out_zp=draw(zero_points(act_dtype)), w_zp=w_zp)
    return case


def build(case: dict, rng: np.random.Generator) -> tuple[bytes, np.ndarray]:
    kind, k, n = case["kind"], case["k"], case["n"]
    b = ModelBuilder()
    options = dict(fused_activation_function=case["act"], keep_num_dims=case["keep_num_dims"])
    if kind == "float32":
        x = b.add_input("x", case["in_shape"], "float32")
        w = b.add_constant("w", rng.uniform(-1, 1, (n, k)).astype(np.float32))
        bias = b.add_constant("bias", rng.uniform(-2, 2, n).astype(np.float32)) if case["has_bias"] else -1
        y = b.add_output("y", case["out_shape"], "float32")
        data = rng.uniform(-4, 4, case["in_shape"]).astype(np.float32)
    else:
        act_dtype = case["act_dtype"]
        x = b.add_input("x", case["in_shape"], act_dtype, scale=case["in_scale"], zero_point=case["in_zp"])
        w_scales = np.array(case["w_scales"], np.float32)
        w = b.add_constant("w", int_array(rng, (n, k), "int8"), scale=w_scales, zero_point=case["w_zp"],
                           quantized_dimension=0)
        bias_scales = (np.float32(case["in_scale"]) * w_scales).astype(np.float32)
        bias = -1
        if case["has_bias"]:
            bias_dtype = "int32" if kind in ("int8", "int8_per_channel", "int16_bias32") else "int64"
            limit = 1 << 20 if bias_dtype == "int32" else 1 << 34
            values = rng.integers(-limit, limit, n, dtype=np.int64).astype(bias_dtype)
            bias = b.add_constant("bias", values, scale=bias_scales, zero_point=0)
        if kind == "int16_nobias32":
            options["quantized_bias_type"] = 2  # TensorType.INT32: TFLM then accumulates in int32
        y = b.add_output("y", case["out_shape"], act_dtype, scale=case["out_scale"], zero_point=case["out_zp"])
        data = int_array(rng, case["in_shape"], act_dtype)
    b.add_operator("FULLY_CONNECTED", [x, w, bias], [y], **options)
    return b.build(), data


@requires_tflm
@settings(max_examples=60, deadline=None)
@given(fc_case(), seeds)
def test_fully_connected_matches_tflm(case, seed):
    rng = np.random.default_rng(seed)
    model, data = build(case, rng)
    second = rng.permutation(data.reshape(-1)).reshape(data.shape)
    compare_with_tflm(model, [[data], [second]])


@requires_tflm
def test_fully_connected_float_wide_layer():
    """A 640-wide float layer (ad01-sized) checks the float32 running-sum order over long rows."""
    rng = np.random.default_rng(7)
    b = ModelBuilder()
    x = b.add_input("x", (2, 640), "float32")
    w = b.add_constant("w", rng.standard_normal((128, 640)).astype(np.float32))
    bias = b.add_constant("bias", rng.standard_normal(128).astype(np.float32))
    y = b.add_output("y", (2, 128), "float32")
    b.add_operator("FULLY_CONNECTED", [x, w, bias], [y])
    compare_with_tflm(b.build(), [[rng.standard_normal((2, 640)).astype(np.float32)]])


@requires_tflm
def test_fully_connected_int16_int32_accumulator_wraps():
    """16x8 with an int32 bias accumulates in int32: 1024 taps of (-32768) * (-128) reach 2**32 and
    wrap, as in the C code (the int64-bias variant of the same layer does not)."""
    rng = np.random.default_rng(4)
    for bias_dtype in ("int32", "int64"):
        b = ModelBuilder()
        x = b.add_input("x", (2, 1024), "int16", scale=2.0**-8, zero_point=0)
        weights = np.full((4, 1024), -128, np.int8)
        weights[1:] = int_array(rng, (3, 1024), "int8")
        w = b.add_constant("w", weights, scale=2.0**-7, zero_point=0)
        bias = b.add_constant("bias", np.array([5, -7, 0, 1 << 20], bias_dtype), scale=2.0**-15, zero_point=0)
        y = b.add_output("y", (2, 4), "int16", scale=2.0**4, zero_point=0)
        b.add_operator("FULLY_CONNECTED", [x, w, bias], [y])
        data = np.full((2, 1024), -32768, np.int16)
        data[1] = int_array(rng, (1024,), "int16")
        compare_with_tflm(b.build(), [[data]])


@requires_tflm
@pytest.mark.parametrize("dtype", ["float32", "int8"])
def test_fully_connected_weights_and_bias_as_graph_inputs(dtype):
    """Weights and bias that are not constants (fed at run time) take the same arithmetic."""
    rng = np.random.default_rng(12)
    b = ModelBuilder()
    if dtype == "float32":
        x = b.add_input("x", (3, 20), "float32")
        w = b.add_input("w", (7, 20), "float32")
        bias = b.add_input("bias", (7,), "float32")
        y = b.add_output("y", (3, 7), "float32")
        data = [rng.uniform(-2, 2, (3, 20)).astype(np.float32), rng.uniform(-1, 1, (7, 20)).astype(np.float32),
                rng.uniform(-1, 1, 7).astype(np.float32)]
    else:
        x = b.add_input("x", (3, 20), "int8", scale=0.05, zero_point=-7)
        w = b.add_input("w", (7, 20), "int8", scale=0.01, zero_point=0)
        bias = b.add_input("bias", (7,), "int32", scale=0.0005, zero_point=0)
        y = b.add_output("y", (3, 7), "int8", scale=0.08, zero_point=3)
        data = [int_array(rng, (3, 20), "int8"), int_array(rng, (7, 20), "int8"),
                rng.integers(-5000, 5000, 7).astype(np.int32)]
    b.add_operator("FULLY_CONNECTED", [x, w, bias], [y], fused_activation_function="RELU6")
    compare_with_tflm(b.build(), [data])
