"""LOGICAL_NOT (TFLM: kernels/elementwise.cc, ``LogicalNotEval``; C twin: firmware/src/kernels/mi_logical_not.c).

bool only: ``!v`` element-wise.
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
    unary.check_same_type(node, ("BOOL",))
    return OpData(node.input(INPUT).size)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    outputs[OUTPUT].reshape(-1)[...] = np.logical_not(inputs[INPUT].reshape(-1))


MEMORY = KernelMemory(c_op_data=unary.C_OP_DATA, modelled=False)
REGISTRATION = Registration("LOGICAL_NOT", prepare, invoke, memory=MEMORY)
