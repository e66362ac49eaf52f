"""TFLM's micro_speech audio preprocessors (int8 and float front ends: Signal
custom ops between builtins), bit-exact with TFLM over sequences of invokes:
every output and intermediate, every step, tolerance 0. Their state (the
spectral-subtraction noise estimate) carries from one frame to the next, so a
wrong state would show in later frames; a reset in the middle must clear it
as TFLM's does.

The only bytes left out: the SignalEnergy output outside its bin range, which
TFLM's kernel never writes, and the CAST copy of them (the model slices them
away): they hold whatever the arena held before, in TFLM as here.
"""

from __future__ import annotations

import numpy as np
import pytest
from oracle import compare_with_tflm, model_path, requires_tflm
from signal_models import int16s

from microinterp import Interpreter
from microinterp.flexbuffer import FlexMap
from microinterp.memory.tflm_arena import tflm_arena
from microinterp.model import load_model

MODELS = ["tflite-micro/audio_preprocessor_int8.tflite", "tflite-micro/audio_preprocessor_float.tflite"]
FRAMES = 14


def unwritten(data: bytes) -> dict[int, np.ndarray]:
    """The SignalEnergy output elements outside [start_index, end_index), and the
    same elements of the CAST that copies them before the model slices them away."""
    sg = load_model(data).main
    masks = {}
    for op in sg.operators:
        if op.name == "CUSTOM:SignalEnergy":
            m = FlexMap(op.custom_options)
            out = sg.tensors[op.outputs[0]]
            skip = np.ones(out.size, bool)
            skip[m.int("start_index"):m.int("end_index")] = False
            masks[out.index] = skip
        elif op.name == "CAST" and op.inputs[0] in masks:
            masks[op.outputs[0]] = masks[op.inputs[0]]
    return masks


def frames(seed: int, shape: tuple[int, ...]) -> list[list[np.ndarray]]:
    """Audio frames at random loudness, with a silent and a clipped frame among them."""
    rng = np.random.default_rng(seed)
    out = [[int16s(rng, shape, extremes=bool(k % 2))] for k in range(FRAMES)]
    out[5] = [np.zeros(shape, np.int16)]
    out[6] = [np.where(rng.integers(0, 2, shape) == 1, 32767, -32768).astype(np.int16)]
    t = np.arange(int(np.prod(shape))).reshape(shape)
    out[7] = [(8000 * np.sin(2 * np.pi * 1000 * t / 16000)).astype(np.int16)]  # a 1 kHz tone at 16 kHz
    return out


@requires_tflm
@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("seed", [0, 1])
def test_preprocessor_sequence_bit_exact_with_tflm(name: str, seed: int) -> None:
    data = model_path(name).read_bytes()
    shape = tuple(Interpreter.from_bytes(data).get_input_details(0)["shape"])
    compare_with_tflm(data, frames(seed, shape), reset_after=10, unwritten=unwritten(data))


@pytest.mark.parametrize("name", MODELS)
def test_preprocessor_state_carries_and_resets(name: str) -> None:
    """The same frame gives different features once the noise estimate has seen
    other frames, and the first frame's features again after reset()."""
    it = Interpreter.from_file(model_path(name))
    shape = tuple(it.get_input_details(0)["shape"])
    seq = frames(3, shape)
    first = None
    for k, (x,) in enumerate(seq[:4]):
        it.set_input(x, 0)
        it.invoke()
        if k == 0:
            first = it.get_output(0)
    it.set_input(seq[0][0], 0)
    it.invoke()
    assert not np.array_equal(it.get_output(0), first)
    it.reset()
    it.set_input(seq[0][0], 0)
    it.invoke()
    assert np.array_equal(it.get_output(0), first)


@pytest.mark.parametrize("name", MODELS)
def test_preprocessor_sizing_is_modelled(name: str) -> None:
    """No op of the preprocessors is sized approximately any more (test_sizing.py
    compares the numbers with the wheel's)."""
    for target in ("host64", "cortex-m"):
        assert tflm_arena(load_model(str(model_path(name))), target).approximate_ops == ()
