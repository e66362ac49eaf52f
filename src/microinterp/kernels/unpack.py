"""UNPACK (TFLM: kernels/unpack.cc; C twin: firmware/src/kernels/mi_unpack.c).

Splits a float32, int32, int16 or int8 tensor into ``num`` outputs along an
axis (negative axes count from the input's rank), removing that axis. TFLM
has no prepare step; the shapes it DCHECKs are validated here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..context import Node, Registration
from ..memory.declaration import KernelMemory, c_struct

INPUT = 0
TYPES = ("FLOAT32", "INT32", "INT16", "INT8")


@dataclass(frozen=True)
class OpData:
    axis: int
    count: int


def prepare(node: Node) -> OpData:
    src = node.input(INPUT)
    if src.type_name not in TYPES:
        raise node.unsupported(f"type {src.type_name} is not supported ({', '.join(t.lower() for t in TYPES)})")
    rank = len(src.shape)
    axis = node.options.axis
    axis = axis + rank if axis < 0 else axis
    if not 0 <= axis < rank:
        raise node.fail(f"axis {axis} is out of range for an input of rank {rank}")
    count = node.options.num
    if count != len(node.outputs) or count != src.shape[axis]:
        raise node.fail(f"num {count} must equal the outputs ({len(node.outputs)}) and dimension {axis} "
                        f"of {list(src.shape)}")
    expected = src.shape[:axis] + src.shape[axis + 1:]
    for i in range(count):
        t = node.output(i)
        if t.type_name != src.type_name or t.shape != expected:
            raise node.fail(f"output {i} ({t.type_name} {list(t.shape)}) should be {src.type_name} {list(expected)}")
    return OpData(axis, count)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    x = inputs[INPUT]
    for i in range(data.count):
        outputs[i][...] = np.take(x, i, axis=data.axis)


MEMORY = KernelMemory(tflm_params="TfLiteUnpackParams", modelled=False, c_op_data=c_struct(w=3))
REGISTRATION = Registration("UNPACK", prepare, invoke, memory=MEMORY)
