"""SignalWindow (TFLM: signal/micro/kernels/window.cc, signal/src/window.cc;
C twin:
firmware/src/kernels/mi_signal_window.c).

Multiplies each frame of an int16 signal by an int16 window and shifts:
``(int32)x * w >> shift`` saturated to int16, frame by frame (the window is
1-D; the input's flat size is a whole number of windows). ``shift`` is the
custom option TFLM reads in ``Init``; a shift outside 0..31 would be undefined
in TFLM's C and is refused, as is an input that is not a whole number of
windows (TFLM would read past the window).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..context import Node, Registration
from ..memory.declaration import KernelMemory, c_struct
from .signal_common import option_int, options, require, shift_in_range

INPUT, WEIGHTS, OUTPUT = 0, 1, 0


@dataclass(frozen=True)
class OpData:
    shift: int
    window: int  # samples per window


def prepare(node: Node) -> OpData:
    shift = shift_in_range(node, "shift", option_int(node, options(node), "shift"), 32)
    require(node, len(node.op.inputs) == 2 and len(node.op.outputs) == 1, "takes 2 inputs and 1 output")
    x, w, y = node.input(INPUT), node.input(WEIGHTS), node.output(OUTPUT)
    require(node, len(x.shape) >= 1 and len(w.shape) == 1 and len(x.shape) == len(y.shape),
            f"input {list(x.shape)}, window {list(w.shape)} and output {list(y.shape)} do not fit")
    for t, what in ((x, "input"), (w, "window"), (y, "output")):
        if t.type_name != "INT16":
            raise node.unsupported(f"{what} type {t.type_name} is not supported (int16)")
    require(node, w.size > 0 and x.size % w.size == 0 and y.size == x.size,
            f"input of {x.size} samples is not a whole number of {w.size}-sample windows filling the output")
    return OpData(shift, w.size)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    x = inputs[INPUT].reshape(-1, data.window).astype(np.int32)
    raw = (x * inputs[WEIGHTS].astype(np.int32)) >> data.shift
    outputs[OUTPUT].reshape(-1)[...] = np.clip(raw, -32768, 32767).reshape(-1)


def bind(node: Node, data: OpData, inputs: Sequence[np.ndarray | None],
         outputs: Sequence[np.ndarray]) -> Callable[[], None]:
    """``invoke`` on buffers made once: the int32 product, then the shift, stored straight
    into the output when no int16 sample can saturate -- a shift of 16 or more
    (``|x * w| <= 2**30``), or a constant window whose extreme products, at x = -32768
    and 32767, shift into int16 (a window peaking at ``1 << shift``, as the audio front
    end's) -- else clamped first."""
    x = inputs[INPUT].reshape(-1, data.window)
    y = outputs[OUTPUT].reshape(-1, data.window)
    if not (np.shares_memory(x, inputs[INPUT]) and np.shares_memory(y, outputs[OUTPUT])):
        return functools.partial(invoke, node, data, inputs, outputs)
    w_t = node.input(WEIGHTS)
    if w_t.data is not None:
        w = np.asarray(w_t.data).reshape(-1).astype(np.int32)
        ends = np.array([-32768, 32767], np.int64)[:, None] * w.astype(np.int64) >> data.shift
        in_range = data.shift >= 16 or bool(ends.min() >= -32768 and ends.max() <= 32767)
    else:
        w, in_range = inputs[WEIGHTS], data.shift >= 16
    raw = np.empty(x.shape, np.int32)
    p = functools.partial
    calls = [p(np.multiply, x, w, raw, dtype=np.int32)]
    if in_range:
        calls.append(p(np.right_shift, raw, data.shift, y, casting="unsafe"))
    else:
        calls += [p(np.right_shift, raw, data.shift, raw), p(np.minimum, raw, 32767, out=raw),
                  p(np.maximum, raw, -32768, out=y, casting="unsafe")]
    calls_t = tuple(calls)

    def run() -> None:
        for call in calls_t:
            call()

    return run


MEMORY = KernelMemory(tflm_op_data="TFLMSignalWindowParams", c_op_data=c_struct(w=2))
REGISTRATION = Registration("CUSTOM:SignalWindow", prepare, invoke, memory=MEMORY, bind=bind)
