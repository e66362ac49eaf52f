"""The streaming Signal ops vs TFLM over sequences of invokes, with a reset in the
middle (their FIFOs / accumulators carry across invokes and reset() restores them):
SignalDelay, SignalFramer (with and without prefill), SignalStacker, SignalOverlapAdd
(int16 saturating and float32). Drawn shapes, options and signals; 25 examples per op.
Refusals of options TFLM would overflow its buffers with.

SignalFramer and SignalStacker leave output 0 untouched when their valid flag is
false (TFLM's arena there holds whatever it held, garbage in the wheel), so for them
the valid flag is compared on every invoke and output 0 on the invokes that write it.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import CURRENT_TEST, ORACLE_TESTS, compare_with_tflm, requires_tflm, tflm_runtime
from strategies import seeds
from tflm_arena_probe import assert_predicted_arena_is_minimum

from microinterp import Interpreter
from microinterp.builder import ModelBuilder
from microinterp.errors import KernelError, UnsupportedOpError
from microinterp.flexbuffer import map_bytes
from microinterp.memory.tflm_arena import generous_arena_size

STEPS = 8


def one_op(op: str, options: dict, x_shape, x_dtype, outputs: list[tuple[tuple, str]]) -> bytes:
    b = ModelBuilder()
    x = b.add_input("x", x_shape, x_dtype)
    outs = [b.add_output(f"y{i}", shape, dtype) for i, (shape, dtype) in enumerate(outputs)]
    b.add_operator(f"CUSTOM:{op}", [x], outs, custom_options=map_bytes(options))
    return b.build()


def int16_signal(rng, shape):
    return rng.integers(-32768, 32767, size=shape, endpoint=True).astype(np.int16)


def compare_when_valid(model: bytes, steps: list[np.ndarray], reset_after: int) -> int:
    """Both runtimes on each input: the valid flag (output 1) always equal, output 0
    equal whenever the flag is true. Returns how many invokes were valid."""
    ORACLE_TESTS.add(CURRENT_TEST[0])
    mi = Interpreter.from_bytes(model)
    tf = tflm_runtime.Interpreter.from_bytes(model, arena_size=generous_arena_size(mi.model))
    valid_count = 0
    for step, x in enumerate(steps):
        if step == reset_after:
            mi.reset()
            tf.reset()
        mi.set_input(x, 0)
        tf.set_input(x, 0)
        mi.invoke()
        tf.invoke()
        valid = tf.get_output(1)
        assert mi.get_output(1).tobytes() == valid.tobytes(), (step, mi.get_output(1), valid)
        if bool(valid):
            valid_count += 1
            got, want = mi.get_output(0), tf.get_output(0)
            assert got.shape == want.shape and got.tobytes() == want.tobytes(), (step, got, want)
    return valid_count


@requires_tflm
@settings(max_examples=25, deadline=None)
@given(outer=st.lists(st.integers(1, 3), max_size=2), frame=st.integers(1, 12), delay=st.integers(0, 30),
       seed=seeds)
def test_signal_delay_matches_tflm(outer, frame, delay, seed):
    rng = np.random.default_rng(seed)
    shape = (*outer, frame)
    model = one_op("SignalDelay", {"delay_length": delay}, shape, "int16", [(shape, "int16")])
    compare_with_tflm(model, [[int16_signal(rng, shape)] for _ in range(STEPS)], reset_after=STEPS // 2)


@requires_tflm
@settings(max_examples=25, deadline=None)
@given(outer=st.lists(st.integers(1, 3), max_size=2), size=st.integers(1, 12), step=st.integers(1, 6),
       n_frames=st.integers(1, 3), prefill=st.booleans(), seed=seeds)
def test_signal_framer_matches_tflm(outer, size, step, n_frames, prefill, seed):
    rng = np.random.default_rng(seed)
    if prefill:
        size = max(size, step)
    shape = (*outer, n_frames * step)
    model = one_op("SignalFramer", {"frame_size": size, "frame_step": step, "prefill": prefill}, shape, "int16",
                   [((*outer, n_frames, size), "int16"), ((), "bool")])
    valid = compare_when_valid(model, [int16_signal(rng, shape) for _ in range(STEPS)], STEPS // 2)
    assert valid >= 1 or size > 2 * n_frames * step  # a frame completes within the 4 invokes before the reset


@requires_tflm
@settings(max_examples=25, deadline=None)
@given(channels=st.integers(1, 8), left=st.integers(0, 3), right=st.integers(0, 3), data=st.data(), seed=seeds)
def test_signal_stacker_matches_tflm(channels, left, right, data, seed):
    rng = np.random.default_rng(seed)
    step = data.draw(st.integers(1, left + right + 1))
    frames = left + right + 1
    model = one_op("SignalStacker", {"num_channels": channels, "stacker_left_context": left,
                                     "stacker_right_context": right, "stacker_step": step},
                   (channels,), "int16", [((channels * frames,), "int16"), ((), "bool")])
    valid = compare_when_valid(model, [int16_signal(rng, (channels,)) for _ in range(2 * STEPS)], STEPS)
    assert valid >= 1


@requires_tflm
@settings(max_examples=25, deadline=None)
@given(outer=st.lists(st.integers(1, 3), max_size=2), n_frames=st.integers(1, 3), size=st.integers(1, 12),
       dtype=st.sampled_from(["int16", "float32"]), data=st.data(), seed=seeds)
def test_signal_overlap_add_matches_tflm(outer, n_frames, size, dtype, data, seed):
    rng = np.random.default_rng(seed)
    step = data.draw(st.integers(1, size))
    shape = (*outer, n_frames, size)
    model = one_op("SignalOverlapAdd", {"T": 7 if dtype == "int16" else 0, "frame_step": step}, shape, dtype,
                   [((*outer, n_frames * step), dtype)])
    if dtype == "int16":
        steps = [[int16_signal(rng, shape)] for _ in range(STEPS)]  # full range: sums saturate
    else:
        steps = [[rng.standard_normal(shape).astype(np.float32)] for _ in range(STEPS)]
    compare_with_tflm(model, steps, reset_after=STEPS // 2)


#: (op, options, input (shape, dtype), outputs, Python error) that both runtimes refuse
REFUSALS = [
    ("SignalDelay", {"delay_length": -1}, ((4,), "int16"), [((4,), "int16")], KernelError),
    ("SignalDelay", {"delay_length": 2}, ((4,), "int16"), [((5,), "int16")], KernelError),
    ("SignalDelay", {"delay_length": 2}, ((4,), "float32"), [((4,), "float32")], UnsupportedOpError),
    ("SignalDelay", {"delay": 2}, ((4,), "int16"), [((4,), "int16")], KernelError),
    ("SignalDelay", {"delay_length": 1 << 26}, ((4,), "int16"), [((4,), "int16")], KernelError),
    ("SignalFramer", {"frame_size": 1 << 26, "frame_step": 4, "prefill": False}, ((4,), "int16"),
     [((1, 1 << 26), "int16"), ((), "bool")], KernelError),
    ("SignalFramer", {"frame_size": 4, "frame_step": 0, "prefill": False}, ((4,), "int16"),
     [((1, 4), "int16"), ((), "bool")], KernelError),
    ("SignalFramer", {"frame_size": 2, "frame_step": 4, "prefill": True}, ((4,), "int16"),
     [((1, 2), "int16"), ((), "bool")], KernelError),
    ("SignalFramer", {"frame_size": 4, "frame_step": 3, "prefill": False}, ((4,), "int16"),
     [((1, 4), "int16"), ((), "bool")], KernelError),
    ("SignalStacker", {"num_channels": 2, "stacker_left_context": 1, "stacker_right_context": 0,
                       "stacker_step": 3}, ((2,), "int16"), [((4,), "int16"), ((), "bool")], KernelError),
    ("SignalStacker", {"num_channels": 2, "stacker_left_context": 1, "stacker_right_context": 0,
                       "stacker_step": 0}, ((2,), "int16"), [((4,), "int16"), ((), "bool")], KernelError),
    ("SignalStacker", {"num_channels": 3, "stacker_left_context": 1, "stacker_right_context": 0,
                       "stacker_step": 1}, ((2,), "int16"), [((6,), "int16"), ((), "bool")], KernelError),
    ("SignalOverlapAdd", {"T": 7, "frame_step": 5}, ((2, 4), "int16"), [((10,), "int16")], KernelError),
    ("SignalOverlapAdd", {"T": 9, "frame_step": 2}, ((2, 4), "int16"), [((4,), "int16")], UnsupportedOpError),
    ("SignalOverlapAdd", {"T": 0, "frame_step": 2}, ((2, 4), "int16"), [((4,), "int16")], KernelError),
]


@pytest.mark.parametrize("op, options, x, outs, error", REFUSALS)
def test_signal_streaming_refusals(op, options, x, outs, error):
    with pytest.raises(error):
        Interpreter.from_bytes(one_op(op, options, x[0], x[1], outs))


@requires_tflm
@pytest.mark.parametrize("op, options, x, outs", [
    ("SignalDelay", {"delay_length": 7}, ((2, 3, 5), "int16"), [((2, 3, 5), "int16")]),
    ("SignalFramer", {"frame_size": 7, "frame_step": 3, "prefill": True}, ((2, 6), "int16"),
     [((2, 2, 7), "int16"), ((), "bool")]),
    ("SignalStacker", {"num_channels": 5, "stacker_left_context": 2, "stacker_right_context": 1,
                       "stacker_step": 2}, ((5,), "int16"), [((20,), "int16"), ((), "bool")]),
    ("SignalOverlapAdd", {"T": 7, "frame_step": 3}, ((3, 2, 5), "int16"), [((3, 6), "int16")]),
    ("SignalOverlapAdd", {"T": 0, "frame_step": 2}, ((2, 3, 5), "float32"), [((2, 6), "float32")]),
])
def test_signal_streaming_arena_is_tflm_minimum(tmp_path, op, options, x, outs):
    """The predicted host64 arena (params struct, temporaries, per-row state buffers)
    is the wheel's minimum."""
    assert_predicted_arena_is_minimum(one_op(op, options, x[0], x[1], outs), tmp_path)
