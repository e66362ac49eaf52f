"""How much of the model collection does the C port run, bit-exact? One run over every model.

    .venv/bin/python benchmarks/firmware_check_all.py [--target host] [--vectors 2] [--jobs 1] [model ...]

For every .tflite under the models folder (``$MICROINTERP_MODELS`` or
``../shared/models``; or the models named on the command line) it runs
``microinterp firmware check MODEL --target T --vectors N --json`` -- the very
command a user runs -- and sorts the outcomes:

  OK           every output byte of every vector identical to the Python
               interpreter, and the arena exactly as predicted
  UNAVAILABLE  the C port has no kernel for some op (listed, with how many
               models each missing op blocks)
  SKIPPED      the Python interpreter itself does not run the model
               (custom ops, hybrid models: what TFLM refuses too)
  FAILING      anything else: mismatch, arena mismatch, firmware error

A progress bar goes to stderr (tqdm when installed, a plain counter otherwise);
the summary goes to stdout. Exit status 1 when any model is FAILING.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

MODELS_DIR = Path(os.environ.get("MICROINTERP_MODELS", Path(__file__).resolve().parents[2] / "shared" / "models"))
MICROINTERP = Path(sys.executable).with_name("microinterp")


def check(model: Path, target: str, vectors: int, timeout: float) -> dict[str, Any]:
    """One ``microinterp firmware check --json``; its report, or a synthetic failing one."""
    cmd = [str(MICROINTERP), "firmware", "check", str(model), "--target", target, "--vectors", str(vectors),
           "--json", "--timeout", str(timeout)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout + 600)
    except subprocess.TimeoutExpired:
        return {"outcome": "timeout", "message": f"no answer within {timeout + 600:.0f} s"}
    try:
        start = proc.stdout.index("{")
        return json.loads(proc.stdout[start:])
    except ValueError:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or [f"exit {proc.returncode}"]
        return {"outcome": "cli-error", "message": tail[0]}


def classify(report: dict[str, Any]) -> str:
    outcome = report.get("outcome")
    if outcome == "ok":
        return "OK"
    if outcome == "unavailable":
        if "Python reference cannot run" in report.get("message", ""):
            return "SKIPPED"
        if "has no kernel for" in report.get("message", ""):
            return "UNAVAILABLE"
    return "FAILING"


def missing_ops(report: dict[str, Any]) -> list[str]:
    """Op names from 'the C port has no kernel for #3 PAD, #7 MEAN (it has: ...)'."""
    message = report.get("message", "").split(" (it has:")[0]
    return sorted(set(re.findall(r"#\d+ (\w+)", message)))


def progress(items: Iterable[Any], total: int) -> Iterator[Any]:
    try:
        from tqdm import tqdm
    except ImportError:
        for k, item in enumerate(items, 1):
            print(f"\r{k}/{total}", end="", file=sys.stderr, flush=True)
            yield item
        print(file=sys.stderr)
        return
    yield from tqdm(items, total=total, unit="model", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("models", nargs="*", type=Path, help="models to check (default: every .tflite in the folder)")
    ap.add_argument("--target", default="host")
    ap.add_argument("--vectors", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds per firmware run")
    ap.add_argument("--jobs", type=int, default=1, help="models checked at once")
    ap.add_argument("--json", type=Path, default=None, help="also write every report to this file")
    args = ap.parse_args(argv)
    models = args.models or sorted(MODELS_DIR.rglob("*.tflite"))
    if not models:
        print(f"no models found in {MODELS_DIR}", file=sys.stderr)
        return 2
    with ThreadPoolExecutor(max(1, args.jobs)) as pool:
        reports = list(progress(pool.map(lambda m: check(m, args.target, args.vectors, args.timeout), models),
                                len(models)))
    groups: dict[str, list[str]] = collections.defaultdict(list)
    blocked: collections.Counter[str] = collections.Counter()
    root = MODELS_DIR.resolve()
    for model, report in zip(models, reports):
        name = str(model.resolve().relative_to(root)) if model.resolve().is_relative_to(root) else str(model)
        kind = classify(report)
        if kind == "UNAVAILABLE":
            ops = missing_ops(report)
            blocked.update(ops)
            name += f"  (missing: {', '.join(ops)})"
        elif kind in ("FAILING", "SKIPPED"):
            name += f"  ({report.get('outcome')}: {report.get('message', '')[:160]})"
        groups[kind].append(name)
    print(f"firmware check --target {args.target} --vectors {args.vectors} over {len(models)} models:")
    for kind in ("OK", "UNAVAILABLE", "FAILING", "SKIPPED"):
        print(f"  {kind:<12}{len(groups[kind]):>4}")
    if blocked:
        print("missing kernels, by models blocked: "
              + ", ".join(f"{op} {n}" for op, n in blocked.most_common()))
    for kind in ("FAILING", "UNAVAILABLE", "SKIPPED"):
        for name in groups[kind]:
            print(f"{kind:<12}{name}")
    if args.json:
        args.json.write_text(json.dumps({str(m): r for m, r in zip(models, reports)}, indent=1, default=str))
    return 1 if groups["FAILING"] else 0


if __name__ == "__main__":
    sys.exit(main())
