"""The streaming Signal ops in C (firmware/src/kernels/mi_signal_delay.c,
mi_signal_framer.c, mi_signal_stacker.c, mi_signal_overlap_add.c) against their
Python twins on hypothesis-drawn single-op models (the model maker of
tests/kernels/test_signal_streaming.py): six input vectors per model, so the state
each keeps across invokes is exercised. Every output byte and the arena must match;
Python's refusals must be C statuses.

Framer and Stacker leave output 0 untouched on an invoke that cannot fill it; the
runner and the Python interpreter both start from a zeroed arena and run the same
sequence, so those bytes are compared too.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

# the kernel test imports its sibling helper modules by name
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "kernels"))
from fw_helpers import requires_host_cc  # noqa: E402
from fw_twins import SETTINGS, assert_both_refuse, run_both_on  # noqa: E402
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from kernels import test_signal_streaming as streaming  # noqa: E402
from strategies import seeds  # noqa: E402

pytestmark = requires_host_cc
VECTORS = 6


def _signal(rng: np.random.Generator, shape: tuple, dtype: str) -> np.ndarray:
    if dtype == "float32":
        return rng.standard_normal(shape).astype(np.float32)
    return rng.integers(-32768, 32767, size=shape, endpoint=True).astype(np.int16)


def _run(model: bytes, shape: tuple, dtype: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    run_both_on(model, [[_signal(rng, shape, dtype)] for _ in range(VECTORS)])


@SETTINGS
@given(outer=st.lists(st.integers(1, 3), max_size=2), frame=st.integers(1, 12), delay=st.integers(0, 30),
       seed=seeds)
def test_signal_delay(outer, frame, delay, seed) -> None:  # type: ignore[no-untyped-def]
    shape = (*outer, frame)
    _run(streaming.one_op("SignalDelay", {"delay_length": delay}, shape, "int16", [(shape, "int16")]),
         shape, "int16", seed)


@SETTINGS
@given(outer=st.lists(st.integers(1, 3), max_size=2), size=st.integers(1, 12), step=st.integers(1, 6),
       n_frames=st.integers(1, 3), prefill=st.booleans(), seed=seeds)
def test_signal_framer(outer, size, step, n_frames, prefill, seed) -> None:  # type: ignore[no-untyped-def]
    if prefill:
        size = max(size, step)
    shape = (*outer, n_frames * step)
    model = streaming.one_op("SignalFramer", {"frame_size": size, "frame_step": step, "prefill": prefill}, shape,
                             "int16", [((*outer, n_frames, size), "int16"), ((), "bool")])
    _run(model, shape, "int16", seed)


@SETTINGS
@given(channels=st.integers(1, 8), left=st.integers(0, 3), right=st.integers(0, 3), data=st.data(), seed=seeds)
def test_signal_stacker(channels, left, right, data, seed) -> None:  # type: ignore[no-untyped-def]
    step = data.draw(st.integers(1, left + right + 1))
    model = streaming.one_op("SignalStacker", {"num_channels": channels, "stacker_left_context": left,
                                               "stacker_right_context": right, "stacker_step": step},
                             (channels,), "int16", [((channels * (left + right + 1),), "int16"), ((), "bool")])
    _run(model, (channels,), "int16", seed)


@SETTINGS
@given(outer=st.lists(st.integers(1, 3), max_size=2), n_frames=st.integers(1, 3), size=st.integers(1, 12),
       dtype=st.sampled_from(["int16", "float32"]), data=st.data(), seed=seeds)
def test_signal_overlap_add(outer, n_frames, size, dtype, data, seed) -> None:  # type: ignore[no-untyped-def]
    step = data.draw(st.integers(1, size))
    shape = (*outer, n_frames, size)
    model = streaming.one_op("SignalOverlapAdd", {"T": 7 if dtype == "int16" else 0, "frame_step": step}, shape,
                             dtype, [((*outer, n_frames * step), dtype)])
    _run(model, shape, dtype, seed)


def test_signal_streaming_refusals() -> None:
    for op, options, x, outs, _error in streaming.REFUSALS:
        assert_both_refuse(streaming.one_op(op, options, x[0], x[1], outs))
