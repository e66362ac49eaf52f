"""Offline-plan export: real TFLM runs microinterp's plan, with identical outputs,
in exactly the arena microinterp predicts for it."""

from __future__ import annotations

import numpy as np
import pytest
from oracle import MODELS_DIR, random_input, requires_tflm, tflm_runtime
from test_sizing import tflm_fits

from microinterp.cli.plan import _tensor_offsets, _tflm_with_offline
from microinterp.memory.offline_plan import (
    METADATA_NAME,
    offline_values,
    read_offline_plan,
    with_offline_plan,
)
from microinterp.memory.tflm_arena import plan_model, tflm_arena
from microinterp.model import load_model

MODELS = [
    "mlperf-tiny/vww_96_int8.tflite",  # best plan is 25% below TFLM's greedy
    "mlperf-tiny/kws_ref_model.tflite",
    "tflite-micro/keyword_scrambled.tflite",  # variable tensors stay online (persistent)
    "tflite-micro/trained_lstm_int8.tflite",  # scratch buffers placed online around the plan
]


def _export(rel: str, tmp_path) -> tuple:  # type: ignore[no-untyped-def]
    path = MODELS_DIR / rel
    if not path.exists():
        pytest.skip(f"{rel} not found")
    model = load_model(str(path))
    pin, plan = plan_model(model, "best", aliasing=False)
    data = with_offline_plan(model, _tensor_offsets(pin, plan))
    out = tmp_path / "offline.tflite"
    out.write_bytes(data)
    return model, load_model(data), pin, plan, out


def test_metadata_format() -> None:
    path = MODELS_DIR / "tflite-micro/hello_world_int8.tflite"
    if not path.exists():
        pytest.skip("model not found")
    model = load_model(str(path))
    values = offline_values(model, {7: 0, 8: 16})
    n = len(model.main.tensors)
    assert values[:3] == [0, 1, n] and len(values) == 3 + n
    assert values[3 + 7] == 0 and values[3 + 8] == 16 and values[3 + 0] == -1
    with pytest.raises(ValueError):
        offline_values(model, {7: 3})


@pytest.mark.parametrize("rel", MODELS)
def test_rewritten_model_is_the_same_model(rel: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    model, new, pin, plan, _ = _export(rel, tmp_path)
    offsets = read_offline_plan(new)
    assert offsets is not None and len(offsets) == len(model.main.tensors)
    for t in model.main.tensors:
        u = new.main.tensors[t.index]
        assert (u.name, u.shape, u.type_name, u.is_variable) == (t.name, t.shape, t.type_name, t.is_variable)
        assert (t.data is None) == (u.data is None)
        if t.data is not None:
            assert np.array_equal(t.data, u.data)
    assert [(o.name, o.inputs, o.outputs, o.options) for o in model.main.operators] == \
           [(o.name, o.inputs, o.outputs, o.options) for o in new.main.operators]
    assert {k: v for k, v in new.metadata.items() if k != METADATA_NAME} == model.metadata
    # exporting again replaces the entry rather than adding a second one
    again = load_model(with_offline_plan(new, _tensor_offsets(pin, plan)))
    assert read_offline_plan(again) == offsets and len(again.metadata) == len(new.metadata)


@requires_tflm
@pytest.mark.parametrize("rel", MODELS)
def test_tflm_runs_offline_plan_identically(rel: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    model, new, pin, plan, out = _export(rel, tmp_path)
    predicted, _ = _tflm_with_offline(new, read_offline_plan(new), "host64")
    assert predicted.planned_bytes <= tflm_arena(model, "host64").planned_bytes
    rng = np.random.default_rng(1)
    runs = []
    for data in (model.raw, new.raw):
        it = tflm_runtime.Interpreter.from_bytes(data, arena_size=1 << 22)
        results = []
        for _ in range(3):  # several invocations: state carries over in stateful models
            xs = [random_input(it.get_input_details(i), np.random.default_rng(rng.integers(1 << 30)))
                  for i in range(len(model.main.inputs))]
            for i, x in enumerate(xs):
                it.set_input(x, i)
            it.invoke()
            results.append([it.get_output(k) for k in range(len(model.main.outputs))])
        runs.append(results)
        rng = np.random.default_rng(1)
    for a, b in zip(*runs):
        for x, y in zip(a, b):
            assert x.dtype == y.dtype and np.array_equal(x, y)
    # TFLM accepts exactly the arena microinterp predicts for the offline-planned model
    assert tflm_fits(out, predicted.arena_bytes)
    if rel != "tflite-micro/keyword_scrambled.tflite":  # see test_sizing.RESIDUAL_MIN
        assert not tflm_fits(out, predicted.arena_bytes - 1)


@requires_tflm
@pytest.mark.parametrize("rel", MODELS[:2])
def test_interpreter_honours_offline_plan(rel: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The Python interpreter places tensors where the offline plan says, as TFLM
    and the C port do, so its arena shrinks to the best plan and stays exact."""
    from microinterp import Interpreter

    _model, rewritten, _pin, plan, out = _export(rel, tmp_path)
    it = Interpreter.from_file(out)
    assert it.memory.planned_bytes == plan.size
    offsets = read_offline_plan(rewritten)
    placed = dict(zip(it.memory.owners, it.memory.plan.offsets))
    for owner, off in placed.items():
        if owner.startswith("tensor:"):
            assert off == offsets[int(owner.split(":")[1])]
    # outputs still bit-exact with TFLM running the same offline plan (TFLM cannot
    # preserve all tensors under an offline plan, so outputs only)
    tf = tflm_runtime.Interpreter.from_bytes(out.read_bytes(), arena_size=1 << 20)
    rng = np.random.default_rng(5)
    for _ in range(2):
        x = random_input(it.get_input_details(0), rng)
        it.set_input(x, 0)
        tf.set_input(x, 0)
        it.invoke()
        tf.invoke()
        assert np.array_equal(it.get_output(0), tf.get_output(0))
