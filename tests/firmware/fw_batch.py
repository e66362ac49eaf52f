"""Many hypothesis-drawn single-op cases per runner process, for the C-vs-Python kernel checks.

Why: every ``fw.check`` call starts one sanitized runner process (and builds
one Python interpreter), which costs more than a small op. A *case* here is a
function that adds one independent operator (its own graph inputs, constants
and outputs) to a shared ``ModelBuilder``; ``run_cases`` puts a drawn list of
them side by side in one model, so one process checks them all, byte for
byte and with the arena prediction, exactly as a single-op model would be
checked (a mismatch report names the first differing operator).

Refusals cannot share a model (the first one stops allocation), so
``assert_both_refuse`` checks one model: Python raises a ``MicrointerpError``
and the C port's ``mi_interpreter_allocate`` returns a status.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from fw_helpers import build_dir
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from microinterp import Interpreter
from microinterp.builder import ModelBuilder
from microinterp.errors import MicrointerpError
from microinterp.fw import check as fwcheck
from microinterp.fw import runner as rp
from microinterp.fw import targets as tg

#: adds one operator to the builder; the string prefixes its tensor names
Case = Callable[[ModelBuilder, str], None]

#: hypothesis examples per test (each a batch of up to MAX_CASES cases); MI_FW_EXAMPLES raises it
EXAMPLES = int(os.environ.get("MI_FW_EXAMPLES", "5"))
MAX_CASES = 6
SETTINGS = settings(max_examples=EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def batches(case: st.SearchStrategy[Case]) -> st.SearchStrategy[list[Case]]:
    """1..MAX_CASES cases of one strategy, checked together."""
    return st.lists(case, min_size=1, max_size=MAX_CASES)


def build(cases: Sequence[Case]) -> bytes:
    b = ModelBuilder()
    for k, case in enumerate(cases):
        case(b, f"c{k}_")
    return b.build()


def run_model(model: bytes, vectors: int = 2, seed: int = 0) -> None:
    """The C port (host, ASan/UBSan) and the Python interpreter: identical bytes and arena."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "m.tflite"
        path.write_bytes(model)
        report = fwcheck.check(path, "host-asan", vectors=vectors, seed=seed, layers=False, timeout=120)
    assert report.ok, "\n".join(report.lines())


def run_cases(cases: Sequence[Case], vectors: int = 2, seed: int = 0) -> None:
    run_model(build(cases), vectors, seed)


def assert_both_refuse(model: bytes) -> str:
    """Python refuses the model with a MicrointerpError, the C port with a status at
    allocation (never a fault); returns the C status name."""
    with pytest.raises(MicrointerpError):
        Interpreter.from_bytes(model)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "m.tflite"
        path.write_bytes(model)
        (Path(tmp) / "in.bin").write_bytes(bytes(1))
        t = tg.get_target("host-asan")
        out = t.run(build_dir("host-asan") / "mi_runner", path, Path(tmp) / "in.bin", Path(tmp) / "out.bin",
                    timeout=60)
    assert out.returncode == rp.EXIT_ALLOCATE, out.describe()
    assert out.status_name not in (None, "MI_OK"), out.describe()
    return str(out.status_name)
