"""SignalOverlapAdd (TFLM: signal/micro/kernels/overlap_add.cc, signal/src/overlap_add.cc;
C twin: firmware/src/kernels/mi_signal_overlap_add.c).

The inverse of framing: input (..., n_frames, frame_size), output (..., n_frames *
frame_step). Per row and frame, the frame is added into the row's accumulator of
``frame_size`` samples, its first ``frame_step`` samples are output, and the
accumulator shifts left by ``frame_step`` with zeros coming in. int16 adds saturate
to int16; float32 adds in float32. The element type is the ``T`` option (a TFLite
tensor type: FLOAT32 or INT16). The accumulators carry across invokes (TFLM's
persistent arena) and ``reset()`` zeroes them, as TFLM's ``OverlapAddReset``.

Refused: ``T`` other than FLOAT32/INT16 or differing from the tensors, a
``frame_step`` outside 1 .. frame_size (TFLM's shift would move a negative
length), empty frames, an output of another size than the stepped samples.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .. import quant
from ..context import Node, Registration
from ..memory.declaration import KernelMemory, OpMemory, c_struct, persist, temps
from .signal_common import option_int, options, require

INPUT, OUTPUT = 0, 0

#: TFLite TensorType codes TFLM's OverlapAddInitAll accepts for ``T``
TYPE_OF_CODE = {0: "FLOAT32", 7: "INT16"}


@dataclass(frozen=True)
class OpData:
    frame_size: int
    frame_step: int
    n_frames: int
    state: np.ndarray  # (rows, frame_size) accumulators, of the op's type


def _options(node: Node) -> tuple[int, int]:
    m = options(node)
    return option_int(node, m, "T"), option_int(node, m, "frame_step")


def prepare(node: Node) -> OpData:
    code, step = _options(node)
    if code not in TYPE_OF_CODE:
        raise node.unsupported(f"T = {code} is not a supported type (FLOAT32 = 0, INT16 = 7)")
    type_name = TYPE_OF_CODE[code]
    require(node, len(node.op.inputs) == 1 and len(node.op.outputs) == 1, "takes 1 input and 1 output")
    x, y = node.input(INPUT), node.output(OUTPUT)
    require(node, len(x.shape) >= 2 and len(x.shape) == len(y.shape) + 1,
            f"input {list(x.shape)} must be (..., frames, frame_size) and the output one axis shorter")
    for t, what in ((x, "input"), (y, "output")):
        if t.type_name != type_name:
            raise node.fail(f"{what} type {t.type_name} is not the op's type T = {type_name}")
    n_frames, size = x.shape[-2], x.shape[-1]
    require(node, n_frames >= 1 and size >= 1, f"input {list(x.shape)} has no frames")
    require(node, 1 <= step <= size, f"frame_step {step} is not in 1 .. frame_size {size}")
    rows = x.size // (n_frames * size)
    require(node, y.size == rows * n_frames * step,
            f"output {list(y.shape)} does not hold {rows} x {n_frames} steps of {step} samples")
    dtype = np.float32 if type_name == "FLOAT32" else np.int16
    return OpData(size, step, n_frames, np.zeros((rows, size), dtype))


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    acc, step, size = data.state, data.frame_step, data.frame_size
    x = inputs[INPUT].reshape(-1, data.n_frames, size)
    out = outputs[OUTPUT].reshape(-1, data.n_frames, step)
    for frame in range(data.n_frames):
        if acc.dtype == np.int16:
            acc[...] = np.clip(acc.astype(np.int32) + x[:, frame], -32768, 32767)
        else:
            acc[...] = quant.sse_nan_first(acc + x[:, frame], acc, x[:, frame])
        out[:, frame] = acc[:, :step]
        acc[:, :size - step] = acc[:, step:].copy()
        acc[:, size - step:] = 0


def reset(data: OpData) -> None:
    data.state[...] = 0


def memory(node: Node, pointer_bytes: int) -> OpMemory:
    """TFLM's OverlapAddPrepare: temporaries of the input and output, one pointer per
    row, then per row an accumulator of frame_size elements of T. The C twin keeps
    one (rows, frame_size) array."""
    x = node.input(INPUT)
    if len(x.shape) < 2 or x.shape[-1] < 1 or x.shape[-2] < 1:
        return OpMemory()
    size = x.shape[-1]
    rows = x.size // (x.shape[-2] * size)
    element = 2 if x.type_name == "INT16" else 4
    return OpMemory(tflm_prepare=(*temps(node, (INPUT,), (OUTPUT,)),
                                  *persist(rows * pointer_bytes, *([size * element] * rows))),
                    c_arrays=(rows * size * element,))


MEMORY = KernelMemory(tflm_op_data="TFLMSignalOverlapAddParams", c_op_data=c_struct(p=2, w=7), needs=memory)
REGISTRATION = Registration("CUSTOM:SignalOverlapAdd", prepare, invoke, memory=MEMORY, reset=reset)
