"""CIRCULAR_BUFFER, the streaming custom op (TFLM: kernels/circular_buffer.cc,
circular_buffer_common.cc; C twin: firmware/src/kernels/mi_circular_buffer.c).

Input (N, 1, H, W) int8, output (N, slots, H, W) int8, usually a variable tensor:
each invoke shifts the output's flat bytes down by one slot of ``H * W`` values and
writes the input's first slot at the end (TFLM treats the output as one flat run of
``slots`` slots, whatever N is). Every ``cycles_max``-th invoke lets the rest of the
graph run; on the others the op ends the run right after it (TFLM's
``kTfLiteAbort``, which its interpreter reports as success): later operators do not
run and keep their previous outputs. The countdown carries across invokes and
``reset()`` restarts it, as TFLM's ``CircularBufferReset``.

``cycles_max`` comes from the custom options (a FlexBuffer map; absent options mean
0). When it is not positive, TFLM picks 1 for outputs of 5, 13 or 25 slots and
otherwise 2, except that for a (N, slots, 2, 96) output its choice depends on how
many such ops the whole process has prepared before (a static counter): that one
case is refused, since no answer would be TFLM's.

Refused: tensors that are not 4-D int8 (TFLM reads four dims and runs int8 only),
shapes TFLM's Prepare refuses, an output with no slot (TFLM's shift length would be
negative).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..context import EndInvoke, Node, Registration
from ..memory.declaration import KernelMemory, OpMemory, c_struct, temps
from .signal_common import option_int, options

INPUT, OUTPUT = 0, 0
#: output slot counts TFLM's heuristic gives a period of 1 (circular_buffer_common.cc)
PERIOD_ONE_SLOTS = (5, 13, 25)


@dataclass
class Countdown:
    until_run: int


@dataclass(frozen=True)
class OpData:
    cycles_max: int
    slots: int
    depth: int  # values per slot: H * W
    countdown: Countdown = field(compare=False)


def _cycles_max(node: Node) -> int:
    if not node.op.custom_options:
        return 0
    return option_int(node, options(node), "cycles_max")


def prepare(node: Node) -> OpData:
    cycles = _cycles_max(node)
    if len(node.op.inputs) != 1 or len(node.op.outputs) != 1:
        raise node.fail("takes 1 input and 1 output")
    x, y = node.input(INPUT), node.output(OUTPUT)
    if len(x.shape) != 4 or len(y.shape) != 4:
        raise node.unsupported(f"input {list(x.shape)} and output {list(y.shape)} must be 4-D (TFLM reads 4 dims)")
    if x.shape[0] != y.shape[0] or x.shape[1] != 1 or x.shape[2:] != y.shape[2:]:
        raise node.fail(f"input {list(x.shape)} must be (N, 1, H, W) of output {list(y.shape)}")
    if x.type_name != "INT8" or y.type_name != "INT8":
        raise node.unsupported(f"{x.type_name} -> {y.type_name} is not supported (int8)")
    slots = y.shape[1]
    if slots < 1:
        raise node.fail("the output has no slot")
    if cycles <= 0:
        if slots in PERIOD_ONE_SLOTS:
            cycles = 1
        elif y.shape[2:] == (2, 96):
            raise node.unsupported("cycles_max <= 0 with a (N, slots, 2, 96) output: TFLM's period then "
                                   "depends on a process-wide counter")
        else:
            cycles = 2
    return OpData(cycles, slots, y.shape[2] * y.shape[3], Countdown(cycles))


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    out, depth = outputs[OUTPUT].reshape(-1), data.depth
    keep = (data.slots - 1) * depth
    out[:keep] = out[depth:depth + keep].copy()
    out[keep:keep + depth] = inputs[INPUT].reshape(-1)[:depth]
    data.countdown.until_run -= 1
    if data.countdown.until_run != 0:
        raise EndInvoke
    data.countdown.until_run = data.cycles_max


def reset(data: OpData) -> None:
    data.countdown.until_run = data.cycles_max


def memory(node: Node, pointer_bytes: int) -> OpMemory:
    """TFLM: its OpData in Init, temporaries of the input and output in Prepare. The C
    twin keeps its countdown (one int32) in a kernel state block."""
    return OpMemory(tflm_prepare=temps(node, (INPUT,), (OUTPUT,)), c_arrays=(4,))


MEMORY = KernelMemory(tflm_op_data="OpDataCircularBuffer", c_op_data=c_struct(p=2, w=5), needs=memory)
REGISTRATION = Registration("CUSTOM:CIRCULAR_BUFFER", prepare, invoke, memory=MEMORY, reset=reset)
