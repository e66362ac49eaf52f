"""Run a whole dataset through a model as the MCU computes it, and score it.

``evaluate(model_bytes, inputs)`` cuts the dataset into chunks and runs each with
``Interpreter.invoke_batch`` (bit-identical to one ``invoke()`` per sample), on
one of three executors:

* in this process (default);
* ``jobs=N``: a local process pool, one interpreter per worker process;
* ``scheduler=ADDRESS``: an existing Dask cluster (``dask.distributed``), when one
  machine is not enough. Dask does the distribution; this module only hands it
  chunks. The model bytes travel once per worker (scattered), not per chunk.

Results come back in sample order whatever the executor. ``litert_outputs``
runs the same samples through LiteRT's reference kernels for the
"how far is LiteRT from the MCU" comparison of ``microinterp eval``.
"""

from __future__ import annotations

import hashlib
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import InputError, MicrointerpError
from .interpreter import Interpreter

#: samples per chunk handed to one executor task
CHUNK = 512


_local = threading.local()


def _interpreter(model: bytes) -> Interpreter:
    """One interpreter per model per thread: workers keep it between chunks, and two
    threads of one worker (Dask's threaded workers) never share an arena."""
    cache = _local.__dict__.setdefault("interpreters", {})
    key = hashlib.sha256(model).digest()
    if key not in cache:
        if len(cache) >= 2:
            cache.pop(next(iter(cache)))
        cache[key] = Interpreter.from_bytes(model)
    return cache[key]


def run_chunk(model: bytes, chunk: Sequence[np.ndarray]) -> list[np.ndarray]:
    """The outputs of one chunk of samples (a task for any executor)."""
    return _interpreter(bytes(model)).invoke_batch(*chunk)


def _chunks(inputs: Sequence[np.ndarray], size: int) -> list[list[np.ndarray]]:
    n = inputs[0].shape[0]
    return [[x[start:start + size] for x in inputs] for start in range(0, n, size)]


def evaluate(model: bytes, inputs: Sequence[np.ndarray], *, jobs: int = 1, scheduler: str | None = None,
             chunk: int = CHUNK, progress: Callable[[int], None] | None = None) -> list[np.ndarray]:
    """Outputs of every sample, one array per model output shaped ``(N, *output_shape)``.

    ``inputs`` are batches as ``Interpreter.invoke_batch`` takes them; ``progress`` is
    called with the number of samples each finished chunk held."""
    it = _interpreter(bytes(model))
    _, inputs = _check(it, inputs)
    chunks = _chunks(inputs, max(1, int(chunk)))
    done = progress or (lambda _k: None)
    if scheduler is not None:
        results = _run_dask(model, chunks, scheduler, done)
    elif jobs > 1 and len(chunks) > 1:
        results = _run_pool(model, chunks, jobs, done)
    else:
        results = []
        for c in chunks:
            results.append(it.invoke_batch(*c))
            done(c[0].shape[0])
    if not results:
        return it.invoke_batch(*inputs)
    return [np.concatenate([r[k] for r in results]) for k in range(it.num_outputs)]


def _check(it: Interpreter, inputs: Sequence[np.ndarray]) -> tuple[int, list[np.ndarray]]:
    from .batch import split_inputs

    return split_inputs(it, inputs)


def _run_pool(model: bytes, chunks: list[list[np.ndarray]], jobs: int,
              done: Callable[[int], None]) -> list[list[np.ndarray]]:
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(run_chunk, model, c) for c in chunks]
        results = []
        for c, f in zip(chunks, futures):
            results.append(f.result())
            done(c[0].shape[0])
    return results


def _run_dask(model: bytes, chunks: list[list[np.ndarray]], scheduler: Any,
              done: Callable[[int], None]) -> list[list[np.ndarray]]:
    """Run the chunks on a Dask cluster (``scheduler`` is its address, or a ``Client``)."""
    try:
        from dask.distributed import Client
    except ImportError:
        raise MicrointerpError("--scheduler needs Dask: pip install 'dask[distributed]'") from None
    own = not isinstance(scheduler, Client)
    try:
        client = Client(scheduler, timeout=30) if own else scheduler
    except (OSError, TimeoutError, ValueError) as e:
        raise MicrointerpError(f"cannot reach the Dask scheduler at {scheduler!r}: {e}") from None
    try:
        model_future = client.scatter(model, broadcast=True)
        futures = client.map(run_chunk, [model_future] * len(chunks), chunks, pure=False)
        results = []
        for c, f in zip(chunks, futures):
            results.append(f.result())
            done(c[0].shape[0])
        return results
    finally:
        if own:
            client.close()


# --------------------------------------------------------------------------- scoring


@dataclass(frozen=True)
class Agreement:
    """How far a second engine's outputs are from microinterp's (output 0)."""

    engine: str
    samples: int
    samples_differing: int
    max_abs_diff: float
    top1_differing: int


def top1(outputs: np.ndarray) -> np.ndarray:
    """Index of the largest value of each sample's output (flattened)."""
    return outputs.reshape(outputs.shape[0], -1).argmax(axis=1)


def labels_as_classes(labels: np.ndarray, n: int) -> np.ndarray:
    """Class indices from integer labels ``(N,)`` or one-hot / score rows ``(N, C)``."""
    labels = np.asarray(labels)
    if labels.shape[:1] != (n,):
        raise InputError(f"{labels.shape[0] if labels.ndim else 0} labels for {n} samples")
    if labels.ndim == 1 and labels.dtype.kind in "iub":
        return labels.astype(np.int64)
    if labels.ndim == 2:
        return labels.argmax(axis=1)
    raise InputError(f"labels must be integers shaped (N,) or one-hot rows shaped (N, C); got {labels.dtype} "
                     f"{list(labels.shape)}")


def litert_outputs(model: bytes, inputs: Sequence[np.ndarray]) -> np.ndarray | None:
    """Output 0 of every sample from LiteRT's reference kernels, or None without LiteRT
    (or when LiteRT refuses the model)."""
    try:
        from ai_edge_litert.interpreter import Interpreter as LiteRT
        from ai_edge_litert.interpreter import OpResolverType
    except ImportError:
        return None
    try:
        lt = LiteRT(model_content=bytes(model), num_threads=1,
                    experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
        lt.allocate_tensors()
        ins, out = lt.get_input_details(), lt.get_output_details()[0]
        n = inputs[0].shape[0]
        result = np.empty((n, *out["shape"]), out["dtype"])
        for s in range(n):
            for d, x in zip(ins, inputs):
                lt.set_tensor(d["index"], x[s].reshape(d["shape"]))
            lt.invoke()
            result[s] = lt.get_tensor(out["index"])
        return result
    except (ValueError, RuntimeError) as e:
        print(f"microinterp: LiteRT comparison skipped: {str(e).splitlines()[0][:120]}", file=sys.stderr)
        return None


def agreement(engine: str, ours: np.ndarray, theirs: np.ndarray) -> Agreement:
    n = ours.shape[0]
    a, b = ours.reshape(n, -1), theirs.reshape(n, -1)
    fa, fb = a.astype(np.float64), b.astype(np.float64)
    same = (fa == fb) | (np.isnan(fa) & np.isnan(fb))
    diff = np.where(same, 0.0, np.abs(fa - fb))
    return Agreement(engine, n, int((~same.all(axis=1)).sum()), float(diff.max()) if diff.size else 0.0,
                     int((top1(a) != top1(b)).sum()))
