"""Random model inputs, the one generator every tool draws from.

Why one: golden vectors, ``microinterp run``, ``firmware check`` and the oracle
tests all need "random values over each input's whole range", and four copies
had drifted apart (different float ranges, different integer streams). Here:

* integers: uniform over the dtype's full range, both ends included (every int8
  value from -128 to 127 can occur), drawn with ``rng.integers(..., dtype=dt)``;
* booleans: 0/1;
* floats have no quantized range: uniform in ``FLOAT_RANGE``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .errors import InputError
from .model import Model

#: the interval float inputs are drawn from
FLOAT_RANGE = (-4.0, 4.0)


def random_array(dtype: Any, shape: Sequence[int], rng: np.random.Generator) -> np.ndarray:
    """One array of ``dtype`` and ``shape`` over the dtype's full range (floats: ``FLOAT_RANGE``)."""
    dt = np.dtype(dtype)
    shape = tuple(int(s) for s in shape)
    if dt.kind in "iu":
        info = np.iinfo(dt)
        return rng.integers(info.min, info.max, size=shape, endpoint=True, dtype=dt)
    if dt.kind == "b":
        return rng.integers(0, 2, size=shape).astype(dt)
    return rng.uniform(*FLOAT_RANGE, size=shape).astype(dt)


def random_inputs(model: Model, rng: np.random.Generator) -> list[np.ndarray]:
    """One random array per input of ``model``'s main subgraph, in input order."""
    sg = model.main
    out = []
    for index in sg.inputs:
        t = sg.tensors[index]
        if t.dtype is None:
            raise InputError(f"input tensor {index} ({t.name!r}) has type {t.type_name}, which cannot be drawn")
        out.append(random_array(t.dtype, t.shape, rng))
    return out
