"""One memory model: the interpreter and ``microinterp plan`` agree on every model.

``memory/requests.py`` turns a model into buffer requests for the interpreter,
TFLM sizing and C-port sizing alike, from each kernel's memory declaration
(``Registration.memory``). Before it, scratch sizes were written twice and
disagreed on MEAN, REDUCE_MAX, MIRROR_PAD and ADD_N; these tests pin that the
interpreter's planned head equals ``plan``'s TFLM head on builder-made models
of those ops (drawn by Hypothesis) and on every shared model the interpreter
runs, and that both equal the head the TFLM wheel itself allocates.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import MODELS_DIR, requires_tflm

from microinterp import Interpreter, UnsupportedOpError, load_model
from microinterp.builder import ModelBuilder
from microinterp.cli.main import main as cli_main
from microinterp.cli.plan import figures

Q = {"scale": 0.5, "zero_point": 1}


def reduce_model(op: str, shape: tuple[int, ...], axes: list[int], keep_dims: bool, dtype: str) -> bytes:
    q = Q if dtype == "int8" else {}
    rank = len(shape)
    reduced = {a % rank for a in axes}
    out_shape = tuple(1 if d in reduced else n for d, n in enumerate(shape) if keep_dims or d not in reduced)
    b = ModelBuilder()
    x = b.add_input("x", shape, dtype, **q)
    ax = b.add_constant("axis", np.array(axes, np.int32))
    y = b.add_output("y", out_shape, dtype, **q)
    b.add_operator(op, [x, ax], [y], keep_dims=keep_dims)
    return b.build()


def mirror_pad_model(shape: tuple[int, ...], pads: list[tuple[int, int]], dtype: str) -> bytes:
    q = Q if dtype == "int8" else {}
    b = ModelBuilder()
    x = b.add_input("x", shape, dtype, **q)
    p = b.add_constant("pads", np.array(pads, np.int32))
    y = b.add_output("y", tuple(n + lo + hi for n, (lo, hi) in zip(shape, pads)), dtype, **q)
    b.add_operator("MIRROR_PAD", [x, p], [y], mode=0)
    return b.build()


def add_n_model(shape: tuple[int, ...], n: int, dtype: str) -> bytes:
    q = Q if dtype == "int8" else {}
    b = ModelBuilder()
    xs = [b.add_input(f"x{i}", shape, dtype, **q) for i in range(n)]
    y = b.add_output("y", shape, dtype, **q)
    b.add_operator("ADD_N", xs, [y])
    return b.build()


shapes = st.lists(st.integers(1, 6), min_size=1, max_size=4).map(tuple)


@st.composite
def op_models(draw: st.DrawFn) -> bytes:
    """One single-op model of an op whose scratch buffers used to be sized twice."""
    op = draw(st.sampled_from(["MEAN", "SUM", "REDUCE_MAX", "REDUCE_MIN", "MIRROR_PAD", "ADD_N"]))
    dtype = draw(st.sampled_from(["int8", "float32"]))
    shape = draw(shapes)
    if op == "MIRROR_PAD":
        pads = [(draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1))) for n in shape]
        return mirror_pad_model(shape, pads, dtype)
    if op == "ADD_N":
        return add_n_model(shape, draw(st.integers(2, 5)), dtype)
    rank = len(shape)
    axes = draw(st.lists(st.integers(-rank, rank - 1), min_size=1, max_size=rank))
    return reduce_model(op, shape, axes, draw(st.booleans()), dtype)


def plan_json(path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> dict:
    assert cli_main(["plan", str(path), "--planner", "greedy", "--json", *extra]) == 0
    return json.loads(capsys.readouterr().out)


@settings(max_examples=30, deadline=None)
@given(data=op_models())
def test_interpreter_and_plan_agree_on_scratch_ops(data: bytes) -> None:
    """``plan``'s figures (what ``--json`` prints) against the interpreter's plan."""
    fig, _pin, _plan = figures(load_model(data), planner="greedy")
    assert Interpreter(load_model(data)).memory.planned_bytes == fig["tflm"]["planned_bytes"]


def _shared_models() -> list[str]:
    return sorted(str(p.relative_to(MODELS_DIR)) for p in MODELS_DIR.rglob("*.tflite")) or ["(no models)"]


@pytest.mark.parametrize("rel", _shared_models())
def test_interpreter_and_plan_agree_on_shared_models(rel: str, capsys: pytest.CaptureFixture[str]) -> None:
    if rel == "(no models)":
        pytest.skip(f"shared models not found under {MODELS_DIR}")
    path = MODELS_DIR / rel
    try:
        it = Interpreter(load_model(str(path)))
    except UnsupportedOpError as e:
        pytest.skip(f"the interpreter cannot run it: {str(e)[:120]}")
    assert it.memory.planned_bytes == plan_json(path, capsys)["tflm"]["planned_bytes"]


_PRINT_HEADS = r"""
import ctypes, sys
from tflite_micro.python.tflite_micro import runtime
libc = ctypes.CDLL(None)
for path in sys.argv[1:]:
    print("@@", path, file=sys.stderr, flush=True)
    runtime.Interpreter.from_bytes(open(path, "rb").read(), arena_size=1 << 20).print_allocations()
    libc.fflush(None)
"""


@requires_tflm
def test_heads_equal_the_wheels(tmp_path: Path) -> None:
    """The head TFLM itself allocates (``print_allocations``) equals the interpreter's."""
    models = {
        "mean_int8": reduce_model("MEAN", (1, 5, 7, 3), [1, 2], True, "int8"),
        "mean_float": reduce_model("MEAN", (2, 5, 7), [1], False, "float32"),
        "sum_int8": reduce_model("SUM", (2, 5, 7), [1], False, "int8"),
        "reduce_max_int8": reduce_model("REDUCE_MAX", (2, 5, 7), [0, 2], True, "int8"),
        "reduce_min_float": reduce_model("REDUCE_MIN", (1, 5, 7, 3), [1, 2], True, "float32"),
        "mirror_pad_int8": mirror_pad_model((1, 4, 5, 2), [(0, 0), (1, 1), (2, 2), (0, 0)], "int8"),
        "add_n_float": add_n_model((2, 3), 3, "float32"),
        "add_n_int8": add_n_model((2, 3), 4, "int8"),
    }
    paths = []
    for name, data in models.items():
        paths.append(tmp_path / f"{name}.tflite")
        paths[-1].write_bytes(data)
    err = subprocess.run([sys.executable, "-c", _PRINT_HEADS, *map(str, paths)], capture_output=True, text=True,
                         timeout=300).stderr
    heads: dict[str, int] = {}
    current = ""
    for line in err.splitlines():
        if line.startswith("@@ "):
            current = Path(line[3:]).stem
        m = re.search(r"Arena allocation head (\d+) bytes", line)
        if m:
            heads[current] = int(m.group(1))
    assert set(heads) == set(models), err[-2000:]
    for name, data in models.items():
        assert Interpreter(load_model(data)).memory.planned_bytes == heads[name], name
