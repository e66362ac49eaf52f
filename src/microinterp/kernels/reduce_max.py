"""REDUCE_MAX (TFLM: kernels/reduce.cc + reduce_common.cc; C twin: firmware/src/kernels/mi_reduce_max.c).

float32 or int8 maximum over an int32 axis list (see ``reduction.py``). TFLM
folds ``(in > current) ? in : current`` from the type's lowest value
(``-FLT_MAX`` for float32, not -inf), so: NaN never wins, the first of equal
values is kept (-0.0 before +0.0 stays -0.0), and a row of only -inf/NaN gives
``-FLT_MAX``. int8 requires the output to share the input's scale and zero
point (TFLM checks it at invoke; here in prepare). REDUCE_MIN
(``reduce_min.py``) is the mirror image.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..context import Node, Registration
from ..memory.declaration import KernelMemory, OpMemory, c_struct
from . import reduction

INPUT, AXIS, OUTPUT = 0, 1, 0
TYPES = ("FLOAT32", "INT8")


@dataclass(frozen=True)
class OpData:
    type_name: str
    axes: reduction.Axes | None  # None: the axis tensor is read at invoke
    is_max: bool


def prepare_min_max(node: Node, is_max: bool) -> OpData:
    src, dst = node.input(INPUT), node.output(OUTPUT)
    if src.type_name not in TYPES:
        raise node.unsupported(f"type {src.type_name} is not supported ({', '.join(t.lower() for t in TYPES)})")
    axes = reduction.check_axis_tensor(node)
    if src.type_name == "INT8" and (float(src.scale) != float(dst.scale) or src.zero_point != dst.zero_point):
        raise node.fail("int8 input and output must share scale and zero point (as TFLM requires)")
    return OpData(src.type_name, axes, is_max)


def prepare(node: Node) -> OpData:
    return prepare_min_max(node, is_max=True)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    out = outputs[OUTPUT]
    x = reduction.group(node, data.axes, inputs[INPUT], inputs[AXIS], out)
    flat = out.reshape(-1)
    if x.shape[1] == 0:  # nothing folded in: the initial value stays
        flat[...] = np.finfo(np.float32).max * (-1 if data.is_max else 1) if data.type_name == "FLOAT32" else (
            -128 if data.is_max else 127)
        return
    if data.type_name != "FLOAT32":
        flat[...] = x.max(axis=1) if data.is_max else x.min(axis=1)
        return
    big = np.finfo(np.float32).max
    if data.is_max:
        # first maximum among the non-NaN values, never below the initial -FLT_MAX
        picked = np.take_along_axis(x, np.argmax(np.where(np.isnan(x), -np.inf, x), axis=1)[:, None], axis=1)[:, 0]
        flat[...] = np.where(np.isnan(picked) | (picked < -big), np.float32(-big), picked)
    else:
        picked = np.take_along_axis(x, np.argmin(np.where(np.isnan(x), np.inf, x), axis=1)[:, None], axis=1)[:, 0]
        flat[...] = np.where(np.isnan(picked) | (picked > big), np.float32(big), picked)


def memory(node: Node, pointer_bytes: int) -> OpMemory:
    """TFLM's scratch (reduce_common.cc): the input index iterator and the resolved axes
    (REDUCE_MIN declares the same)."""
    return OpMemory(scratch=(4 * len(node.input(INPUT).shape), 4 * node.input(AXIS).size))


MEMORY = KernelMemory(tflm_params="TfLiteReducerParams", needs=memory, modelled=False, c_op_data=c_struct(w=9, b=2))
REGISTRATION = Registration("REDUCE_MAX", prepare, invoke, memory=MEMORY)
