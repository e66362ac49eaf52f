"""EQUAL (TFLM: kernels/comparisons.cc; C twin: firmware/src/kernels/mi_equal.c).

``==``; bool, float32, int32, int64, int8. Bool output, numpy broadcasting, int8 compared after
TFLM's per-input rescaling (see ``comparisons.py``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..context import Node, Registration
from ..memory.declaration import KernelMemory
from . import comparisons

OUTPUT = 0
TYPES = comparisons.EQUALITY_TYPES

OpData = comparisons.OpData


def prepare(node: Node) -> OpData:
    return comparisons.prepare(node, TYPES)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    comparisons.invoke(data, inputs, outputs[OUTPUT], np.equal)


MEMORY = KernelMemory(tflm_op_data=comparisons.TFLM_OP_DATA, c_op_data=comparisons.C_OP_DATA,
                      needs=comparisons.memory)
REGISTRATION = Registration("EQUAL", prepare, invoke, memory=MEMORY)
