"""TFLM's integration-test CSV layout: one row of values per array, the dtype in the
file name (``<model>_input0_int8.csv``, ``<model>_golden_int8.csv``).

Written from a case folder (``cases.py``), never computed apart, so it cannot
disagree with the case; read back as inputs by ``microinterp golden --inputs``.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError
from .cases import _file_safe, load_case

#: numpy dtype -> the type word in TFLM's CSV file names (``_golden_int16.csv``)
_CSV_TYPE = {"int8": "int8", "int16": "int16", "int32": "int32", "float32": "float"}
_CSV_DTYPE = {v: k for k, v in _CSV_TYPE.items()}


def csv_type(dtype: np.dtype) -> str:
    name = np.dtype(dtype).name
    return _CSV_TYPE.get(name, name)


def write_csv_array(path: str | os.PathLike, value: np.ndarray) -> Path:
    """One row of comma-separated values, flattened in C order, CRLF-terminated:
    the layout of TFLM's integration tests (``csv.writer`` of ``tolist()``).
    Float32 values are written as the exact doubles they equal, so they read
    back bit for bit."""
    p = Path(path)
    with open(p, "w", newline="") as f:
        csv.writer(f).writerow(np.asarray(value).reshape(-1).tolist())
    return p


def read_csv(path: str | os.PathLike, dtype: Any = None, shape: Sequence[int] | None = None) -> np.ndarray:
    """Read a TFLM integration-test CSV (one row). ``dtype`` defaults to the type
    word at the end of the file name (``..._int16.csv``)."""
    p = Path(path)
    if dtype is None:
        word = p.stem.rsplit("_", 1)[-1]
        try:
            dtype = np.dtype(_CSV_DTYPE.get(word, word))
        except TypeError:
            raise InputError(f"cannot tell the dtype of {p.name}; pass dtype=") from None
    dt = np.dtype(dtype)
    try:
        with open(p, newline="") as f:
            rows = [r for r in csv.reader(f) if r]
    except OSError as e:
        raise InputError(f"cannot read input file {str(p)!r}: {e.strerror or e}") from None
    except (UnicodeDecodeError, csv.Error) as e:
        raise InputError(f"{p.name}: not a text CSV ({e})") from None
    cells = [c.strip() for r in rows for c in r if c.strip() != ""]
    try:
        if dt.kind == "f":
            arr = np.array([float(c) for c in cells], dtype=np.float64).astype(dt)
        elif dt.kind == "b":
            arr = np.array([c in ("1", "True", "true") for c in cells], dtype=dt)
        else:
            ints = [int(c) for c in cells]
            info = np.iinfo(dt)
            bad = [v for v in ints if not info.min <= v <= info.max]
            if bad:
                raise InputError(f"{p.name}: value {bad[0]} does not fit {dt.name}")
            arr = np.array(ints, dtype=dt)
    except ValueError as e:
        raise InputError(f"{p.name}: not a CSV of {dt.name} values ({e})") from None
    return arr.reshape(tuple(shape)) if shape is not None else arr


def write_csv(case_dir: str | os.PathLike, out_dir: str | os.PathLike | None = None) -> list[Path]:
    """Write a case in TFLM's integration-test CSV layout (``<case>/csv``):
    ``<model>_input<i>_<type>.csv``, ``<model>_golden_<type>.csv`` for output 0
    (``_golden<k>_`` for output k > 0, which TFLM's single-output tests never
    need) and ``layers/<layer file>_<type>.csv`` for intermediates."""
    case = load_case(case_dir)
    d = Path(out_dir) if out_dir is not None else case.path / "csv"
    d.mkdir(parents=True, exist_ok=True)
    stem = _file_safe(case.meta.get("model_name") or "model", 64)
    written = []
    for i, x in enumerate(case.inputs):
        written.append(write_csv_array(d / f"{stem}_input{i}_{csv_type(x.dtype)}.csv", x))
    for k, y in enumerate(case.outputs):
        tag = "golden" if k == 0 else f"golden{k}"
        written.append(write_csv_array(d / f"{stem}_{tag}_{csv_type(y.dtype)}.csv", y))
    if case.layers:
        (d / "layers").mkdir(exist_ok=True)
        for rec in case.meta["tensors"]:
            if rec["role"] == "layer" and rec["tensor_index"] in case.layers:
                value = case.layers[rec["tensor_index"]]
                name = Path(rec["file"]).stem
                written.append(write_csv_array(d / "layers" / f"{name}_{csv_type(value.dtype)}.csv", value))
    return written
