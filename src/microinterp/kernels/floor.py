"""FLOOR (TFLM: kernels/floor.cc (``reference_ops::Floor``); C twin: firmware/src/kernels/mi_floor.c).

float32 only: ``std::floor``, exact in IEEE arithmetic (keeps -0.0). The
oracle's floor returns a NaN input bit for bit (a signalling NaN stays
signalling), where numpy's quiets it: NaNs are passed through unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..context import Node, Registration
from ..memory.declaration import KernelMemory
from . import unary

OpData = unary.UnaryOpData


def prepare(node: Node) -> OpData:
    return unary.prepare_float(node)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    unary.invoke_nan_preserving(inputs, outputs, np.floor)


MEMORY = KernelMemory(c_op_data=unary.C_OP_DATA, modelled=False)
REGISTRATION = Registration("FLOOR", prepare, invoke, memory=MEMORY)
