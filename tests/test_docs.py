"""Docs are code: every block in docs/*.md and the walkthrough's commands run here.

Two kinds of block are executed, in page order, in one scratch directory per
page (``$WORK``), with ``$MODELS`` pointing at the real models and the repo
root as the working directory:

* ```` ```python ```` blocks run in a fresh interpreter, one after another;
* ```` ```console ```` blocks hold ``$ command`` lines followed by the output the
  page shows. The command runs in bash; every shown output line (runs of
  spaces aside; a line ``...`` marks elided lines, a line ending in ``...`` matches
  any line it begins) must appear in the real output, in
  the same order. Numbers a page quotes from a command are therefore the
  numbers the command prints today, or the test fails.

Other blocks (```` ```c ````, ```` ```text ````) are illustrations and are not run.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from oracle import model_path

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted((ROOT / "docs").glob("*.md"))
BLOCK = re.compile(r"```(python|console)\n(.*?)```", re.S)


def _env(work: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["MODELS"] = str(model_path("mlperf-tiny/kws_ref_model.tflite").parents[1])
    env["WORK"] = str(work)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.pop("MICROINTERP_TRACE", None)
    return env


def _console(block: str) -> list[tuple[str, list[str]]]:
    """(command, expected output lines) pairs of a console block."""
    steps: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        elif steps and line.strip() != "...":
            steps[-1][1].append(line.rstrip())
    return steps


def _check_output(cmd: str, expected: list[str], actual: str) -> None:
    lines = [" ".join(x.split()) for x in actual.splitlines()]
    pos = 0
    for want in (" ".join(w.split()) for w in expected):
        if not want:
            continue
        prefix = want.endswith("...") and want != "..."
        while pos < len(lines) and not (lines[pos].startswith(want[:-3]) if prefix else lines[pos] == want):
            pos += 1
        assert pos < len(lines), f"`{cmd}` no longer prints (in this order):\n{want}\n--- it printed:\n{actual[-3000:]}"
        pos += 1


def test_docs_exist() -> None:
    assert len(PAGES) >= 8, [p.name for p in PAGES]


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_page_runs(page: Path, tmp_path: Path) -> None:
    env = _env(tmp_path)
    for kind, body in BLOCK.findall(page.read_text()):
        if kind == "python":
            proc = subprocess.run([sys.executable, "-c", body], cwd=ROOT, env=env, capture_output=True, text=True,
                                  timeout=600)
            assert proc.returncode == 0, f"{page.name}: python block failed:\n{body}\n{proc.stderr[-3000:]}"
            continue
        for cmd, expected in _console(body):
            failing = cmd.startswith("! ")
            proc = subprocess.run(["bash", "-c", cmd[2:] if failing else cmd], cwd=ROOT, env=env, capture_output=True, text=True,
                                  timeout=600)
            if failing:  # a command the page shows failing
                assert proc.returncode != 0, f"{page.name}: `{cmd}` should fail"
            else:
                assert proc.returncode == 0, f"{page.name}: `{cmd}` failed:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}"
            _check_output(cmd, expected, proc.stdout + proc.stderr)
