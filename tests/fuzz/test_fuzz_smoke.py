"""CI's smoke run of both fuzzers: ``scripts/fuzz.sh python|c`` with a fixed seed
and a fixed number of cases.

Each run writes the seed corpus (builder models, the built-in example, the
shared real models when present), fuzzes a fixed number of cases (capped at
60 seconds) and must end without a finding. The case count, not the time, is
the bound: with ``-seed=1`` the mutation sequence is the same on every
machine, so a faster CI machine cannot wander past the cases checked here
(a time bound once let a faster run reach a finding a slower one never saw). The long runs (at least 100,000 Python cases and 10,000,000 C
executions) are made by hand with the same script and larger ``--time``.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
#: cases per smoke run: about 20 s each on this project's 2-core CI machine
SMOKE_RUNS = {"python": 3000, "c": 100_000}


@pytest.mark.parametrize("kind", ["python", "c"])
def test_fuzzer_smoke(kind: str, tmp_path: Path) -> None:
    # -seed=1 and a case count: the same mutations on every machine (the time is only a cap)
    proc = subprocess.run(["scripts/fuzz.sh", kind, "--time", "60", "--runs", str(SMOKE_RUNS[kind]),
                           "--out", str(tmp_path), "--", "-seed=1"], cwd=REPO,
                          capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    tail = (proc.stdout + proc.stderr)[-4000:]
    assert proc.returncode == 0, tail
    summary = re.search(r"fuzz.sh \w+: (\d+) cases in this run, exit 0, 0 new finding", proc.stdout)
    assert summary, tail
    assert int(summary.group(1)) > 0, tail
