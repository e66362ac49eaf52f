"""ZEROS_LIKE (TFLM: kernels/zeros_like.cc; C twin: firmware/src/kernels/mi_zeros_like.c).

int64, int32, int8 and float32: the output (of the input's type and element
count) is filled with 0 -- the integer 0, not the zero point, for a quantized
int8 tensor too. Other types fail in TFLM's eval; here in prepare.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..context import Node, Registration
from ..memory.declaration import KernelMemory
from . import unary

INPUT, OUTPUT = 0, 0
TYPES = ("INT64", "INT32", "INT8", "FLOAT32")

OpData = unary.UnaryOpData


def prepare(node: Node) -> OpData:
    unary.check_same_type(node, TYPES)
    return OpData(node.input(INPUT).size)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    outputs[OUTPUT][...] = 0


MEMORY = KernelMemory(c_op_data=unary.C_OP_DATA, modelled=False)
REGISTRATION = Registration("ZEROS_LIKE", prepare, invoke, memory=MEMORY)
