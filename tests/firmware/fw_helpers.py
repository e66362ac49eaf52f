"""Shared helpers of the C-port tests: build each host configuration once per
session (make is incremental, so later sessions reuse the objects) and run
its binaries.

The C unit-test binaries (firmware/tests/*.c) read their cases from stdin or a
file and print results; the Python tests compute the expected values with the
Python modules the C files are twins of (quant.py, planner.py, model.py).
"""

from __future__ import annotations

import functools
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pytest

from microinterp.fw import check as fwcheck
from microinterp.fw import runner as rp
from microinterp.fw import targets as tg


def host_unavailable() -> str | None:
    return tg.get_target("host-asan").unavailable()


requires_host_cc = pytest.mark.skipif(host_unavailable() is not None,
                                      reason=f"C port cannot be built here: {host_unavailable()}")


@functools.cache
def build_dir(name: str = "host-asan") -> Path:
    """Build the runner and the C unit tests for a host target once; the build directory."""
    return tg.get_target(name).build().parent


def run_binary(name: str, args: list[str], stdin: str = "", target: str = "host-asan",
               timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run one of the built binaries with the target's sanitizer settings."""
    t = tg.get_target(target)
    exe = build_dir(target) / name
    return subprocess.run([str(exe), *args], input=stdin, capture_output=True, text=True, timeout=timeout,
                          env=t.env())


def assert_clean(proc: subprocess.CompletedProcess[str]) -> None:
    """No sanitizer report and a normal exit."""
    report = [line for line in proc.stderr.splitlines() if "Sanitizer" in line or "runtime error" in line]
    assert not report, "sanitizer report:\n" + "\n".join(proc.stderr.splitlines()[:40])
    assert proc.returncode == 0, f"exit {proc.returncode}\nstdout:\n{proc.stdout[-2000:]}\nstderr:\n{proc.stderr[-2000:]}"


def assert_twins_agree(model: bytes, inputs: list[list[np.ndarray]], target: str = "host-asan") -> None:
    """Run a model's bytes through `firmware check` with these inputs: every output and every
    operator's outputs equal Python's, and the arena is predicted (a drawn model exists only
    in memory, so it goes through a temporary file)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "m.tflite"
        path.write_bytes(model)
        report = fwcheck.check(path, target, inputs=inputs, layers=True, timeout=300)
    assert report.ok, "\n".join(report.lines())
    assert report.arena_predicted["supported"]


def c_status(model: bytes, inputs: bytes = bytes(1)) -> tuple[int, str | None]:
    """Run a model's bytes on the host ASan/UBSan runner: its exit code and status name, after
    checking it ended without a sanitizer report (a refusal must be a status, never a fault)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "m.tflite"
        path.write_bytes(model)
        (Path(tmp) / "in.bin").write_bytes(inputs)
        out = tg.get_target("host-asan").run(build_dir("host-asan") / "mi_runner", path, Path(tmp) / "in.bin",
                                              Path(tmp) / "out.bin", timeout=120)
    assert out.returncode not in (rp.EXIT_ASAN, rp.EXIT_UBSAN), out.describe()
    return out.returncode, out.status_name
