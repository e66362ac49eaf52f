"""Firmware on Cortex-M0+, M4 and M4F (QEMU): bit-exactness, instructions per
inference, flash, RAM and arena, per model and core, measured in one run.

    .venv/bin/python benchmarks/firmware_bench.py [--vectors N] [--seed S] [--cores ...] [model ...]

For every core the C port is compiled once (firmware/Makefile, PORT=cortex_m,
-O2) and linked once per model with the model in flash. N random input vectors
(full int8 range, seeded) go through one emulator run; every output is compared
byte for byte with microinterp's Python interpreter.

Columns:
  exact     every output of every vector identical to the Python reference
  insns     instructions per inference (median over the vectors, and max - min;
            QEMU TCG plugin,
            from the first instruction of invoke to its return - instructions,
            not cycles: QEMU is not cycle-accurate)
  vs TFLM   that count divided by TFLM's reference kernels on the same emulator
            and core (anchors from ../shared/design/REFERENCE.md, same method)
  flash     code + constants + .data init, without the model (its own column)
  RAM       .data + .bss with the static arena cut to the bytes used + measured
            peak stack + 512 B fault stack
  arena     tensor arena bytes the firmware really used (32-bit)
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from microinterp import Interpreter
from microinterp.fw import cortex_m
from microinterp.fw.build import build_library, link_runner
from microinterp.fw.cores import CORES, CortexMTarget
from microinterp.fw.toolchain import toolchain_missing
from microinterp.inputs import random_inputs

MODELS_DIR = Path(os.environ.get("MICROINTERP_MODELS", Path(__file__).resolve().parents[2] / "shared" / "models"))
DEFAULT = [
    "tflite-micro/hello_world_int8.tflite",
    "mlperf-tiny/ad01_int8.tflite",
    "tflite-micro/micro_speech_quantized.tflite",
    "mlperf-tiny/kws_ref_model.tflite",
    "mlperf-tiny/vww_96_int8.tflite",
    "mlperf-tiny/pretrainedResnet_quant.tflite",
    "tflite-micro/person_detect.tflite",
]

#: TFLM reference-kernel instructions per inference, same emulators and counting
#: method (REFERENCE.md: tflite-micro 90b983c2, release build, gcc 12.2).
TFLM_REF_INSNS = {
    ("kws_ref_model", "cortex-m4f"): 43_039_878,
    ("vww_96_int8", "cortex-m4f"): 100_241_160,
    ("pretrainedResnet_quant", "cortex-m4f"): 107_406_110,
    ("ad01_int8", "cortex-m4f"): 1_952_363,
    ("kws_ref_model", "cortex-m0plus"): 72_035_158,
    ("vww_96_int8", "cortex-m0plus"): 164_433_647,
    ("pretrainedResnet_quant", "cortex-m0plus"): 169_496_934,
    ("ad01_int8", "cortex-m0plus"): 3_409_500,
}


def reference(model: Path, vectors: int, seed: int) -> tuple[bytes, list[bytes]]:
    """Concatenated input vectors and, per vector, the reference outputs' bytes."""
    it = Interpreter.from_file(model)
    inputs, outputs = [], []
    for v in range(vectors):
        xs = random_inputs(it.model, np.random.default_rng(seed + v))
        for i, x in enumerate(xs):
            it.set_input(x, i)
        it.invoke()
        inputs.append(b"".join(x.tobytes() for x in xs))
        outputs.append(b"".join(it.get_output(k).tobytes() for k in range(it.num_outputs)))
    return b"".join(inputs), outputs


def bench_one(target: CortexMTarget, build_dir: Path, model: Path, inputs: bytes,
              expected: list[bytes], work: Path, timeout: float) -> dict[str, object]:
    elf = link_runner(target, build_dir, model)
    (work / "in.bin").write_bytes(inputs)
    out = work / "out.bin"
    out.unlink(missing_ok=True)
    t0 = time.perf_counter()
    run = cortex_m.run_runner(target, elf, work / "in.bin", out, timeout=timeout)
    seconds = time.perf_counter() - t0
    row: dict[str, object] = {"model": model.stem, "core": target.name, "seconds": seconds}
    if not run.ok:
        row["error"] = run.result.describe().splitlines()[0]
        return row
    got = out.read_bytes()
    row["exact"] = got == b"".join(expected)
    insns = run.instructions
    row["insns"] = int(statistics.median(insns)) if insns else None
    row["insns_spread"] = (max(insns) - min(insns)) if insns else None
    ref = TFLM_REF_INSNS.get((model.stem, target.name))
    row["vs_tflm"] = row["insns"] / ref if ref and row["insns"] else None
    row["flash"] = run.footprint.flash
    row["model_bytes"] = run.footprint.model
    row["ram"] = run.ram
    row["arena"] = run.arena_used
    row["stack"] = run.footprint.stack_used
    return row


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("models", nargs="*", help="model paths, or names under $MICROINTERP_MODELS")
    ap.add_argument("--vectors", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cores", nargs="+", default=list(CORES), choices=list(CORES))
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds per emulator run")
    args = ap.parse_args(argv)

    missing = toolchain_missing()
    if missing:
        print(f"firmware_bench: {missing}", file=sys.stderr)
        return 2
    paths = [Path(m) if Path(m).exists() else MODELS_DIR / m for m in (args.models or DEFAULT)]
    paths = [p for p in paths if p.exists() or print(f"skip {p}: not found", file=sys.stderr)]

    rows = []
    with tempfile.TemporaryDirectory(prefix="mi-fwbench-") as tmp:
        work = Path(tmp)
        refs = {p: reference(p, args.vectors, args.seed) for p in paths}
        for core in args.cores:
            target = CORES[core]
            build_dir = build_library(target, work)
            for p in paths:
                row = bench_one(target, build_dir, p, *refs[p], work, args.timeout)
                rows.append(row)
                print(f"{core:14s} {p.stem:24s} {row.get('error') or 'exact' if row.get('exact') else 'MISMATCH'}"
                      f" {_k(row.get('insns'))} insns, {float(row['seconds']):.1f} s",  # type: ignore[arg-type]
                      file=sys.stderr, flush=True)
    print()
    print(_table(rows, args.vectors))
    return 0 if all(r.get("exact") for r in rows) else 1


def _k(v: object) -> str:
    return "-" if v is None else f"{int(v):,}"  # type: ignore[call-overload]


def _table(rows: list[dict[str, object]], vectors: int) -> str:
    head = (f"| model | core | exact ({vectors} vectors) | insns / inference | vs TFLM ref | flash (B) | model (B) "
            f"| RAM (B) | arena (B) | peak stack (B) | emulator s |")
    lines = [head, "|" + "---|" * 11]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['model']} | {r['core']} | ERROR: {r['error']} |" + " |" * 8)
            continue
        ratio = r.get("vs_tflm")
        lines.append(
            f"| {r['model']} | {r['core']} | {'yes' if r['exact'] else 'NO'} | {_k(r['insns'])}"
            f" (spread {_k(r['insns_spread'])}) | {f'{ratio:.2f}x' if ratio else '-'} | {_k(r['flash'])}"
            f" | {_k(r['model_bytes'])} | {_k(r['ram'])} | {_k(r['arena'])} | {_k(r['stack'])}"
            f" | {float(r['seconds']):.2f} |"  # type: ignore[arg-type]
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
