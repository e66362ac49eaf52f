"""REVERSE_V2 (TFLM: kernels/reverse.cc + reference_ops::Reverse; C twin: firmware/src/kernels/mi_reverse_v2.c).

Reverses a tensor along the axes of a 1-D int32 tensor (read at invoke time;
negative axes count from the rank). TFLM sorts the axes and only accepts a
contiguous run (it then reverses the flattened block of those dimensions,
which equals reversing each of them); a gap or a repeated axis fails its
invoke ("Non-contiguous `axes` not supported") and an empty list would read
before the array, so both are errors here. Types: float32 (raw bits), int32,
int16, int8, uint8, int64 and bool.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..context import Node, Registration
from ..errors import KernelError
from ..memory.declaration import KernelMemory, c_struct

INPUT, AXIS, OUTPUT = 0, 1, 0
TYPES = ("FLOAT32", "INT32", "INT16", "INT8", "UINT8", "INT64", "BOOL")
MAX_DIMS = 6  # RuntimeShape::kMaxSmallSize


@dataclass(frozen=True)
class OpData:
    axes: tuple[int, ...] | None  # resolved when the axis tensor is a constant


def _resolve(node: Node, values: np.ndarray, rank: int) -> tuple[int, ...]:
    axes = sorted(int(v) + rank if int(v) < 0 else int(v) for v in np.asarray(values).reshape(-1))
    if not axes or any(not 0 <= a < rank for a in axes) or any(b != a + 1 for a, b in zip(axes, axes[1:])):
        raise KernelError(f"operator {node.index} (REVERSE_V2): axes {np.asarray(values).reshape(-1).tolist()} "
                          f"must be a non-empty contiguous run of distinct axes of a rank-{rank} input (as TFLM)")
    return tuple(axes)


def prepare(node: Node) -> OpData:
    src, axis_t, dst = node.input(INPUT), node.input(AXIS), node.output(OUTPUT)
    if src.type_name not in TYPES:
        raise node.unsupported(f"type {src.type_name} is not supported ({', '.join(t.lower() for t in TYPES)})")
    if axis_t.type_name != "INT32":
        raise node.unsupported(f"axis type {axis_t.type_name} is not supported (int32)")
    if len(axis_t.shape) != 1 or axis_t.size > len(src.shape) or len(src.shape) > MAX_DIMS:
        raise node.fail(f"axis {list(axis_t.shape)} must be a vector of at most rank {len(src.shape)} entries")
    if dst.type_name != src.type_name or dst.shape != src.shape:
        raise node.fail(f"output {dst.type_name} {list(dst.shape)} must match input {src.type_name} {list(src.shape)}")
    return OpData(_resolve(node, axis_t.data, len(src.shape)) if axis_t.is_constant else None)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    x, out = inputs[INPUT], outputs[OUTPUT]
    axes = data.axes if data.axes is not None else _resolve(node, inputs[AXIS], x.ndim)
    if x.dtype.kind == "f":  # copied as raw bits
        x, out = x.view(np.uint32), out.view(np.uint32)
    out[...] = np.flip(x, axis=axes)


#: TFLM sizes are not modelled for this op (modelled=False); c_op_data: its C twin's op data
MEMORY = KernelMemory(c_op_data=c_struct(w=11, b=2), modelled=False)
REGISTRATION = Registration("REVERSE_V2", prepare, invoke, memory=MEMORY)
