"""Compare ``microinterp.fdlibm``'s vectorised tanhf/expm1f with the C library on every float32.

    .venv/bin/python benchmarks/fdlibm_exhaustive.py [--functions tanhf expm1f] [--chunk-bits 22]

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
"""


def _library(tmp: Path) -> ctypes.CDLL:
    src, lib = tmp / "probe.c", tmp / "probe.so"
    src.write_text(C_SOURCE)
    subprocess.run(["cc", "-O1", "-fno-builtin", "-shared", "-fPIC", "-o", str(lib), str(src), "-lm"], check=True)
    return ctypes.CDLL(str(lib))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--functions", nargs="+", default=["tanhf", "expm1f"], choices=["tanhf", "expm1f"])
    ap.add_argument("--chunk-bits", type=int, default=22)
    args = ap.parse_args()
    chunk = 1 << args.chunk_bits
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        lib = _library(Path(tmp))
        for name in args.functions:
            c_fn = getattr(lib, f"apply_{name}")
            ours = getattr(fdlibm, name)
            theirs = np.empty(chunk, np.float32)
            differ, first, t0 = 0, [], time.perf_counter()
            for start in range(0, 1 << 32, chunk):
                x = np.arange(start, start + chunk, dtype=np.uint64).astype(np.uint32).view(np.float32)
                c_fn(x.ctypes.data_as(ctypes.c_void_p), theirs.ctypes.data_as(ctypes.c_void_p),
                     ctypes.c_size_t(chunk))
                bad = np.flatnonzero(ours(x).view(np.uint32) != theirs.view(np.uint32))
                differ += bad.size
                first += [hex(int(v)) for v in x.view(np.uint32)[bad[:5 - len(first)]]] if len(first) < 5 else []
            print(f"{name}: {differ} of 2**32 results differ from the C library ({time.perf_counter() - t0:.0f} s)"
                  + (f"; first inputs: {', '.join(first)}" if first else ""))
            failed |= differ > 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
