"""CIRCULAR_BUFFER vs TFLM over sequences of invokes with a reset in the middle: a
CIRCULAR_BUFFER (variable output, drawn slots / slot shape / batch / cycles_max,
including TFLM's period heuristic for cycles_max 0) followed by an ADD that only runs
on the invokes the buffer lets through (TFLM's kTfLiteAbort ends the run
otherwise). 30 examples.

On an invoke that ends early the ADD's output keeps what it held before (in the wheel,
uninitialised memory until the first full run), so the ADD's output is compared on
the invokes that run it; the buffer (the variable tensor) is compared on every invoke.
"""

import numpy as np
import pytest
from flatbuffers import flexbuffers
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import CURRENT_TEST, ORACLE_TESTS, requires_tflm, tflm_runtime
from strategies import seeds
from tflm_arena_probe import assert_predicted_arena_is_minimum

from microinterp import Interpreter
from microinterp.builder import ModelBuilder
from microinterp.errors import KernelError, UnsupportedOpError
from microinterp.memory.tflm_arena import generous_arena_size

STEPS = 9
Q = dict(scale=0.05, zero_point=3)


def build(batch: int, slots: int, h: int, w: int, cycles_max: int | None, *, dtype: str = "int8",
          in_slots: int = 1, tail: bool = True) -> bytes:
    """x -> CIRCULAR_BUFFER -> buffer (variable) -> ADD(buffer, buffer) -> y."""
    b = ModelBuilder()
    x = b.add_input("x", (batch, in_slots, h, w), dtype, **Q)
    buf = b.add_tensor("buffer", (batch, slots, h, w), dtype, is_variable=True, **Q)
    opts = b"" if cycles_max is None else flexbuffers.Dumps({"cycles_max": cycles_max})
    b.add_operator("CUSTOM:CIRCULAR_BUFFER", [x], [buf], custom_options=opts)
    if tail:
        y = b.add_output("y", (batch, slots, h, w), dtype, scale=0.1, zero_point=-2)
        b.add_operator("ADD", [buf, buf], [y])
    else:
        b.outputs.append(buf)
    return b.build()


def compare_streaming(model: bytes, steps: list[np.ndarray], reset_after: int, period: int) -> None:
    """The buffer after every invoke; the ADD's output after the invokes that ran it."""
    ORACLE_TESTS.add(CURRENT_TEST[0])
    mi = Interpreter.from_bytes(model, preserve_all_tensors=True)
    tf = tflm_runtime.Interpreter.from_bytes(
        model, arena_size=generous_arena_size(mi.model),
        intrepreter_config=tflm_runtime.InterpreterConfig.kPreserveAllTensors)
    since_reset = 0
    for step, x in enumerate(steps):
        if step == reset_after:
            mi.reset()
            tf.reset()
            since_reset = 0
        mi.set_input(x, 0)
        tf.set_input(x, 0)
        mi.invoke()
        tf.invoke()
        since_reset += 1
        got, want = mi.get_tensor(1), tf.GetTensor(1, 0)["tensor_data"]
        assert got.tobytes() == want.tobytes(), (step, got.ravel()[:8], want.ravel()[:8])
        if since_reset % period == 0:
            assert mi.get_output(0).tobytes() == tf.get_output(0).tobytes(), step


@requires_tflm
@settings(max_examples=30, deadline=None)
@given(batch=st.integers(1, 2), slots=st.sampled_from([1, 2, 3, 5, 7, 13]), h=st.integers(1, 3),
       w=st.integers(1, 5), cycles_max=st.sampled_from([None, 0, -1, 1, 2, 3]), seed=seeds)
def test_circular_buffer_matches_tflm(batch, slots, h, w, cycles_max, seed):
    rng = np.random.default_rng(seed)
    if cycles_max is not None and cycles_max > 0:
        period = cycles_max
    else:
        period = 1 if slots in (5, 13, 25) else 2
    model = build(batch, slots, h, w, cycles_max)
    steps = [rng.integers(-128, 127, (batch, 1, h, w), endpoint=True).astype(np.int8) for _ in range(STEPS)]
    compare_streaming(model, steps, STEPS // 2, period)


#: models both runtimes refuse
REFUSALS = [dict(batch=1, slots=3, h=2, w=96, cycles_max=0), dict(batch=1, slots=3, h=2, w=2, cycles_max=2, dtype="int16"),
            dict(batch=1, slots=3, h=2, w=2, cycles_max=2, in_slots=2), dict(batch=1, slots=0, h=2, w=2, cycles_max=2)]


@pytest.mark.parametrize("kwargs, error", list(zip(REFUSALS, [UnsupportedOpError, UnsupportedOpError, KernelError,
                                                               KernelError])))
def test_circular_buffer_refusals(kwargs, error):
    with pytest.raises(error):
        Interpreter.from_bytes(build(**kwargs))


@requires_tflm
def test_circular_buffer_arena_is_tflm_minimum(tmp_path):
    assert_predicted_arena_is_minimum(build(1, 5, 2, 3, 2, tail=False), tmp_path)
