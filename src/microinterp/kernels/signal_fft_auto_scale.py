"""SignalFftAutoScale (TFLM: signal/micro/kernels/fft_auto_scale_kernel.cc,
signal/src/fft_auto_scale.cc, max_abs.cc; C twin:
firmware/src/kernels/mi_signal_fft_auto_scale.c).

Scales an int16 frame up by the most bits that keep its largest magnitude in
int16, and outputs that bit count (int32 scalar). Quirks reproduced:

* ``MaxAbs16`` keeps its running maximum in an ``int16_t``: a -32768 sample
  makes it ``(int16_t)32768 == -32768``, after which the following samples are
  compared against a negative maximum until it turns non-negative again;
* ``MostSignificantBit32`` of a negative maximum (converted to uint32) is 32,
  and of 0 is 32 too (the GCC branch), so both give 0 scale bits;
* the scaled samples are stored into int16 (``input[i] * (1 << bits)``), wrapping.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

import numpy as np

from ..context import Node, Registration
from ..memory.declaration import KernelMemory
from .signal_common import msb32, require, wrap16

INPUT, OUTPUT, SCALE_BITS = 0, 0, 1


def prepare(node: Node) -> None:
    require(node, len(node.op.inputs) == 1 and len(node.op.outputs) == 2, "takes 1 input and 2 outputs")
    x, y, bits = node.input(INPUT), node.output(OUTPUT), node.output(SCALE_BITS)
    require(node, len(x.shape) == 1 and len(y.shape) == 1 and len(bits.shape) == 0,
            f"input {list(x.shape)} and output {list(y.shape)} must be 1-D, scale bits {list(bits.shape)} a scalar")
    for t, what, want in ((x, "input", "INT16"), (y, "output", "INT16"), (bits, "scale bits", "INT32")):
        if t.type_name != want:
            raise node.unsupported(f"{what} type {t.type_name} is not supported ({want.lower()})")
    require(node, y.size <= x.size, f"output of {y.size} samples is longer than the input ({x.size})")


def max_abs16(x: np.ndarray) -> int:
    """``MaxAbs16`` with its int16 running maximum (see the module docstring)."""
    x = x.astype(np.int64)
    low = np.flatnonzero(x == -32768)
    if low.size == 0:
        return int(np.max(np.abs(x), initial=0))
    m, k = -32768, int(low[-1]) + 1  # after the last -32768 the maximum is -32768, whatever came before
    while k < x.size and m < 0:  # a negative maximum: the next sample replaces it (or its negation does)
        v = int(x[k])
        m = v if v > m else -v
        k += 1
    return max(m, int(np.max(np.abs(x[k:]), initial=0))) if m >= 0 else m


def invoke(node: Node, data: None, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    y = outputs[OUTPUT]
    x = inputs[INPUT][: y.size]  # TFLM scales output->dims->data[0] samples
    m = max_abs16(x)
    bits = max(16 - int(msb32(np.array([m & 0xFFFFFFFF]))[0]) - 1, 0)
    y[...] = wrap16(x.astype(np.int64) * (1 << bits))
    outputs[SCALE_BITS][...] = bits


def bind(node: Node, data: None, inputs: Sequence[np.ndarray | None],
         outputs: Sequence[np.ndarray]) -> Callable[[], None]:
    """``invoke`` in 3 numpy calls when no sample is -32768: ``abs`` in int16 leaves
    -32768 as itself, which read as uint16 is 32768, above every other magnitude -- so
    one maximum of the uint16 view both finds the largest magnitude and flags a -32768
    (then ``invoke``, for ``MaxAbs16``'s quirk). The scaling is an int16 multiply by
    ``1 << bits`` (bits <= 14), which wraps as TFLM's store does."""
    y, bits_out = outputs[OUTPUT], outputs[SCALE_BITS]
    x = inputs[INPUT][: y.size]
    magnitude = np.empty(x.shape, np.int16)
    as_u16 = magnitude.view(np.uint16)
    scales = [np.int16(1 << bits) for bits in range(15)]
    abs_, multiply, slow = np.abs, np.multiply, functools.partial(invoke, node, data, inputs, outputs)

    def run() -> None:
        abs_(x, magnitude)
        m = int(as_u16.max(initial=0))
        if m == 32768:
            slow()
            return
        bits = 16 - m.bit_length() - 1 if m else 0  # MostSignificantBit32(0) is 32: no scaling
        multiply(x, scales[bits], y)
        bits_out[...] = bits

    return run


MEMORY = KernelMemory(c_op_data="")
REGISTRATION = Registration("CUSTOM:SignalFftAutoScale", prepare, invoke, memory=MEMORY, bind=bind)
