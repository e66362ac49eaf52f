"""FILL (TFLM: kernels/fill.cc, ``reference_ops::Fill``; C twin: firmware/src/kernels/mi_fill.c).

Every output element becomes the scalar ``value`` (input 1, rank 0, of the
output's type: float32, int32 or int8 -- copied, never requantized). The
``dims`` input must be a constant 1-D integer tensor (int8, int16, int32 or
int64) equal to the output's shape, as TFLM's prepare checks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..context import Node, Registration
from ..memory.declaration import KernelMemory, c_struct

DIMS, VALUE, OUTPUT = 0, 1, 0
TYPES = ("FLOAT32", "INT32", "INT8")
DIMS_TYPES = ("INT8", "INT16", "INT32", "INT64")


@dataclass(frozen=True)
class OpData:
    type_name: str


def prepare(node: Node) -> OpData:
    dims, value, out = node.input(DIMS), node.input(VALUE), node.output(OUTPUT)
    if len(value.shape) != 0:
        raise node.fail(f"value must be a scalar (rank 0), got shape {list(value.shape)}")
    if value.type_name != out.type_name:
        raise node.fail(f"value {value.type_name} and output {out.type_name} must have the same type")
    if value.type_name not in TYPES:
        raise node.unsupported(f"type {value.type_name} is not supported ({', '.join(t.lower() for t in TYPES)})")
    if dims.data is None:
        raise node.unsupported("a non-constant dims tensor is not supported (as in TFLM)")
    if dims.type_name not in DIMS_TYPES or len(dims.shape) != 1:
        raise node.fail(f"dims must be a 1-D integer tensor, got {dims.type_name} {list(dims.shape)}")
    if [int(d) for d in np.asarray(dims.data).reshape(-1)] != [int(d) for d in out.shape]:
        raise node.fail(f"dims {np.asarray(dims.data).tolist()} must equal the output shape {list(out.shape)}")
    return OpData(value.type_name)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    outputs[OUTPUT][...] = inputs[VALUE].reshape(-1)[0]


MEMORY = KernelMemory(c_op_data=c_struct(w=2), modelled=False)
REGISTRATION = Registration("FILL", prepare, invoke, memory=MEMORY)
