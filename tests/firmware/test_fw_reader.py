"""The C port's bounds-checked flatbuffer reader (firmware/src/mi_model.c) on
malformed models: truncated files, offsets past the end, wrong identifiers,
huge vector lengths, negative and out-of-range indices.

Three layers, all under ASan/UBSan (an out-of-bounds read fails the test even
when the returned status looks right):

* the C selftest: hand-assembled flatbuffers with exact expected statuses;
* targeted corruptions of a real, builder-made model, located with the
  ``tflite`` schema package: the C status must be the expected one, and
  model.py must reject the same bytes (the two readers agree);
* a mutation sweep: every truncation, every byte flipped, hostile 32-bit
  values at every even offset; the reader must return a status every time.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import tflite
from fw_helpers import assert_clean, requires_host_cc, run_binary
from oracle import model_path

from microinterp import ModelError, load_model
from microinterp.builder import ModelBuilder
from microinterp.fw.runner import STATUS_NAMES

pytestmark = requires_host_cc


def two_op_model() -> bytes:
    """FULLY_CONNECTED (int8) then RESHAPE: two opcodes, constants, a graph input and output."""
    rng = np.random.default_rng(3)
    b = ModelBuilder()
    x = b.add_input("x", (1, 8), "int8", scale=0.05, zero_point=-3)
    w = b.add_constant("w", rng.integers(-127, 128, size=(4, 8)).astype(np.int8), scale=0.02, zero_point=0)
    bias = b.add_constant("b", rng.integers(-500, 500, size=(4,)).astype(np.int32), scale=0.001, zero_point=0)
    h = b.add_tensor("h", (1, 4), "int8", scale=0.1, zero_point=2)
    y = b.add_output("y", (4,), "int8", scale=0.1, zero_point=2)
    b.add_operator("FULLY_CONNECTED", [x, w, bias], [h], fused_activation_function="RELU")
    b.add_operator("RESHAPE", [h], [y])
    return b.build()


def all_ops_model(kind: str = "int8") -> bytes:
    """Every C kernel once, on ``kind`` (int8, int16 or float32) activations:
    CONV_2D, DEPTHWISE_CONV_2D, MAX_POOL_2D, AVERAGE_POOL_2D, ADD, RESHAPE,
    FULLY_CONNECTED, QUANTIZE, SOFTMAX, DEQUANTIZE (float32: QUANTIZE to int8
    and back). Small, so a mutation sweep over it stays fast."""
    rng = np.random.default_rng(5)
    b = ModelBuilder()
    fl = kind == "float32"

    def act(name: str, shape: tuple[int, ...], s: float = 0.05, zp: int = -2) -> int:
        if fl:
            return b.add_tensor(name, shape, "float32")
        return b.add_tensor(name, shape, kind, scale=s, zero_point=zp if kind == "int8" else 0)

    def weights(name: str, shape: tuple[int, ...], scales: float | list[float], qdim: int = 0) -> int:
        if fl:
            return b.add_constant(name, rng.uniform(-1, 1, size=shape).astype(np.float32))
        return b.add_constant(name, rng.integers(-127, 128, size=shape).astype(np.int8), scale=scales,
                              zero_point=0, quantized_dimension=qdim)

    def bias(name: str, n: int, dtype: type) -> int:
        if fl:
            return b.add_constant(name, rng.uniform(-1, 1, size=(n,)).astype(np.float32))
        return b.add_constant(name, rng.integers(-200, 200, size=(n,)).astype(dtype), scale=0.0005, zero_point=0)

    x = act("x", (1, 6, 6, 2))
    b.inputs.append(x)
    c = act("c", (1, 6, 6, 4))
    b.add_operator("CONV_2D", [x, weights("cw", (4, 3, 3, 2), [0.01, 0.02, 0.015, 0.03]),
                               bias("cb", 4, np.int32 if kind == "int8" else np.int64)], [c],
                   padding="SAME", stride_w=1, stride_h=1, fused_activation_function="RELU6")
    d = act("d", (1, 4, 4, 4))
    b.add_operator("DEPTHWISE_CONV_2D", [c, weights("dw", (1, 3, 3, 4), [0.02] * 4, 3), -1], [d],
                   padding="VALID", stride_w=1, stride_h=1, depth_multiplier=1)
    m = act("m", (1, 2, 2, 4))
    b.add_operator("MAX_POOL_2D", [d], [m], padding="VALID", stride_w=2, stride_h=2, filter_width=2,
                   filter_height=2)
    a = act("a", (1, 2, 2, 4))
    b.add_operator("AVERAGE_POOL_2D", [m], [a], padding="SAME", stride_w=1, stride_h=1, filter_width=2,
                   filter_height=2)
    s = act("s", (1, 2, 2, 4), 0.08, 1)
    b.add_operator("ADD", [m, a], [s])
    r = act("r", (1, 16), 0.08, 1)
    b.add_operator("RESHAPE", [s], [r])
    f = act("f", (1, 3), 0.1, 0)
    b.add_operator("FULLY_CONNECTED", [r, weights("fw", (3, 16), 0.02), -1], [f])
    if fl:
        p = b.add_tensor("p", (1, 3), "float32")
        b.add_operator("SOFTMAX", [f], [p], beta=1.0)
        q = b.add_tensor("q", (1, 3), "int8", scale=1 / 256, zero_point=-128)
        b.add_operator("QUANTIZE", [p], [q])
    else:
        g = act("g", (1, 3), 0.07, 3)
        b.add_operator("QUANTIZE", [f], [g])
        if kind == "int8":
            q = b.add_tensor("q", (1, 3), "int8", scale=1 / 256, zero_point=-128)
        else:
            q = b.add_tensor("q", (1, 3), "int16", scale=1 / 32768, zero_point=0)
        b.add_operator("SOFTMAX", [g], [q], beta=1.0)
    y = b.add_output("y", (1, 3), "float32")
    b.add_operator("DEQUANTIZE", [q], [y])
    return b.build()


def c_check(data: bytes, tmp_path: Path) -> dict[str, str]:
    """init/allocate/invoke statuses of the C port on ``data``, by name."""
    f = tmp_path / "m.tflite"
    f.write_bytes(data)
    proc = run_binary("test_reader", ["check", str(f)])
    assert_clean(proc)
    fields = dict(kv.split("=") for kv in proc.stdout.split())
    return {k: STATUS_NAMES[int(v)] for k, v in fields.items()}


def python_rejects(data: bytes) -> bool:
    try:
        load_model(data)
    except ModelError:
        return True
    return False


def test_c_selftest() -> None:
    proc = run_binary("test_reader", ["selftest"])
    assert_clean(proc)
    assert "selftest failures=0" in proc.stdout, proc.stdout


def test_valid_model_runs(tmp_path: Path) -> None:
    assert c_check(two_op_model(), tmp_path) == {"init": "MI_OK", "allocate": "MI_OK", "invoke": "MI_OK"}


# --- locating fields with the schema package (offset n of a table = vtable slot (n - 4) / 2)


def _root(raw: bytearray) -> tflite.Model:
    return tflite.Model.GetRootAs(raw, 0)


def _field_pos(obj: object, vt_offset: int) -> int:
    tab = obj._tab  # type: ignore[attr-defined]
    o = tab.Offset(vt_offset)
    assert o != 0, "field absent in the test model"
    return tab.Pos + o


def _vector_pos(obj: object, vt_offset: int) -> int:
    """Position of a vector's first element (its length is the 4 bytes before)."""
    tab = obj._tab  # type: ignore[attr-defined]
    o = tab.Offset(vt_offset)
    assert o != 0, "vector absent in the test model"
    return tab.Vector(o)


def put_i32(raw: bytearray, pos: int, value: int) -> None:
    struct.pack_into("<i" if value < 2**31 else "<I", raw, pos, value)


def corrupt_op_input(value: int) -> Callable[[bytearray], None]:
    def f(raw: bytearray) -> None:
        op = _root(raw).Subgraphs(0).Operators(0)
        put_i32(raw, _vector_pos(op, 6), value)  # Operator.inputs[0]
    return f


def corrupt_graph_input(value: int) -> Callable[[bytearray], None]:
    def f(raw: bytearray) -> None:
        put_i32(raw, _vector_pos(_root(raw).Subgraphs(0), 6), value)  # SubGraph.inputs[0]
    return f


def corrupt_tensor_buffer(raw: bytearray) -> None:
    sg = _root(raw).Subgraphs(0)
    for i in range(sg.TensorsLength()):
        t = sg.Tensors(i)
        if t.Buffer() != 0:
            put_i32(raw, _field_pos(t, 8), 0x7FFFFFF0)  # Tensor.buffer
            return
    raise AssertionError("no tensor with a buffer")


def corrupt_opcode_index(raw: bytearray) -> None:
    op = _root(raw).Subgraphs(0).Operators(1)  # opcode_index 1 is stored (0 is the default, omitted)
    put_i32(raw, _field_pos(op, 4), 7)


def corrupt_tensors_length(value: int) -> Callable[[bytearray], None]:
    def f(raw: bytearray) -> None:
        put_i32(raw, _vector_pos(_root(raw).Subgraphs(0), 4) - 4, value)  # SubGraph.tensors length
    return f


def corrupt_op_inputs_length(raw: bytearray) -> None:
    op = _root(raw).Subgraphs(0).Operators(0)
    put_i32(raw, _vector_pos(op, 6) - 4, 0x40000001)


def corrupt_shape(value: int) -> Callable[[bytearray], None]:
    def f(raw: bytearray) -> None:
        sg = _root(raw).Subgraphs(0)
        put_i32(raw, _vector_pos(sg.Tensors(sg.Inputs(0)), 4), value)  # Tensor.shape[0] of the input
    return f


def corrupt_weights_shape(raw: bytearray) -> None:
    """The weights' shape no longer matches their constant bytes."""
    sg = _root(raw).Subgraphs(0)
    w = sg.Tensors(sg.Operators(0).Inputs(1))
    put_i32(raw, _vector_pos(w, 4), 5)


def corrupt_root(raw: bytearray) -> None:
    put_i32(raw, 0, len(raw) + 64)


def corrupt_identifier(raw: bytearray) -> None:
    raw[4:8] = b"TFL2"


def corrupt_subgraph_offset(raw: bytearray) -> None:
    subgraphs = _vector_pos(_root(raw), 8)  # Model.subgraphs
    put_i32(raw, subgraphs, 0xFFFFFF00)  # uoffset of subgraph 0 wraps past the end


CORRUPTIONS = {
    "op input -5": (corrupt_op_input(-5), "MI_ERR_MODEL_CORRUPT"),
    "op input = tensor count": (corrupt_op_input(5), "MI_ERR_MODEL_CORRUPT"),
    "op input huge": (corrupt_op_input(0x7FFFFFFF), "MI_ERR_MODEL_CORRUPT"),
    "graph input -1": (corrupt_graph_input(-1), "MI_ERR_MODEL_CORRUPT"),
    "graph input past the tensors": (corrupt_graph_input(99), "MI_ERR_MODEL_CORRUPT"),
    "tensor buffer index huge": (corrupt_tensor_buffer, "MI_ERR_MODEL_CORRUPT"),
    "opcode index out of range": (corrupt_opcode_index, "MI_ERR_MODEL_CORRUPT"),
    "tensors vector length huge": (corrupt_tensors_length(0x7FFFFFFF), "MI_ERR_MODEL_CORRUPT"),
    "tensors vector length 2**32-1": (corrupt_tensors_length(0xFFFFFFFF), "MI_ERR_MODEL_CORRUPT"),
    "op inputs length wrapping 32 bits": (corrupt_op_inputs_length, "MI_ERR_MODEL_CORRUPT"),
    "negative dimension": (corrupt_shape(-1), "MI_ERR_MODEL_INVALID"),
    "dimension too large": (corrupt_shape(0x7FFFFFFF), "MI_ERR_MODEL_TOO_LARGE"),
    "constant bytes do not match the shape": (corrupt_weights_shape, "MI_ERR_MODEL_INVALID"),
    "root offset past the end": (corrupt_root, "MI_ERR_MODEL_TRUNCATED"),
    "wrong identifier": (corrupt_identifier, "MI_ERR_MODEL_IDENTIFIER"),
    "table offset wrapping past the end": (corrupt_subgraph_offset, "MI_ERR_MODEL_CORRUPT"),
}


@pytest.mark.parametrize("name", sorted(CORRUPTIONS))
def test_targeted_corruption(name: str, tmp_path: Path) -> None:
    corrupt, status = CORRUPTIONS[name]
    raw = bytearray(two_op_model())
    corrupt(raw)
    assert c_check(bytes(raw), tmp_path)["init"] == status
    assert python_rejects(bytes(raw)), "model.py accepts bytes the C reader rejects"


def test_missing_required_input_fails_in_prepare_not_in_the_reader(tmp_path: Path) -> None:
    raw = bytearray(two_op_model())
    corrupt_op_input(-1)(raw)  # -1 = "optional input absent": valid flatbuffer, but FC needs its input
    got = c_check(bytes(raw), tmp_path)
    assert got["init"] == "MI_OK" and got["allocate"] == "MI_ERR_BAD_INDEX"


@pytest.mark.parametrize("cut", [0, 4, 7, 8, 11, 100, -1])
def test_truncated(cut: int, tmp_path: Path) -> None:
    data = two_op_model()
    got = c_check(data[:cut] if cut >= 0 else data[:-1], tmp_path)["init"]
    assert got in ("MI_ERR_MODEL_TRUNCATED", "MI_ERR_MODEL_CORRUPT", "MI_ERR_MODEL_IDENTIFIER")


def _mutate(path: Path) -> str:
    proc = run_binary("test_reader", ["mutate", str(path)], timeout=300)
    assert_clean(proc)
    assert "truncations_accepted=0" in proc.stdout, proc.stdout
    return proc.stdout


def test_mutation_sweep_builder_model(tmp_path: Path) -> None:
    f = tmp_path / "two_op.tflite"
    f.write_bytes(two_op_model())
    out = _mutate(f)
    assert "base init=0 allocate=0 invoke=0" in out


@pytest.mark.parametrize("kind", ["int8", "int16", "float32"])
def test_mutation_sweep_every_kernel(kind: str, tmp_path: Path) -> None:
    f = tmp_path / f"all_ops_{kind}.tflite"
    f.write_bytes(all_ops_model(kind))
    out = _mutate(f)
    assert "base init=0 allocate=0 invoke=0" in out


@pytest.mark.parametrize("kind", ["int8", "int16", "float32"])
def test_every_kernel_graph_is_bit_exact(kind: str, tmp_path: Path) -> None:
    """The unmutated graph: the C port and Python agree on every operator."""
    from microinterp.fw import check as fwcheck

    f = tmp_path / f"all_ops_{kind}.tflite"
    f.write_bytes(all_ops_model(kind))
    report = fwcheck.check(f, "host-asan", vectors=3, seed=9, layers=True)
    assert report.ok, "\n".join(report.lines())


@pytest.mark.parametrize("rel", ["tflite-micro/hello_world_int8.tflite", "tflite-micro/hello_world_float.tflite"])
def test_mutation_sweep_real_model(rel: str) -> None:
    out = _mutate(model_path(rel))
    assert "base init=0 allocate=0 invoke=0" in out
