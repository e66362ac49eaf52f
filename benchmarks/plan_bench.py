"""How good are microinterp's plans and arena predictions, per shared model?

For every model in ../shared/models (or $MICROINTERP_MODELS) this prints:

* TFLM arena, measured: the smallest ``arena_size`` with which the real TFLM
  (the tflite-micro wheel) allocates and invokes the model, bisected in
  subprocesses (TFLM may segfault on a too small arena) around microinterp's
  prediction; ``--quick`` takes the manifest's bisected value instead;
* microinterp's prediction of it (``memory.tflm_arena.tflm_arena``, host64) and the error;
* the planned (head) bytes of TFLM's greedy plan (= microinterp greedy), of
  microinterp's ``best`` plan, and the lower bound, with ratios;
* the arena TFLM needs when the best plan is written into the model as an
  offline plan (predicted), and its ratio to TFLM's own arena.

Usage: python benchmarks/plan_bench.py [--quick] [--filter SUBSTRING] [--jobs N]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from microinterp.cli.plan import _tensor_offsets, _tflm_with_offline
from microinterp.errors import MicrointerpError
from microinterp.memory.planner import lower_bound
from microinterp.memory.tflm_arena import plan_model, tflm_arena
from microinterp.model import load_model

MODELS = Path(os.environ.get("MICROINTERP_MODELS", Path(__file__).resolve().parents[2] / "shared" / "models"))

_FITS = r"""
import os, sys
from tflite_micro.python.tflite_micro import runtime
os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
try:
    it = runtime.Interpreter.from_file(sys.argv[1], arena_size=int(sys.argv[2]))
    it.invoke()
except Exception:
    sys.exit(3)
"""


def fits(path: Path, n: int) -> bool:
    r = subprocess.run([sys.executable, "-c", _FITS, str(path), str(n)], capture_output=True, timeout=300)
    return r.returncode == 0


def measure_min(path: Path, guess: int) -> int | None:
    """Bisect TFLM's minimum arena (1-byte resolution), starting at ``guess``."""
    lo, hi = None, None  # lo fails, hi fits
    if fits(path, guess):
        hi, step = guess, 1
        while lo is None:
            if hi - step <= 0:
                lo = 0
            elif not fits(path, hi - step):
                lo = hi - step
            else:
                hi, step = hi - step, step * 4
    else:
        lo, step = guess, 16
        while hi is None:
            if lo + step > 1 << 28:
                return None
            if fits(path, lo + step):
                hi = lo + step
            else:
                lo, step = lo + step, step * 4
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if fits(path, mid):
            hi = mid
        else:
            lo = mid
    return hi


def row(rel: str, facts: dict, quick: bool) -> dict | None:
    path = MODELS / rel
    try:
        model = load_model(str(path))
        pred = tflm_arena(model, "host64")
    except MicrointerpError as e:
        return {"model": rel, "error": str(e)[:60]}
    pin, greedy = plan_model(model, "greedy", aliasing=False)
    best = plan_model(model, "best", aliasing=False)[1]
    lb = lower_bound(pin.requests)
    n_all = sum(len(s.tensors) for s in model.subgraphs)
    offsets = _tensor_offsets(pin, best)
    offline, _ = _tflm_with_offline(model, [offsets.get(i, -1) for i in range(n_all)], "host64")
    if facts.get("tflm_ok") != "True":
        measured = None
    elif quick:
        measured = int(facts["tflm_arena_min_bisect"])
    else:
        measured = measure_min(path, pred.arena_bytes)
    return {"model": rel, "tflm": measured, "pred": pred.arena_bytes, "greedy": greedy.size,
            "best": best.size, "lb": lb, "offline": offline.arena_bytes,
            "approx": bool(pred.approximate_ops)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="use the manifest's bisected TFLM minimum")
    ap.add_argument("--filter", default="", help="only models whose path contains this")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    manifest = json.loads((MODELS / "manifest.json").read_text())
    rels = [r for r in sorted(manifest) if args.filter in r and (MODELS / r).exists()]
    with ThreadPoolExecutor(args.jobs) as pool:
        rows = list(pool.map(lambda r: row(r, manifest[r]["facts"], args.quick), rels))

    def ratio(a: int | None, b: int | None) -> str:
        return f"{a / b:.3f}" if a is not None and b else "-"

    head = (f"{'model':44s} {'TFLM arena':>10s} {'predicted':>9s} {'err':>4s} | {'greedy':>7s} {'best':>7s} "
            f"{'lower bd':>8s} {'best/gr':>7s} {'best/lb':>7s} | {'TFLM+best':>9s} {'ratio':>6s}")
    print(f"TFLM arena measured with the tflite-micro wheel ({'manifest bisect' if args.quick else 'bisected now'}); "
          "planned bytes are the head region; TFLM+best = arena TFLM needs with the best plan as an offline plan")
    print(head)
    print("-" * len(head))
    tot = {"greedy": 0, "best": 0, "lb": 0, "tflm": 0, "offline": 0}
    exact = counted = 0
    for r in rows:
        if r is None or "error" in r:
            print(f"{r['model']:44s} error: {r['error']}")
            continue
        err = "-" if r["tflm"] is None else f"{r['pred'] - r['tflm']:+d}"
        flag = "~" if r["approx"] else " "
        print(f"{r['model']:44s} {r['tflm'] if r['tflm'] is not None else 'n/a':>10} {r['pred']:>9d} {err:>4s}{flag}| "
              f"{r['greedy']:>7d} {r['best']:>7d} {r['lb']:>8d} {ratio(r['best'], r['greedy']):>7s} "
              f"{ratio(r['best'], r['lb']):>7s} | {r['offline']:>9d} {ratio(r['offline'], r['tflm']):>6s}")
        if r["tflm"] is not None:
            for k in tot:
                tot[k] += r[k]
            counted += 1
            exact += r["pred"] == r["tflm"]
    print("-" * len(head))
    print(f"{'total over ' + str(counted) + ' TFLM-runnable models':44s} {tot['tflm']:>10d} {'':9s} {'':4s} | "
          f"{tot['greedy']:>7d} {tot['best']:>7d} {tot['lb']:>8d} {ratio(tot['best'], tot['greedy']):>7s} "
          f"{ratio(tot['best'], tot['lb']):>7s} | {tot['offline']:>9d} {ratio(tot['offline'], tot['tflm']):>6s}")
    print(f"prediction exact on {exact} of {counted} models ('~': ops without an allocation model)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
