"""SignalPCAN (TFLM: signal/micro/kernels/pcan.cc, signal/src/pcan_argc_fixed.cc;
C twin:
firmware/src/kernels/mi_signal_pcan.c).

Per-channel energy normalisation: each uint32 channel is multiplied by a gain
looked up from its noise estimate, shifted by ``snr_shift`` and passed through
the "shrink" curve (x**2/4 below 2, x - 1 above, 12 -> 6 fractional bits).
The gain comes from ``WideDynamicFunction``: ``lut[x]`` for x <= 2, else a
quadratic in the 10 bits below the leading one of x from the 3 lut entries at
``4 * msb(x) - 6``. Its int16 result is stored in a uint32 (a negative gain
wraps to a large one, as in TFLM); the product with the channel is uint64.
The gain table must hold the 125 entries the largest x reads; ``snr_shift``
must be 0..63 (a uint64 shift TFLM's C defines).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..context import Node, Registration
from ..memory.declaration import KernelMemory, c_struct
from .signal_common import msb32, option_int, options, require, shift_in_range, wrap16

INPUT, NOISE_ESTIMATE, GAIN_LUT, OUTPUT = 0, 1, 2, 0
SNR_BITS, OUTPUT_BITS = 12, 6
#: 4 * msb(x) - 6 + 2 for the largest x (msb 32), plus one
LUT_ENTRIES = 4 * 32 - 6 + 3


@dataclass(frozen=True)
class OpData:
    snr_shift: np.uint64


def prepare(node: Node) -> OpData:
    shift = shift_in_range(node, "snr_shift", option_int(node, options(node), "snr_shift"), 64)
    require(node, len(node.op.inputs) == 3 and len(node.op.outputs) == 1, "takes 3 inputs and 1 output")
    x, noise, lut, y = node.input(INPUT), node.input(NOISE_ESTIMATE), node.input(GAIN_LUT), node.output(OUTPUT)
    require(node, all(len(t.shape) == 1 for t in (x, noise, lut, y)), "every tensor must be 1-D")
    if any(t.type_name != "UINT32" for t in (x, noise, y)) or lut.type_name != "INT16":
        raise node.unsupported("types are not supported (uint32 channels and noise, int16 gain table)")
    require(node, noise.size >= x.size and y.size == x.size, f"{x.size} channels, {noise.size} noise "
            f"estimates, {y.size} outputs")
    require(node, lut.size >= LUT_ENTRIES, f"the gain table has {lut.size} entries, fewer than {LUT_ENTRIES}")
    return OpData(np.uint64(shift))


def wide_dynamic_function(x: np.ndarray, lut: np.ndarray) -> np.ndarray:
    """TFLM's ``WideDynamicFunction`` (int16 results as int64) of uint32-valued ``x``."""
    x = x.astype(np.int64)
    lut = lut.astype(np.int64)
    interval = msb32(x)
    base = np.clip(4 * interval - 6, 0, lut.size - 3)
    up = np.left_shift(x, np.clip(11 - interval, 0, 31)) & 0xFFFFFFFF
    down = np.right_shift(x, np.clip(interval - 11, 0, 31))
    frac = np.where(interval < 11, up, down) & 0x3FF
    result = (lut[base + 2] * frac) >> 5
    result += ((lut[base + 1] & 0xFFFFFFFF) << 5) & 0xFFFFFFFF  # (uint32)lut[1] << 5 ...
    result = np.where(result >= 1 << 31, result - (1 << 32), result)  # ... read back as int32
    result = result * frac
    result = ((result + (1 << 14)) >> 15) + lut[base]
    return np.where(x <= 2, lut[np.clip(x, 0, 2)], wrap16(result))


def shrink(x: np.ndarray) -> np.ndarray:
    """``PcanShrink`` of uint32-valued int64 ``x``."""
    small = (x * x) >> (2 + 2 * SNR_BITS - OUTPUT_BITS)
    large = (x >> (SNR_BITS - OUTPUT_BITS)) - (1 << OUTPUT_BITS)
    return np.where(x < (2 << SNR_BITS), small, large)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    x = inputs[INPUT]
    gain = (wide_dynamic_function(inputs[NOISE_ESTIMATE][: x.size], inputs[GAIN_LUT]) & 0xFFFFFFFF).astype(np.uint64)
    with np.errstate(over="ignore"):
        snr = ((x.astype(np.uint64) * gain) >> data.snr_shift) & np.uint64(0xFFFFFFFF)
    outputs[OUTPUT][...] = shrink(snr.astype(np.int64)).astype(np.uint32)


#: ``WideDynamicFunction`` depends on its argument x > 2 only through ``msb32(x)`` (1 to 32)
#: and the 10 bits below the leading one: ``gain_table``'s rows and columns
FRAC_BITS = 10


def gain_table(lut: np.ndarray) -> np.ndarray:
    """The gain TFLM stores (``WideDynamicFunction`` as uint32, here uint64) for every
    (msb32(x), 10 bits below the leading one) of x >= 1, flat: entry ``e * 1024 + frac``;
    row 0 holds the gain of x = 0. Built by calling ``wide_dynamic_function`` on one x of
    each pair (x = 1 and 2 give ``lut[1]``, ``lut[2]`` as TFLM's ``x <= 2`` branch)."""
    e = np.arange(33)[:, None]
    mantissa = (1 << FRAC_BITS) + np.arange(1 << FRAC_BITS)[None, :]  # the leading one and 10 bits
    x = np.where(e >= FRAC_BITS + 1, mantissa << np.maximum(e - FRAC_BITS - 1, 0),
                 mantissa >> np.maximum(FRAC_BITS + 1 - e, 0))
    x = np.where(e == 0, 0, x)
    return (wide_dynamic_function(x.reshape(-1), lut) & 0xFFFFFFFF).astype(np.uint64)


def bind(node: Node, data: OpData, inputs: Sequence[np.ndarray | None],
         outputs: Sequence[np.ndarray]) -> Callable[[], None]:
    """``invoke`` in 10 numpy calls, for a constant gain table (else ``invoke``):

    * the gain is one lookup in ``gain_table``: the noise estimate converted to float64
      (exact for uint32) has msb32(x) in its exponent field and the 10 bits below the
      leading one at the top of its mantissa, so ``bits >> 42`` is ``(1022 + msb32(x)) *
      1024 + frac``; less ``1022 * 1024`` it indexes the table, and x = 0 (all bits 0)
      goes negative, which ``take(mode="clip")`` sends to entry 0, the gain of 0;
    * ``snr`` is the uint64 product shifted, stored to uint32 by the shift's output cast;
    * ``PcanShrink`` is ``(snr >> 6) + correction[min(snr, 8192)]``, where the correction
      is ``x*x >> 20`` less ``x >> 6`` below 8192 and -64 from there.

    ``tests/kernels/test_signal.py`` compares this with ``invoke`` on edge and random
    values and tables."""
    x_t, lut_t = node.input(INPUT), node.input(GAIN_LUT)
    if lut_t.data is None:
        return functools.partial(invoke, node, data, inputs, outputs)
    x, noise, y = inputs[INPUT], inputs[NOISE_ESTIMATE][: x_t.size], outputs[OUTPUT]
    gains = gain_table(np.asarray(lut_t.data).reshape(-1))
    small = np.arange(2 << SNR_BITS, dtype=np.int64)
    large_shift = SNR_BITS - OUTPUT_BITS
    # shrink(x) - (x >> 6): x*x >> 20 less x >> 6 below 8192, -64 from there
    correction = np.append((small * small >> (2 + 2 * SNR_BITS - OUTPUT_BITS)) - (small >> large_shift),
                           -(1 << OUTPUT_BITS)).astype(np.int64)
    as_float = np.empty(x.shape, np.float64)
    index = np.empty(x.shape, np.int64)
    gain = np.empty(x.shape, np.uint64)
    snr = np.empty(x.shape, np.uint32)
    snr64 = np.empty(x.shape, np.int64)
    clipped, fixup = np.empty(x.shape, np.int64), np.empty(x.shape, np.int64)
    p = functools.partial
    calls = (
        p(np.copyto, as_float, noise),
        p(np.right_shift, as_float.view(np.int64), 52 - FRAC_BITS, index),
        p(np.subtract, index, (1022 << FRAC_BITS), index),
        p(gains.take, index, None, gain, "clip"),
        p(np.multiply, x, gain, gain),  # uint32 * uint64 < 2**64
        p(np.right_shift, gain, data.snr_shift, snr, casting="unsafe"),  # stored as uint32
        p(np.minimum, snr, 2 << SNR_BITS, out=clipped),
        p(correction.take, clipped, None, fixup, "clip"),
        p(np.right_shift, snr, large_shift, snr64),
        p(np.add, snr64, fixup, y, casting="unsafe"),  # >= 0
    )

    def run() -> None:
        for call in calls:
            call()

    return run


MEMORY = KernelMemory(tflm_op_data="TfLitePcanParams", c_op_data=c_struct(w=1))
REGISTRATION = Registration("CUSTOM:SignalPCAN", prepare, invoke, memory=MEMORY, bind=bind)
