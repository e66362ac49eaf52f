"""EXPAND_DIMS (TFLM: kernels/expand_dims.cc; C twin: firmware/src/kernels/mi_expand_dims.c).

Inserts a size-1 dimension at a constant int32 axis (negative axes count from
rank + 1) of a float32, int8 or int16 tensor; the values are copied. TFLM
takes the output shape from the model and verifies it, as done here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..context import Node, Registration
from ..memory.declaration import KernelMemory

INPUT, AXIS, OUTPUT = 0, 1, 0
TYPES = ("FLOAT32", "INT8", "INT16")


def prepare(node: Node) -> None:
    src, axis_t, dst = node.input(INPUT), node.input(AXIS), node.output(OUTPUT)
    if src.type_name not in TYPES:
        raise node.unsupported(f"type {src.type_name} is not supported ({', '.join(t.lower() for t in TYPES)})")
    if dst.type_name != src.type_name:
        raise node.fail(f"output type {dst.type_name} differs from the input type {src.type_name}")
    if axis_t.data is None:
        raise node.unsupported("a non-constant axis tensor is not supported (as in TFLM)")
    if axis_t.type_name != "INT32" or len(axis_t.shape) > 1 or axis_t.size < 1:
        raise node.fail(f"axis must be one int32 value, got {axis_t.type_name} {list(axis_t.shape)}")
    rank = len(src.shape)
    axis = int(np.asarray(axis_t.data).reshape(-1)[0])
    axis = axis + rank + 1 if axis < 0 else axis
    if not 0 <= axis <= rank:
        raise node.fail(f"axis {axis} is out of range for an input of rank {rank}")
    expected = src.shape[:axis] + (1,) + src.shape[axis:]
    if dst.shape != expected:
        raise node.fail(f"output shape {list(dst.shape)} is not {list(expected)}")


def invoke(node: Node, data: None, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    outputs[OUTPUT].reshape(-1)[...] = inputs[INPUT].reshape(-1)


MEMORY = KernelMemory(c_op_data="")
REGISTRATION = Registration("EXPAND_DIMS", prepare, invoke, memory=MEMORY)
