"""SignalFilterBankSquareRoot (TFLM: signal/micro/kernels/filter_bank_square_root.cc,
signal/src/filter_bank_square_root.cc, square_root_32.cc, square_root_64.cc;
C twin:
firmware/src/kernels/mi_signal_filter_bank_square_root.c).

``Sqrt64(x) >> scale_bits`` per channel, uint64 -> uint32, with ``scale_bits``
an int32 scalar *input* (the audio front end feeds it FftAutoScale's count).
TFLM's integer square root is bit by bit, rounds up when the remainder exceeds
the root (unless the root is already all ones), and takes a 32-bit shortcut
(``Sqrt32``, which rounds the same way at 16 bits) when the upper word is 0.
Both loops run here vectorised over channels, each channel its own iteration
count. A ``scale_bits`` outside 0..31 (undefined in TFLM's C) is refused when
the op runs, with a KernelError (a status in C).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence

import numpy as np

from ..context import Node, Registration
from ..errors import KernelError
from ..memory.declaration import KernelMemory
from .signal_common import msb32, msb64, require

INPUT, SCALE_BITS, OUTPUT = 0, 1, 0


def prepare(node: Node) -> None:
    require(node, len(node.op.inputs) == 2 and len(node.op.outputs) == 1, "takes 2 inputs and 1 output")
    x, bits, y = node.input(INPUT), node.input(SCALE_BITS), node.output(OUTPUT)
    require(node, len(x.shape) == 1 and len(bits.shape) == 0 and len(y.shape) == 1,
            "input and output must be 1-D, scale bits a scalar")
    if x.type_name != "UINT64" or bits.type_name != "INT32" or y.type_name != "UINT32":
        raise node.unsupported(f"types {x.type_name}, {bits.type_name} -> {y.type_name} are not supported "
                               "(uint64, int32 -> uint32)")
    require(node, y.size == x.size, f"{x.size} channels in, {y.size} out")


def _bitwise_sqrt(num: np.ndarray, width: int, msb: np.ndarray) -> np.ndarray:
    """The root loop of Sqrt32 (width 32) / Sqrt64 (width 64) on uint64 ``num`` (no zeros)."""
    top = width - 1
    max_bit = (width - msb) | 1
    bit = np.left_shift(np.uint64(1), (top - max_bit).astype(np.uint64))
    iterations = (top - max_bit) // 2 + 1
    res = np.zeros_like(num)
    num = num.copy()
    for step in range(int(iterations.max(initial=0))):
        live = step < iterations
        take = live & (num >= res + bit)
        num = np.where(take, num - (res + bit), num)
        res = np.where(take, (res >> np.uint64(1)) + bit, np.where(live, res >> np.uint64(1), res))
        bit = np.where(live, bit >> np.uint64(2), bit)
    ones = np.uint64((1 << (width // 2)) - 1)
    return np.where((num > res) & (res != ones), res + np.uint64(1), res)


#: arrays up to this many elements take ``sqrt64_int`` (Python ints) instead of the bit loop
SCALAR_SIZE = 1024


def sqrt64_int(values: list[int]) -> list[int]:
    """``Sqrt64`` on Python ints: the bit-by-bit loop leaves the floor square root ``r`` and
    the remainder ``x - r*r`` (what ``math.isqrt`` gives exactly), then rounds up when the
    remainder exceeds ``r`` unless ``r`` is all ones -- 16 of them on the 32-bit shortcut
    (``x < 2**32``), 32 on the 64-bit path. A few dozen channels cost ~0.3 us each this
    way against ~250 numpy passes for the loop (``tests/kernels/test_signal.py`` compares
    the two on random and edge values)."""
    out = []
    for v in values:
        r = math.isqrt(v)
        ones = 0xFFFF if v >> 32 == 0 else 0xFFFFFFFF
        out.append(r + 1 if v - r * r > r and r != ones else r)
    return out


def sqrt64(x: np.ndarray) -> np.ndarray:
    """TFLM's ``Sqrt64`` per element of a uint64 array (uint64 results below 2**32)."""
    x = x.astype(np.uint64)
    if x.size <= SCALAR_SIZE:
        return np.array(sqrt64_int(x.reshape(-1).tolist()), np.uint64).reshape(x.shape)
    return sqrt64_bitwise(x)


def sqrt64_bitwise(x: np.ndarray) -> np.ndarray:
    """``sqrt64`` as TFLM's loops, vectorised over channels (each its own iteration count)."""
    x = x.astype(np.uint64)
    small = (x >> np.uint64(32)) == 0
    out = np.zeros_like(x)
    s = small & (x != 0)
    if s.any():
        out[s] = _bitwise_sqrt(x[s], 32, msb32(x[s]))
    big = ~small
    if big.any():
        out[big] = _bitwise_sqrt(x[big], 64, msb64(x[big]))
    return out


def invoke(node: Node, data: None, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    bits = int(inputs[SCALE_BITS])
    if not 0 <= bits < 32:
        raise KernelError(f"operator {node.index} ({node.name}): scale bits {bits} is not a shift of a "
                          "32-bit value (0 to 31)")
    outputs[OUTPUT][...] = (sqrt64(inputs[INPUT]) >> np.uint64(bits)).astype(np.uint32)


def bind(node: Node, data: None, inputs: Sequence[np.ndarray | None],
         outputs: Sequence[np.ndarray]) -> Callable[[], None]:
    """``invoke`` for the channel counts of front ends (up to ``SCALAR_SIZE``): ``sqrt64_int``
    and the shift in one comprehension over the Python ints, stored into the output
    directly; larger arrays call ``invoke`` (the vectorised bit loop)."""
    x, bits_in, y = inputs[INPUT], inputs[SCALE_BITS], outputs[OUTPUT]
    if x.size > SCALAR_SIZE:
        return functools.partial(invoke, node, data, inputs, outputs)
    isqrt, flat = math.isqrt, x.reshape(-1)

    def run() -> None:
        bits = int(bits_in)
        if not 0 <= bits < 32:
            raise KernelError(f"operator {node.index} ({node.name}): scale bits {bits} is not a shift of a "
                              "32-bit value (0 to 31)")
        values = flat.tolist()
        y[...] = [(r + 1 if v - r * r > r and r != (0xFFFF if v >> 32 == 0 else 0xFFFFFFFF) else r) >> bits
                  for v, r in zip(values, map(isqrt, values))]

    return run


MEMORY = KernelMemory(c_op_data="")
REGISTRATION = Registration("CUSTOM:SignalFilterBankSquareRoot", prepare, invoke, memory=MEMORY, bind=bind)
