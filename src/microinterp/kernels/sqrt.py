"""SQRT (TFLM: kernels/elementwise.cc (``SqrtEval``); C twin: firmware/src/kernels/mi_sqrt.c).

float32 only: ``std::sqrt(float)``, which IEEE 754 rounds correctly, so
numpy's float32 square root gives the same bits (negative inputs give NaN).
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
    with np.errstate(all="ignore"):  # sqrt of a negative is NaN, as in C
        out[...] = np.sqrt(x)


MEMORY = KernelMemory(c_op_data=unary.C_OP_DATA, modelled=False)
REGISTRATION = Registration("SQRT", prepare, invoke, memory=MEMORY)
