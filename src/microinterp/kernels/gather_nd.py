"""GATHER_ND (TFLM: kernels/gather_nd.cc; C twin: firmware/src/kernels/mi_gather_nd.c).

Gathers slices of a float32 or int8 ``params`` tensor at the int32 index
tuples in the last dimension of ``indices`` (at most 5 per tuple, at most the
params' rank); the output shape is ``indices.shape[:-1] + params.shape[nd:]``,
which TFLM writes over the output's shape, so the model's must agree.

TFLM's bounds check is on the *flat* position only: each tuple becomes
``sum(index[j] * stride[j])`` (int32 arithmetic) and only ``0 <= pos`` and
``pos + slice <= params size`` are checked. A per-dimension index out of range
(or negative) whose flat position still lands inside the tensor is accepted
and reads that position -- reproduced here. A flat position outside makes
TFLM's invoke fail ("gather_nd index out of bounds"); here it is a
KernelError naming the position.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .. import quant
from ..context import Node, Registration
from ..errors import KernelError
from ..memory.declaration import KernelMemory, c_struct

PARAMS, INDICES, OUTPUT = 0, 1, 0
TYPES = ("FLOAT32", "INT8")
MAX_INDICES_ND = 5


@dataclass(frozen=True)
class OpData:
    strides: np.ndarray  # elements per step of each indexed dimension
    slice_size: int
    params_size: int


def prepare(node: Node) -> OpData:
    params, indices, dst = node.input(PARAMS), node.input(INDICES), node.output(OUTPUT)
    if params.type_name not in TYPES:
        raise node.unsupported(f"params of type {params.type_name} are not supported (float32, int8)")
    if indices.type_name != "INT32":
        raise node.unsupported(f"indices of type {indices.type_name} are not supported (int32)")
    if dst.type_name != params.type_name:
        raise node.fail(f"output type {dst.type_name} differs from the params type {params.type_name}")
    if not params.shape or not indices.shape:
        raise node.fail("params and indices must be at least vectors")
    nd = indices.shape[-1]
    if nd > len(params.shape) or nd > MAX_INDICES_ND:
        raise node.fail(f"index tuples of {nd} exceed the params rank {len(params.shape)} or {MAX_INDICES_ND}")
    expected = indices.shape[:-1] + params.shape[nd:]
    if dst.shape != expected:
        raise node.fail(f"output shape {list(dst.shape)} is not {list(expected)}")
    strides = [int(np.prod(params.shape[j + 1:], dtype=np.int64)) for j in range(nd)]
    return OpData(np.array(strides, np.int64), int(np.prod(params.shape[nd:], dtype=np.int64)), params.size)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    params, indices, out = inputs[PARAMS], inputs[INDICES], outputs[OUTPUT]
    nd = data.strides.size
    tuples = indices.reshape(-1, nd).astype(np.int64)
    pos = quant.wrap_int32(np.sum(quant.wrap_int32(tuples * data.strides), axis=1))  # C int arithmetic
    bad = (pos < 0) | (pos + data.slice_size > data.params_size)
    if bad.any():
        raise KernelError(f"operator {node.index} (GATHER_ND): index {tuples[bad][0].tolist()} is out of bounds "
                          f"(flat position {int(pos[bad][0])} of {data.params_size})")
    flat = params.reshape(-1)
    picked = flat[pos[:, None] + np.arange(data.slice_size)[None, :]]
    out.reshape(-1)[...] = picked.reshape(-1)


#: TFLM sizes are not modelled for this op (modelled=False); c_op_data: its C twin's op data
MEMORY = KernelMemory(c_op_data=c_struct(w=9), modelled=False)
REGISTRATION = Registration("GATHER_ND", prepare, invoke, memory=MEMORY)
