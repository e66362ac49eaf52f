"""SignalFramer (TFLM: signal/micro/kernels/framer.cc, signal/src/circular_buffer.cc;
C twin: firmware/src/kernels/mi_signal_framer.c).

Cuts an int16 signal into overlapping frames of ``frame_size`` samples every
``frame_step`` samples, along the innermost axis of the input (``n_frames *
frame_step`` samples per invoke and row): per step the row's FIFO takes
``frame_step`` new samples and, once it holds a whole frame, that frame is written
to output 0 (``(..., n_frames, frame_size)``) and the oldest ``frame_step`` samples
are dropped. A frame that cannot be formed yet is not written (its output keeps
what it held) and makes output 1 (a bool scalar) false. With ``prefill`` the FIFO
starts with ``frame_size - frame_step`` zeros. The FIFOs carry across invokes
(TFLM's persistent arena) and ``reset()`` restores the prepared state, as TFLM's
``FramerReset``.

Refused: ``frame_step < 1`` or ``frame_size < 1`` (TFLM divides by the step),
``prefill`` with a frame shorter than its step (TFLM's zero prefill would write
past its buffer), an input whose innermost axis is not a positive multiple of the
step (TFLM refuses it too), an output of another size than the frames, non-int16
tensors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..context import Node, Registration
from ..memory.declaration import KernelMemory, OpMemory, c_struct, persist, temps
from .signal_common import option_bool, option_int, options, require
from .signal_fifo import Fifo, circular_buffer_bytes, require_state_bytes

INPUT, OUTPUT, OUTPUT_VALID = 0, 0, 1


@dataclass(frozen=True)
class OpData:
    frame_size: int
    frame_step: int
    prefill: bool
    n_frames: int
    fifo: Fifo  # one FIFO per row of the input's outer axes


def _options(node: Node) -> tuple[int, int, bool]:
    m = options(node)
    return option_int(node, m, "frame_size"), option_int(node, m, "frame_step"), option_bool(node, m, "prefill")


def _capacity(frame_size: int, frame_step: int) -> int:
    """TFLM's FramerPrepare: the frame size rounded up to a multiple of the step."""
    return (frame_size + frame_step - 1) // frame_step * frame_step


def prepare(node: Node) -> OpData:
    size, step, prefill = _options(node)
    require(node, len(node.op.inputs) == 1 and len(node.op.outputs) == 2, "takes 1 input and 2 outputs")
    x, y, valid = node.input(INPUT), node.output(OUTPUT), node.output(OUTPUT_VALID)
    require(node, len(x.shape) >= 1 and len(y.shape) == len(x.shape) + 1 and len(valid.shape) == 0,
            "the output must have one axis more than the input and the valid flag must be a scalar")
    for t, what, want in ((x, "input", "INT16"), (y, "output", "INT16"), (valid, "valid flag", "BOOL")):
        if t.type_name != want:
            raise node.unsupported(f"{what} type {t.type_name} is not supported ({want.lower()})")
    require(node, size >= 1 and step >= 1, f"frame_size {size} and frame_step {step} must be positive")
    require(node, not prefill or size >= step, f"prefill with frame_size {size} < frame_step {step}")
    inner = x.shape[-1]
    require(node, inner >= step and inner % step == 0,
            f"the input's innermost axis ({inner}) is not a positive multiple of frame_step {step}")
    rows, n_frames = x.size // inner, inner // step
    require(node, y.size == rows * n_frames * size,
            f"output {list(y.shape)} does not hold {rows} x {n_frames} frames of {size} samples")
    require_state_bytes(node, 2 * rows * _capacity(size, step))
    data = OpData(size, step, prefill, n_frames, Fifo(rows, _capacity(size, step)))
    reset(data)
    return data


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    fifo, step, size = data.fifo, data.frame_step, data.frame_size
    x = inputs[INPUT].reshape(-1, data.n_frames, step)
    out = outputs[OUTPUT].reshape(-1, data.n_frames, size)
    complete = True
    for frame in range(data.n_frames):
        fifo.push(x[:, frame])
        if fifo.count >= size:
            out[:, frame] = fifo.peek(size)
            fifo.drop(step)
        else:
            complete = False
    outputs[OUTPUT_VALID][...] = complete


def reset(data: OpData) -> None:
    data.fifo.clear()
    if data.prefill:
        data.fifo.count = data.frame_size - data.frame_step  # zeros


def memory(node: Node, pointer_bytes: int) -> OpMemory:
    """TFLM's FramerPrepare: temporaries of the input and both outputs, two arrays of
    one pointer per row, then per row a CircularBuffer of the frame size rounded up to
    a multiple of the step. The C twin keeps one state block: the FIFO count, then a
    (rows, capacity) int16 array."""
    x = node.input(INPUT)
    inner = x.shape[-1] if x.shape else 0
    rows = x.size // inner if inner else 0
    try:
        size, step, _ = _options(node)
    except Exception:  # noqa: BLE001 - unreadable options: prepare refuses the op
        size = step = 0
    capacity = _capacity(size, step) if step >= 1 and size >= 1 else 0
    ring = circular_buffer_bytes(capacity, pointer_bytes)
    return OpMemory(tflm_prepare=(*temps(node, (INPUT,), (OUTPUT, OUTPUT_VALID)),
                                  *persist(rows * pointer_bytes, rows * pointer_bytes, *([ring] * rows))),
                    c_arrays=(4 + 2 * rows * capacity,))


MEMORY = KernelMemory(tflm_op_data="TFLMSignalFramerParams", c_op_data=c_struct(p=2, w=8), needs=memory)
REGISTRATION = Registration("CUSTOM:SignalFramer", prepare, invoke, memory=MEMORY, reset=reset)
