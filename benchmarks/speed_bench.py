"""Speed: ms per invoke of microinterp vs TFLM (the oracle's runtime) and LiteRT,
measured in the same run on the same inputs, reported as ratios.

    .venv/bin/python benchmarks/speed_bench.py [--repeats N] [model ...]

Each figure is the median of N timed invokes after a warm-up. LiteRT runs with
its reference kernels (BUILTIN_REF) and its default (XNNPACK) delegate when
ai-edge-litert is installed. Also checks the outputs are bit-identical to TFLM.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from microinterp import Interpreter, MicrointerpError

MODELS_DIR = Path(os.environ.get("MICROINTERP_MODELS", Path(__file__).resolve().parents[2] / "shared" / "models"))
DEFAULT = [
    "mlperf-tiny/kws_ref_model.tflite", "mlperf-tiny/vww_96_int8.tflite",
    "mlperf-tiny/pretrainedResnet_quant.tflite", "mlperf-tiny/ad01_int8.tflite",
    "tflite-micro/person_detect.tflite", "tflite-micro/hello_world_int8.tflite",
    "tflite-micro/micro_speech_quantized.tflite", "mlperf-tiny/vww_96_float.tflite",
]


def median_ms(fn, repeats: int) -> float:
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def inputs_for(it: Interpreter, seed: int = 0) -> list[np.ndarray]:
    from microinterp.inputs import random_inputs

    return random_inputs(it.model, np.random.default_rng(seed))


def tflm_arena_bytes(data: bytes) -> int | None:
    """TFLM's minimum arena for this model on this (64-bit) host, as ``microinterp plan``
    computes it by replaying TFLM's allocator (validated against live bisection in tests)."""
    try:
        from microinterp.memory.tflm_arena import tflm_arena
        from microinterp.model import load_model

        return int(tflm_arena(load_model(data), "host64").arena_bytes)
    except Exception:  # noqa: BLE001 - a figure we cannot compute is printed as n/a
        return None


def bench(path: Path, repeats: int) -> dict[str, object]:
    data = path.read_bytes()
    mi = Interpreter.from_bytes(data)
    xs = inputs_for(mi)
    for i, x in enumerate(xs):
        mi.set_input(x, i)
    row: dict[str, object] = {"model": path.stem, "mi_ms": median_ms(mi.invoke, repeats),
                              "mi_arena": mi.arena_used_bytes()}
    mi_out = mi.get_output(0)
    try:
        from tflite_micro.python.tflite_micro import runtime

        tf = runtime.Interpreter.from_bytes(data, arena_size=max(len(data) * 10, 4 * mi.arena_used_bytes() + (1 << 20)))
        for i, x in enumerate(xs):
            tf.set_input(x, i)
        row["tflm_ms"] = median_ms(tf.invoke, repeats)
        row["tflm_arena"] = tflm_arena_bytes(data)
        row["exact"] = bool(np.array_equal(tf.get_output(0), mi_out))
    except ImportError:
        pass
    try:
        from ai_edge_litert.interpreter import Interpreter as LiteRT
        from ai_edge_litert.interpreter import OpResolverType

        for key, kwargs in (("litert_ref_ms", {"experimental_op_resolver_type": OpResolverType.BUILTIN_REF}),
                            ("litert_xnn_ms", {})):
            lt = LiteRT(model_content=data, num_threads=1, **kwargs)
            lt.allocate_tensors()
            for d, x in zip(lt.get_input_details(), xs):
                lt.set_tensor(d["index"], x)
            row[key] = median_ms(lt.invoke, repeats)
    except (ImportError, ValueError, RuntimeError) as e:
        row["litert_error"] = str(e)[:60]
    return row


def _ms(r: dict, key: str) -> str:
    return f"{r[key]:.3f}" if key in r else "n/a"


def _ratio(r: dict, key: str) -> str:
    return f"{r['mi_ms'] / r[key]:.1f}x" if key in r else "n/a"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("models", nargs="*", default=DEFAULT)
    ap.add_argument("--repeats", type=int, default=30)
    args = ap.parse_args()
    print("ms per invoke (median); arena bytes: microinterp's plan (planned head + state) vs TFLM's whole arena")
    print(f"{'model':<26}{'microinterp':>12}{'TFLM':>9}{'LiteRT ref':>11}{'XNNPACK':>9}"
          f"{'mi/TFLM':>9}{'mi/ref':>8}{'mi/XNN':>8}{'mi arena':>10}{'TFLM arena':>11}  exact")
    for name in args.models:
        path = Path(name) if Path(name).exists() else MODELS_DIR / name
        if not path.exists():
            print(f"{name}: not found (set $MICROINTERP_MODELS)")
            continue
        try:
            r = bench(path, args.repeats)
        except MicrointerpError as e:
            print(f"{path.stem:<26} error: {e}"[:160])
            continue
        print(f"{r['model']:<26}{_ms(r, 'mi_ms'):>12}{_ms(r, 'tflm_ms'):>9}{_ms(r, 'litert_ref_ms'):>11}"
              f"{_ms(r, 'litert_xnn_ms'):>9}{_ratio(r, 'tflm_ms'):>9}{_ratio(r, 'litert_ref_ms'):>8}"
              f"{_ratio(r, 'litert_xnn_ms'):>8}{r['mi_arena']:>10}{str(r.get('tflm_arena', 'n/a')):>11}"
              f"  {r.get('exact', 'n/a')}")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
