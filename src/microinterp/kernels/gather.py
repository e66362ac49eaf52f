"""GATHER (TFLM: kernels/gather.cc; C twin: firmware/src/kernels/mi_gather.c).

Picks slices of a float32 or int8 tensor along ``axis`` at int32 positions,
with ``batch_dims`` leading dimensions shared by input and positions
(negative axis counts from the input's rank, negative batch_dims from the
positions' rank). The output shape is input[:axis] + positions[batch_dims:] +
input[axis+1:]; TFLM rewrites the output's shape to it, so the model's must
agree. An out-of-range position is a memory read past the tensor in TFLM
(only DCHECKed); here it is an error that names the position.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..context import Node, Registration
from ..errors import KernelError
from ..memory.declaration import KernelMemory, OpMemory, c_struct, persist, temps

INPUT, POSITIONS, OUTPUT = 0, 1, 0
TYPES = ("FLOAT32", "INT8")


@dataclass(frozen=True)
class OpData:
    batch: int
    outer: int
    axis_size: int
    inner: int
    coords: int


def prepare(node: Node) -> OpData:
    src, pos, dst = node.input(INPUT), node.input(POSITIONS), node.output(OUTPUT)
    if pos.type_name != "INT32":
        raise node.unsupported(f"positions of type {pos.type_name} are not supported (int32)")
    if src.type_name not in TYPES:
        raise node.unsupported(f"type {src.type_name} is not supported ({', '.join(t.lower() for t in TYPES)})")
    if dst.type_name != src.type_name:
        raise node.fail(f"output type {dst.type_name} differs from the input type {src.type_name}")
    rank, pos_rank = len(src.shape), len(pos.shape)
    axis = node.options.axis
    axis = axis + rank if axis < 0 else axis
    if not 0 <= axis < rank:
        raise node.fail(f"axis {axis} is out of range for an input of rank {rank}")
    batch_dims = node.options.batch_dims
    batch_dims = batch_dims + pos_rank if batch_dims < 0 else batch_dims
    if not (0 <= batch_dims <= axis and batch_dims < rank and batch_dims <= pos_rank):
        raise node.fail(f"batch_dims {batch_dims} is invalid for axis {axis} and positions {list(pos.shape)}")
    if src.shape[:batch_dims] != pos.shape[:batch_dims]:
        raise node.fail(f"batch dimensions of {list(src.shape)} and {list(pos.shape)} differ")
    expected = src.shape[:axis] + pos.shape[batch_dims:] + src.shape[axis + 1:]
    if dst.shape != expected:
        raise node.fail(f"output shape {list(dst.shape)} is not {list(expected)}")

    def prod(dims: tuple[int, ...]) -> int:
        return int(np.prod(dims, dtype=np.int64))

    return OpData(prod(src.shape[:batch_dims]), prod(src.shape[batch_dims:axis]), src.shape[axis],
                  prod(src.shape[axis + 1:]), prod(pos.shape[batch_dims:]))


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    x = inputs[INPUT].reshape(data.batch, data.outer, data.axis_size, data.inner)
    coords = inputs[POSITIONS].reshape(data.batch, data.coords)
    if coords.size and (coords.min() < 0 or coords.max() >= data.axis_size):
        bad = coords[(coords < 0) | (coords >= data.axis_size)][0]
        raise KernelError(f"operator {node.index} (GATHER): position {int(bad)} is outside 0..{data.axis_size - 1}")
    picked = x[np.arange(data.batch)[:, None, None], np.arange(data.outer)[None, :, None], coords[:, None, :]]
    outputs[OUTPUT].reshape(-1)[...] = picked.reshape(-1)


def memory(node: Node, pointer_bytes: int) -> OpMemory:
    """GatherPrepare (gather.cc) takes temporaries of both inputs and the output, then moves the
    output's dims to the persistent arena (``CreateWritableTensorDimsWithCopy``: a TfLiteIntArray,
    4 bytes of size and 4 per dimension)."""
    rank = len(node.output(OUTPUT).shape)
    return OpMemory(tflm_prepare=(*temps(node, (INPUT, POSITIONS), (OUTPUT,)), *persist(4 + 4 * rank)))


MEMORY = KernelMemory(tflm_params="TfLiteGatherParams", c_op_data=c_struct(w=5), needs=memory)
REGISTRATION = Registration("GATHER", prepare, invoke, memory=MEMORY)
