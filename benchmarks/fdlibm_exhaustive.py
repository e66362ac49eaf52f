"""Compare ``microinterp.fdlibm``'s vectorised tanhf/expm1f with the C library on every float32,
and its ``expf_flags`` claim: a float64 ``exp`` rounded to float32 is libm's ``expf`` wherever
the result is a normal float32 and the value is not flagged.

    .venv/bin/python benchmarks/fdlibm_exhaustive.py [--functions tanhf expm1f expf] [--chunk-bits 22]

All 2**32 bit patterns (NaNs, infinities, subnormals, both zeros included), chunk by
chunk; the C library's results come from a throw-away C helper compiled with ``cc``
into a temporary directory (one call per chunk, so the run takes minutes rather than
the hours a ctypes call per element would). Prints the number of differing results
per function and the first few; exit status 1 if any differs. This is the evidence
behind ``fdlibm.py``'s claim; the test suite repeats a sampled comparison.
"""

from __future__ import annotations

import argparse
import ctypes
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from microinterp import fdlibm

C_SOURCE = """
#include <math.h>
#include <stddef.h>
void apply_tanhf(const float *x, float *y, size_t n) { for (size_t i = 0; i < n; i++) y[i] = tanhf(x[i]); }
void apply_expm1f(const float *x, float *y, size_t n) { for (size_t i = 0; i < n; i++) y[i] = expm1f(x[i]); }
void apply_expf(const float *x, float *y, size_t n) { for (size_t i = 0; i < n; i++) y[i] = expf(x[i]); }
"""


def _library(tmp: Path) -> ctypes.CDLL:
    src, lib = tmp / "probe.c", tmp / "probe.so"
    src.write_text(C_SOURCE)
    subprocess.run(["cc", "-O1", "-fno-builtin", "-shared", "-fPIC", "-o", str(lib), str(src), "-lm"], check=True)
    return ctypes.CDLL(str(lib))


def _rounded_exp(x: np.ndarray) -> np.ndarray:
    """A float64 exp rounded to float32 (what the float LSTM's sigmoid takes as expf)."""
    with np.errstate(all="ignore"):
        return np.exp(x.astype(np.float64)).astype(np.float32)


def _expf_excluded(x: np.ndarray) -> np.ndarray:
    """Arguments ``expf_flags`` flags, or whose float32 result is not normal (NaN, 0, subnormal,
    inf): the callers hand those to libm."""
    with np.errstate(all="ignore"):
        e64 = np.exp(x.astype(np.float64))
        flagged = fdlibm.expf_flags(e64, np.empty(e64.shape, np.bool_))
        rounded = e64.astype(np.float32)
        normal = np.isfinite(rounded) & (rounded >= np.finfo(np.float32).tiny)
    return flagged | ~normal


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--functions", nargs="+", default=["tanhf", "expm1f", "expf"], choices=["tanhf", "expm1f", "expf"])
    ap.add_argument("--chunk-bits", type=int, default=22)
    args = ap.parse_args()
    chunk = 1 << args.chunk_bits
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        lib = _library(Path(tmp))
        for name in args.functions:
            c_fn = getattr(lib, f"apply_{name}")
            ours = _rounded_exp if name == "expf" else getattr(fdlibm, name)
            theirs = np.empty(chunk, np.float32)
            differ, first, t0, flagged = 0, [], time.perf_counter(), 0
            for start in range(0, 1 << 32, chunk):
                x = np.arange(start, start + chunk, dtype=np.uint64).astype(np.uint32).view(np.float32)
                c_fn(x.ctypes.data_as(ctypes.c_void_p), theirs.ctypes.data_as(ctypes.c_void_p),
                     ctypes.c_size_t(chunk))
                mine = ours(x)
                bad = np.flatnonzero(mine.view(np.uint32) != theirs.view(np.uint32))
                if name == "expf":  # only the values expf_flags leaves unflagged count
                    bad = bad[~_expf_excluded(x[bad])]
                    flagged += int(_expf_excluded(x).sum())
                differ += bad.size
                first += [hex(int(v)) for v in x.view(np.uint32)[bad[:5 - len(first)]]] if len(first) < 5 else []
            print(f"{name}: {differ} of 2**32 results differ from the C library ({time.perf_counter() - t0:.0f} s)"
                  + (f"; first inputs: {', '.join(first)}" if first else ""))
            if name == "expf":
                print(f"expf: {flagged} of 2**32 arguments flagged or giving a non-normal result (left to libm)")
            failed |= differ > 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
