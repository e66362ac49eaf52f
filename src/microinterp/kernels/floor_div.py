"""FLOOR_DIV (TFLM: kernels/floor_div.cc, ``reference_ops::FloorDiv``;
C twin: firmware/src/kernels/mi_floor_div.c).

float32 only (the oracle's eval rejects every other type): each quotient is
``std::floor(double(x) / double(y))`` converted back to float32, with numpy
broadcasting. Before computing anything TFLM scans the *whole* denominator
tensor and fails the invoke ("Division by 0") if any element equals 0 (-0.0
included); so does this kernel.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..context import Node, Registration
from ..memory.declaration import KernelMemory, c_struct
from . import elementwise

INPUT1, INPUT2, OUTPUT = 0, 1, 0

OpData = elementwise.BroadcastOpData


def prepare(node: Node) -> OpData:
    return elementwise.prepare_unquantized(node, ("FLOAT32",))


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    x1, x2, out = inputs[INPUT1], inputs[INPUT2], outputs[OUTPUT]
    if np.any(x2 == 0):
        raise node.fail("division by 0 (TFLM fails the invoke as well)")
    a, b = elementwise.operands(x1, x2, out.shape)
    with np.errstate(over="ignore", invalid="ignore"):
        out[...] = np.floor(a.astype(np.float64) / b.astype(np.float64)).astype(np.float32)


MEMORY = KernelMemory(c_op_data=c_struct(w=elementwise.C_BROADCAST_WORDS), modelled=False)
REGISTRATION = Registration("FLOOR_DIV", prepare, invoke, memory=MEMORY)
