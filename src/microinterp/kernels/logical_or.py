"""LOGICAL_OR (TFLM: kernels/logical.cc + logical_common.cc; C twin: firmware/src/kernels/mi_logical_or.c).

``x || y`` element-wise; bool only, numpy broadcasting, other types refused (TFLM reads their
bytes as bool). Prepare and invoke are shared with LOGICAL_AND (``logical.py``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..context import Node, Registration
from ..memory.declaration import KernelMemory
from . import logical

OUTPUT = 0

OpData = logical.OpData


def prepare(node: Node) -> OpData:
    return logical.prepare(node)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    logical.invoke(inputs, outputs[OUTPUT], np.logical_or)


#: TFLM registers LOGICAL_OR with no Init and no Prepare (logical.cc) and parses no options
MEMORY = KernelMemory(c_op_data=logical.C_OP_DATA, needs=logical.memory)
REGISTRATION = Registration("LOGICAL_OR", prepare, invoke, memory=MEMORY)
