"""ROUND (TFLM: kernels/round.cc, ``reference_ops::Round``; C twin: firmware/src/kernels/mi_round.c).

float32 only. Not ``np.round``: TFLM's ``RoundToNearest`` takes ``f = floor(x)``
and ``d = x - f`` (float32) and returns ``f`` when ``d < 0.5`` or when ``d == 0.5``
and ``f`` is even, else ``f + 1.0f``. Halves go to even like ``np.round``, but
negative inputs that round up to zero give *+0.0* (``-1 + 1``), where numpy
gives -0.0; -0.0 itself stays -0.0, and +-inf stay +-inf.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..context import Node, Registration
from ..memory.declaration import KernelMemory
from . import unary

INPUT, OUTPUT = 0, 0

OpData = unary.UnaryOpData


def prepare(node: Node) -> OpData:
    return unary.prepare_float(node)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    x, out = inputs[INPUT].reshape(-1), outputs[OUTPUT].reshape(-1)
    with np.errstate(invalid="ignore"):  # inf - inf is NaN, as in C
        floor_val = np.floor(x)
        diff = x - floor_val
        even = np.fmod(floor_val, np.float32(2)) == 0  # only read where diff == 0.5, |floor_val| < 2**23
        keep = (diff < np.float32(0.5)) | ((diff == np.float32(0.5)) & even)
        out[...] = np.where(keep, floor_val, floor_val + np.float32(1.0))


MEMORY = KernelMemory(c_op_data=unary.C_OP_DATA, modelled=False)
REGISTRATION = Registration("ROUND", prepare, invoke, memory=MEMORY)
