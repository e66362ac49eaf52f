"""CONCATENATION (TFLM: kernels/concatenation.cc; C twin: firmware/src/kernels/mi_concatenation.c).

Joins up to 10 inputs of rank <= 6 along one axis (negative axes count from
the output's rank) for float32, int8, int16, int32, int64 and bool. It is a
pure copy, so TFLM refuses anything needing a rescale: int8 inputs must have
exactly the output's scale and zero point; int16 inputs and output must have
zero point 0 (their scales are *not* compared: values are copied raw). The
fused activation must be NONE.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .. import quant
from ..context import Node, Registration
from ..memory.declaration import KernelMemory, c_struct
from . import elementwise

OUTPUT = 0
MAX_INPUTS = 10
MAX_DIMS = 6
TYPES = ("FLOAT32", "INT8", "INT16", "INT32", "INT64", "BOOL")


@dataclass(frozen=True)
class OpData:
    axis: int


def prepare(node: Node) -> OpData:
    dst = node.output(OUTPUT)
    srcs = [node.input(i) for i in range(len(node.inputs))]
    if not srcs:
        raise node.fail("needs at least one input")
    if elementwise.activation_of(node) != quant.ACT_NONE:
        raise node.unsupported("a fused activation is not supported (TFLM requires NONE)")
    type_name = srcs[0].type_name
    if type_name not in TYPES:
        raise node.unsupported(f"type {type_name} is not supported ({', '.join(t.lower() for t in TYPES)})")
    if dst.type_name != type_name:
        raise node.fail(f"output type {dst.type_name} differs from the input type {type_name}")
    if len(srcs) > MAX_INPUTS:
        raise node.unsupported(f"{len(srcs)} inputs are not supported (at most {MAX_INPUTS})")
    rank = len(dst.shape)
    axis = node.options.axis
    axis = axis + rank if axis < 0 else axis
    if not 0 <= axis < rank:
        raise node.fail(f"axis {axis} is out of range for an output of rank {rank}")
    total = 0
    for i, t in enumerate(srcs):
        if t.type_name != type_name:
            raise node.fail(f"input {i} is {t.type_name}, expected {type_name}")
        if len(t.shape) > MAX_DIMS:
            raise node.unsupported(f"input {i} has rank {len(t.shape)} (at most {MAX_DIMS})")
        if type_name == "INT8" and (float(t.scale) != float(dst.scale) or t.zero_point != dst.zero_point):
            raise node.unsupported(f"int8 input {i} must have the output's scale and zero point (no rescaling)")
        if type_name == "INT16" and t.zero_point != 0:
            raise node.fail(f"int16 input {i} must have zero point 0")
        if len(t.shape) != rank or any(t.shape[d] != dst.shape[d] for d in range(rank) if d != axis):
            raise node.fail(f"input {i} shape {list(t.shape)} does not fit output {list(dst.shape)} on axis {axis}")
        total += t.shape[axis]
    if type_name == "INT16" and dst.zero_point != 0:
        raise node.fail("int16 output must have zero point 0")
    if total != dst.shape[axis]:
        raise node.fail(f"inputs sum to {total} along axis {axis}, output has {dst.shape[axis]}")
    return OpData(axis)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    np.concatenate(list(inputs), axis=data.axis, out=outputs[OUTPUT])


MEMORY = KernelMemory(tflm_params="TfLiteConcatenationParams", tflm_op_data="ConcatenationOpData",
                      c_op_data=c_struct(w=2))
REGISTRATION = Registration("CONCATENATION", prepare, invoke, memory=MEMORY)
