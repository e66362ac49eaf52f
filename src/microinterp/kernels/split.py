"""SPLIT (TFLM: kernels/split.cc; C twin: firmware/src/kernels/mi_split.c).

Cuts a float32, int8, int16 or int32 tensor into as many equal parts along a
constant int32 axis (input 0; negative counts from the rank) as the operator
has outputs; the data tensor is input 1. ``num_splits`` is not consulted,
exactly as in TFLM.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..context import Node, Registration
from ..memory.declaration import KernelMemory, OpMemory, c_struct, temps

AXIS, INPUT = 0, 1
TYPES = ("FLOAT32", "INT8", "INT16", "INT32")


@dataclass(frozen=True)
class OpData:
    axis: int


def prepare(node: Node) -> OpData:
    axis_t, src = node.input(AXIS), node.input(INPUT)
    if axis_t.data is None:
        raise node.unsupported("a non-constant axis tensor is not supported (as in TFLM)")
    if axis_t.type_name != "INT32" or axis_t.size < 1:
        raise node.fail(f"axis must be an int32 value, got {axis_t.type_name} {list(axis_t.shape)}")
    if src.type_name not in TYPES:
        raise node.unsupported(f"type {src.type_name} is not supported ({', '.join(t.lower() for t in TYPES)})")
    rank = len(src.shape)
    axis = int(np.asarray(axis_t.data).reshape(-1)[0])
    axis = axis + rank if axis < 0 else axis
    if not 0 <= axis < rank:
        raise node.fail(f"axis {axis} is out of range for an input of rank {rank}")
    count = len(node.outputs)
    if src.shape[axis] % count:
        raise node.fail(f"dimension {axis} of {list(src.shape)} does not split into {count} equal parts")
    part = src.shape[:axis] + (src.shape[axis] // count,) + src.shape[axis + 1:]
    for i in range(count):
        t = node.output(i)
        if t.type_name != src.type_name or t.shape != part:
            raise node.fail(f"output {i} ({t.type_name} {list(t.shape)}) should be {src.type_name} {list(part)}")
    return OpData(axis)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    for out, part in zip(outputs, np.split(inputs[INPUT], len(outputs), axis=data.axis)):
        out[...] = part


def memory(node: Node, pointer_bytes: int) -> OpMemory:
    """SplitPrepare takes a temporary of the axis (input 0) only (split.cc)."""
    return OpMemory(tflm_prepare=temps(node, (AXIS,)))


MEMORY = KernelMemory(tflm_params="TfLiteSplitParams", c_op_data=c_struct(w=3), needs=memory)
REGISTRATION = Registration("SPLIT", prepare, invoke, memory=MEMORY)
