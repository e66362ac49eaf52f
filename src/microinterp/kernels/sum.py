"""SUM (TFLM: kernels/reduce.cc + reduce_common.cc; C twin: firmware/src/kernels/mi_sum.c).

Reduces over an int32 axis list (see ``reduction.py``: read at invoke, so it
may be a graph input; negative axes wrap, duplicates count once; keep_dims
only changes the output's declared shape).

* float32: TFLM's ``ReduceGeneric`` starts every output at +0.0f and adds the
  elements one by one in row-major input order (``in + current``), so the
  sum is reproduced with a sequential ``np.add.accumulate`` from +0.0.
* int8/int16: ``QuantizedMeanOrSum`` with ``compute_sum``: an int32 (wrapping)
  sum per output, minus ``zp_in * n`` (truncated to int32), then one
  ``MultiplyByQuantizedMultiplier`` with the multiplier of ``s_in / s_out``
  (double), plus the output zero point, clamped to the type. Unlike MEAN,
  the multiplier is not divided by the element count.

Scratch buffers are requested as TFLM's prepare does (int32 accumulators for
the quantized types, then the index iterator and the resolved axes).
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
    axes: reduction.Axes | None  # None: the axis tensor is read at invoke
    input_zero_point: int = 0
    output_zero_point: int = 0
    multiplier: int = 0
    shift: int = 0


def prepare(node: Node) -> OpData:
    src, dst = node.input(INPUT), node.output(OUTPUT)
    if src.type_name not in TYPES:
        raise node.unsupported(f"type {src.type_name} is not supported ({', '.join(t.lower() for t in TYPES)})")
    axes = reduction.check_axis_tensor(node)
    if src.type_name == "FLOAT32":
        return OpData(src.type_name, axes)
    mult, shift = quant.quantize_multiplier(float(src.scale) / float(dst.scale))
    return OpData(src.type_name, axes, src.zero_point, dst.zero_point, mult, shift)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    out = outputs[OUTPUT]
    x = reduction.group(node, data.axes, inputs[INPUT], inputs[AXIS], out)
    flat = out.reshape(-1)
    if data.type_name == "FLOAT32":
        flat[...] = reduction.sum_float32(x)
    else:
        flat[...] = reduction.requantized_sum(x, data.input_zero_point, data.multiplier, data.shift,
                                              data.output_zero_point, flat.dtype)


#: TFLM registers SUM with MEAN's Init and Prepare (reduce.cc: InitReduce, PrepareMeanOrSum), so its
#: arena needs are MEAN's, temporaries included.
MEMORY = KernelMemory(tflm_params="TfLiteReducerParams", tflm_op_data="OpDataReduce",
                      needs=reduction.mean_or_sum_memory, c_op_data=c_struct(w=13, b=1))
REGISTRATION = Registration("SUM", prepare, invoke, memory=MEMORY)
