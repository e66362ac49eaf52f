"""MEAN (TFLM: kernels/reduce.cc + reduce_common.cc; C twin: firmware/src/kernels/mi_mean.c).

Reduces over a constant int32 axis list (negative axes wrap, duplicates
count once, keep_dims only changes the output's declared shape); the axis
handling and the sums are shared with SUM (``reduction.py``).

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
from ..memory.declaration import KernelMemory, c_struct
from . import reduction

INPUT, AXIS, OUTPUT = 0, 1, 0
TYPES = ("FLOAT32", "INT8", "INT16")


@dataclass(frozen=True)
class OpData:
    type_name: str
    axes: reduction.Axes
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
    axes = reduction.resolve_axes(node, axis_t.data, src.shape, dst.size)
    quantized = src.type_name != "FLOAT32"
    if not quantized:
        return OpData(src.type_name, axes)
    mult, shift = quant.quantize_multiplier(float(src.scale) / float(dst.scale))
    if axes.num_reduced > 0:
        mult, shift = quant.mean_multiplier(mult, shift, axes.num_reduced)
    return OpData(src.type_name, axes, src.zero_point, dst.zero_point, mult, shift)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    out = outputs[OUTPUT].reshape(-1)
    if data.axes.num_reduced == 0:
        out[...] = 0
        return
    x = reduction.group(node, data.axes, inputs[INPUT], inputs[AXIS], out)
    if data.type_name == "FLOAT32":
        out[...] = reduction.sum_float32(x) / np.float32(data.axes.num_reduced)
    else:  # the division by n is folded into the multiplier (quant.mean_multiplier)
        out[...] = reduction.requantized_sum(x, data.input_zero_point, data.multiplier, data.shift,
                                             data.output_zero_point, out.dtype)


#: InitReduce allocates an OpDataReduce; Prepare: ``reduction.mean_or_sum_memory``
MEMORY = KernelMemory(tflm_params="TfLiteReducerParams", tflm_op_data="OpDataReduce",
                      needs=reduction.mean_or_sum_memory, c_op_data=c_struct(w=13, b=1))
REGISTRATION = Registration("MEAN", prepare, invoke, memory=MEMORY)
