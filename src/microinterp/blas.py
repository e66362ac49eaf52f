"""Keep numpy's BLAS on one thread while a batch runs.

Batch mode hands BLAS products with hundreds of rows. OpenBLAS then starts its
worker threads, which on a machine whose cores are busy wait for a core and
make the product several times slower than on one thread (measured: ad01_int8
batched 15x slower per sample with threads than without). Exactness does not
depend on it (integer products in float64 are exact in any order); speed does.

OpenBLAS's ``openblas_set_num_threads_local`` changes the count for the calling
thread only and returns the previous one, so it is set and restored around a
batch. The library is found among the shared objects this process has loaded;
where it is not (another BLAS, another OS) this does nothing.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
from collections.abc import Iterator


@functools.cache
def _set_threads_local() -> ctypes._CFuncPtr | None:  # type: ignore[name-defined]
    try:
        with open("/proc/self/maps", encoding="utf-8") as f:
            paths = {line.split()[-1] for line in f if "openblas" in line and ".so" in line}
    except OSError:
        return None
    for path in sorted(paths):
        try:
            fn = ctypes.CDLL(path).openblas_set_num_threads_local
        except (OSError, AttributeError):
            continue
        fn.argtypes, fn.restype = [ctypes.c_int], ctypes.c_int
        return fn
    return None


#: how many ``single_thread`` blocks are open on OpenBLAS (read by ``pinned``)
_pinned = 0


def pinned() -> bool:
    """Whether OpenBLAS is known to run on one thread now (inside ``single_thread``), so
    callers need not split large products into blocks that stay below its threading
    threshold (``conv_2d.exact_matmul``)."""
    return _pinned > 0


@contextlib.contextmanager
def single_thread() -> Iterator[None]:
    """Run the block with this thread's OpenBLAS limited to one thread."""
    global _pinned
    fn = _set_threads_local()
    if fn is None:
        yield
        return
    previous = fn(1)
    _pinned += 1
    try:
        yield
    finally:
        _pinned -= 1
        fn(previous)
