"""CI's smoke run of both fuzzers: ``scripts/fuzz.sh python|c --time 20``.

Each run writes the seed corpus (builder models, the built-in example, the
shared real models when present), fuzzes for 20 seconds and must end without
a finding. The long runs (at least 100,000 Python cases and 10,000,000 C
executions) are made by hand with the same script and larger ``--time``.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("kind", ["python", "c"])
def test_fuzzer_smoke(kind: str, tmp_path: Path) -> None:
    # -seed=1: the same mutation sequence on every run (only how far it gets depends on the machine)
    proc = subprocess.run(["scripts/fuzz.sh", kind, "--time", "20", "--out", str(tmp_path), "--", "-seed=1"], cwd=REPO,
                          capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    tail = (proc.stdout + proc.stderr)[-4000:]
    assert proc.returncode == 0, tail
    summary = re.search(r"fuzz.sh \w+: (\d+) cases in this run, exit 0, 0 new finding", proc.stdout)
    assert summary, tail
    assert int(summary.group(1)) > 0, tail
