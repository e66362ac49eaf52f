"""CEIL (TFLM: kernels/ceil.cc (``reference_ops::Ceil``); C twin: firmware/src/kernels/mi_ceil.c).

float32 only: ``std::ceil``, exact in IEEE arithmetic (ceil(-0.5) is -0.0). The
oracle's ceil returns a NaN input bit for bit (a signalling NaN stays
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
    unary.invoke_nan_preserving(inputs, outputs, np.ceil)


MEMORY = KernelMemory(c_op_data=unary.C_OP_DATA, modelled=False)
REGISTRATION = Registration("CEIL", prepare, invoke, memory=MEMORY)
