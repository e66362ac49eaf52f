"""Shared pieces of TFLM's reductions MEAN, SUM, REDUCE_MAX, REDUCE_MIN and REDUCE_ALL
(TFLM: kernels/reduce.cc + reduce_common.cc, reference ``ReduceGeneric`` and
``QuantizedMeanOrSum`` in reference/reduce.h). Not a kernel: no registration.
C twin: firmware/src/kernels/mi_reduction.c.

TFLM reads the int32 axis list at invoke time (it may be a graph input),
wraps negative axes, drops duplicates, and visits the input in row-major
order, folding every element into the output it maps to. For one output the
elements therefore arrive in the row-major order of the reduced axes, which
is what ``group`` lays out: the kept axes first, then the reduced axes in
increasing order, flattened to ``(num_outputs, num_reduced)``.

An axis out of range makes TFLM's ``ResolveAxis`` fail (an invoke error);
an output whose element count differs from the kept extents would be written
out of bounds by TFLM, so both are refused here with a clear message.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import quant
from ..context import Node
from ..errors import KernelError
from ..memory.declaration import OpMemory, temps

INPUT, AXIS, OUTPUT = 0, 1, 0


@dataclass(frozen=True)
class Axes:
    perm: tuple[int, ...]  # kept axes, then reduced axes in increasing order
    num_outputs: int
    num_reduced: int


def resolve_axes(node: Node, axis_values: np.ndarray, in_shape: tuple[int, ...], out_size: int) -> Axes:
    """TFLM ``ResolveAxis`` plus the element counts; a KernelError where TFLM fails or overruns."""
    rank = len(in_shape)
    axes: list[int] = []
    for value in np.asarray(axis_values).reshape(-1).tolist() if rank else []:
        a = value + rank if value < 0 else value
        if not 0 <= a < rank:
            raise KernelError(f"operator {node.index} ({node.name}): axis {value} is out of range for rank {rank}")
        if a not in axes:
            axes.append(a)
    reduced = sorted(axes)
    kept = [d for d in range(rank) if d not in reduced]
    num_outputs = int(np.prod([in_shape[d] for d in kept], dtype=np.int64))
    num_reduced = int(np.prod([in_shape[d] for d in reduced], dtype=np.int64))
    if out_size != num_outputs:
        raise KernelError(f"operator {node.index} ({node.name}): the output holds {out_size} values but "
                          f"reducing {list(in_shape)} over axes {reduced} gives {num_outputs}")
    return Axes(tuple(kept + reduced), num_outputs, num_reduced)


def check_axis_tensor(node: Node) -> Axes | None:
    """Validate the axis tensor; resolve it now when it is a constant (else per invoke)."""
    src, axis_t, dst = node.input(INPUT), node.input(AXIS), node.output(OUTPUT)
    if axis_t.type_name != "INT32":
        raise node.fail(f"axis must be int32, got {axis_t.type_name}")
    if dst.type_name != src.type_name:
        raise node.fail(f"input {src.type_name} and output {dst.type_name} must have the same type")
    if axis_t.is_constant:
        return resolve_axes(node, axis_t.data, src.shape, dst.size)
    return None


def group(node: Node, axes: Axes | None, x: np.ndarray, axis_values: np.ndarray, out: np.ndarray) -> np.ndarray:
    """The input as ``(num_outputs, num_reduced)``, each row in TFLM's visiting order."""
    if axes is None:
        axes = resolve_axes(node, axis_values, x.shape, out.size)
    return np.transpose(x, axes.perm).reshape(axes.num_outputs, axes.num_reduced)


def sum_float32(rows: np.ndarray) -> np.ndarray:
    """Each row of ``group``'s output summed as TFLM does: from +0.0f, one float32
    addition per element in order (``np.add.accumulate`` is sequential, ``np.sum``
    is pairwise)."""
    padded = np.concatenate([np.zeros((rows.shape[0], 1), np.float32), rows], axis=1)
    return np.add.accumulate(padded, axis=1, dtype=np.float32)[:, -1]


def requantized_sum(rows: np.ndarray, input_zero_point: int, multiplier: int, shift: int, output_zero_point: int,
                    dtype: np.dtype) -> np.ndarray:
    """``QuantizedMeanOrSum``'s integer path on ``group``'s rows: an int32 (wrapping) sum
    per row, minus ``zp_in * n`` (truncated to int32), one ``MultiplyByQuantizedMultiplier``,
    plus the output zero point, clamped to ``dtype``."""
    total = quant.wrap_int32(rows.astype(np.int64).sum(axis=1))  # int32 accumulators wrap
    shifted = quant.wrap_int32(total - input_zero_point * rows.shape[1])
    result = quant.multiply_by_quantized_multiplier(shifted, multiplier, shift) + output_zero_point
    return np.clip(result, *quant.dtype_range(dtype))


def accumulating_memory(node: Node, pointer_bytes: int) -> OpMemory:
    """MEAN's and SUM's scratch (TFLM reduce_common.cc): int32 accumulators per output
    for int8/int16, the input index iterator and the resolved axes."""
    src, dst, axis_t = node.input(INPUT), node.output(OUTPUT), node.input(AXIS)
    accumulators = (4 * dst.size,) if src.type_name != "FLOAT32" else ()
    return OpMemory(scratch=(*accumulators, 4 * len(src.shape), 4 * axis_t.size))



def mean_or_sum_memory(node: Node, pointer_bytes: int) -> OpMemory:
    """TFLM's PrepareMeanOrSumHelper (reduce_common.cc): temporaries of the input, the output
    and the axis, the scratch of ``accumulating_memory``, then PrepareSimple's own temporaries
    of the input and the axis (and of the output for int8 only), all held until the op's
    prepare ends."""
    simple = temps(node, (INPUT, AXIS), (OUTPUT,) if node.input(INPUT).type_name == "INT8" else ())
    events = (*temps(node, (INPUT,), (OUTPUT,)), *temps(node, (AXIS,)), *simple)
    return OpMemory(scratch=accumulating_memory(node, pointer_bytes).scratch, tflm_prepare=events)
