"""Speed: ms per invoke of microinterp vs TFLM (the oracle's runtime) and LiteRT,
measured in the same run on the same inputs, reported as ratios; plus batch mode.

    .venv/bin/python benchmarks/speed_bench.py [--rounds R] [--repeats N] [--batch B] [model ...]

A model is a file, a path under the models folder, or a bare name such as kws_ref_model.

Without model arguments it runs every model of ``$MICROINTERP_MODELS`` (default
``../shared/models``) that its manifest marks TFLM-runnable. Each model runs in a
subprocess (TFLM can crash on a model; that must not end the benchmark). Within
it, the engines are timed in interleaved rounds (R rounds of N invokes each,
round-robin over the engines, so a noisy neighbour hits them alike) and each
figure is the median over all timed invokes. Columns:

* microinterp, TFLM, LiteRT ref (BUILTIN_REF kernels), XNNPACK (LiteRT default) in ms;
* mi/TFLM, the ratio this benchmark is about;
* batch: microinterp's ``invoke_batch`` time per sample (B samples per call), and
  its ratio to TFLM's single invoke;
* exact: microinterp's outputs equal TFLM's, bit for bit.

The summary gives the geo-mean of mi/TFLM over all models, over the MLPerf Tiny
int8 four, the batch geo-mean over those four, and the models above 1.0x.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

MODELS_DIR = Path(os.environ.get("MICROINTERP_MODELS", Path(__file__).resolve().parents[2] / "shared" / "models"))
MLPERF_INT8 = ["kws_ref_model", "vww_96_int8", "pretrainedResnet_quant", "ad01_int8"]


def tflm_runnable() -> list[str]:
    """Models the manifest marks as running under TFLM, in manifest order."""
    manifest = json.loads((MODELS_DIR / "manifest.json").read_text())
    return [name for name, entry in manifest.items()
            if str(entry.get("facts", {}).get("tflm_ok")) == "True" and (MODELS_DIR / name).exists()]


def _inputs(details: list[dict], rng: np.random.Generator, batch: int | None = None) -> list[np.ndarray]:
    out = []
    for d in details:
        dt = np.dtype(d["dtype"])
        shape = tuple(int(s) for s in d["shape"])
        if batch is not None:
            shape = (batch, *shape)
        if dt.kind in "iu":
            info = np.iinfo(dt)
            out.append(rng.integers(info.min, info.max, size=shape, endpoint=True).astype(dt))
        elif dt.kind == "b":
            out.append(rng.integers(0, 2, size=shape).astype(dt))
        else:
            out.append(rng.uniform(-1.0, 1.0, size=shape).astype(dt))
    return out


def _timed(fn, n: int) -> list[float]:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return times


def measure(path: Path, rounds: int, repeats: int, batch: int) -> dict[str, object]:
    """One model, all engines, interleaved rounds (run inside the subprocess)."""
    from microinterp import Interpreter
    from microinterp.memory.tflm_arena import generous_arena_size

    data = path.read_bytes()
    mi = Interpreter.from_bytes(data)
    details = [mi.get_input_details(i) for i in range(mi.num_inputs)]
    xs = _inputs(details, np.random.default_rng(0))
    for i, x in enumerate(xs):
        mi.set_input(x, i)
    engines: dict[str, object] = {"mi": mi.invoke}
    row: dict[str, object] = {"model": path.stem}
    tf = None
    try:
        from tflite_micro.python.tflite_micro import runtime

        tf = runtime.Interpreter.from_bytes(data, arena_size=generous_arena_size(mi.model))
        for i, x in enumerate(xs):
            tf.set_input(x, i)
        engines["tflm"] = tf.invoke
    except ImportError:
        pass
    try:
        from ai_edge_litert.interpreter import Interpreter as LiteRT
        from ai_edge_litert.interpreter import OpResolverType

        for key, kwargs in (("ref", {"experimental_op_resolver_type": OpResolverType.BUILTIN_REF}), ("xnn", {})):
            lt = LiteRT(model_content=data, num_threads=1, **kwargs)
            lt.allocate_tensors()
            for d, x in zip(lt.get_input_details(), xs):
                lt.set_tensor(d["index"], x)
            engines[key] = lt.invoke
    except (ImportError, ValueError, RuntimeError) as e:
        row["litert_error"] = str(e)[:60]
    big = _inputs(details, np.random.default_rng(1), batch)
    engines["batch"] = lambda: mi.invoke_batch(*big)
    for key, fn in list(engines.items()):
        try:
            fn()  # warm-up (the batch one prepares its batched model here)
        except RuntimeError as e:  # LiteRT refusing to invoke a model TFLM runs: time the others
            if key not in ("ref", "xnn"):
                raise
            del engines[key]
            row["litert_error"] = str(e)[:60]
    times: dict[str, list[float]] = {k: [] for k in engines}
    for _ in range(rounds):
        for key, fn in engines.items():
            times[key] += _timed(fn, 1 if key == "batch" else repeats)
    for key, t in times.items():
        row[f"{key}_ms"] = statistics.median(t) / (batch if key == "batch" else 1)
    if tf is not None:  # from the reset state on both (LSTM/SVDF state differs after unequal invoke counts)
        mi.reset()
        tf.reset()
        for i, x in enumerate(xs):
            mi.set_input(x, i)
            tf.set_input(x, i)
        mi.invoke()
        tf.invoke()
        row["exact"] = all(np.array_equal(tf.get_output(k), mi.get_output(k)) for k in range(mi.num_outputs))
    return row


def _fmt(r: dict, key: str, digits: int = 3) -> str:
    return f"{r[key]:.{digits}f}" if key in r else "n/a"


def _ratio(r: dict, a: str, b: str) -> str:
    return f"{r[a] / r[b]:.2f}x" if a in r and b in r else "n/a"


def _geo(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


def resolve(name: str) -> str:
    """A model argument as a path: a file as given, a path under the models folder
    (``mlperf-tiny/kws_ref_model.tflite``), or a bare name (``kws_ref_model``) that names
    exactly one model there; anything else is a one-line argument error."""
    if Path(name).is_file():
        return name
    if (MODELS_DIR / name).is_file():
        return str(MODELS_DIR / name)
    stem = name.removesuffix(".tflite")
    found = sorted(str(p) for p in MODELS_DIR.rglob(f"{stem}.tflite"))
    if len(found) == 1:
        return found[0]
    what = "names several models" if found else "is neither a file nor a model"
    raise LookupError(f"{name!r} {what} under {MODELS_DIR} (give e.g. mlperf-tiny/kws_ref_model.tflite)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("models", nargs="*")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--repeats", type=int, default=10, help="invokes per engine per round")
    ap.add_argument("--batch", type=int, default=64, help="samples per invoke_batch call")
    ap.add_argument("--one", help=argparse.SUPPRESS)  # subprocess mode: one model, JSON out
    args = ap.parse_args()
    if args.one:
        print(json.dumps(measure(Path(args.one), args.rounds, args.repeats, args.batch)))
        return 0
    try:
        names = [resolve(m) for m in args.models or tflm_runnable()]
    except LookupError as e:
        ap.error(str(e))
    print(f"ms per invoke, median of {args.rounds} interleaved rounds x {args.repeats}; batch = invoke_batch "
          f"of {args.batch}, ms per sample")
    print(f"{'model':<34}{'microinterp':>12}{'TFLM':>9}{'LiteRT ref':>11}{'XNNPACK':>9}{'mi/TFLM':>9}"
          f"{'batch':>9}{'b/TFLM':>8}  exact")
    rows = []
    for name in names:
        path = Path(name)
        proc = subprocess.run([sys.executable, __file__, "--one", str(path), "--rounds", str(args.rounds),
                               "--repeats", str(args.repeats), "--batch", str(args.batch)],
                              capture_output=True, text=True, timeout=1800)
        if proc.returncode != 0 or not proc.stdout.strip():
            last = (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1]
            print(f"{path.stem:<34} error: {last}"[:150])
            continue
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        rows.append(r)
        print(f"{r['model'][:33]:<34}{_fmt(r, 'mi_ms'):>12}{_fmt(r, 'tflm_ms'):>9}{_fmt(r, 'ref_ms'):>11}"
              f"{_fmt(r, 'xnn_ms'):>9}{_ratio(r, 'mi_ms', 'tflm_ms'):>9}{_fmt(r, 'batch_ms', 4):>9}"
              f"{_ratio(r, 'batch_ms', 'tflm_ms'):>8}  {r.get('exact', 'n/a')}")
        sys.stdout.flush()
    timed = [r for r in rows if "tflm_ms" in r]
    if not timed:
        return 0
    ratios = [r["mi_ms"] / r["tflm_ms"] for r in timed]
    print(f"\n{len(timed)} models timed against TFLM; geo-mean mi/TFLM {_geo(ratios):.2f}x, "
          f"median {statistics.median(ratios):.2f}x; batch per sample geo-mean "
          f"{_geo([r['batch_ms'] / r['tflm_ms'] for r in timed]):.3f}x")
    four = [r for r in timed if r["model"] in MLPERF_INT8]
    if four:
        print(f"MLPerf Tiny int8 ({len(four)}): geo-mean mi/TFLM {_geo([r['mi_ms'] / r['tflm_ms'] for r in four]):.2f}x,"
              f" batch per sample {_geo([r['batch_ms'] / r['tflm_ms'] for r in four]):.3f}x")
    slow = sorted((r for r in timed if r["mi_ms"] > r["tflm_ms"]), key=lambda r: -r["mi_ms"] / r["tflm_ms"])
    heavy = [r for r in slow if r["tflm_ms"] >= 0.2]
    print(f"above 1.0x: {len(slow)} of {len(timed)}; of them {len(heavy)} where TFLM takes >= 0.2 ms: "
          + ", ".join(f"{r['model']} {r['mi_ms'] / r['tflm_ms']:.2f}x" for r in heavy))
    print("above 1.0x, all: " + ", ".join(f"{r['model']} {r['mi_ms'] / r['tflm_ms']:.1f}x" for r in slow))
    inexact = [r["model"] for r in timed if r.get("exact") is False]
    print(f"not bit-exact with TFLM: {', '.join(inexact) if inexact else 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
