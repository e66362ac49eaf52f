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

import functools
import math
import sys
from collections.abc import Callable, Sequence
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


def log32_loge(x: np.ndarray) -> np.ndarray:
    """``Log32``'s ``loge`` (before the output scaling) of uint32-valued int64 ``x`` > 1."""
    integer = msb32(x) - 1
    frac = x - (np.int64(1) << integer)
    frac = np.where(integer < SCALE_BITS, frac << np.clip(SCALE_BITS - integer, 0, 63),
                    frac >> np.clip(integer - SCALE_BITS, 0, 63))
    seg = frac >> (SCALE_BITS - SEGMENT_BITS)
    c0, c1 = LOG_LUT[seg], LOG_LUT[seg + 1]
    rel = ((c1 - c0) * (frac - (seg << (SCALE_BITS - SEGMENT_BITS)))) >> SCALE_BITS
    log2 = ((integer << SCALE_BITS) + frac + c0 + rel) & 0xFFFFFFFF
    return ((LOG_COEFF * log2 + (1 << (SCALE_BITS - 1))) >> SCALE_BITS) & 0xFFFFFFFF


def log32(x: np.ndarray, out_scale: int) -> np.ndarray:
    """TFLM's ``Log32`` of uint32-valued int64 ``x`` (all > 1), as int64 holding uint32."""
    half = 1 << (SCALE_BITS - 1)
    return (((out_scale * log32_loge(x)) & 0xFFFFFFFF) + half & 0xFFFFFFFF) >> SCALE_BITS


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    scaled = (inputs[INPUT].astype(np.int64) << data.correction_bits) & 0xFFFFFFFF
    big = scaled > 1
    out = np.zeros(scaled.shape, np.int64)
    if big.any():
        out[big] = np.minimum(log32(scaled[big], data.output_scale), 32767)
    outputs[OUTPUT][...] = out.astype(np.int16)


def log_tables(out_scale: int) -> tuple[np.ndarray, np.ndarray]:
    """``Log32``'s result before its final ``>> 16``, split in two uint32 tables whose sum
    modulo 2**32 it is: ``by_fraction[f] + by_exponent[1023 + i]`` for x with leading one
    at bit i and the 16 bits below it f.

    Why it splits: ``log2 = (i << 16) + F(f)``, and ``loge = (45426 * log2 + 2**15) >> 16
    = 45426 * i + ((45426 * F(f) + 2**15) >> 16)`` exactly (``45426 * i << 16`` is a
    multiple of 2**16); the scaling ``out_scale * loge + 2**15`` is taken modulo 2**32 in
    TFLM, so it distributes over that sum. The fraction's part comes from
    ``log32_loge`` itself at i = 16 (x = 2**16 + f, whose fraction is f unshifted), less
    ``45426 * 16``. Exponent entries other than 1023..1054 are 0: x = 0 reads entry 0
    and x = 1 entry 1023, both with f = 0, and both come out 0 (``Log32(1)`` is 0, and
    TFLM writes 0 for x < 2)."""
    f = np.arange(1 << SCALE_BITS, dtype=np.int64)
    # F(f) + the rounding, via log32 at i = 16 (x = 2**16 + f): loge(i=16) - 45426 * 16
    frac_loge = log32_loge(np.int64(1 << SCALE_BITS) + f) - LOG_COEFF * SCALE_BITS
    by_fraction = (out_scale * frac_loge + (1 << (SCALE_BITS - 1))) & 0xFFFFFFFF
    by_exponent = np.zeros(2048, np.int64)
    by_exponent[1023:1023 + 32] = (out_scale * LOG_COEFF * np.arange(32)) & 0xFFFFFFFF
    return by_fraction.astype(np.uint32), by_exponent.astype(np.uint32)


def bind(node: Node, data: OpData, inputs: Sequence[np.ndarray | None],
         outputs: Sequence[np.ndarray]) -> Callable[[], None]:
    """``invoke`` in 8 numpy calls: the shifted input converted to float64 (exact for
    uint32) holds i + 1023 in its exponent field and f at the top of its mantissa, so
    ``bits >> 36`` read as uint16 pairs gives f and the exponent field without more
    arithmetic; two lookups in ``log_tables`` (built here for the op's ``output_scale``),
    a uint32 sum (wrapping as TFLM's), the shift and the clamp to 32767.
    ``tests/kernels/test_signal.py`` compares this with ``invoke`` at every bit length."""
    x, y = inputs[INPUT], outputs[OUTPUT]
    if sys.byteorder != "little":  # the uint16 halves below are little-endian
        return functools.partial(invoke, node, data, inputs, outputs)
    by_fraction, by_exponent = log_tables(data.output_scale)
    scaled = np.empty(x.shape, np.uint32)
    as_float = np.empty(x.shape, np.float64)
    fields = np.empty(x.shape, np.int64)  # (exponent << 16) | f
    f, exponent = fields.view(np.uint16)[0::4], fields.view(np.uint16)[1::4]  # little-endian halves
    total, part = np.empty(x.shape, np.uint32), np.empty(x.shape, np.uint32)
    p = functools.partial
    calls = (
        p(np.left_shift, x, np.uint32(data.correction_bits), scaled),  # uint32: wraps as TFLM's
        p(np.copyto, as_float, scaled),
        p(np.right_shift, as_float.view(np.int64), 52 - SCALE_BITS, fields),
        p(by_fraction.take, f, None, total, "clip"),
        p(by_exponent.take, exponent, None, part, "clip"),
        p(np.add, total, part, total),  # modulo 2**32
        p(np.right_shift, total, SCALE_BITS, total),
        p(np.minimum, total, 32767, out=y, casting="unsafe"),
    )

    def run() -> None:
        for call in calls:
            call()

    return run


MEMORY = KernelMemory(tflm_op_data="TFLMSignalLogParams", c_op_data=c_struct(w=2))
REGISTRATION = Registration("CUSTOM:SignalFilterBankLog", prepare, invoke, memory=MEMORY, bind=bind)
