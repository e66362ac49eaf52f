"""DYNAMIC_UPDATE_SLICE (TFLM: kernels/dynamic_update_slice.cc; C twin: firmware/src/kernels/mi_dynamic_update_slice.c).

The output is the operand with the block ``update`` written at ``start``: a
raw copy of float32, int8, int16 or int32 values (no requantization: TFLM
copies bytes, whatever the tensors' scales). ``start`` is an int32 or int64
vector, one entry per operand dimension, read at invoke time (it may be a
graph input); TFLM clamps each entry to ``[0, operand_dim - update_dim]`` so
the block always fits, and an update as large as the operand replaces it.

TFLM checks the update's rank and extents against the operand but never the
output; it writes the operand's element count into the output, so an output
of another type or element count is refused here instead of overrun. TFLM
refuses operands of rank 0 or above 6 (its stride arrays hold 6 dimensions).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..context import Node, Registration
from ..memory.declaration import KernelMemory, c_struct

OPERAND, UPDATE, START, OUTPUT = 0, 1, 2, 0
MAX_DIMS = 6  # RuntimeShape::kMaxSmallSize sizes TFLM's stack arrays
TYPES = ("FLOAT32", "INT8", "INT16", "INT32")


@dataclass(frozen=True)
class OpData:
    #: the update's extents (same rank as the operand)
    update_shape: tuple[int, ...]


def prepare(node: Node) -> OpData:
    src, upd, start, dst = node.input(OPERAND), node.input(UPDATE), node.input(START), node.output(OUTPUT)
    if src.type_name not in TYPES:
        raise node.unsupported(f"type {src.type_name} is not supported ({', '.join(t.lower() for t in TYPES)})")
    if upd.type_name != src.type_name:
        raise node.fail(f"operand {src.type_name} and update {upd.type_name} must have the same type")
    if dst.type_name != src.type_name or dst.size != src.size:
        raise node.fail(f"output {dst.type_name} {list(dst.shape)} must hold the operand "
                        f"{src.type_name} {list(src.shape)}")
    if start.type_name not in ("INT32", "INT64"):
        raise node.unsupported(f"start indices of type {start.type_name} are not supported (int32 or int64)")
    rank = len(src.shape)
    if not 1 <= rank <= MAX_DIMS:
        raise node.fail(f"operand of rank {rank}: TFLM requires rank 1 to {MAX_DIMS}")
    if len(start.shape) != 1 or start.shape[0] != rank:
        raise node.fail(f"start indices {list(start.shape)} must be a vector of length {rank}")
    if len(upd.shape) != rank or any(u > s for u, s in zip(upd.shape, src.shape)):
        raise node.fail(f"update {list(upd.shape)} does not fit in operand {list(src.shape)}")
    return OpData(tuple(upd.shape))


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    x, upd, start, out = inputs[OPERAND], inputs[UPDATE], inputs[START], outputs[OUTPUT]
    result = x.copy()
    if upd.size:
        # CalculateClampedStartIndices: clamp in int64, then the block always fits
        first = [min(max(0, int(b)), s - u) for b, s, u in zip(np.asarray(start).reshape(-1).tolist(),
                                                                  x.shape, data.update_shape)]
        result[tuple(slice(b, b + u) for b, u in zip(first, data.update_shape))] = upd
    out.reshape(-1)[...] = result.reshape(-1)


#: no options, no OpData (Init is null), temporaries of every input then the output in Prepare
MEMORY = KernelMemory(c_op_data=c_struct(w=13, b=2))
REGISTRATION = Registration("DYNAMIC_UPDATE_SLICE", prepare, invoke, memory=MEMORY)
