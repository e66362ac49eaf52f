"""SELECT_V2 (TFLM: kernels/select.cc; C twin: firmware/src/kernels/mi_select_v2.c).

``condition ? x : y`` element-wise; the condition is bool, x, y and the output
share one type out of float32, int8 and int16 (values are copied, never
requantized). Shapes follow TFLM's prepare:

* all three inputs of the same shape, or all four tensors of one element
  (the "mixed scalar" case): a flat select over the condition's element count
  (the output must hold as many);
* otherwise numpy-style broadcasting of the three inputs, and the output's
  shape must be exactly the broadcast shape (``CheckBroadcastShape``), at most
  6 dimensions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..context import Node, Registration
from ..memory.declaration import KernelMemory, c_struct
from . import elementwise

CONDITION, X, Y, OUTPUT = 0, 1, 2, 0
TYPES = ("FLOAT32", "INT8", "INT16")


@dataclass(frozen=True)
class OpData:
    broadcast: bool


def prepare(node: Node) -> OpData:
    cond, x, y, out = node.input(CONDITION), node.input(X), node.input(Y), node.output(OUTPUT)
    if cond.type_name != "BOOL":
        raise node.fail(f"condition must be bool, got {cond.type_name}")
    type_name = elementwise.same_type(node, x, y, out)
    if type_name not in TYPES:
        raise node.unsupported(f"type {type_name} is not supported ({', '.join(t.lower() for t in TYPES)})")
    mixed_scalar = cond.size == 1 and x.size == 1 and y.size == 1 and out.size == 1
    if (tuple(cond.shape) == tuple(x.shape) == tuple(y.shape)) or mixed_scalar:
        if out.size != cond.size:
            raise node.fail(f"output {list(out.shape)} must hold {cond.size} elements")
        return OpData(False)
    rank = max(len(cond.shape), len(x.shape), len(y.shape))
    if rank > elementwise.MAX_BROADCAST_RANK:
        raise node.unsupported(f"broadcasting supports at most {elementwise.MAX_BROADCAST_RANK} dimensions")
    try:
        expected = np.broadcast_shapes(tuple(cond.shape), tuple(x.shape), tuple(y.shape))
    except ValueError:
        raise node.fail(f"shapes {list(cond.shape)}, {list(x.shape)}, {list(y.shape)} are not broadcastable") from None
    if tuple(out.shape) != tuple(expected):
        raise node.fail(f"output {list(out.shape)} must have the broadcast shape {list(expected)}")
    return OpData(True)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    cond, x, y, out = inputs[CONDITION], inputs[X], inputs[Y], outputs[OUTPUT]
    if data.broadcast:
        out[...] = np.where(cond, x, y)
    else:
        out.reshape(-1)[...] = np.where(cond.reshape(-1), x.reshape(-1), y.reshape(-1))


MEMORY = KernelMemory(c_op_data=c_struct(w=25, b=1), modelled=False)
REGISTRATION = Registration("SELECT_V2", prepare, invoke, memory=MEMORY)
