"""BATCH_TO_SPACE_ND (TFLM: kernels/batch_to_space_nd.cc + reference_ops::BatchToSpaceND;
C twin: firmware/src/kernels/mi_batch_to_space_nd.c).

Moves blocks of the batch of a 3-D (NHC) or 4-D (NHWC) float32 or int8 tensor
back into space: input batch ``(sh * bw + sw) * out_batch + b`` fills output
pixels ``(h * bh + sh - crop_top, w * bw + sw - crop_left)`` of batch ``b``.
A 3-D tensor is handled as NH1C with a block width of 1 and no left crop.

TFLM reads only ``block_shape[0..1]`` and the top/left crops (the output
tensor's shape bounds the rest), at invoke time. Both inputs must be
constants here (converters always make them so), and the block is checked
to cover the whole output, which TFLM would otherwise leave unwritten.

Stale shapes (``stale_shapes.py``): when the stored input is not what the
output's blocks imply (a dynamic batch the converter stored as 1), TFLM still
runs its loop over the stored input, input batch ``ib`` going to output batch
``ib % out_batch``, and leaves every output pixel no block lands on as it was;
so does this kernel (the same copies, one per input batch), after warning once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..context import Node, Registration
from ..memory.declaration import KernelMemory, OpMemory, c_struct, temps
from ..stale_shapes import warn_stale

INPUT, BLOCK_SHAPE, CROPS, OUTPUT = 0, 1, 2, 0
TYPES = ("FLOAT32", "INT8")


@dataclass(frozen=True)
class OpData:
    block_h: int
    block_w: int
    top: int
    left: int
    #: stale shapes only: TFLM's copies over the stored input, one per input batch:
    #: (output batch, output rows, output cols, input rows, input cols)
    stale: tuple[tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray], ...] | None = None


def read_block_params(node: Node, second: int, name: str) -> tuple[int, int, int, int, tuple, tuple]:
    """(block_h, block_w, top, left, NHWC input shape, NHWC output shape) of BATCH_TO_SPACE_ND and
    SPACE_TO_BATCH_ND (``second`` names input 2: crops or paddings)."""
    src, block, amounts, dst = node.input(INPUT), node.input(BLOCK_SHAPE), node.input(second), node.output(OUTPUT)
    if dst.type_name not in TYPES:
        raise node.unsupported(f"type {dst.type_name} is not supported ({', '.join(t.lower() for t in TYPES)})")
    if src.type_name != dst.type_name:
        raise node.fail(f"input {src.type_name} and output {dst.type_name} must have the same type")
    rank = len(src.shape)
    if rank not in (3, 4) or len(dst.shape) != rank:
        raise node.fail(f"input {list(src.shape)} and output {list(dst.shape)} must both be 3-D or both 4-D")
    if not (block.is_constant and amounts.is_constant):
        raise node.unsupported(f"non-constant block_shape or {name} tensors are not supported")
    if block.type_name != "INT32" or amounts.type_name != "INT32":
        raise node.unsupported(f"block_shape and {name} must be int32 (TFLM reads int32)")
    spatial = rank - 2
    b = np.asarray(block.data).reshape(-1)
    a = np.asarray(amounts.data).reshape(-1)
    if b.size < spatial or a.size < 2 * spatial:
        raise node.fail(f"block_shape {list(block.shape)} and {name} {list(amounts.shape)} are too small for "
                        f"{spatial} spatial dimensions")
    bh, bw = int(b[0]), int(b[1]) if rank == 4 else 1
    top, left = int(a[0]), int(a[2]) if rank == 4 else 0
    if bh < 1 or bw < 1 or top < 0 or left < 0:
        raise node.fail(f"block_shape {b.tolist()} must be positive and {name} {a.tolist()} non-negative")

    def nhwc(shape: tuple[int, ...]) -> tuple[int, ...]:
        return shape if rank == 4 else (shape[0], shape[1], 1, shape[2])

    return bh, bw, top, left, nhwc(src.shape), nhwc(dst.shape)


def prepare(node: Node) -> OpData:
    bh, bw, top, left, (n, h, w, c), (on, oh, ow, oc) = read_block_params(node, CROPS, "crops")
    if c == oc and n != on * bh * bw and warn_stale(node):
        copies = []
        for ib in range(n):  # reference_ops::BatchToSpaceND over the stored input
            spatial = ib // on
            out_rows = np.arange(h) * bh + spatial // bw - top
            out_cols = np.arange(w) * bw + spatial % bw - left
            keep_r, keep_c = (out_rows >= 0) & (out_rows < oh), (out_cols >= 0) & (out_cols < ow)
            copies.append((ib % on, out_rows[keep_r][:, None], out_cols[keep_c][None, :],
                           np.flatnonzero(keep_r)[:, None], np.flatnonzero(keep_c)[None, :]))
        return OpData(bh, bw, top, left, tuple(copies))
    if n != on * bh * bw or c != oc or top + oh > h * bh or left + ow > w * bw:
        raise node.fail(f"output {list(node.output(OUTPUT).shape)} is not covered by input "
                        f"{list(node.input(INPUT).shape)} with block {bh}x{bw} and crops top {top}, left {left}")
    return OpData(bh, bw, top, left)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    out = outputs[OUTPUT]
    if data.stale is not None:
        x = inputs[INPUT]
        x4 = x.reshape(x.shape[0], x.shape[1], -1, x.shape[-1])
        out4 = out.reshape(out.shape[0], out.shape[1], -1, out.shape[-1])
        for ib, (ob, out_rows, out_cols, in_rows, in_cols) in enumerate(data.stale):
            out4[ob, out_rows, out_cols] = x4[ib, in_rows, in_cols]  # in TFLM's order: later batches win
        return
    bh, bw = data.block_h, data.block_w
    on, oh = out.shape[0], out.shape[1]
    ow = out.shape[2] if out.ndim == 4 else 1
    x = inputs[INPUT]
    h = x.shape[1]
    w = x.shape[2] if x.ndim == 4 else 1
    full = x.reshape(bh, bw, on, h, w, -1).transpose(2, 3, 0, 4, 1, 5).reshape(on, h * bh, w * bw, -1)
    out.reshape(on, oh, ow, -1)[...] = full[:, data.top:data.top + oh, data.left:data.left + ow]


def memory(node: Node, pointer_bytes: int) -> OpMemory:
    """BatchToSpaceNDPrepare takes temporaries of input 0 and output 0 only (batch_to_space_nd.cc)."""
    return OpMemory(tflm_prepare=temps(node, (INPUT,), (OUTPUT,)))


#: no options struct (ParseBatchToSpaceNd allocates none), no Init; c_op_data: its C twin's op data
MEMORY = KernelMemory(c_op_data=c_struct(w=12, b=1), needs=memory)
REGISTRATION = Registration("BATCH_TO_SPACE_ND", prepare, invoke, memory=MEMORY)
