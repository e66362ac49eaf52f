"""SPLIT_V (TFLM: kernels/split_v.cc; C twin: firmware/src/kernels/mi_split_v.c).

Cuts a float32, int8, int16 or int32 tensor (input 0) along a constant int32
axis (input 2; negative counts from the rank) into parts whose extents are
the *outputs'* extents along that axis. Like TFLM, the ``size_splits`` input
(input 1) is never read: the output shapes, fixed in the model, decide. TFLM
only DCHECKs that they tile the input; here that is checked in prepare.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..context import Node, Registration
from ..memory.declaration import KernelMemory, c_struct

INPUT, SIZE_SPLITS, AXIS = 0, 1, 2
TYPES = ("FLOAT32", "INT8", "INT16", "INT32")


@dataclass(frozen=True)
class OpData:
    axis: int
    boundaries: tuple[int, ...]  # cumulative extents where the input is cut


def prepare(node: Node) -> OpData:
    src, axis_t = node.input(INPUT), node.input(AXIS)
    if not axis_t.is_constant:
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
    boundaries, total = [], 0
    for i, t in enumerate(node.outputs):
        if t.type_name != src.type_name or len(t.shape) != rank or \
                t.shape[:axis] + t.shape[axis + 1:] != src.shape[:axis] + src.shape[axis + 1:]:
            raise node.fail(f"output {i} ({t.type_name} {list(t.shape)}) is not a part of the {src.type_name} "
                            f"input {list(src.shape)} along axis {axis}")
        total += t.shape[axis]
        boundaries.append(total)
    if total != src.shape[axis]:
        raise node.fail(f"the outputs' extents along axis {axis} add up to {total}, not {src.shape[axis]}")
    return OpData(axis, tuple(boundaries[:-1]))


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    for out, part in zip(outputs, np.split(inputs[INPUT], list(data.boundaries), axis=data.axis)):
        out[...] = part


MEMORY = KernelMemory(tflm_params="TfLiteSplitVParams", modelled=False, c_op_data=c_struct(w=3))
REGISTRATION = Registration("SPLIT_V", prepare, invoke, memory=MEMORY)
