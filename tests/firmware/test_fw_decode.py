"""DECODE (TFLM weight compression, LUT) in the C port against the Python interpreter:
the compressed models of tests/kernels/test_decode.py (builder models whose weights,
and sometimes bias, the wheel's own compressor rewrites as packed indices and value
tables, with the mismatched pairings of tables and scales drawn on purpose) run on
the host under ASan/UBSan, every output byte and every operator's outputs equal
(the decoded weights included) and the arena equal to memory/firmware_arena.py's
prediction; test_decode.py's compressed real models (hello_world, ad01, vww_96);
the refusals of both twins (a status in C, never a fault); and one compressed model
on emulated Cortex-M0+ and Cortex-M4.
5 examples for the drawn test (MI_FW_EXAMPLES raises it)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from fw_batch import EXAMPLES
from fw_helpers import assert_twins_agree, c_status, requires_host_cc
from hypothesis import HealthCheck, given, settings
from oracle import model_path, requires_tflm

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "kernels"))
from test_decode import _compress, _handmade, _header, _weight_specs, build, decode_case  # noqa: E402

from microinterp import Interpreter  # noqa: E402
from microinterp.builder import ModelBuilder  # noqa: E402
from microinterp.errors import MicrointerpError  # noqa: E402
from microinterp.fw import runner as rp  # noqa: E402
from microinterp.fw.toolchain import toolchain_missing  # noqa: E402
from microinterp.model import load_model  # noqa: E402

SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _compressed(case: dict) -> tuple[bytes, np.ndarray]:
    model, specs, data = build(case)
    compressed = _compress(model, specs)
    ops = Interpreter.from_bytes(compressed).model.subgraphs[0].operators
    assert any(op.name == "CUSTOM:TFLM_DECODE" for op in ops)
    return compressed, data


@requires_host_cc
@requires_tflm
@SETTINGS
@given(case=decode_case())
def test_decode_c_matches_python(case: dict) -> None:
    try:
        model, data = _compressed(case)
    except MicrointerpError:
        return  # refused by the Python twin (TFLM refuses it too): test_decode covers it
    assert_twins_agree(model, [[data], [data[::-1].copy()]])


REFUSALS = [  # (name, model, C status); Python's messages: test_decode.py
    ("dcm version", _handmade(_header(version=2), bytes(4), b"\x1b"), "MI_ERR_MODEL_INVALID"),
    ("huffman", _handmade(_header(kind=1), bytes(4), b"\x1b"), "MI_ERR_UNSUPPORTED_OP"),
    ("pruning", _handmade(_header(kind=2), bytes(4), b"\x1b"), "MI_ERR_UNSUPPORTED_OP"),
    ("custom type", _handmade(_header(kind=127), bytes(4), b"\x1b"), "MI_ERR_MODEL_INVALID"),
    ("lut version", _handmade(_header(lut_version=0), bytes(4), b"\x1b"), "MI_ERR_MODEL_INVALID"),
    ("short header", _handmade(_header()[:10], b"", b"\x1b"), "MI_ERR_MODEL_INVALID"),
    ("short indices", _handmade(_header(bits=7), bytes(4), b"\x1b"), "MI_ERR_MODEL_INVALID"),
    ("uint8 output", _handmade(_header(), bytes(4), b"\x1b", out_dtype="uint8"), "MI_ERR_UNSUPPORTED_TYPE"),
    ("one input", _handmade(_header(), bytes(4), b"\x1b", inputs=1), "MI_ERR_MODEL_INVALID"),
]


@requires_host_cc
@pytest.mark.parametrize(("name", "model", "status"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_refusals_match_python(name: str, model: bytes, status: str) -> None:
    """Each malformed DECODE is refused by both twins: Python with a MicrointerpError at
    load, C with a status at allocate (exit code EXIT_ALLOCATE), never a fault."""
    with pytest.raises(MicrointerpError):
        Interpreter.from_bytes(model)
    assert c_status(model, bytes(4)) == (rp.EXIT_ALLOCATE, status)


@requires_host_cc
def test_huge_stride_reads_the_same_model_bytes() -> None:
    """test_decode.py's 255-entry stride (one channel: only the first table is read):
    both twins run it alike, or both refuse it."""
    model = _handmade(_header(stride=255), bytes(4), b"\xff", out_shape=(1, 4))
    try:
        Interpreter.from_bytes(model)
    except MicrointerpError:
        assert c_status(model, bytes(4)) == (rp.EXIT_ALLOCATE, "MI_ERR_MODEL_INVALID")
        return
    assert_twins_agree(model, [[np.arange(-2, 2, dtype=np.int8).reshape(1, 4)]])


@requires_host_cc
def test_handmade_int16_table() -> None:
    """int16 values from one 4-entry table (the builder's own DECODE op, builtin code CUSTOM)."""
    model = _handmade(_header(), np.array([-300, 7, 0, 1000], np.int16).tobytes(), bytes([0b00011011]),
                      out_dtype="int16")
    assert_twins_agree(model, [[np.full(4, -32768, np.int16)], [np.arange(4, dtype=np.int16)]])


CORTEX_CASE = dict(op="conv_int8", bits=3, values=6, per_channel_quant=True, lut_per_channel=True,
                   compress_bias=True, n=4, k=1, kh=2, kw=3, ic=2, seed=5, scalar_qdim=0)


@requires_tflm
@pytest.mark.skipif(toolchain_missing() is not None, reason=f"Cortex-M toolchain/emulator absent: {toolchain_missing()}")
@pytest.mark.parametrize("target", ["cortex-m0plus", "cortex-m4"])
def test_decode_on_cortex_m(target: str) -> None:
    model, data = _compressed(CORTEX_CASE)
    assert_twins_agree(model, [[data], [data[::-1].copy()]], target)


@requires_host_cc
@requires_tflm
@pytest.mark.parametrize("rel", ["tflite-micro/hello_world_int8.tflite", "mlperf-tiny/ad01_int8.tflite",
                                 "mlperf-tiny/vww_96_int8.tflite"])
def test_compressed_real_model_c_matches_python(rel: str) -> None:
    """test_decode.py's real models, every weight tensor a 7-bit table holds compressed
    (per-channel tables along the quantized axis): C equals Python at every tensor."""
    raw = model_path(rel).read_bytes()
    compressed = _compress(raw, _weight_specs(load_model(raw)))
    sg = load_model(compressed).main
    rng = np.random.default_rng(1)
    assert_twins_agree(compressed, [[rng.integers(-128, 128, sg.tensors[i].shape).astype(sg.tensors[i].dtype)
                         for i in sg.inputs]])


def _conv_filter_as_input() -> bytes:
    """A CONV_2D whose filter is a graph input: no DECODE produces it."""
    b = ModelBuilder()
    x = b.add_input("x", (1, 3, 3, 1), "float32")
    w = b.add_input("w", (2, 2, 2, 1), "float32")
    y = b.add_output("y", (1, 2, 2, 2), "float32")
    b.add_operator("CONV_2D", [x, w], [y], padding="VALID", stride_w=1, stride_h=1, dilation_w_factor=1,
                   dilation_h_factor=1, fused_activation_function="NONE")
    return b.build()


@requires_host_cc
def test_other_non_constant_filters_stay_refused() -> None:
    """Only a TFLM_DECODE output passes for a constant filter: both twins refuse a
    filter that is a graph input."""
    model = _conv_filter_as_input()
    with pytest.raises(MicrointerpError, match="constant"):
        Interpreter.from_bytes(model)
    assert c_status(model, bytes(4 * (9 + 8))) == (rp.EXIT_ALLOCATE, "MI_ERR_UNSUPPORTED_TYPE")
