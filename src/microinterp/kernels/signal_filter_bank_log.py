"""SignalFilterBankLog (TFLM: signal/micro/kernels/filter_bank_log.cc,
signal/src/filter_bank_log.cc, log.cc; C twin:
firmware/src/kernels/mi_signal_filter_bank_log.c).

``min(Log32(x << input_correction_bits, output_scale), 32767)`` per channel,
uint32 -> int16, and 0 where the shifted value is 0 or 1. ``Log32`` is TFLM's
fixed-point natural log: the integer part is the position of the leading one,
the fraction is linearly interpolated in a 129-point table of
``log2(1 + t) - t`` (t = i / 128, scaled by 2**16 and rounded: ``LOG_LUT``,
computed here from that formula and equal to TFLM's table), converted to base
e with 45426 / 2**16 and scaled by ``output_scale`` in uint32 arithmetic (which
wraps modulo 2**32, as TFLM's does). ``input_correction_bits`` must be 0..31.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..context import Node, Registration
from ..memory.declaration import KernelMemory, c_struct
from .signal_common import msb32, option_int, options, require, shift_in_range

INPUT, OUTPUT = 0, 0
SCALE_BITS = 16
SEGMENT_BITS = 7
LOG_COEFF = 45426  # round(2**16 * ln 2)
#: round(2**16 * (log2(1 + i/128) - i/128)), i = 0..128, and a 0 pad
LOG_LUT = np.array([round((math.log2(1 + i / 128) - i / 128) * 65536) for i in range(129)] + [0], np.int64)


@dataclass(frozen=True)
class OpData:
    correction_bits: int
    output_scale: int  # the int32 option as the uint32 TFLM multiplies by


def prepare(node: Node) -> OpData:
    m = options(node)
    bits = shift_in_range(node, "input_correction_bits", option_int(node, m, "input_correction_bits"), 32)
    scale = option_int(node, m, "output_scale") & 0xFFFFFFFF
    require(node, len(node.op.inputs) == 1 and len(node.op.outputs) == 1, "takes 1 input and 1 output")
    x, y = node.input(INPUT), node.output(OUTPUT)
    require(node, len(x.shape) == 1 and len(y.shape) == 1 and y.size == x.size, "input and output must be 1-D, of one length")
    if x.type_name != "UINT32" or y.type_name != "INT16":
        raise node.unsupported(f"types {x.type_name} -> {y.type_name} are not supported (uint32 -> int16)")
    return OpData(bits, scale)


def log32(x: np.ndarray, out_scale: int) -> np.ndarray:
    """TFLM's ``Log32`` of uint32-valued int64 ``x`` (all > 1), as int64 holding uint32."""
    integer = msb32(x) - 1
    frac = x - (np.int64(1) << integer)
    frac = np.where(integer < SCALE_BITS, frac << np.clip(SCALE_BITS - integer, 0, 63),
                    frac >> np.clip(integer - SCALE_BITS, 0, 63))
    seg = frac >> (SCALE_BITS - SEGMENT_BITS)
    c0, c1 = LOG_LUT[seg], LOG_LUT[seg + 1]
    rel = ((c1 - c0) * (frac - (seg << (SCALE_BITS - SEGMENT_BITS)))) >> SCALE_BITS
    log2 = ((integer << SCALE_BITS) + frac + c0 + rel) & 0xFFFFFFFF
    half = 1 << (SCALE_BITS - 1)
    loge = ((LOG_COEFF * log2 + half) >> SCALE_BITS) & 0xFFFFFFFF
    return (((out_scale * loge) & 0xFFFFFFFF) + half & 0xFFFFFFFF) >> SCALE_BITS


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    scaled = (inputs[INPUT].astype(np.int64) << data.correction_bits) & 0xFFFFFFFF
    big = scaled > 1
    out = np.zeros(scaled.shape, np.int64)
    if big.any():
        out[big] = np.minimum(log32(scaled[big], data.output_scale), 32767)
    outputs[OUTPUT][...] = out.astype(np.int16)


MEMORY = KernelMemory(tflm_op_data="TFLMSignalLogParams", c_op_data=c_struct(w=2))
REGISTRATION = Registration("CUSTOM:SignalFilterBankLog", prepare, invoke, memory=MEMORY)
