"""Run a model in TFLM (the oracle) and in microinterp, and compare bit for bit.

Every kernel and model test goes through ``assert_bit_exact``: outputs *and*
every non-constant tensor are compared with ``np.array_equal`` (tolerance 0)
against TFLM's ``kPreserveAllTensors`` run.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from microinterp import Interpreter
from microinterp.inputs import random_array
from microinterp.memory.tflm_arena import generous_arena_size

try:  # the oracle: wheels exist for Linux x86_64, CPython 3.10-3.13
    from tflite_micro.python.tflite_micro import runtime as tflm_runtime
except ImportError:  # pragma: no cover - depends on platform
    tflm_runtime = None

requires_tflm = pytest.mark.skipif(
    tflm_runtime is None, reason="tflite-micro (the TFLM oracle) is not installable on this platform"
)

SHARED_MODELS = Path(__file__).resolve().parents[2] / "shared" / "models"
#: Where scripts/fetch_models.py puts the models by default.
CACHED_MODELS = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "microinterp" / "models"
#: The list of the public models the tests use (origin, commit, path, sha256, license).
MODEL_LIST = Path(__file__).resolve().parent / "models.json"
FETCH_HINT = "fetch them with `python3 scripts/fetch_models.py` (see README, 'Test models') or set $MICROINTERP_MODELS"


def _models_dir() -> Path:
    """$MICROINTERP_MODELS, else ../shared/models, else fetch_models.py's cache (when it exists)."""
    env = os.environ.get("MICROINTERP_MODELS")
    if env:
        return Path(env)
    if not SHARED_MODELS.is_dir() and CACHED_MODELS.is_dir():
        return CACHED_MODELS
    return SHARED_MODELS


MODELS_DIR = _models_dir()

#: Node ids of the tests that read a real model (for the run summary in conftest.py).
MODEL_TESTS: set[str] = set()
#: Node ids of the tests that compared with TFLM through compare_with_tflm.
ORACLE_TESTS: set[str] = set()
CURRENT_TEST: list[str] = [""]


def model_path(rel: str) -> Path:
    """Path of a shared test model, or skip with a reason when the models are absent
    (a failure under strict mode: see conftest.py)."""
    p = MODELS_DIR / rel
    if not p.exists():
        pytest.skip(f"test model {rel} not found under {MODELS_DIR}: {FETCH_HINT}")
    MODEL_TESTS.add(CURRENT_TEST[0])
    return p


def random_input(details: dict, rng: np.random.Generator) -> np.ndarray:
    """Random values over the full range of the input's dtype (``microinterp.inputs``)."""
    return random_array(details["dtype"], details["shape"], rng)


def _differ(a: np.ndarray, b: np.ndarray, nan_payloads: bool = False) -> np.ndarray:
    """Elementwise 'not bit-identical'. Floats are compared as bit patterns, so
    -0.0 vs +0.0 is a difference; a NaN on both sides counts as the same answer
    (TFLM's NaN payloads are not part of any contract) unless ``nan_payloads``."""
    if a.dtype.kind == "f" and a.dtype == b.dtype:
        bits = np.dtype(f"u{a.dtype.itemsize}")
        differ = a.view(bits) != b.view(bits)
        return differ if nan_payloads else differ & ~(np.isnan(a) & np.isnan(b))
    return a != b


def _equal(a: np.ndarray, b: np.ndarray, nan_payloads: bool = False) -> bool:
    return a.shape == b.shape and a.dtype == b.dtype and not bool(np.any(_differ(a, b, nan_payloads)))


def _mismatch_count(a: np.ndarray, b: np.ndarray, nan_payloads: bool = False) -> int:
    return int(np.sum(_differ(a, b, nan_payloads)))


def compare_with_tflm(model_bytes: bytes, inputs_seq: list[list[np.ndarray]], *, reset_after: int | None = None,
                      check_intermediates: bool = True, nan_payloads: bool = False,
                      unwritten: dict[int, np.ndarray] | None = None) -> Interpreter:
    """Invoke both interpreters on each input list in turn (state carries over, as
    for stateful models), asserting every output and intermediate is identical
    (``nan_payloads``: NaNs too, bit for bit, for kernels whose NaNs are part of the test).
    ``unwritten`` maps a tensor index to a flat boolean mask of elements TFLM's kernel
    never writes (SignalEnergy outside its bin range): their bytes are whatever the arena
    held, so they are left out of the comparison and nothing else is."""
    skip = {k: np.asarray(v, bool).reshape(-1) for k, v in (unwritten or {}).items()}

    def _written(index: int, a: np.ndarray) -> np.ndarray:
        return a.reshape(-1)[~skip[index]] if index in skip else a
    ORACLE_TESTS.add(CURRENT_TEST[0])
    mi = Interpreter.from_bytes(model_bytes, preserve_all_tensors=True)
    tf = tflm_runtime.Interpreter.from_bytes(
        model_bytes, arena_size=generous_arena_size(mi.model),
        intrepreter_config=tflm_runtime.InterpreterConfig.kPreserveAllTensors,
    )
    sg = mi.subgraph
    for step, inputs in enumerate(inputs_seq):
        if reset_after is not None and step == reset_after:
            mi.reset()
            tf.reset()
        for i, x in enumerate(inputs):
            mi.set_input(x, i)
            tf.set_input(x, i)
        mi.invoke()
        tf.invoke()
        for k in range(mi.num_outputs):
            got, want = mi.get_output(k), tf.get_output(k)
            assert got.dtype == want.dtype and got.shape == want.shape, (k, got.dtype, want.dtype)
            got, want = _written(sg.outputs[k], got), _written(sg.outputs[k], want)
            if not _equal(got, want, nan_payloads):
                diff = np.abs(got.astype(np.float64) - want.astype(np.float64))
                raise AssertionError(
                    f"step {step}: output {k} differs from TFLM in {_mismatch_count(got, want, nan_payloads)} "
                    f"of {diff.size} elements (max |diff| {np.nanmax(diff) if diff.size else 0})\nmicrointerp: {got.ravel()[:16]}\nTFLM:        {want.ravel()[:16]}"
                )
        if check_intermediates:
            for t in sg.tensors:
                if t.is_constant or t.nbytes == 0 or t.type_name == "RESOURCE":  # TFLM's GetTensor crashes on one
                    continue
                got = mi.get_tensor(t.index)
                want = tf.GetTensor(t.index, 0)["tensor_data"]
                if got.size == want.size:
                    got = got.reshape(want.shape)
                    got, want = _written(t.index, got), _written(t.index, want)
                if got.shape != want.shape or not _equal(got, want, nan_payloads):
                    producer = next((op for op in sg.operators if t.index in op.outputs), None)
                    where = f"op {producer.index} {producer.name}" if producer else "graph input/state"
                    raise AssertionError(
                        f"step {step}: tensor {t.index} ({t.name!r}, from {where}) differs from TFLM: "
                        f"{_mismatch_count(got, want, nan_payloads) if got.shape == want.shape else 'shape'} "
                        f"of {got.size} elements"
                    )
            _compare_subgraphs(mi, tf, step, nan_payloads)
    return mi


def _compare_subgraphs(mi: Interpreter, tf: object, step: int, nan_payloads: bool) -> None:
    """Every tensor of subgraphs 1, 2, ... (control flow) against TFLM's ``GetTensor(index,
    subgraph)``: their values after the last time each subgraph ran. A subgraph that has
    not run yet holds whatever its arena bytes held, in both runtimes, so it is skipped."""
    for s in range(1, len(mi.model.subgraphs)):
        if mi.graph.invocations[s] == 0:
            continue
        sg = mi.model.subgraphs[s]
        for t in sg.tensors:
            if t.is_constant or t.nbytes == 0 or t.type_name == "RESOURCE":
                continue
            got = mi.get_tensor(t.index, s)
            want = tf.GetTensor(t.index, s)["tensor_data"]
            if got.size == want.size:
                got = got.reshape(want.shape)
            if got.shape != want.shape or not _equal(got, want, nan_payloads):
                producer = next((op for op in sg.operators if t.index in op.outputs), None)
                where = f"op {producer.index} {producer.name}" if producer else "subgraph input"
                raise AssertionError(f"step {step}: subgraph {s} tensor {t.index} ({t.name!r}, from {where}) "
                                     f"differs from TFLM: {got.ravel()[:8]} vs {want.ravel()[:8]}")
