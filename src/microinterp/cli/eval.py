"""``microinterp eval``: a dataset through a model as the MCU computes it.

    microinterp eval MODEL --data inputs.npz [--labels labels.npy] [--jobs N] [--scheduler ADDRESS]

``--data`` is an ``.npz`` holding one array per model input, named after the
input tensor, ``input_<i>``, or (for a one-input model) anything, or an ``.npy``
for a one-input model. Each array is a batch: ``(N, *input_shape)`` or, when the
model's batch dimension is 1, ``(N, *input_shape[1:])``. Float data for a
quantized input is quantized as TFLM's QUANTIZE does it for one value:
``clamp(round_half_away(x / scale) + zero_point)`` (said so in the report).

It prints the sample count and time, the top-1 accuracy of output 0 when
``--labels`` (integer classes ``(N,)`` or one-hot rows ``(N, C)``) are given,
and, when LiteRT (``ai-edge-litert``) is installed, how many samples LiteRT's
reference kernels compute differently and by how much. ``--save out.npz``
keeps every output. A progress bar is shown when stderr is a terminal.
"""

from __future__ import annotations

import argparse
import sys
import time
import zipfile
from pathlib import Path

import numpy as np

from .. import evaluate as ev
from .. import quant
from ..errors import InputError
from ..interpreter import Interpreter


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("model", help=".tflite file")
    p.add_argument("--data", required=True, metavar="INPUTS.npz", help="input batches (.npz, or .npy for one input)")
    p.add_argument("--labels", metavar="LABELS.npy", help="classes (N,) or one-hot (N, C) for top-1 accuracy")
    p.add_argument("--jobs", type=int, default=1, metavar="N", help="worker processes on this machine (default 1)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="run the chunks on a Dask cluster at ADDRESS")
    p.add_argument("--chunk", type=int, default=ev.CHUNK, metavar="N", help=f"samples per task (default {ev.CHUNK})")
    p.add_argument("--litert", choices=("auto", "off"), default="auto",
                   help="compare with LiteRT's reference kernels when installed (default auto)")
    p.add_argument("--save", metavar="OUT.npz", help="write every output (output_0, ...)")
    p.add_argument("--progress", choices=("auto", "on", "off"), default="auto",
                   help="progress bar (auto: when stderr is a terminal)")


def _load(path: str, what: str) -> np.lib.npyio.NpzFile | np.ndarray:
    try:
        return np.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise InputError(f"{what} file not found: {path}") from None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as e:
        raise InputError(f"cannot read {what} {path}: {e}") from None


def load_inputs(it: Interpreter, path: str) -> tuple[list[np.ndarray], list[str]]:
    """The input batches from ``path``, in model input order, and notes on conversions."""
    data = _load(path, "data")
    arrays = {"input_0": data} if isinstance(data, np.ndarray) else {k: data[k] for k in data.files}
    notes, out = [], []
    for i in range(it.num_inputs):
        d = it.get_input_details(i)
        key = next((k for k in (d["name"], f"input_{i}") if k in arrays), None)
        if key is None and len(arrays) == 1 and it.num_inputs == 1:
            key = next(iter(arrays))
        if key is None:
            raise InputError(f"{path} has no array for input {i} (name it {d['name']!r} or 'input_{i}'); "
                             f"it holds {sorted(arrays)}")
        x = arrays[key]
        want = np.dtype(d["dtype"])
        q = d["quantization_parameters"]
        if x.dtype.kind == "f" and want.kind in "iu" and q["scales"].size:
            scale, zp = float(q["scales"][0]), int(q["zero_points"][0])
            lo, hi = quant.dtype_range(want)
            real = x.astype(np.float32) / np.float32(scale)
            x = np.clip(quant.roundf(real).astype(np.float64) + zp, lo, hi).astype(want)
            notes.append(f"input {i}: float data quantized with scale {scale:.6g}, zero point {zp}")
        out.append(x)
    return out, notes


def _bar(total: int, mode: str):  # noqa: ANN202 - tqdm or a no-op
    show = mode == "on" or (mode == "auto" and sys.stderr.isatty() and total > 1)
    if show:
        try:
            from tqdm import tqdm

            return tqdm(total=total, unit="sample", desc="eval", file=sys.stderr)
        except ImportError:
            pass
    return None


def main(args: argparse.Namespace) -> int:
    model = Path(args.model)
    try:
        model_bytes = model.read_bytes()
    except OSError as e:
        raise InputError(f"cannot read model {args.model}: {e.strerror}") from None
    if args.jobs < 1 or args.chunk < 1:
        raise InputError("--jobs and --chunk must be at least 1")
    it = Interpreter.from_bytes(model_bytes)
    inputs, notes = load_inputs(it, args.data)
    n, inputs = ev._check(it, inputs)
    labels = ev.labels_as_classes(_load(args.labels, "labels"), n) if args.labels else None

    bar = _bar(n, args.progress)
    start = time.perf_counter()
    try:
        outputs = ev.evaluate(model_bytes, inputs, jobs=args.jobs, scheduler=args.scheduler, chunk=args.chunk,
                              progress=bar.update if bar is not None else None)
    finally:
        if bar is not None:
            bar.close()
    seconds = time.perf_counter() - start

    where = f"Dask at {args.scheduler}" if args.scheduler else (f"{args.jobs} processes" if args.jobs > 1 else
                                                                 "1 process")
    print(f"model:    {model.name}")
    print(f"samples:  {n} in {seconds:.2f} s ({seconds / max(n, 1) * 1e3:.3f} ms per sample, {where})")
    for note in notes:
        print(f"note:     {note}")
    if labels is not None:
        correct = int((ev.top1(outputs[0]) == labels).sum())
        print(f"top-1:    {correct / max(n, 1):.2%} ({correct} of {n})")
    if args.litert == "auto":
        theirs = ev.litert_outputs(model_bytes, inputs)
        if theirs is None:
            print("LiteRT:   not compared (ai-edge-litert is not installed or refused the model)")
        else:
            a = ev.agreement("LiteRT reference kernels", outputs[0], theirs)
            print(f"LiteRT:   {a.samples_differing} of {a.samples} samples differ (max |diff| {a.max_abs_diff:g} "
                  f"in output units; top-1 differs on {a.top1_differing})")
            if labels is not None:
                print(f"          LiteRT top-1 {int((ev.top1(theirs) == labels).sum()) / max(n, 1):.2%}")
    if args.save:
        np.savez(args.save, **{f"output_{k}": o for k, o in enumerate(outputs)})
        print(f"saved:    {args.save}")
    return 0
