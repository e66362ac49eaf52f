"""PACK (TFLM: kernels/pack.cc; C twin: firmware/src/kernels/mi_pack.c).

Stacks ``values_count`` equally shaped inputs along a new axis (negative axes
count from the output's rank) for float32, int8, int16, int32 and int64.
TFLM's PACK has no prepare step at all: it never compares quantization
parameters, so int8/int16 inputs of different scales are stacked raw, as
here. Shapes are validated (TFLM only DCHECKs them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..context import Node, Registration
from ..memory.declaration import KernelMemory, OpMemory, c_struct

OUTPUT = 0
TYPES = ("FLOAT32", "INT8", "INT16", "INT32", "INT64")


@dataclass(frozen=True)
class OpData:
    axis: int
    count: int


def prepare(node: Node) -> OpData:
    dst = node.output(OUTPUT)
    if dst.type_name not in TYPES:
        raise node.unsupported(f"type {dst.type_name} is not supported ({', '.join(t.lower() for t in TYPES)})")
    count = node.options.values_count
    if not 1 <= count <= len(node.inputs):
        raise node.fail(f"values_count {count} does not match the {len(node.inputs)} inputs")
    srcs = [node.input(i) for i in range(count)]
    rank = len(dst.shape)
    axis = node.options.axis
    axis = axis + rank if axis < 0 else axis
    if not 0 <= axis < rank:
        raise node.fail(f"axis {axis} is out of range for an output of rank {rank}")
    expected = srcs[0].shape[:axis] + (count,) + srcs[0].shape[axis:]
    for i, t in enumerate(srcs):
        if t.type_name != dst.type_name or t.shape != srcs[0].shape:
            raise node.fail(f"input {i} ({t.type_name} {list(t.shape)}) differs from input 0")
    if dst.shape != expected:
        raise node.fail(f"output shape {list(dst.shape)} is not {list(expected)}")
    return OpData(axis, count)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    np.stack(list(inputs[: data.count]), axis=data.axis, out=outputs[OUTPUT])


def memory(node: Node, pointer_bytes: int) -> OpMemory:
    """TFLM registers PACK with no Init and no Prepare (pack.cc): no temporary tensor."""
    return OpMemory(tflm_prepare=())


MEMORY = KernelMemory(tflm_params="TfLitePackParams", c_op_data=c_struct(w=3), needs=memory)
REGISTRATION = Registration("PACK", prepare, invoke, memory=MEMORY)
