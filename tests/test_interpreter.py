"""Interpreter API: allocation errors, input checking, custom kernels, details."""

import io

import numpy as np
import pytest
from oracle import model_path

from microinterp import (
    ArenaTooSmallError,
    InputError,
    Interpreter,
    OpResolver,
    UnsupportedOpError,
)
from microinterp.builder import ModelBuilder


def chain_model() -> bytes:
    """x -> RESHAPE -> RESHAPE -> y, so one intermediate tensor exists."""
    b = ModelBuilder()
    x = b.add_input("x", (2, 8), "int8", scale=0.5, zero_point=3)
    s1 = b.add_constant("s1", np.array([4, 4], np.int32))
    mid = b.add_tensor("mid", (4, 4), "int8", scale=0.5, zero_point=3)
    s2 = b.add_constant("s2", np.array([16], np.int32))
    y = b.add_output("y", (16,), "int8", scale=0.5, zero_point=3)
    b.add_operator("RESHAPE", [x, s1], [mid], new_shape=[4, 4])
    b.add_operator("RESHAPE", [mid, s2], [y], new_shape=[16])
    return b.build()


def custom_model() -> bytes:
    b = ModelBuilder()
    x = b.add_input("x", (3,), "float32")
    y = b.add_output("y", (3,), "float32")
    b.add_operator("CUSTOM:Double", [x], [y])
    return b.build()


def test_runs_and_reports_arena():
    it = Interpreter.from_bytes(chain_model())
    x = np.arange(16, dtype=np.int8).reshape(2, 8)
    it.set_input(x, 0)
    it.invoke()
    assert np.array_equal(it.get_output(0), x.reshape(-1))
    # x lives [0,1], mid [1,2], y [2,2]: x and y can share bytes, so two 16-byte slots
    assert it.arena_used_bytes() == 32


def test_arena_too_small_names_the_size():
    with pytest.raises(ArenaTooSmallError) as e:
        Interpreter.from_bytes(chain_model(), arena_size=20)
    assert e.value.needed == 32 and e.value.given == 20
    assert "32 bytes" in str(e.value)
    Interpreter.from_bytes(chain_model(), arena_size=32)  # exactly enough is enough


@pytest.mark.parametrize("value, match", [
    (np.zeros((2, 8), np.float32), "expects dtype int8 but got float32"),
    (np.zeros((16,), np.int8), r"expects shape \[2, 8\] but got \[16\]"),
    (np.zeros((1, 2, 8), np.int8), "expects shape"),
])
def test_wrong_inputs_are_clear_errors(value, match):
    it = Interpreter.from_bytes(chain_model())
    with pytest.raises(InputError, match=match):
        it.set_input(value, 0)


def test_input_index_out_of_range():
    it = Interpreter.from_bytes(chain_model())
    with pytest.raises(InputError, match="out of range"):
        it.set_input(np.zeros((2, 8), np.int8), 1)
    with pytest.raises(InputError, match="out of range"):
        it.get_output(3)


def test_intermediate_needs_preserve():
    it = Interpreter.from_bytes(chain_model())
    it.set_input(np.ones((2, 8), np.int8), 0)
    it.invoke()
    with pytest.raises(InputError, match="preserve_all_tensors"):
        it.get_tensor(2)
    kept = Interpreter.from_bytes(chain_model(), preserve_all_tensors=True)
    kept.set_input(np.ones((2, 8), np.int8), 0)
    kept.invoke()
    assert np.array_equal(kept.get_tensor(2), np.ones((4, 4), np.int8))


def test_custom_op_unregistered_lists_registered_ops():
    with pytest.raises(UnsupportedOpError) as e:
        Interpreter.from_bytes(custom_model())
    msg = str(e.value)
    assert "CUSTOM:Double" in msg and "RESHAPE" in msg and "OpResolver.register" in msg


def test_user_registered_custom_kernel():
    resolver = OpResolver.builtins()

    def prepare(node):
        if node.input(0).dtype != np.float32:
            raise node.unsupported("float32 only")
        return 2.0

    def invoke(node, factor, inputs, outputs):
        np.multiply(inputs[0], np.float32(factor), out=outputs[0])

    resolver.register("Double", prepare, invoke)
    it = Interpreter.from_bytes(custom_model(), resolver=resolver)
    it.set_input(np.array([1.5, -2.0, 0.25], np.float32), 0)
    it.invoke()
    assert np.array_equal(it.get_output(0), np.array([3.0, -4.0, 0.5], np.float32))


def test_details_match_tflm_layout():
    it = Interpreter.from_bytes(chain_model())
    d = it.get_input_details(0)
    assert d["dtype"] is np.int8
    assert list(d["shape"]) == [2, 8]
    q = d["quantization_parameters"]
    assert list(q["scales"]) == [0.5] and list(q["zero_points"]) == [3] and q["quantized_dimension"] == 0


def test_vela_custom_op_is_a_clear_error():
    with pytest.raises(UnsupportedOpError, match="ethos-u"):
        Interpreter.from_file(model_path("tflite-micro/person_detect_vela.tflite"))


@pytest.mark.parametrize("name", ["mlperf-tiny/kws_ref_model_float32.tflite", "mlperf-tiny/model_ToyCar_quant.tflite"])
def test_hybrid_models_are_rejected_like_tflm(name):
    with pytest.raises(UnsupportedOpError, match="hybrid"):
        Interpreter.from_file(model_path(name))


def test_unregistered_custom_ops_are_named():
    """Every custom op without a kernel is named at once, before anything runs."""
    b = ModelBuilder()
    x = b.add_input("x", (4,), "int16")
    y = b.add_tensor("y", (4,), "int16")
    z = b.add_output("z", (4,), "int16")
    b.add_custom("NoSuchSignalOp", [x], [y], {"k": 1})
    b.add_custom("AnotherMissingOp", [y], [z])
    with pytest.raises(UnsupportedOpError) as e:
        Interpreter.from_bytes(b.build())
    for op in ("CUSTOM:NoSuchSignalOp", "CUSTOM:AnotherMissingOp"):
        assert op in str(e.value)


def test_variable_tensor_state_persists_and_resets():
    """A variable tensor lives in the persistent region: kept across invokes,
    cleared by reset(). Buffer data on it is ignored, as TFLM does."""
    b = ModelBuilder()
    x = b.add_input("x", (4,), "int8", scale=1.0, zero_point=5)
    state = b.add_tensor("state", (4,), "int8", data=np.full(4, 99, np.int8), scale=1.0, zero_point=5,
                         is_variable=True)
    y = b.add_output("y", (4,), "int8", scale=1.0, zero_point=5)
    b.add_operator("CUSTOM:Accumulate", [x, state], [y])

    def invoke(node, data, inputs, outputs):
        inputs[1][...] = inputs[1] + inputs[0] - 5  # state += real(x)
        outputs[0][...] = inputs[1]

    resolver = OpResolver.builtins()
    resolver.register("Accumulate", lambda node: None, invoke)
    it = Interpreter.from_bytes(b.build(), resolver=resolver)
    assert it.memory.persistent_bytes == 16
    one = np.full(4, 6, np.int8)  # real value 1
    for step in range(1, 4):
        it.set_input(one, 0)
        it.invoke()
        assert it.get_output(0).tolist() == [5 + step] * 4  # starts from the zero point, not 99
    it.reset()
    it.set_input(one, 0)
    it.invoke()
    assert it.get_output(0).tolist() == [6] * 4


def test_float_exceptions_stay_silent_as_in_c():
    """inf - inf and overflow inside bound calls give NaN / inf as C does, with no numpy
    RuntimeWarning leaking to the user (the invoke loop runs in a context that ignores
    floating-point exceptions), in invoke, invoke_timed, the traced loop and invoke_batch;
    and the user's own numpy error state is left as it was."""
    import warnings

    b = ModelBuilder()
    x = b.add_input("x", (1, 4), "float32")
    w = b.add_constant("w", np.array([[1, 1, 1, 1], [3e38, 3e38, 0, 0]], np.float32))
    y = b.add_output("y", (1, 2), "float32")
    b.add_operator("FULLY_CONNECTED", [x, w, -1], [y])
    model = b.build()
    sample = np.array([[np.inf, -np.inf, 1, 2], [1e38, 1e38, 0, 0]], np.float32)  # inf - inf; overflow
    before = np.geterr()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        it = Interpreter.from_bytes(model)
        traced = Interpreter.from_bytes(model, trace=1, trace_stream=io.StringIO())
        results = []
        for run, interp in ((it.invoke, it), (it.invoke_timed, it), (traced.invoke, traced)):
            for row in sample:
                interp.set_input(row[None], 0)
                run()
                results.append(interp.get_output(0).copy())
        batch = it.invoke_batch(sample)[0]
    assert np.isnan(results[0][0, 0]) and results[1][0, 1] == np.finfo(np.float32).max  # inf clamped, as TFLM
    for k, r in enumerate(results):
        assert r.tobytes() == results[k % 2].tobytes()
    assert batch.tobytes() == np.concatenate(results[:2]).tobytes()
    assert np.geterr() == before
