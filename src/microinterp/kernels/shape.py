"""SHAPE (TFLM: kernels/shape.cc; C twin: firmware/src/kernels/mi_shape.c).

Writes the input's dimensions (any input type) into an int32 output of one
element per dimension. TFLM supports only an int32 output (``out_type``
int64 fails its eval) and does not check the output's size; here it must
hold exactly the input's rank. The values are known at prepare time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..context import Node, Registration
from ..memory.declaration import KernelMemory, OpMemory, c_struct

INPUT, OUTPUT = 0, 0


@dataclass(frozen=True)
class OpData:
    dims: tuple[int, ...]


def prepare(node: Node) -> OpData:
    src, out = node.input(INPUT), node.output(OUTPUT)
    if out.type_name != "INT32":
        raise node.unsupported(f"output type {out.type_name} is not supported (int32)")
    if out.size != len(src.shape):
        raise node.fail(f"output {list(out.shape)} must hold the {len(src.shape)} dimensions of the input")
    return OpData(tuple(int(d) for d in src.shape))


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    outputs[OUTPUT].reshape(-1)[...] = np.asarray(data.dims, np.int32)


def memory(node: Node, pointer_bytes: int) -> OpMemory:
    """ShapePrepare (shape.cc) only counts inputs and outputs: no temporary tensor, no Init."""
    return OpMemory(tflm_prepare=())


MEMORY = KernelMemory(tflm_params="TfLiteShapeParams", c_op_data=c_struct(w=7), needs=memory)
REGISTRATION = Registration("SHAPE", prepare, invoke, memory=MEMORY)
