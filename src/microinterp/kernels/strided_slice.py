"""STRIDED_SLICE (TFLM: kernels/strided_slice.cc + strided_slice_common.cc;
C twin: firmware/src/kernels/mi_strided_slice.c).

Inputs of rank <= 4 (TFLM's prepare limit) in float32, int8, int16, int32 or
bool; begin/end/strides must be constant int32 vectors with one entry per
dimension. TFLM quirks reproduced:

* ``ellipsis_mask``, ``new_axis_mask`` and ``offset`` are ignored (TFLM's
  ``BuildStridedSliceParams`` zeroes them); masks are 16-bit.
* The output shape is checked with ``StartForAxis``/``StopForAxis`` (masks
  applied before clamping), the copy uses ``StridedSliceStartForAxis`` /
  ``StridedSliceEndForAxis`` (masks applied after clamping).
* A shrunk axis whose begin clamps to the axis size yields an empty loop:
  TFLM then writes nothing at all, and neither does this kernel.

The copy visits, per axis, the indices of TFLM's eval loop (``_copy_range``), which
form a basic slice of that axis: the kernel copies that strided view of the input into
the head of the output in row-major order, TFLM's write order, so quantization is
untouched (values are copied, never requantized). ``bind`` builds both views once.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..context import Node, Registration
from ..memory.declaration import KernelMemory, c_struct

INPUT, BEGIN, END, STRIDES, OUTPUT = 0, 1, 2, 3, 0
MAX_DIMS = 4
TYPES = ("FLOAT32", "INT8", "INT16", "INT32", "BOOL")
INT_MIN, INT_MAX = -(2**31), 2**31 - 1


@dataclass(frozen=True)
class OpData:
    #: per input axis, the indices TFLM's eval loop visits, as a basic slice
    slices: tuple[slice, ...]
    #: the shape of the sliced view (the output's leading ``size`` elements in row-major order)
    shape: tuple[int, ...]
    size: int


def _clamp(v: int, stride: int, size: int) -> int:
    lo, hi = (0, size) if stride > 0 else (-1, size - 1)
    return min(max(v, lo), hi)


def _bit(mask: int, axis: int) -> bool:
    return bool(mask & (1 << axis))


def _checked_dim(begin: int, end: int, stride: int, size: int, begin_mask: int, end_mask: int,
                 shrink_mask: int, axis: int) -> int | None:
    """The output extent CheckOutputSize expects (None for a shrunk axis)."""
    if size == 0:
        start = stop = 0
    else:
        start = (INT_MIN if stride > 0 else INT_MAX) if _bit(begin_mask, axis) else begin
        start = _clamp(start + size if start < 0 else start, stride, size)
        if _bit(shrink_mask, axis):
            stop = start + 1
        else:
            stop = (INT_MAX if stride > 0 else INT_MIN) if _bit(end_mask, axis) else end
            stop = _clamp(stop + size if stop < 0 else stop, stride, size)
    if _bit(shrink_mask, axis):
        return None
    return max(0, math.ceil(float(np.float32(stop - start) / np.float32(stride))))


def _copy_range(begin: int, end: int, stride: int, size: int, begin_mask: int, end_mask: int,
                shrink_mask: int, axis: int) -> range:
    """The indices TFLM's eval loop visits on one axis."""
    start = _clamp(begin + size if begin < 0 else begin, stride, size)
    if _bit(begin_mask, axis):
        start = 0 if stride > 0 else size - 1
    if _bit(shrink_mask, axis):
        stop = start if start >= size else start + 1
    else:
        stop = _clamp(end + size if end < 0 else end, stride, size)
        if _bit(end_mask, axis):
            stop = size if stride > 0 else -1
    return range(start, stop, stride)


def prepare(node: Node) -> OpData:
    src, dst = node.input(INPUT), node.output(OUTPUT)
    if src.type_name != dst.type_name:
        raise node.fail(f"input {src.type_name} and output {dst.type_name} must have the same type")
    if src.type_name not in TYPES:
        raise node.unsupported(f"type {src.type_name} is not supported ({', '.join(t.lower() for t in TYPES)})")
    rank = len(src.shape)
    if rank > MAX_DIMS:
        raise node.unsupported(f"input rank {rank} is not supported (TFLM: at most {MAX_DIMS})")
    vectors = []
    for index, what in ((BEGIN, "begin"), (END, "end"), (STRIDES, "strides")):
        t = node.input(index)
        if t.data is None:
            raise node.unsupported(f"a non-constant {what} tensor is not supported (as in TFLM)")
        if t.type_name != "INT32" or t.size < rank:
            raise node.fail(f"{what} must be int32 with {rank} entries, got {t.type_name} {list(t.shape)}")
        vectors.append([int(v) for v in np.asarray(t.data).reshape(-1)[:rank]])
    begins, ends, strides = vectors
    opts = node.options
    masks = [getattr(opts, name) & 0xFFFF for name in ("begin_mask", "end_mask", "shrink_axis_mask")]
    if 0 in strides:
        raise node.fail("stride values must be non-zero")
    expected = []
    for axis in range(rank):
        dim = _checked_dim(begins[axis], ends[axis], strides[axis], src.shape[axis], *masks, axis)
        if dim is not None:
            expected.append(dim)
    if tuple(expected) != dst.shape:
        raise node.fail(f"output shape {list(dst.shape)} does not match the slice's {expected}")
    ranges = [_copy_range(begins[a], ends[a], strides[a], src.shape[a], *masks, a) for a in range(rank)]
    shape = tuple(len(r) for r in ranges)
    size = math.prod(shape)
    if size > dst.size:
        raise node.fail(f"slice selects {size} elements but the output holds {dst.size}")
    return OpData(tuple(_as_slice(r) for r in ranges), shape, size)


def _as_slice(r: range) -> slice:
    """``r`` as a slice of an axis. A non-empty range starts inside the axis and stops at
    -1 at the lowest (a negative stride down to index 0), which a slice spells ``None``;
    an empty one (a start clamped to -1 or the axis size) becomes an empty slice."""
    if len(r) == 0:
        return slice(0, 0)
    return slice(r.start, r.stop if r.stop >= 0 else None, r.step)


def _views(data: OpData, x: np.ndarray, out: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(source, destination): the sliced input and the output's head shaped like it."""
    return x[(..., *data.slices)], out.reshape(-1)[:data.size].reshape(data.shape)  # views, also at rank 0


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    src, dst = _views(data, inputs[INPUT], outputs[OUTPUT])
    dst[...] = src


def bind(node: Node, data: OpData, inputs: Sequence[np.ndarray | None],
         outputs: Sequence[np.ndarray]) -> Callable[[], None]:
    src, dst = _views(data, inputs[INPUT], outputs[OUTPUT])

    def run() -> None:
        dst[...] = src

    return run


MEMORY = KernelMemory(tflm_params="TfLiteStridedSliceParams", tflm_op_data="StridedSliceParams", c_op_data=c_struct(w=16, b=1))
REGISTRATION = Registration("STRIDED_SLICE", prepare, invoke, memory=MEMORY, bind=bind)
