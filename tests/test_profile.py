"""``microinterp run --profile``: per-op time and arena bytes.

The memory column must agree with the planner: the largest live sum over the
ops is the plan's lower bound, and the highest byte any op touches is the
planned head, on real models."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from oracle import model_path

from microinterp import Interpreter
from microinterp.errors import InputError
from microinterp.inputs import random_inputs
from microinterp.memory.planner import lower_bound
from microinterp.profile import ascii_bars, profile


@pytest.mark.parametrize("name", ["mlperf-tiny/kws_ref_model.tflite", "mlperf-tiny/vww_96_int8.tflite"])
def test_memory_column_matches_the_plan(name: str) -> None:
    path = model_path(name)
    it = Interpreter.from_file(path)
    rows = profile(path, random_inputs(it.model, np.random.default_rng(0)), repeats=2)
    assert [r.name for r in rows] == [n.name for n in it.nodes]
    assert max(r.live_bytes for r in rows) == lower_bound(list(it.memory.requests))
    assert max(r.high_water for r in rows) == it.memory.planned_bytes
    assert all(r.seconds > 0 for r in rows)
    bars = ascii_bars(rows)
    assert bars.count("\n") == len(rows) + 1 and "memory peak" in bars


def test_repeats_must_be_positive() -> None:
    with pytest.raises(InputError, match="repeats"):
        profile(model_path("mlperf-tiny/kws_ref_model.tflite"), [], repeats=0)


def test_cli_writes_picture(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    out = tmp_path / "p.svg"
    model = str(model_path("mlperf-tiny/kws_ref_model.tflite"))
    r = subprocess.run([sys.executable, "-m", "microinterp.cli", "run", model, "--profile", str(out),
                        "--repeats", "2"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "#12  SOFTMAX" in r.stdout and out.read_text().lstrip().startswith("<?xml")
    bad = subprocess.run([sys.executable, "-m", "microinterp.cli", "run", model, "--profile", str(tmp_path / "p.txt")],
                         capture_output=True, text=True, timeout=300)
    assert bad.returncode != 0 and "Traceback" not in bad.stderr and "--profile" in bad.stderr


def test_profile_times_the_bound_calls_invoke_runs() -> None:
    """``invoke_timed`` (what ``profile`` times) runs the interpreter's own work list, the
    bound calls ``invoke()`` runs, not the kernels' plain ``invoke``: one time per operator,
    every bound call made once, and the same outputs as ``invoke()``."""
    path = model_path("mlperf-tiny/kws_ref_model.tflite")
    it = Interpreter.from_file(path)
    xs = random_inputs(it.model, np.random.default_rng(3))
    for i, x in enumerate(xs):
        it.set_input(x, i)
    it.invoke()
    want = it.get_output(0)
    counts = [0] * len(it._calls)

    def counted(k: int, call):  # type: ignore[no-untyped-def]
        def run() -> None:
            counts[k] += 1
            call()
        return run

    it._calls[:] = [counted(k, c) for k, c in enumerate(it._calls)]
    for i, x in enumerate(xs):  # the planner may reuse the input's bytes for later tensors
        it.set_input(x, i)
    times = it.invoke_timed()
    assert len(times) == len(it.nodes) and all(t > 0 for t in times)
    assert counts == [1] * len(it.nodes)
    assert np.array_equal(it.get_output(0), want)
