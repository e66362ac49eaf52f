"""SignalEnergy (TFLM: signal/micro/kernels/energy.cc, signal/src/energy.cc;
C twin:
firmware/src/kernels/mi_signal_energy.c).

The energy ``re*re + im*im`` of the complex int16 bins ``start_index`` to
``end_index - 1`` of a spectrum (interleaved re, im), into uint32. The other
output elements are not written, as in TFLM (the audio preprocessor slices
them away). The sum of two int32 squares reaches 2**31 for -32768 + -32768j,
where TFLM's int32 addition overflows; the uint32 it stores is 2**31, which is
what the exact sum gives here. Bin ranges outside the spectrum or the output
(which TFLM would read or write out of bounds) are refused.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..context import Node, Registration
from ..memory.declaration import KernelMemory, c_struct
from .signal_common import option_int, options, require

INPUT, OUTPUT = 0, 0


@dataclass(frozen=True)
class OpData:
    start: int
    end: int


def prepare(node: Node) -> OpData:
    m = options(node)
    end, start = option_int(node, m, "end_index"), option_int(node, m, "start_index")
    require(node, len(node.op.inputs) == 1 and len(node.op.outputs) == 1, "takes 1 input and 1 output")
    x, y = node.input(INPUT), node.output(OUTPUT)
    require(node, len(x.shape) == 1 and len(y.shape) == 1, f"input {list(x.shape)} and output {list(y.shape)} must be 1-D")
    if x.type_name != "INT16" or y.type_name != "UINT32":
        raise node.unsupported(f"types {x.type_name} -> {y.type_name} are not supported (int16 -> uint32)")
    if start < end:  # an empty range reads nothing, as TFLM's loop
        require(node, 0 <= start and end <= min(x.size // 2, y.size),
                f"bins {start}..{end - 1} are outside the {x.size // 2} bins of the input or the {y.size} outputs")
    return OpData(start, end)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    if data.start >= data.end:
        return
    z = inputs[INPUT].reshape(-1, 2)[data.start:data.end].astype(np.int64)
    outputs[OUTPUT][data.start:data.end] = (z[:, 0] * z[:, 0] + z[:, 1] * z[:, 1]).astype(np.uint32)


def bind(node: Node, data: OpData, inputs: Sequence[np.ndarray | None],
         outputs: Sequence[np.ndarray]) -> Callable[[], None]:
    """``invoke`` in 2 numpy calls: squares and their sum in uint32, modulo 2**32 (an int16
    read as uint32 squares to its square modulo 2**32, and the sum of two below 2**31 each
    is the exact one)."""
    if data.start >= data.end:
        return lambda: None
    z = inputs[INPUT].reshape(-1, 2)[data.start:data.end]
    y = outputs[OUTPUT][data.start:data.end]
    squares = np.empty(z.shape, np.uint32)
    p = functools.partial
    calls = (p(np.multiply, z, z, squares, casting="unsafe", dtype=np.uint32),
             p(np.add, squares[:, 0], squares[:, 1], y))

    def run() -> None:
        for call in calls:
            call()

    return run


MEMORY = KernelMemory(tflm_op_data="TFLMSignalEnergyParams", c_op_data=c_struct(w=2))
REGISTRATION = Registration("CUSTOM:SignalEnergy", prepare, invoke, memory=MEMORY, bind=bind)
