"""Stateful real models vs TFLM: LSTM (float and int8) and SVDF models keep their state
in variable tensors across invocations. Each model runs a sequence of seeded random
inputs without reset, then the same sequence again after ``reset()``; every output,
every intermediate and the state tensors are compared with TFLM after every step,
tolerance 0 -- the float LSTM included (TFLM's float order and libm's expf/tanhf are
reproduced exactly; LiteRT is *not* the oracle and differs on it).
"""

import numpy as np
import pytest
from oracle import compare_with_tflm, model_path, random_input, requires_tflm

from microinterp import Interpreter

STATEFUL_MODELS = [
    "tflite-micro/trained_lstm.tflite",  # float32 LSTM
    "tflite-micro/trained_lstm_int8.tflite",  # int8 LSTM, int16 cell
    "tflite-micro/micro_speech_lstm.tflite",  # int8 LSTM with a non-zero hidden zero point
    "tflite-micro/keyword_scrambled.tflite",  # 7 int8 SVDF layers with int16 state
]
STEPS = 6


def _sequence(interp: Interpreter, seed: int) -> list[list[np.ndarray]]:
    rng = np.random.default_rng(seed)
    return [[random_input(interp.get_input_details(i), rng) for i in range(interp.num_inputs)]
            for _ in range(STEPS)]


@requires_tflm
@pytest.mark.parametrize("rel", STATEFUL_MODELS)
def test_stateful_model_matches_tflm_across_invokes_and_reset(rel):
    data = model_path(rel).read_bytes()
    probe = Interpreter.from_bytes(data)
    assert any(t.is_variable for t in probe.subgraph.tensors), "expected a model with variable (state) tensors"
    seq = _sequence(probe, seed=len(rel))
    # STEPS invokes carrying state, reset, the same STEPS inputs again: TFLM-identical throughout
    compare_with_tflm(data, seq + seq, reset_after=STEPS)


@requires_tflm
@pytest.mark.parametrize("rel", STATEFUL_MODELS)
def test_state_carries_over_and_reset_restores_it(rel):
    """The state really matters (a later step differs from a fresh run on the same
    input) and ``reset()`` restores the initial state (the replay is identical)."""
    data = model_path(rel).read_bytes()
    mi = Interpreter.from_bytes(data)
    seq = _sequence(mi, seed=7)

    def run(steps: list[list[np.ndarray]]) -> list[np.ndarray]:
        outs = []
        for inputs in steps:
            for i, x in enumerate(inputs):
                mi.set_input(x, i)
            mi.invoke()
            outs.append(np.concatenate([mi.get_output(k).ravel() for k in range(mi.num_outputs)]))
        return outs

    def states() -> list[np.ndarray]:
        return [mi.get_tensor(t.index) for t in mi.subgraph.tensors if t.is_variable]

    first = run(seq)
    state_after_seq = states()
    mi.reset()
    initial = states()
    assert any(not np.array_equal(a, b) for a, b in zip(state_after_seq, initial)), "state never changed"
    replay = run(seq)
    assert all(np.array_equal(a, b) for a, b in zip(first, replay)), "reset() did not restore the initial state"
    assert all(np.array_equal(a, b) for a, b in zip(state_after_seq, states()))
    mi.reset()
    run(seq[-1:])
    # one fresh step on the last input leaves a different state than the whole sequence
    assert any(not np.array_equal(a, b) for a, b in zip(state_after_seq, states()))
