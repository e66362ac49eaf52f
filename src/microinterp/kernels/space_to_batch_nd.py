"""SPACE_TO_BATCH_ND (TFLM: kernels/space_to_batch_nd.cc + reference_ops::SpaceToBatchND;
C twin: firmware/src/kernels/mi_space_to_batch_nd.c).

Moves spatial blocks of a 3-D (NHC) or 4-D (NHWC) float32 or int8 tensor into
the batch: output batch ``(sh * bw + sw) * in_batch + b`` holds input pixels
``(h * bh + sh - pad_top, w * bw + sw - pad_left)`` of batch ``b``, and pixels
outside the input are padding. A 3-D tensor is handled as NH1C with a block
width of 1 and no left padding. TFLM reads only ``block_shape[0..1]`` and the
top/left paddings; the output tensor's shape bounds the rest.

TFLM ``memset``s padded pixels with the byte ``SpaceToBatchParams::output_offset``,
a field of a persistent buffer its Init allocates and never initialises. In a
fresh arena that byte is 0: an MCU's static arena is zeroed at start-up, and the
tflite-micro wheel's arena is fresh memory in a new process (measured: padding 0
at arena sizes 16 KiB to 4 MiB, each in its own process, on a converted int8
model whose zero point is -1); only an arena reused from earlier allocations
(a heap block in a process that ran other models: 40, 64, 85 or 96 were seen)
holds other bytes, which no implementation can reproduce. So microinterp pads
with byte 0, as TFLM does on a fresh arena: +0.0 for float32 and 0 for int8,
*not* the output zero point TensorFlow pads with (a converted int8 model with a
dilated convolution runs TFLM's numbers, not TensorFlow's, there too).

Stale shapes (``stale_shapes.py``): when the stored output is not what the
blocks imply (a dynamic batch the converter stored as 1), TFLM still runs its
loop over the stored output, output batch ``ob`` taking input batch
``ob % in_batch`` and block ``ob // in_batch``; so does this kernel (a gather
prepared once), after warning once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..context import Node, Registration
from ..memory.declaration import KernelMemory, OpMemory, c_struct, temps
from ..stale_shapes import warn_stale
from .batch_to_space_nd import read_block_params

INPUT, BLOCK_SHAPE, PADDINGS, OUTPUT = 0, 1, 2, 0


@dataclass(frozen=True)
class OpData:
    block_h: int
    block_w: int
    top: int
    left: int
    buffer: np.ndarray  # (in_batch, out_h * bh, out_w * bw, C) padded image, padding preset
    #: stale shapes only: TFLM's loop over the stored output as a gather (input batch, rows, cols,
    #: where the pixel is inside the input, pad value)
    stale: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None


def prepare(node: Node) -> OpData:
    bh, bw, top, left, (n, h, w, c), (on, oh, ow, oc) = read_block_params(node, PADDINGS, "paddings")
    dst = node.output(OUTPUT)
    pad_value = 0  # the byte TFLM's uninitialised output_offset holds in a fresh arena (docstring)
    if c == oc and on != n * bh * bw and warn_stale(node):
        return OpData(bh, bw, top, left, np.zeros(0, dst.dtype), _stale_gather(bh, bw, top, left, (n, h, w),
                                                                              (on, oh, ow), pad_value, dst.dtype))
    if on != n * bh * bw or c != oc:
        raise node.fail(f"output {list(node.output(OUTPUT).shape)} does not hold input "
                        f"{list(node.input(INPUT).shape)} in {bh}x{bw} blocks")
    return OpData(bh, bw, top, left, np.full((n, oh * bh, ow * bw, c), pad_value, dst.dtype))


def _stale_gather(bh: int, bw: int, top: int, left: int, src: tuple[int, int, int], dst: tuple[int, int, int],
                  pad_value: int, dtype: np.dtype) -> tuple[np.ndarray, ...]:
    """reference_ops::SpaceToBatchND's indices over the stored output shape."""
    (n, h, w), (on, oh, ow) = src, dst
    ob = np.arange(on)
    batch = ob % n
    shift_h, shift_w = (ob // n) // bw, (ob // n) % bw
    rows = np.arange(oh)[None, :] * bh + shift_h[:, None] - top  # (on, oh)
    cols = np.arange(ow)[None, :] * bw + shift_w[:, None] - left  # (on, ow)
    inside = (((rows >= 0) & (rows < h))[:, :, None] & ((cols >= 0) & (cols < w))[:, None, :])
    return (batch[:, None, None], np.clip(rows, 0, h - 1)[:, :, None], np.clip(cols, 0, w - 1)[:, None, :],
            inside[..., None], np.asarray(pad_value, dtype))


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    if data.stale is not None:
        batch, rows, cols, inside, pad = data.stale
        out = outputs[OUTPUT]
        x = inputs[INPUT]
        x = x.reshape(x.shape[0], x.shape[1], -1, x.shape[-1])
        out.reshape(inside.shape[0], inside.shape[1], inside.shape[2], -1)[...] = np.where(
            inside, x[batch, rows, cols], pad)
        return
    out, buf = outputs[OUTPUT], data.buffer
    n, ph, pw, c = buf.shape
    x = inputs[INPUT].reshape(n, inputs[INPUT].shape[1], -1, c)
    rows = max(0, min(x.shape[1], ph - data.top))
    cols = max(0, min(x.shape[2], pw - data.left))
    buf[:, data.top:data.top + rows, data.left:data.left + cols] = x[:, :rows, :cols]
    bh, bw = data.block_h, data.block_w
    blocks = buf.reshape(n, ph // bh, bh, pw // bw, bw, c).transpose(2, 4, 0, 1, 3, 5)
    out.reshape(-1)[...] = blocks.reshape(-1)


def memory(node: Node, pointer_bytes: int) -> OpMemory:
    """SpaceToBatchNDPrepare takes temporaries of input 0 and output 0 only (space_to_batch_nd.cc)."""
    return OpMemory(tflm_prepare=temps(node, (INPUT,), (OUTPUT,)))


#: no options struct (ParseSpaceToBatchNd allocates none); SpaceToBatchNDInit allocates a
#: SpaceToBatchParams; c_op_data: its C twin's op data
MEMORY = KernelMemory(tflm_op_data="SpaceToBatchParams", c_op_data=c_struct(w=12, b=1), needs=memory)
REGISTRATION = Registration("SPACE_TO_BATCH_ND", prepare, invoke, memory=MEMORY)
