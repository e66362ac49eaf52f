"""Firmware on Cortex-M0+, M4 and M4F (QEMU): ours against TFLM's reference kernels
and TFLM + CMSIS-NN, as ratios per model and core, plus flash by part and RAM,
measured in one run.

    .venv/bin/python benchmarks/firmware_bench.py [--vectors N] [--seed S] [--cores ...] [--aot] [--overlap] [model ...]
    .venv/bin/python benchmarks/firmware_bench.py --write-baseline benchmarks/firmware_baseline.json

Every (model, core) goes through ``microinterp.fw.check.check`` (the same path as
``microinterp firmware check --json``): the C port built once per core (-O2,
the framework files -Os, MI_ENABLE_LOG=0: firmware/Makefile's Cortex-M
defaults), one image per model linking only the model's kernels and, compiled
for it, the framework without what the model does not use and those kernels
without the float / int16 paths it does not use (fw/kernel_select.py), N
random input vectors (seeded) in one emulator run, every output byte compared
with microinterp's Python interpreter and the arena with fwplan's prediction.

Columns:
  exact       every output of every vector identical to the Python reference
  insns       instructions per inference, median over the vectors (QEMU TCG
              plugin, from the first instruction of invoke to its return:
              instructions, not cycles; QEMU is not cycle-accurate)
  /ref /cmsis that count divided by TFLM's reference kernels and by TFLM +
              CMSIS-NN on the same emulators and counting method (anchors of
              ../shared/design/REFERENCE.md; the M4 anchors were measured on
              the M4F build and serve both M4 targets)
  flash       code + constants + .data initial values without the model, and
              its parts: framework (reader, interpreter, planner, arena,
              resolver, status), kernels (the model's kernels + mi_quant),
              runtime library (libc/libgcc helpers); the test runner and
              startup code are the rest
  arena       tensor arena bytes the firmware used, and / TFLM's 32-bit arena
  RAM         .data + .bss with the static arena cut to the bytes used +
              measured peak stack + 512 B fault stack

``--write-baseline`` stores the figures that ``tests/firmware/test_fw_baseline.py``
holds CI to (instructions and flash per model and core, with a tolerance).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from microinterp import load_model
from microinterp.fw import check as fwcheck
from microinterp.fw.aot import with_aot_prepare
from microinterp.fw.cores import CORES
from microinterp.fw.toolchain import toolchain_missing
from microinterp.memory.overlap import with_overlap

MODELS_DIR = Path(os.environ.get("MICROINTERP_MODELS", Path(__file__).resolve().parents[2] / "shared" / "models"))
DEFAULT = [
    "mlperf-tiny/ad01_int8.tflite",
    "mlperf-tiny/kws_ref_model.tflite",
    "mlperf-tiny/vww_96_int8.tflite",
    "mlperf-tiny/pretrainedResnet_quant.tflite",
    "tflite-micro/hello_world_int8.tflite",
    "tflite-micro/micro_speech_quantized.tflite",
    "tflite-micro/person_detect.tflite",
    # stateful: SVDF and LSTM state carried across the vectors in the persistent arena
    "tflite-micro/keyword_scrambled.tflite",
    "tflite-micro/trained_lstm_int8.tflite",
    "tflite-micro/micro_speech_lstm.tflite",
]

#: TFLM instructions per inference on the same emulators, counted the same way
#: (REFERENCE.md: tflite-micro 90b983c2, release build, gcc 12.2): (reference, CMSIS-NN)
TFLM_INSNS = {
    ("kws_ref_model", "m4"): (43_039_878, 7_697_901),
    ("vww_96_int8", "m4"): (100_241_160, 24_101_961),
    ("pretrainedResnet_quant", "m4"): (107_406_110, 29_861_679),
    ("ad01_int8", "m4"): (1_952_363, 582_963),
    ("kws_ref_model", "m0plus"): (72_035_158, 28_995_863),
    ("vww_96_int8", "m0plus"): (164_433_647, 86_903_536),
    ("pretrainedResnet_quant", "m0plus"): (169_496_934, 97_549_325),
    ("ad01_int8", "m0plus"): (3_409_500, 1_763_061),
}
#: TFLM's arena_used_bytes on a 32-bit build (REFERENCE.md, reference kernels)
TFLM_ARENA_32 = {"kws_ref_model": 22_772, "vww_96_int8": 100_660, "pretrainedResnet_quant": 54_340,
                 "ad01_int8": 2_260}

#: the baseline's tolerance: a larger count or image fails tests/firmware/test_fw_baseline.py
BASELINE_TOLERANCE = {"instructions_ratio": 0.02, "flash_bytes": 256}


def anchors(model: str, core: str) -> tuple[int, int] | None:
    """(TFLM reference, TFLM + CMSIS-NN) instructions for a model on a core, if measured."""
    family = "m0plus" if core == "cortex-m0plus" else "m4"
    return TFLM_INSNS.get((model, family))


def measure(model: Path, core: str, vectors: int, seed: int, timeout: float) -> dict[str, Any]:
    """One cross-check, reduced to the figures of the table."""
    r = fwcheck.check(model, core, vectors=vectors, seed=seed, timeout=timeout)
    row: dict[str, Any] = {"model": model.stem, "core": core, "outcome": r.outcome, "message": r.message,
                           "exact": r.outcome in ("ok", "arena-mismatch"), "seconds": r.seconds}
    row["insns"] = r.instructions["median"] if r.instructions else None
    row["insns_spread"] = r.instructions["max"] - r.instructions["min"] if r.instructions else None
    row["flash"] = r.flash
    row["ram"] = r.ram
    ref = anchors(model.stem, core)
    row["vs_ref"] = row["insns"] / ref[0] if ref and row["insns"] else None
    row["vs_cmsis"] = row["insns"] / ref[1] if ref and row["insns"] else None
    arena = r.arena_used_bytes
    row["arena"] = arena
    row["vs_tflm_arena"] = arena / TFLM_ARENA_32[model.stem] if arena and model.stem in TFLM_ARENA_32 else None
    return row


def _k(v: object) -> str:
    return "-" if v is None else f"{int(v):,}"  # type: ignore[call-overload]


def _x(v: float | None) -> str:
    return "-" if v is None else f"{v:.2f}x"


def table(rows: list[dict[str, Any]], vectors: int) -> str:
    head = (f"| model | core | exact ({vectors} vectors) | insns / inference | /TFLM ref | /TFLM+CMSIS-NN "
            "| flash (B) | framework | kernels | runtime lib | arena (B) | /TFLM arena | RAM (B) |")
    lines = [head, "|" + "---|" * 13]
    for r in rows:
        if not r["exact"] and r["outcome"] != "mismatch":
            lines.append(f"| {r['model']} | {r['core']} | {r['outcome']}: {r['message'][:80]} |" + " |" * 10)
            continue
        fl = r["flash"] or {}
        lines.append(
            f"| {r['model']} | {r['core']} | {'yes' if r['exact'] else 'NO'} | {_k(r['insns'])}"
            f" | {_x(r['vs_ref'])} | {_x(r['vs_cmsis'])} | {_k(fl.get('total'))} | {_k(fl.get('framework'))}"
            f" | {_k(fl.get('kernels'))} | {_k(fl.get('runtime_library'))} | {_k(r['arena'])}"
            f" | {_x(r['vs_tflm_arena'])} | {_k((r['ram'] or {}).get('total'))} |")
    return "\n".join(lines)


def baseline_entry(row: dict[str, Any]) -> dict[str, Any]:
    fl = row["flash"] or {}
    return {"instructions": row["insns"], "flash": {k: fl.get(k) for k in ("total", "framework", "kernels",
                                                                            "runtime_library")}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("models", nargs="*", help="model paths, or names under $MICROINTERP_MODELS")
    ap.add_argument("--vectors", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cores", nargs="+", default=["cortex-m4", "cortex-m0plus"], choices=list(CORES))
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds per emulator run")
    ap.add_argument("--write-baseline", type=Path, help="store instructions and flash per model and core here")
    ap.add_argument("--json", action="store_true", help="print the rows as JSON instead of a table")
    ap.add_argument("--aot", action="store_true",
                    help="run each model with its ahead-of-time prepare image (microinterp firmware aot: "
                         "per-channel arrays in flash, not in the arena)")
    ap.add_argument("--overlap", action="store_true",
                    help="opt each model into outputs over the inputs that die at their op (memory/overlap.py)")
    args = ap.parse_args(argv)
    if (args.aot or args.overlap) and args.write_baseline:
        ap.error("the baseline holds the models as given: drop --aot / --overlap")

    missing = toolchain_missing()
    if missing:
        print(f"firmware_bench: {missing}", file=sys.stderr)
        return 2
    paths = [Path(m) if Path(m).exists() else MODELS_DIR / m for m in (args.models or DEFAULT)]
    paths = [p for p in paths if p.exists() or print(f"skip {p}: not found", file=sys.stderr)]

    if args.aot or args.overlap:  # the same file names (the anchors are keyed by them), opted in
        tmp = Path(tempfile.mkdtemp(prefix="firmware_bench_"))
        for k, p in enumerate(paths):
            (tmp / str(k)).mkdir()
            data = p.read_bytes()
            if args.aot:
                data = with_aot_prepare(load_model(data))
            if args.overlap:
                data = with_overlap(load_model(data))
            paths[k] = tmp / str(k) / p.name
            paths[k].write_bytes(data)
    rows = []
    for core in args.cores:
        for p in paths:
            row = measure(p, core, args.vectors, args.seed, args.timeout)
            rows.append(row)
            print(f"{core:14s} {p.stem:24s} {row['outcome']:8s} {_k(row['insns'])} insns, "
                  f"{row['seconds']:.1f} s", file=sys.stderr, flush=True)
    if args.write_baseline:
        # measured entries replace theirs; entries of models and cores not run here stay
        old = json.loads(args.write_baseline.read_text()) if args.write_baseline.exists() else {}
        entries = dict(old.get("entries", {}))
        entries.update({f"{r['model']}@{r['core']}": baseline_entry(r) for r in rows if r["exact"]})
        doc = {"how": "benchmarks/firmware_bench.py --write-baseline (instructions: median per inference, "
                      f"{args.vectors} vectors, seed {args.seed}; flash in bytes)",
               "tolerance": BASELINE_TOLERANCE, "entries": entries}
        args.write_baseline.write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n")
    print(json.dumps(rows, indent=1, default=str) if args.json else "\n" + table(rows, args.vectors))
    return 0 if all(r["exact"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
