"""TRANSPOSE (TFLM: kernels/transpose.cc + transpose_common.cc;
C twin: firmware/src/kernels/mi_transpose.c).

Permutes the axes of a 1-D to 5-D float32, int8 or int16 tensor (TFLM micro
has no int32 path). The permutation must be a constant int32 vector with one
in-range entry per dimension; values are moved, never requantized.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..context import Node, Registration
from ..memory.declaration import KernelMemory, c_struct

INPUT, PERM, OUTPUT = 0, 1, 0
MAX_DIMS = 5
TYPES = ("FLOAT32", "INT8", "INT16")


@dataclass(frozen=True)
class OpData:
    perm: tuple[int, ...]


def prepare(node: Node) -> OpData:
    src, dst, perm_t = node.input(INPUT), node.output(OUTPUT), node.input(PERM)
    if src.type_name != dst.type_name:
        raise node.fail(f"input {src.type_name} and output {dst.type_name} must have the same type")
    if src.type_name not in TYPES:
        raise node.unsupported(f"type {src.type_name} is not supported ({', '.join(t.lower() for t in TYPES)})")
    rank = len(src.shape)
    if not 1 <= rank <= MAX_DIMS:
        raise node.unsupported(f"input rank {rank} is not supported (1 to {MAX_DIMS})")
    if perm_t.data is None:
        raise node.unsupported("a non-constant perm tensor is not supported (as in TFLM)")
    if perm_t.type_name != "INT32" or perm_t.shape != (rank,):
        raise node.fail(f"perm must be int32 of shape [{rank}], got {perm_t.type_name} {list(perm_t.shape)}")
    perm = tuple(int(p) for p in perm_t.data)
    if sorted(perm) != list(range(rank)):
        raise node.unsupported(f"perm {list(perm)} is not a permutation of 0..{rank - 1}")
    if dst.shape != tuple(src.shape[p] for p in perm):
        raise node.fail(f"output shape {list(dst.shape)} is not input {list(src.shape)} permuted by {list(perm)}")
    return OpData(perm)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    outputs[OUTPUT][...] = np.transpose(inputs[INPUT], data.perm)


#: TFLM's side is not modelled (sizes of models with TRANSPOSE stay approximate); the C twin's op data is
MEMORY = KernelMemory(c_op_data=c_struct(w=10, b=1), modelled=False)
REGISTRATION = Registration("TRANSPOSE", prepare, invoke, memory=MEMORY)
