"""SignalStacker (TFLM: signal/micro/kernels/stacker.cc, signal/src/circular_buffer.cc;
C twin: firmware/src/kernels/mi_signal_stacker.c).

Stacks ``stacker_left_context + 1 + stacker_right_context`` consecutive frames of
``num_channels`` int16 values into one output vector, advancing by ``stacker_step``
frames. Each invoke appends the input frame to a FIFO; the very first frame (after
prepare or ``reset()``) is appended ``1 + stacker_left_context`` times, to pad the
left context. When the FIFO holds a whole stack it is written to output 0, the
oldest ``stacker_step`` frames are dropped and output 1 (a bool scalar) is true;
otherwise output 1 is false and output 0 keeps what it held. The FIFO and the
first-frame flag carry across invokes (TFLM's persistent arena) and ``reset()``
empties the FIFO and clears the flag, as TFLM's ``StackerReset``.

Refused where TFLM's circular buffer would overflow or underflow (its checks are
compiled out): ``stacker_step`` outside 1 .. left + right + 1, negative contexts,
``num_channels < 1``; and an input or output of another length than a frame / a
stack (TFLM reads and writes those lengths whatever the tensors hold).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..context import Node, Registration
from ..memory.declaration import KernelMemory, OpMemory, c_struct, persist, temps
from .signal_common import option_int, options, require
from .signal_fifo import Fifo, circular_buffer_bytes, require_state_bytes

INPUT, OUTPUT, OUTPUT_VALID = 0, 0, 1


@dataclass
class State:
    fifo: Fifo
    has_first_frame: bool = False


@dataclass(frozen=True)
class OpData:
    channels: int
    left: int
    stack: int  # samples per output: channels * (left + right + 1)
    step: int  # samples dropped per output: channels * stacker_step
    state: State = field(compare=False)


def _options(node: Node) -> tuple[int, int, int, int]:
    m = options(node)
    return (option_int(node, m, "num_channels"), option_int(node, m, "stacker_left_context"),
            option_int(node, m, "stacker_right_context"), option_int(node, m, "stacker_step"))


def prepare(node: Node) -> OpData:
    channels, left, right, step = _options(node)
    require(node, len(node.op.inputs) == 1 and len(node.op.outputs) == 2, "takes 1 input and 2 outputs")
    x, y, valid = node.input(INPUT), node.output(OUTPUT), node.output(OUTPUT_VALID)
    require(node, len(x.shape) == 1 and len(y.shape) == 1 and len(valid.shape) == 0,
            "input and output must be 1-D and the valid flag a scalar")
    for t, what, want in ((x, "input", "INT16"), (y, "output", "INT16"), (valid, "valid flag", "BOOL")):
        if t.type_name != want:
            raise node.unsupported(f"{what} type {t.type_name} is not supported ({want.lower()})")
    require(node, channels >= 1 and left >= 0 and right >= 0, f"num_channels {channels} and contexts "
            f"{left}, {right} must be positive and non-negative")
    frames = left + right + 1
    require(node, 1 <= step <= frames, f"stacker_step {step} is not in 1 .. {frames} (TFLM's buffer would "
            "overflow or underflow)")
    require(node, x.size == channels and y.size == channels * frames,
            f"input {list(x.shape)} / output {list(y.shape)} must hold {channels} / {channels * frames} samples")
    stack = channels * frames
    require_state_bytes(node, 2 * stack)
    return OpData(channels, left, stack, channels * step, State(Fifo(1, stack)))


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    state = data.state
    frame = inputs[INPUT].reshape(1, data.channels)
    state.fifo.push(frame)
    if not state.has_first_frame:
        for _ in range(data.left):
            state.fifo.push(frame)
        state.has_first_frame = True
    ready = state.fifo.count >= data.stack
    if ready:
        outputs[OUTPUT].reshape(1, -1)[...] = state.fifo.peek(data.stack)
        state.fifo.drop(data.step)
    outputs[OUTPUT_VALID][...] = ready


def reset(data: OpData) -> None:
    data.state.fifo.clear()
    data.state.has_first_frame = False


def memory(node: Node, pointer_bytes: int) -> OpMemory:
    """TFLM's StackerInit allocates, after its params struct, one CircularBuffer of a
    whole stack; its Prepare takes temporaries of the input and both outputs. The C
    twin keeps one state block: the first-frame flag, the FIFO count, one stack
    of int16 samples."""
    try:
        channels, left, right, _ = _options(node)
    except Exception:  # noqa: BLE001 - unreadable options: prepare refuses the op
        channels = left = right = 0
    stack = max(channels * (left + right + 1), 0)
    return OpMemory(tflm_prepare=(*persist(circular_buffer_bytes(stack, pointer_bytes)),
                                  *temps(node, (INPUT,), (OUTPUT, OUTPUT_VALID))),
                    c_arrays=(8 + 2 * stack,))


MEMORY = KernelMemory(tflm_op_data="TFLMSignalStackerParams", c_op_data=c_struct(p=2, w=6), needs=memory)
REGISTRATION = Registration("CUSTOM:SignalStacker", prepare, invoke, memory=MEMORY, reset=reset)
