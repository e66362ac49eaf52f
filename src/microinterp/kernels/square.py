"""SQUARE (TFLM: kernels/elementwise.cc (``SquareEval``); C twin: firmware/src/kernels/mi_square.c).

float32 only: one float32 product ``f * f``.
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
    with np.errstate(all="ignore"):  # IEEE inf/NaN, as in C
        out[...] = x * x


MEMORY = KernelMemory(c_op_data=unary.C_OP_DATA, modelled=False)
REGISTRATION = Registration("SQUARE", prepare, invoke, memory=MEMORY)
