"""BROADCAST_TO (TFLM: kernels/broadcast_to.cc + reference_ops::BroadcastTo;
C twin: firmware/src/kernels/mi_broadcast_to.c).

Copies a tensor of rank <= 5 into the constant int32 or int64 ``shape`` (rank
<= 5) with numpy broadcasting: the input's dimensions align to the right,
and each must be 1 or equal to the target's. TFLM copies raw bytes, so every
fixed-size type works (float32 bits, NaN payloads included, are preserved);
the output tensor must have exactly the target shape (TFLM checks).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..context import Node, Registration
from ..memory.declaration import KernelMemory, c_struct

INPUT, SHAPE, OUTPUT = 0, 1, 0
MAX_DIMS = 5


def prepare(node: Node) -> None:
    src, shape_t, dst = node.input(INPUT), node.input(SHAPE), node.output(OUTPUT)
    if len(src.shape) > MAX_DIMS:
        raise node.unsupported(f"inputs of rank {len(src.shape)} are not supported (at most {MAX_DIMS})")
    if shape_t.type_name not in ("INT32", "INT64"):
        raise node.fail(f"shape must be int32 or int64, got {shape_t.type_name}")
    if src.dtype is None or src.type_name == "STRING":
        raise node.unsupported(f"type {src.type_name} is not supported")
    if src.type_name != dst.type_name:
        raise node.fail(f"input {src.type_name} and output {dst.type_name} must have the same type")
    if not shape_t.is_constant:
        raise node.unsupported("a non-constant shape tensor is not supported (as in TFLM)")
    if len(shape_t.shape) != 1:
        raise node.fail(f"shape must be a vector, got {list(shape_t.shape)}")
    target = tuple(int(v) for v in np.asarray(shape_t.data).reshape(-1))
    if len(target) > MAX_DIMS or len(src.shape) > len(target):
        raise node.fail(f"cannot broadcast {list(src.shape)} to {list(target)} (at most {MAX_DIMS} dimensions)")
    lead = len(target) - len(src.shape)
    if any(d not in (1, t) for d, t in zip(src.shape, target[lead:])):
        raise node.fail(f"input {list(src.shape)} does not broadcast to {list(target)}")
    if dst.shape != target:
        raise node.fail(f"output shape {list(dst.shape)} is not the target {list(target)}")


def invoke(node: Node, data: None, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    x, out = inputs[INPUT], outputs[OUTPUT]
    if x.dtype.kind == "f":  # raw byte copies in TFLM: keep NaN payloads
        view = np.dtype(f"u{x.dtype.itemsize}")
        x, out = x.view(view), out.view(view)
    out[...] = np.broadcast_to(x, out.shape)


#: TFLM sizes are not modelled for this op (modelled=False); c_op_data: its C twin's op data
MEMORY = KernelMemory(c_op_data=c_struct(w=11), modelled=False)
REGISTRATION = Registration("BROADCAST_TO", prepare, invoke, memory=MEMORY)
