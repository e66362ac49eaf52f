"""DECODE (TFLM weight compression, LUT) vs TFLM (tolerance 0, every tensor).

Models are built with the project's builder (FULLY_CONNECTED int8 / float32,
CONV_2D, DEPTHWISE_CONV_2D whose per-channel filter axis is the last one), their
weights drawn from a few distinct values per channel, and compressed in-process by
the wheel's own compressor (``tflite_micro...compression.compress``) with drawn
index bit widths (1-7), per-tensor or per-channel value tables, sometimes the bias
too. The mismatched pairings (per-channel weights with one table, one scale with
per-channel tables) are drawn on purpose: TFLM takes its channels from the output's
quantization, and the kernel must reproduce whatever TFLM then reads. 40 examples.

Real models (hello_world, the MLPerf Tiny anomaly detector and visual wake words)
are compressed weight tensor by weight tensor, per-channel tables along the
quantized axis wherever every channel has at most 128 distinct values.

Malformed metadata (handmade DECODE ops through ``add_custom``) must be refused with
a one-line ``MicrointerpError``; the predicted host64 arena of a compressed model is
the wheel's minimum.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, model_path, requires_tflm
from strategies import seeds
from tflm_arena_probe import assert_predicted_arena_is_minimum

from microinterp import Interpreter
from microinterp.builder import ModelBuilder
from microinterp.errors import MicrointerpError, ModelError
from microinterp.model import Model, load_model

OPS = ["fc_int8", "fc_float32", "conv_int8", "depthwise_int8"]


def _compress(model: bytes, specs: list[tuple[int, int, int | None]]) -> bytes:
    """Compress (tensor, bit width, per-channel axis or None) with the wheel's compressor."""
    from tflite_micro.tensorflow.lite.micro.compression import spec
    from tflite_micro.tensorflow.lite.micro.compression.compress import compress

    tensors = [spec.Tensor(subgraph=0, tensor=t, compression=[spec.LookUpTableCompression(
        index_bitwidth=bits, mode=spec.PerTensor() if axis is None else spec.PerChannel(axis=axis))])
        for t, bits, axis in specs]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "compression resulted in expansion" on tiny tensors
        return bytes(compress(model, tensors))


def _palette_weights(rng: np.random.Generator, shape: tuple[int, ...], axis: int, values: int,
                     dtype: str, shared: bool) -> np.ndarray:
    """Weights with at most ``values`` distinct values in each slice along ``axis``
    (``shared``: in the whole tensor, as one value table needs)."""
    def palette() -> np.ndarray:
        if dtype == "float32":
            return rng.uniform(-1, 1, values).astype(np.float32)
        return rng.integers(-127, 128, values).astype(dtype)

    out = np.empty(shape, dtype)
    moved = np.moveaxis(out, axis, 0)
    common = palette()
    for c in range(shape[axis]):
        moved[c] = rng.choice(common if shared else palette(), moved[c].shape)
    return out


@st.composite
def decode_case(draw) -> dict:
    op = draw(st.sampled_from(OPS))
    bits = draw(st.integers(1, 7))
    return dict(
        op=op, bits=bits, values=draw(st.integers(1, 2 ** bits)),
        per_channel_quant=op != "fc_float32" and draw(st.booleans()),
        lut_per_channel=draw(st.booleans()),
        compress_bias=draw(st.booleans()),
        n=draw(st.integers(1, 6)), k=draw(st.integers(1, 20)),
        kh=draw(st.integers(1, 3)), kw=draw(st.integers(1, 3)), ic=draw(st.integers(1, 3)),
        seed=draw(seeds),
        scalar_qdim=0,
    )


def build(case: dict) -> tuple[bytes, list[tuple[int, int, int | None]], np.ndarray]:
    """The uncompressed model, the compression specs and an input."""
    rng = np.random.default_rng(case["seed"])
    op, n, bits = case["op"], case["n"], case["bits"]
    b = ModelBuilder()
    if op.startswith("fc"):
        w_shape, axis, x_shape, y_shape = (n, case["k"]), 0, (2, case["k"]), (2, n)
        depth = case["k"]
    elif op == "conv_int8":
        w_shape, axis = (n, case["kh"], case["kw"], case["ic"]), 0
        x_shape, y_shape = (1, case["kh"] + 1, case["kw"] + 2, case["ic"]), (1, 2, 3, n)
        depth = case["kh"] * case["kw"] * case["ic"]
    else:
        w_shape, axis = (1, case["kh"], case["kw"], n), 3
        x_shape, y_shape = (1, case["kh"] + 1, case["kw"] + 2, n), (1, 2, 3, n)
        depth = case["kh"] * case["kw"]
    float_model = op == "fc_float32"
    weights = _palette_weights(rng, w_shape, axis, case["values"], "float32" if float_model else "int8",
                               shared=not case["lut_per_channel"])
    if float_model:
        x = b.add_input("x", x_shape, "float32")
        w = b.add_constant("w", weights)
        bias = b.add_constant("bias", rng.choice(rng.uniform(-2, 2, 3).astype(np.float32), n))
        y = b.add_output("y", y_shape, "float32")
        data = rng.uniform(-4, 4, x_shape).astype(np.float32)
    else:
        in_scale = 0.05
        w_scales = (rng.uniform(0.002, 0.02, n if case["per_channel_quant"] else 1)).astype(np.float32)
        out_scale = float(np.float32(in_scale * w_scales.max() * np.sqrt(depth) * 74.0 * 74.0 / 42.0))
        x = b.add_input("x", x_shape, "int8", scale=in_scale, zero_point=3)
        w = b.add_constant("w", weights, scale=w_scales, zero_point=np.zeros(w_scales.size, np.int64),
                           quantized_dimension=axis if case["per_channel_quant"] and n > 1 else case["scalar_qdim"])
        bias_scales = (np.float32(in_scale) * w_scales).astype(np.float32)
        bias = b.add_constant("bias", rng.choice(rng.integers(-3000, 3000, 3).astype(np.int32), n),
                              scale=bias_scales, zero_point=np.zeros(bias_scales.size, np.int64))
        y = b.add_output("y", y_shape, "int8", scale=out_scale, zero_point=-2)
        data = rng.integers(-128, 128, x_shape).astype(np.int8)
    if op.startswith("fc"):
        b.add_operator("FULLY_CONNECTED", [x, w, bias], [y], fused_activation_function="NONE")
    elif op == "conv_int8":
        b.add_operator("CONV_2D", [x, w, bias], [y], padding="VALID", stride_w=1, stride_h=1,
                       dilation_w_factor=1, dilation_h_factor=1, fused_activation_function="NONE")
    else:
        b.add_operator("DEPTHWISE_CONV_2D", [x, w, bias], [y], padding="VALID", stride_w=1, stride_h=1,
                       depth_multiplier=1, dilation_w_factor=1, dilation_h_factor=1,
                       fused_activation_function="NONE")
    specs = [(w, bits, axis if case["lut_per_channel"] else None)]
    if case["compress_bias"]:
        specs.append((bias, 2, None))  # three distinct bias values
    return b.build(), specs, data


@requires_tflm
@settings(max_examples=40, deadline=None)
@given(decode_case())
def test_decode_matches_tflm(case: dict) -> None:
    model, specs, data = build(case)
    compressed = _compress(model, specs)
    mi = compare_with_tflm(compressed, [[data], [data[::-1].copy()]])
    assert any(op.name == "CUSTOM:TFLM_DECODE" for op in mi.model.subgraphs[0].operators)


def _handmade(header: bytes, tables: bytes, encoded: bytes, out_shape: tuple[int, ...] = (4,),
              out_dtype: str = "int8", inputs: int = 2) -> bytes:
    """y = DECODE(encoded, ancillary) + x, with the ancillary tensor written by hand."""
    b = ModelBuilder()
    enc = b.add_constant("enc", np.frombuffer(encoded, np.uint8).copy())
    anc = b.add_constant("anc", np.frombuffer(header + tables, np.uint8).copy())
    x = b.add_input("x", out_shape, out_dtype)
    w = b.add_tensor("w", out_shape, out_dtype)
    y = b.add_output("y", out_shape, out_dtype)
    b.add_custom("TFLM_DECODE", [enc, anc][:inputs], [w])
    b.add_operator("MAXIMUM", [x, w], [y])
    return b.build()


def _header(kind: int = 0, version: int = 1, lut_version: int = 1, bits: int = 2, stride: int = 4) -> bytes:
    return bytes([kind, version, 0, 0, lut_version, 0xF0 | bits, stride]) + bytes(9)


@requires_tflm
def test_handmade_lut_matches_tflm() -> None:
    """A DECODE op written with the builder (builtin code CUSTOM), int16 values."""
    model = _handmade(_header(), np.array([-300, 7, 0, 1000], np.int16).tobytes(), bytes([0b00011011]),
                      out_dtype="int16")
    compare_with_tflm(model, [[np.full(4, -32768, np.int16)]])


@pytest.mark.parametrize(("model", "message"), [
    (_handmade(_header(version=2), bytes(4), b"\x1b"), "decode metadata version 2"),
    (_handmade(_header(kind=1), bytes(4), b"\x1b"), "Huffman"),
    (_handmade(_header(kind=2), bytes(4), b"\x1b"), "pruning"),
    (_handmade(_header(kind=127), bytes(4), b"\x1b"), "unsupported decode type 127"),
    (_handmade(_header(lut_version=0), bytes(4), b"\x1b"), "LUT version 0"),
    (_handmade(_header()[:10], b"", b"\x1b"), "shorter than the 16-byte"),
    (_handmade(_header(bits=7), bytes(4), b"\x1b"), "fewer than the 4 7-bit indices"),
    (_handmade(_header(stride=255), bytes(4), b"\xff", out_shape=(1, 4)), None),
    (_handmade(_header(), bytes(4), b"\x1b", out_dtype="uint8"), "type UINT8"),
    (_handmade(_header(), bytes(4), b"\x1b", inputs=1), "input pair per output"),
])
def test_malformed_metadata_is_one_line_error(model: bytes, message: str | None) -> None:
    """Refused in prepare with one line; the huge-stride table read stays inside the model
    file (TFLM reads the flatbuffer bytes there) or is refused, never out of bounds."""
    if message is None:
        try:
            Interpreter.from_bytes(model)
        except MicrointerpError as e:
            assert "\n" not in str(e) and "beyond the end of the model file" in str(e)
        return
    with pytest.raises(ModelError if message not in ("Huffman", "pruning", "type UINT8") else MicrointerpError) as info:
        Interpreter.from_bytes(model)
    assert message in str(info.value) and "\n" not in str(info.value)


@requires_tflm
def test_one_scale_on_another_axis_is_refused_as_tflm_does() -> None:
    """One filter scale whose quantized dimension is the depthwise filter's last axis:
    TFLM's LUT decoder only takes that axis with several channels, and fails to
    allocate; microinterp refuses in prepare."""
    from tflite_micro.python.tflite_micro import runtime

    case = dict(op="depthwise_int8", bits=2, values=3, per_channel_quant=False, lut_per_channel=False,
                compress_bias=False, n=2, k=1, kh=2, kw=2, ic=1, seed=1, scalar_qdim=3)
    model = _compress(build(case)[0], build(case)[1])
    with pytest.raises(RuntimeError):
        runtime.Interpreter.from_bytes(model)
    with pytest.raises(MicrointerpError, match="quantized dimension 3"):
        Interpreter.from_bytes(model)


@requires_tflm
def test_predicted_arena_is_tflm_minimum(tmp_path: Path) -> None:
    case = dict(op="conv_int8", bits=3, values=6, per_channel_quant=True, lut_per_channel=True,
                compress_bias=True, n=4, k=1, kh=2, kw=3, ic=2, seed=5, scalar_qdim=0)
    model, specs, _ = build(case)
    assert_predicted_arena_is_minimum(_compress(model, specs), tmp_path)


WEIGHTED = {"CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "TRANSPOSE_CONV"}


def _weight_specs(model: Model) -> list[tuple[int, int, int | None]]:
    """Every quantized weight tensor a 7-bit per-channel table can hold, with the
    narrowest index width."""
    sg, specs, seen = model.main, [], set()
    for op in sg.operators:
        if op.name not in WEIGHTED:
            continue
        t = sg.tensors[op.inputs[1]]
        if t.index in seen or not t.is_constant or t.quant is None:
            continue
        axis = t.quant.quantized_dimension if t.quant.scale.size > 1 else 0
        if axis not in (0, len(t.shape) - 1):
            continue
        rows = np.moveaxis(t.data, axis, 0).reshape(t.shape[axis], -1)
        distinct = max(len(np.unique(r)) for r in rows)
        if distinct <= 128:
            seen.add(t.index)
            specs.append((t.index, max(1, (distinct - 1).bit_length()), axis))
    return specs


@requires_tflm
@pytest.mark.parametrize("rel", ["tflite-micro/hello_world_int8.tflite", "mlperf-tiny/ad01_int8.tflite",
                                 "mlperf-tiny/vww_96_int8.tflite"])
def test_compressed_real_model_matches_tflm(rel: str) -> None:
    raw = model_path(rel).read_bytes()
    specs = _weight_specs(load_model(raw))
    assert specs, "no weight tensor fits a 7-bit table"
    compressed = _compress(raw, specs)
    rng = np.random.default_rng(len(specs))
    sg = load_model(compressed).main
    inputs = [rng.integers(-128, 128, sg.tensors[i].shape).astype(sg.tensors[i].dtype) for i in sg.inputs]
    mi = compare_with_tflm(compressed, [inputs])
    assert sum(op.name == "CUSTOM:TFLM_DECODE" for op in mi.model.main.operators) >= len(specs) > 0
