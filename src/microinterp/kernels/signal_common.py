"""What the Signal-library kernels share (not a kernel; C twin:
firmware/src/kernels/mi_signal_common.c + .h).

TFLM's Signal ops (``signal/micro/kernels/*.cc``, arithmetic in ``signal/src``)
are custom ops whose options are a FlexBuffer map read once in ``Init``. Their
tensors are mostly 1-D and unsigned; their arithmetic is C integer arithmetic,
reproduced here on numpy arrays of a wider type with the C wrap-arounds made
explicit (``wrap16``, ``& 0xFFFFFFFF``). Three helpers of ``signal/src`` that
several kernels call live here:

* ``msb32``: ``MostSignificantBit32`` as TFLM's GCC build compiles it
  (``32 - __builtin_clz(x)``, and **32 for x == 0**, not 0: the wheel and
  every GCC/Clang target take that branch);
* ``shift_in_range``: the options that are shift counts must keep TFLM's shifts
  defined (a count at or past the operand width is undefined behaviour in C,
  so no answer would be TFLM's), and are refused otherwise;
* ``options``: the op's FlexBuffer map, refused with the operator named.
"""

from __future__ import annotations

import numpy as np

from ..context import Node
from ..errors import ModelError
from ..flexbuffer import FlexMap


def options(node: Node) -> FlexMap:
    """The custom options of ``node`` as a map; a clear KernelError when they are not one."""
    try:
        return FlexMap(node.op.custom_options, what="custom options")
    except ModelError as e:
        raise node.fail(str(e)) from None


def option_int(node: Node, m: FlexMap, key: str) -> int:
    try:
        return m.int(key)
    except ModelError as e:
        raise node.fail(str(e)) from None


def option_bool(node: Node, m: FlexMap, key: str) -> bool:
    try:
        return m.bool(key)
    except ModelError as e:
        raise node.fail(str(e)) from None


def shift_in_range(node: Node, name: str, value: int, width: int) -> int:
    """A shift count for a ``width``-bit operand: 0 .. width - 1."""
    if not 0 <= value < width:
        raise node.fail(f"{name} = {value} is not a shift count of a {width}-bit value (0 to {width - 1})")
    return value


def require(node: Node, ok: bool, message: str) -> None:
    if not ok:
        raise node.fail(message)


def msb32(x: np.ndarray) -> np.ndarray:
    """``MostSignificantBit32`` per element of a uint32-valued array (GCC build: 32 for 0)."""
    x = np.asarray(x, dtype=np.uint64)
    # frexp is exact for integers below 2**53: x = m * 2**e with 0.5 <= m < 1, so e = bit length
    _, e = np.frexp(x.astype(np.float64))
    return np.where(x == 0, 32, e).astype(np.int64)


def msb64(x: np.ndarray) -> np.ndarray:
    """``MostSignificantBit64`` per element of a uint64 array (GCC build: 64 for 0)."""
    x = np.asarray(x, dtype=np.uint64)
    hi = (x >> np.uint64(32)).astype(np.uint64)
    lo = (x & np.uint64(0xFFFFFFFF)).astype(np.uint64)
    high_bits = msb32(hi)
    low_bits = msb32(lo)
    return np.where(x == 0, 64, np.where(hi != 0, high_bits + 32, low_bits)).astype(np.int64)


def wrap16(x: np.ndarray) -> np.ndarray:
    """An int64 array stored into ``int16_t`` (C conversion, modulo 2**16), kept as int64."""
    return np.asarray(x, dtype=np.int64).astype(np.int16).astype(np.int64)


def wrap32u(x: np.ndarray) -> np.ndarray:
    """An integer array stored into ``uint32_t`` (modulo 2**32), as int64."""
    return np.asarray(x, dtype=np.int64) & np.int64(0xFFFFFFFF)
