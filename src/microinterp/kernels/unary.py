"""Shared pieces of TFLM's one-input element-wise kernels (ABS, NEG, SQRT, RSQRT,
SQUARE, EXP, LOG, SIN, COS, FLOOR, CEIL, ROUND, ELU, LOGICAL_NOT, ZEROS_LIKE), and the
opening type checks of RELU, RELU6 and HARD_SWISH.

Not a kernel: no registration. C twin: firmware/src/kernels/mi_unary.c + .h.

TFLM's float kernels call the C library (``std::sin(float)`` is glibc's
``sinf``, ``std::expm1`` is ``expm1f``, ...). Those functions are not
correctly rounded, so numpy's own versions differ from them in the last bit
for a fraction of inputs; ``quant.libm_float`` calls the very functions the
oracle build links (``objdump -T`` of the tflite-micro wheel lists ``sinf``,
``cosf``, ``expm1f``, ``expf``, ``logf``) through ctypes, element by element.
Only float models pay for that.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..context import Node
from ..memory.declaration import c_struct

INPUT, OUTPUT = 0, 0

#: the C twin's op data of the simple kernels (mi_unary.h mi_unary_op_data_t): the element count
C_OP_DATA = c_struct(w=1)


@dataclass(frozen=True)
class UnaryOpData:
    """What the simple one-input kernels keep from prepare: the element count."""

    size: int


def check_same_type(node: Node, allowed: tuple[str, ...]) -> str:
    """Input and output share one type out of ``allowed`` (TFLM's
    ``TF_LITE_ENSURE_TYPES_EQ`` plus the kernel's type switch) and hold the
    same number of elements (``MatchingFlatSize``); returns the type name."""
    src, dst = node.input(INPUT), node.output(OUTPUT)
    if src.type_name != dst.type_name:
        raise node.fail(f"input {src.type_name} and output {dst.type_name} must have the same type")
    if src.type_name not in allowed:
        raise node.unsupported(
            f"type {src.type_name} is not supported ({', '.join(t.lower() for t in allowed)})")
    if src.size != dst.size:
        raise node.fail(f"input {list(src.shape)} and output {list(dst.shape)} differ in element count")
    return src.type_name


def check_float_or(node: Node, quantized: tuple[str, ...]) -> str:
    """The opening checks of RELU, RELU6 and HARD_SWISH: input and output share one type,
    float32 or one of ``quantized``, and one element count (TFLM's ``MatchingFlatSize``;
    the shapes may differ, the kernels run over the flat data); returns the type name."""
    src, dst = node.input(INPUT), node.output(OUTPUT)
    if src.type_name != dst.type_name:
        raise node.fail(f"input {src.type_name} and output {dst.type_name} must have the same type")
    allowed = ("FLOAT32",) + quantized
    if src.type_name not in allowed:
        raise node.unsupported(
            f"input {src.type_name} is not supported ({', '.join(t.lower() for t in allowed)})")
    if src.size != dst.size:
        raise node.fail(f"input {list(src.shape)} and output {list(dst.shape)} differ in element count")
    return src.type_name


def prepare_float(node: Node) -> UnaryOpData:
    """prepare of the float32-only kernels."""
    check_same_type(node, ("FLOAT32",))
    return UnaryOpData(node.input(INPUT).size)


def invoke_nan_preserving(inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray],
                          function: Callable[[np.ndarray], np.ndarray]) -> None:
    """invoke of FLOOR and CEIL: ``function`` element-wise, NaNs passed through unchanged
    (the oracle's ``std::floor``/``std::ceil`` return a NaN input bit for bit, a signalling
    NaN stays signalling, where numpy's quiet it)."""
    x, out = inputs[INPUT].reshape(-1), outputs[OUTPUT].reshape(-1)
    with np.errstate(all="ignore"):
        out[...] = np.where(np.isnan(x), x, function(x))  # NaNs pass unchanged, signalling ones too
