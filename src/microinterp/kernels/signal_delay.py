"""SignalDelay (TFLM: signal/micro/kernels/delay.cc, signal/src/circular_buffer.cc;
C twin: firmware/src/kernels/mi_signal_delay.c).

Delays an int16 signal by ``delay_length`` samples along its innermost axis: each
row (every index of the outer axes) has its own FIFO that starts with
``delay_length`` zeros; an invoke appends the row's frame and takes the oldest
frame back out. The FIFO contents carry across invokes (op state, in TFLM's
persistent arena) and ``reset()`` refills them with zeros, as TFLM's ``DelayReset``.

Refused: a negative ``delay_length`` (TFLM's zero prefill would then write past its
buffer), an empty innermost axis (TFLM divides by it), an output of another size
than the input (TFLM writes the input's size), non-int16 tensors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..context import Node, Registration
from ..memory.declaration import KernelMemory, OpMemory, c_struct, persist, temps
from .signal_common import option_int, options, require
from .signal_fifo import circular_buffer_bytes, require_state_bytes

INPUT, OUTPUT = 0, 0


@dataclass(frozen=True)
class OpData:
    frame_size: int
    delay_length: int
    state: np.ndarray  # (rows, delay_length) int16: the samples still to come out, oldest first


def prepare(node: Node) -> OpData:
    delay = option_int(node, options(node), "delay_length")
    require(node, len(node.op.inputs) == 1 and len(node.op.outputs) == 1, "takes 1 input and 1 output")
    x, y = node.input(INPUT), node.output(OUTPUT)
    for t, what in ((x, "input"), (y, "output")):
        if t.type_name != "INT16":
            raise node.unsupported(f"{what} type {t.type_name} is not supported (int16)")
    require(node, len(x.shape) >= 1 and x.shape[-1] >= 1, f"input {list(x.shape)} has no innermost samples")
    require(node, y.size == x.size, f"output {list(y.shape)} does not hold the input's {x.size} samples")
    require(node, delay >= 0, f"delay_length {delay} is negative")
    frame = x.shape[-1]
    require_state_bytes(node, 2 * (x.size // frame) * (frame + delay))
    return OpData(frame, delay, np.zeros((x.size // frame, delay), np.int16))


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    x = inputs[INPUT].reshape(-1, data.frame_size)
    queue = np.concatenate([data.state, x], axis=1)
    outputs[OUTPUT].reshape(-1, data.frame_size)[...] = queue[:, :data.frame_size]
    data.state[...] = queue[:, data.frame_size:]


def reset(data: OpData) -> None:
    data.state[...] = 0


def memory(node: Node, pointer_bytes: int) -> OpMemory:
    """TFLM's DelayPrepare: temporaries of the input and output, two arrays of one
    pointer per row, then per row a CircularBuffer of frame + delay samples
    (struct + two copies of each sample). The C twin keeps one (rows, delay) int16
    state array."""
    x = node.input(INPUT)
    frame = x.shape[-1] if x.shape else 0
    rows = x.size // frame if frame else 0
    try:
        delay = max(options(node).int("delay_length"), 0)
    except Exception:  # noqa: BLE001 - unreadable options: prepare refuses the op
        delay = 0
    ring = circular_buffer_bytes(frame + delay, pointer_bytes)
    return OpMemory(tflm_prepare=(*temps(node, (INPUT,), (OUTPUT,)),
                                  *persist(rows * pointer_bytes, rows * pointer_bytes, *([ring] * rows))),
                    c_arrays=(2 * rows * delay,))


MEMORY = KernelMemory(tflm_op_data="TFLMSignalFrontendDelayParams", c_op_data=c_struct(p=2, w=5), needs=memory)
REGISTRATION = Registration("CUSTOM:SignalDelay", prepare, invoke, memory=MEMORY, reset=reset)
