"""Shared pieces of TFLM's binary logical kernels (LOGICAL_AND, LOGICAL_OR; TFLM:
kernels/logical.cc + logical_common.cc). Not a kernel: no registration. C twin: firmware/src/kernels/mi_logical.c + .h.

bool only, element-wise with numpy broadcasting (TFLM's ``BroadcastBinaryFunction4DSlow``
when the input shapes differ). TFLM checks no types and reads any other type's bytes as
``bool`` (undefined behaviour: the oracle returns bytes other than 0/1 for int8), so
anything but bool is refused here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ..context import Node
from ..memory.declaration import OpMemory, c_struct
from . import elementwise

INPUT1, INPUT2, OUTPUT = 0, 1, 0

OpData = elementwise.BroadcastOpData


def prepare(node: Node) -> OpData:
    a, b, out = node.input(INPUT1), node.input(INPUT2), node.output(OUTPUT)
    if any(t.type_name != "BOOL" for t in (a, b, out)):
        raise node.unsupported(f"only bool is supported, got {a.type_name}, {b.type_name} -> {out.type_name}")
    return OpData(elementwise.check_shapes(node, a, b, out))


def invoke(inputs: Sequence[np.ndarray | None], out: np.ndarray,
           function: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> None:
    a, b = elementwise.operands(inputs[INPUT1], inputs[INPUT2], out.shape)
    out[...] = function(a, b)


#: the C twin's op data (mi_logical.h mi_logical_op_data_t): the broadcast walk (mi_broadcast_t)
C_OP_DATA = c_struct(w=elementwise.C_BROADCAST_WORDS)


def memory(node: Node, pointer_bytes: int) -> OpMemory:
    """LOGICAL_AND and LOGICAL_OR have no Prepare in TFLM (logical.cc): no temporary tensor."""
    return OpMemory(tflm_prepare=())
