"""Shared pieces of TFLM's element-wise binary kernels (SUB, MUL, DIV, MAXIMUM, MINIMUM).

Not a kernel: no registration. C twin: ``firmware/src/kernels/mi_elementwise.c``.

Broadcasting. TFLM's binary kernels take one of two paths:

* inputs of the same (rank-extended) shape run flat over
  ``MatchingElementsSize``, so the output only needs the same element count;
* otherwise ``BroadcastBinaryOpSimple`` extends all three shapes with leading
  1s to the largest rank and, per dimension, reads an input with stride 0
  where its extent is 1 and the *output's* is not.

The per-element arithmetic is the same in both paths, so numpy broadcasting
of each input to the output shape gives TFLM's results; ``check_shapes``
rejects what TFLM would read out of bounds.

Activations. ``CalculateActivationRange<T>`` for float32/int32 and
``CalculateActivationRangeQuantized`` for int8/int16 clamp RELU, RELU6 and
RELU_N1_TO_1 and leave every other activation (TANH, SIGN_BIT) unclamped;
these helpers do the same instead of rejecting them.
"""

from __future__ import annotations

import numpy as np

from .. import quant
from ..context import Node
from ..model import Tensor

MAX_BROADCAST_RANK = 6  # micro's RuntimeShape holds at most 6 dims (kMaxSmallSize)



def check_shapes(node: Node, a: Tensor, b: Tensor, out: Tensor, max_rank: int = MAX_BROADCAST_RANK) -> bool:
    """Validate the shapes as TFLM's loops would index them; returns whether
    the broadcast path is taken (purely informational: the results agree)."""
    rank = max(len(a.shape), len(b.shape), len(out.shape))
    ext_a, ext_b = _extend(a.shape, rank), _extend(b.shape, rank)
    if ext_a == ext_b:
        if a.size != out.size:
            raise node.fail(f"inputs {list(a.shape)} and output {list(out.shape)} differ in element count")
        return False
    if rank > max_rank:
        raise node.unsupported(f"broadcasting supports at most {max_rank} dimensions, got {rank}")
    ext_o = _extend(out.shape, rank)
    for da, db, do in zip(ext_a, ext_b, ext_o):
        if da not in (1, do) or db not in (1, do):
            raise node.fail(
                f"inputs {list(a.shape)} and {list(b.shape)} do not broadcast to the output {list(out.shape)}"
            )
    return True


def _extend(shape: tuple[int, ...], rank: int) -> tuple[int, ...]:
    return (1,) * (rank - len(shape)) + tuple(shape)


def operands(a: np.ndarray, b: np.ndarray, out_shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Both inputs as (read-only) arrays of the output's shape, per the two TFLM paths
    (shapes already validated by ``check_shapes``)."""
    rank = max(a.ndim, b.ndim, len(out_shape))
    ext_a, ext_b = _extend(a.shape, rank), _extend(b.shape, rank)
    if ext_a == ext_b:  # flat path: same element count as the output
        return a.reshape(out_shape), b.reshape(out_shape)
    ext_o = _extend(out_shape, rank)
    wide_a = np.broadcast_to(a.reshape(ext_a), ext_o).reshape(out_shape)
    wide_b = np.broadcast_to(b.reshape(ext_b), ext_o).reshape(out_shape)
    return wide_a, wide_b


def same_type(node: Node, *tensors: Tensor) -> str:
    """The common type name of ``tensors``; TFLM requires them all equal."""
    names = {t.type_name for t in tensors}
    if len(names) != 1:
        raise node.fail(f"inputs and output must share one type, got {', '.join(t.type_name for t in tensors)}")
    return names.pop()


def float_activation_range(activation: int) -> tuple[np.float32, np.float32]:
    """TFLM ``CalculateActivationRange<float>`` (non-clamping activations give the full range)."""
    lo, hi = quant.activation_range_float(activation)
    return np.float32(lo), np.float32(hi)


def int32_activation_range(activation: int) -> tuple[int, int]:
    """TFLM ``CalculateActivationRange<int32_t>``: RELU6 clamps to the *integers* 0..6."""
    lo, hi = quant.dtype_range(np.dtype(np.int32))
    if activation == quant.ACT_RELU:
        return 0, hi
    if activation == quant.ACT_RELU6:
        return 0, 6
    if activation == quant.ACT_RELU_N1_TO_1:
        return -1, 1
    return lo, hi


def quantized_activation_range(activation: int, out: Tensor) -> tuple[int, int]:
    """TFLM ``CalculateActivationRangeQuantized`` for an int8/int16 output."""
    qmin, qmax = quant.dtype_range(out.dtype)
    return quant.activation_range_quantized(activation, qmin, qmax, out.scale, out.zero_point)


def activation_of(node: Node) -> int:
    """The fused activation of a node whose options may be absent (defaults to NONE)."""
    options = node.options
    act = getattr(options, "fused_activation_function", 0) if options is not None else 0
    return int(act or 0)


def clamp(x: np.ndarray, lo: np.generic | int, hi: np.generic | int) -> np.ndarray:
    """TFLM's ``ActivationFunctionWithMinMax``: ``std::min(std::max(x, lo), hi)``,
    i.e. ``x < lo ? lo : x`` then ``hi < y ? hi : y``, which keeps -0.0 and NaN
    exactly where ``np.clip`` might not."""
    y = np.where(x < lo, lo, x)
    return np.where(hi < y, hi, y)
