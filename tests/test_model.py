"""Model loading: valid models parse into typed objects; malformed or truncated
ones raise ModelError and nothing else, and never hang."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracle import model_path

from microinterp import Interpreter, MicrointerpError, ModelError, load_model
from microinterp.builder import ModelBuilder


def small_model() -> bytes:
    b = ModelBuilder()
    x = b.add_input("x", (1, 4), "int8", scale=0.5, zero_point=-1)
    shape = b.add_constant("shape", np.array([2, 2], np.int32))
    w = b.add_constant("w", np.arange(8, dtype=np.int8).reshape(2, 4), scale=[0.1, 0.2], zero_point=0,
                       quantized_dimension=0)
    y = b.add_output("y", (2, 2), "int8", scale=0.5, zero_point=-1)
    b.add_operator("RESHAPE", [x, shape], [y], new_shape=[2, 2])
    _ = w
    return b.build()


def test_parses_typed_objects():
    m = load_model(small_model())
    sg = m.main
    assert [op.name for op in sg.operators] == ["RESHAPE"]
    assert sg.operators[0].options.new_shape == (2, 2)
    x = sg.tensors[sg.inputs[0]]
    assert x.shape == (1, 4) and x.dtype == np.int8 and x.scale == 0.5 and x.zero_point == -1
    w = sg.tensors[2]
    assert w.is_constant and w.quant.per_channel and list(w.quant.scale) == [np.float32(0.1), np.float32(0.2)]
    assert np.array_equal(w.data, np.arange(8, dtype=np.int8).reshape(2, 4))
    assert not w.data.flags.writeable  # a view of the model bytes, not a copy


def test_real_model_options_are_typed():
    m = load_model(str(model_path("mlperf-tiny/kws_ref_model.tflite")))
    conv = m.main.operators[0]
    assert conv.name == "CONV_2D"
    assert conv.options.stride_w == 2 and conv.options.fused_activation_function == 1


@pytest.mark.parametrize("data, match", [
    (b"", "only 0 bytes"),
    (b"\x00" * 7, "only 7 bytes"),
    (b"\x10\x00\x00\x00PK\x03\x04" + b"\x00" * 32, "file identifier"),
    (b"\xff\xff\xff\x7fTFL3" + b"\x00" * 32, "past the end"),
])
def test_rejects_garbage(data, match):
    with pytest.raises(ModelError, match=match):
        load_model(data)


def test_missing_file_is_a_model_error(tmp_path):
    with pytest.raises(ModelError, match="cannot read"):
        load_model(str(tmp_path / "nope.tflite"))


def _load_and_build(data: bytes) -> None:
    """Either a clean ModelError/MicrointerpError or a usable model; nothing else."""
    try:
        m = load_model(data)
        Interpreter(m)
    except MicrointerpError:
        pass


def test_every_truncation_is_a_clean_error():
    data = small_model()
    for n in range(len(data)):
        with pytest.raises(ModelError):
            load_model(data[:n])


def test_truncated_real_model_is_a_clean_error():
    data = model_path("tflite-micro/hello_world_int8.tflite").read_bytes()
    for n in list(range(0, len(data), 97)) + [len(data) - 1]:
        with pytest.raises(ModelError):
            load_model(data[:n])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_corrupted_bytes_never_crash(data):
    raw = bytearray(small_model())
    for _ in range(data.draw(st.integers(1, 8))):
        pos = data.draw(st.integers(0, len(raw) - 1))
        raw[pos] = data.draw(st.integers(0, 255))
    _load_and_build(bytes(raw))


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_corrupted_words_never_crash(data):
    """Overwrite whole 32-bit words (offsets, lengths, indices) with hostile values."""
    raw = bytearray(small_model())
    for _ in range(data.draw(st.integers(1, 4))):
        pos = data.draw(st.integers(0, len(raw) // 4 - 1)) * 4
        value = data.draw(st.sampled_from([0, 1, 0x7FFFFFFF, 0xFFFFFFFF, 0x80000000, len(raw), len(raw) - 4]))
        raw[pos : pos + 4] = value.to_bytes(4, "little")
    _load_and_build(bytes(raw))


OPS_WITH_OPTIONS = sorted({"ADD", "CONV_2D", "MIRROR_PAD", "GATHER", "PACK", "STRIDED_SLICE", "SQUEEZE"})


@settings(max_examples=20, deadline=None)
@given(op=st.sampled_from(OPS_WITH_OPTIONS), table=st.sampled_from(["Conv2DOptions", "ReducerOptions",
                                                                     "ConcatenationOptions", "SoftmaxOptions"]))
def test_wrong_options_table_is_a_model_error(op: str, table: str) -> None:
    """An options table of another type than the op's is refused at load, naming both
    (TFLM's parser would read a null table and silently fall back to defaults)."""
    from microinterp.model import OPTIONS_OF_OP

    b = ModelBuilder()
    x = b.add_input("x", (1, 4), "float32")
    y = b.add_output("y", (1, 4), "float32")
    b.add_operator(op, [x], [y], options_table=table)
    data = b.build()
    if OPTIONS_OF_OP[op] == table:
        assert load_model(data).main.operators[0].options is not None
        return
    with pytest.raises(ModelError, match=f"carries {table} options, but {op} takes {OPTIONS_OF_OP[op]}"):
        load_model(data)


def test_options_are_typed_with_schema_defaults() -> None:
    """Omitted options are the schema's defaults, each field typed: kernels read them directly."""
    import dataclasses

    b = ModelBuilder()
    x = b.add_input("x", (1, 4), "float32")
    y = b.add_output("y", (1, 4), "float32")
    b.add_operator("GATHER", [x, x], [y])
    opts = load_model(b.build()).main.operators[0].options
    assert (opts.axis, opts.batch_dims) == (0, 0)
    assert {f.name: f.type for f in dataclasses.fields(opts)} == {"axis": int, "batch_dims": int}
