"""Helpers of the per-op C-vs-Python cross-checks (test_fw_sequence.py,
test_fw_data_movement.py): run a single-op model through the C port built
with ASan/UBSan and through the Python interpreter, or check that both refuse
it.

A model the Python interpreter refuses at allocation must be refused by the C
port too, with a status from ``mi_interpreter_allocate`` (never a crash, a
sanitizer report or a wrong answer), and a model the C port refuses must be
one Python refuses: ``run_both`` fails on any C refusal.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
from fw_helpers import build_dir
from hypothesis import HealthCheck, settings

from microinterp import Interpreter
from microinterp.errors import MicrointerpError
from microinterp.fw import check as fwcheck
from microinterp.fw import runner as rp
from microinterp.fw import targets as tg
from microinterp.memory.firmware_arena import firmware_arena_bytes
from microinterp.model import load_model

#: examples per op; raise MI_FW_EXAMPLES for a longer hunt
SETTINGS = settings(max_examples=int(os.environ.get("MI_FW_EXAMPLES", "20")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def run_both(model: bytes, vectors: int = 3, seed: int = 0) -> None:
    """Identical output bytes (state carried over ``vectors`` invokes) and the
    arena memory/firmware_arena.py predicts; a model Python refuses must be refused by C too."""
    try:
        Interpreter(model)
    except MicrointerpError:
        assert_c_refuses(model)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "m.tflite"
        path.write_bytes(model)
        report = fwcheck.check(path, "host-asan", vectors=vectors, seed=seed, layers=False, timeout=60)
    assert report.ok, "\n".join(report.lines())


def assert_c_refuses(model: bytes) -> str:
    """The C port's allocate returns an error status (no fault); its name."""
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        (t / "m.tflite").write_bytes(model)
        (t / "in.bin").write_bytes(bytes(1))
        target = tg.get_target("host-asan")
        out = target.run(build_dir("host-asan") / "mi_runner", t / "m.tflite", t / "in.bin", t / "out.bin",
                         timeout=60)
    assert out.returncode == rp.EXIT_ALLOCATE, out.describe()
    assert out.status_name and out.status_name != "MI_OK", out.describe()
    return out.status_name


def assert_both_refuse(model: bytes) -> str:
    """Python raises a MicrointerpError at allocation and C returns a status."""
    try:
        Interpreter(model)
    except MicrointerpError:
        return assert_c_refuses(model)
    raise AssertionError("the Python interpreter accepted the model")


def run_both_on(model: bytes, vectors: list[list[np.ndarray]]) -> None:
    """Like ``run_both`` on given input vectors (crafted edge values: NaN, infinities,
    out-of-range positions) instead of random ones. An error Python raises while
    invoking must be an invoke status of the C port, on the same vector."""
    try:
        it = Interpreter(model)
    except MicrointerpError:
        assert_c_refuses(model)
        return
    expected: list[list[bytes]] = []
    for row in vectors:
        try:
            for i, x in enumerate(row):
                it.set_input(x, i)
            it.invoke()
        except MicrointerpError:
            break
        expected.append([it.get_output(k).tobytes() for k in range(it.num_outputs)])
    python_failed = len(expected) < len(vectors)
    parsed = load_model(model)
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        (t / "m.tflite").write_bytes(model)
        (t / "in.bin").write_bytes(rp.pack_inputs(vectors))
        target = tg.get_target("host-asan")
        out = target.run(build_dir("host-asan") / "mi_runner", t / "m.tflite", t / "in.bin", t / "out.bin",
                         timeout=60)
        if python_failed:
            assert out.returncode == rp.EXIT_INVOKE, out.describe()
            return
        assert out.ok, out.describe()
        got = rp.split((t / "out.bin").read_bytes(), rp.output_sizes(parsed), len(vectors))
    assert got == expected, "the C port's output bytes differ from microinterp.Interpreter's"
    predicted = firmware_arena_bytes(parsed, "host-asan")["total_bytes"]
    assert out.values.get("arena_used_bytes") == predicted
