"""FLOOR_MOD (TFLM: kernels/floor_mod.cc, ``reference_ops::FloorMod``; C twin: firmware/src/kernels/mi_floor_mod.c).

float32 only (the oracle's eval rejects every other type): ``r = fmod(x, y)``
(exact), then ``r + y`` (a float32 addition) when ``r != 0`` and ``r`` and ``y``
differ in sign, with numpy broadcasting. Unlike FLOOR_DIV there is no
division-by-zero check: ``y == 0`` gives NaN, as in C.

Measured quirk (NaN payloads): the oracle build inlines ``std::fmod`` as the x87
``fprem`` instruction (it calls ``fmodf`` only for errno and drops its result),
so a NaN result follows the x87 rules, not numpy's or glibc's: both operands are
loaded as quiet NaNs, and of two NaNs the one with the larger significand wins
(on a tie, negative only if both are); an invalid remainder (x infinite
or y zero) is the x87 "indefinite" NaN 0xFFC00000. Found by a 2**20-value sweep
of random bit patterns, where numpy's ``fmod`` picked the dividend's NaN in 15
places; reproduced bit for bit.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..context import Node, Registration
from ..memory.declaration import KernelMemory, c_struct
from . import elementwise

INPUT1, INPUT2, OUTPUT = 0, 1, 0
QUIET_BIT = np.uint32(0x00400000)
SIGN_BIT = np.uint32(0x80000000)
X87_INDEFINITE = np.uint32(0xFFC00000)

OpData = elementwise.BroadcastOpData


def prepare(node: Node) -> OpData:
    return elementwise.prepare_unquantized(node, ("FLOAT32",))


def x87_fprem(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``fmod`` as the x87 ``fprem`` computes it, NaN results included (see the docstring)."""
    with np.errstate(all="ignore"):
        result = np.fmod(a, b)  # exact for every finite, non-invalid case
    nan_a, nan_b = np.isnan(a), np.isnan(b)
    invalid = ~nan_a & ~nan_b & (np.isinf(a) | (b == 0))
    if not (nan_a.any() or nan_b.any() or invalid.any()):
        return result
    ua = a.astype(np.float32, copy=True).view(np.uint32) | QUIET_BIT
    ub = b.astype(np.float32, copy=True).view(np.uint32) | QUIET_BIT
    sig_a, sig_b = ua & ~SIGN_BIT, ub & ~SIGN_BIT
    # of two NaNs: the larger significand; on a tie negative only if both are
    both = np.where(sig_a > sig_b, ua, np.where(sig_b > sig_a, ub, ua & ub))
    bits = np.where(nan_a & nan_b, both, np.where(nan_a, ua, ub))
    bits = np.where(invalid, X87_INDEFINITE, bits)
    return np.where(nan_a | nan_b | invalid, bits.view(np.float32), result)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    out = outputs[OUTPUT]
    a, b = elementwise.operands(inputs[INPUT1], inputs[INPUT2], out.shape)
    trunc_mod = x87_fprem(a, b)
    with np.errstate(all="ignore"):
        adjust = (trunc_mod != 0) & ((b < 0) != (trunc_mod < 0))
        out[...] = np.where(adjust, trunc_mod + b, trunc_mod)


MEMORY = KernelMemory(c_op_data=c_struct(w=elementwise.C_BROADCAST_WORDS), modelled=False)
REGISTRATION = Registration("FLOOR_MOD", prepare, invoke, memory=MEMORY)
