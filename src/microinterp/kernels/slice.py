"""SLICE (TFLM: kernels/slice.cc + reference_ops::Slice; C twin: firmware/src/kernels/mi_slice.c).

Copies the block ``input[begin : begin + size]`` of a float32, int32, int8,
int16 or bool tensor of rank <= 5. ``begin`` and ``size`` are int32 or int64
vectors with one entry per input dimension, read at invoke time as TFLM does
(so they may be graph inputs); a size of -1 means "to the end of the
dimension". TFLM only DCHECKs these vectors and never checks the block
against the output tensor, so here every block is checked against the input
and the output shape (in prepare for constants, at invoke otherwise) instead
of reading or writing out of bounds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..context import Node, Registration
from ..errors import KernelError
from ..memory.declaration import KernelMemory, c_struct

INPUT, BEGIN, SIZE, OUTPUT = 0, 1, 2, 0
MAX_DIMS = 5  # kMaxDim
TYPES = ("FLOAT32", "INT32", "INT8", "INT16", "BOOL")


@dataclass(frozen=True)
class OpData:
    #: the block, when begin and size are constants (else resolved per invoke)
    block: tuple[slice, ...] | None


def _block(node: Node, begin: np.ndarray, size: np.ndarray, in_shape: tuple[int, ...],
           out_shape: tuple[int, ...]) -> tuple[slice, ...]:
    """Slices of the input TFLM copies, or a KernelError where TFLM would go out of bounds."""
    begin = np.asarray(begin).reshape(-1).astype(np.int64)
    size = np.asarray(size).reshape(-1).astype(np.int64)
    block, extents = [], []
    for d, (b, s) in enumerate(zip(begin.tolist(), size.tolist())):
        stop = in_shape[d] if s == -1 else b + s
        if not (0 <= b <= stop <= in_shape[d]):
            raise KernelError(f"operator {node.index} (SLICE): begin {begin.tolist()} and size {size.tolist()} "
                              f"leave input {list(in_shape)} in dimension {d}")
        block.append(slice(b, stop))
        extents.append(stop - b)
    if int(np.prod(extents, dtype=np.int64)) != int(np.prod(out_shape, dtype=np.int64)) or (
            len(out_shape) == len(extents) and tuple(extents) != tuple(out_shape)):
        raise KernelError(f"operator {node.index} (SLICE): block {extents} does not fill the output "
                          f"{list(out_shape)}")
    return tuple(block)


def prepare(node: Node) -> OpData:
    src, begin, size, dst = node.input(INPUT), node.input(BEGIN), node.input(SIZE), node.output(OUTPUT)
    if src.type_name not in TYPES:
        raise node.unsupported(f"type {src.type_name} is not supported ({', '.join(t.lower() for t in TYPES)})")
    if dst.type_name != src.type_name:
        raise node.fail(f"input {src.type_name} and output {dst.type_name} must have the same type")
    if begin.type_name not in ("INT32", "INT64") or size.type_name != begin.type_name:
        raise node.unsupported(f"begin/size of types {begin.type_name}/{size.type_name} are not supported "
                               "(both int32 or both int64)")
    rank = len(src.shape)
    if rank > MAX_DIMS:
        raise node.unsupported(f"inputs of rank {rank} are not supported (at most {MAX_DIMS})")
    if len(begin.shape) != 1 or len(size.shape) != 1 or begin.size != rank or size.size != rank:
        raise node.fail(f"begin {list(begin.shape)} and size {list(size.shape)} must be vectors of length {rank}")
    if begin.is_constant and size.is_constant:
        return OpData(_block(node, begin.data, size.data, src.shape, dst.shape))
    return OpData(None)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    x, out = inputs[INPUT], outputs[OUTPUT]
    block = data.block
    if block is None:
        block = _block(node, inputs[BEGIN], inputs[SIZE], x.shape, out.shape)
    out.reshape(-1)[...] = x[block].reshape(-1)


#: TFLM sizes are not modelled for this op (modelled=False); c_op_data: its C twin's op data
MEMORY = KernelMemory(c_op_data=c_struct(w=17, b=2), modelled=False)
REGISTRATION = Registration("SLICE", prepare, invoke, memory=MEMORY)
