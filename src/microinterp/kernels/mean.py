"""MEAN (TFLM: kernels/reduce.cc + reduce_common.cc; C twin: none yet).

Reduces over a constant int32 axis list (negative axes wrap, duplicates
count once, keep_dims only changes the output's declared shape).

* float32: TFLM sums into the output in the input's row-major order (one
  float32 addition per element, starting from 0.0) and divides by the element
  count as float; the 4-D axes-{1,2} special case visits the same order. The
  sum is reproduced with a sequential ``np.add.accumulate``.
* int8/int16: an int32 (wrapping) sum per output, minus ``zp_in * n``, then
  one ``MultiplyByQuantizedMultiplier`` whose multiplier TFLM derives from
  ``s_in / s_out`` (double) by an *integer* division by n
  (``quant.mean_multiplier``), plus the output zero point, clamped.

Scratch buffers are requested exactly as TFLM's prepare does (int32
accumulators for the quantized types, then the index and axis arrays), so the
arena plan matches TFLM's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .. import quant
from ..context import Node, Registration

INPUT, AXIS, OUTPUT = 0, 1, 0
TYPES = ("FLOAT32", "INT8", "INT16")


@dataclass(frozen=True)
class OpData:
    type_name: str
    perm: tuple[int, ...]  # kept axes, then reduced axes in increasing order
    num_outputs: int
    num_reduced: int
    input_zero_point: int = 0
    output_zero_point: int = 0
    multiplier: int = 0
    shift: int = 0


def prepare(node: Node) -> OpData:
    src, dst, axis_t = node.input(INPUT), node.output(OUTPUT), node.input(AXIS)
    if src.type_name not in TYPES:
        raise node.unsupported(f"type {src.type_name} is not supported ({', '.join(t.lower() for t in TYPES)})")
    if dst.type_name != src.type_name:
        raise node.fail(f"input {src.type_name} and output {dst.type_name} must have the same type")
    if axis_t.type_name != "INT32":
        raise node.fail(f"axis must be int32, got {axis_t.type_name}")
    if axis_t.data is None:
        raise node.unsupported("a non-constant axis tensor is not supported")
    rank = len(src.shape)
    axes: list[int] = []
    for a in (int(v) for v in np.asarray(axis_t.data).reshape(-1)):
        a = a + rank if a < 0 else a
        if not 0 <= a < rank:
            raise node.fail(f"axis {a} is out of range for an input of rank {rank}")
        if a not in axes:
            axes.append(a)
    reduced = sorted(axes)
    kept = [d for d in range(rank) if d not in reduced]
    num_outputs = int(np.prod([src.shape[d] for d in kept], dtype=np.int64))
    num_reduced = int(np.prod([src.shape[d] for d in reduced], dtype=np.int64))
    if dst.size != num_outputs:
        raise node.fail(f"output {list(dst.shape)} does not hold the {num_outputs} means of {list(src.shape)}")
    quantized = src.type_name != "FLOAT32"
    if quantized:
        node.request_scratch(4 * num_outputs)  # int32 accumulators
    node.request_scratch(4 * rank)  # input index iterator
    node.request_scratch(4 * axis_t.size)  # resolved axes
    data = OpData(src.type_name, tuple(kept + reduced), num_outputs, num_reduced)
    if not quantized:
        return data
    mult, shift = quant.quantize_multiplier(float(src.scale) / float(dst.scale))
    if num_reduced > 0:
        mult, shift = quant.mean_multiplier(mult, shift, num_reduced)
    return OpData(src.type_name, data.perm, num_outputs, num_reduced, src.zero_point, dst.zero_point, mult, shift)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    out = outputs[OUTPUT].reshape(-1)
    x = np.transpose(inputs[INPUT], data.perm).reshape(data.num_outputs, data.num_reduced)
    if data.type_name == "FLOAT32":
        if data.num_reduced == 0:
            out[...] = 0.0
            return
        padded = np.concatenate([np.zeros((data.num_outputs, 1), np.float32), x], axis=1)
        total = np.add.accumulate(padded, axis=1, dtype=np.float32)[:, -1]  # sequential, like TFLM
        out[...] = total / np.float32(data.num_reduced)
        return
    if data.num_reduced == 0:
        out[...] = 0
        return
    total = quant.wrap_int32(x.astype(np.int64).sum(axis=1))  # int32 accumulators wrap
    shifted = quant.wrap_int32(total - data.input_zero_point * data.num_reduced)
    result = quant.multiply_by_quantized_multiplier(shifted, data.multiplier, data.shift) + data.output_zero_point
    qmin, qmax = quant.dtype_range(out.dtype)
    out[...] = np.clip(result, qmin, qmax)


REGISTRATION = Registration("MEAN", prepare, invoke)
