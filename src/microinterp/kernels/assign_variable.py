"""ASSIGN_VARIABLE (TFLM: kernels/assign_variable.cc, micro_resource_variable.cc; C twin: mi_assign_variable.c).

Copies input 1's bytes into the resource variable whose id is in input 0.
The variable's buffer is sized in prepare, by the first ASSIGN_VARIABLE whose
id is already known then (its VAR_HANDLE prepared earlier: an earlier op, or
an earlier subgraph), and filled with the value tensor's zero point taken as
an int8 (0 without quantization); a reset fills it again. An id that only
arrives at run time (through a WHILE or IF) assigns a variable sized by
another ASSIGN_VARIABLE, or fails, as in TFLM. A byte length other than the
variable's is an error here (TFLM checks it in debug builds only).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..context import Node, Registration
from ..memory.declaration import KernelMemory, OpMemory, temps

RESOURCE, VALUE = 0, 1


@dataclass(frozen=True)
class OpData:
    nbytes: int


def prepare(node: Node) -> OpData:
    if len(node.inputs) != 2 or node.outputs:
        raise node.fail(f"takes 2 inputs and no output, not {len(node.inputs)} and {len(node.outputs)}")
    handle, value = node.input(RESOURCE), node.input(VALUE)
    if handle.type_name not in ("RESOURCE", "INT32") or handle.size != 1:
        raise node.fail(f"input 0 must be one RESOURCE, not {handle.type_name}{list(handle.shape)}")
    rid = node.graph.prepared_handles.get((node.subgraph, node.op.inputs[RESOURCE]))
    if rid is not None:
        node.graph.resources.allocate(rid, value.nbytes, value.zero_point if value.quant is not None else None)
    return OpData(value.nbytes)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    rid = int(inputs[RESOURCE].reshape(-1)[0])
    buffer = node.graph.resources.variable(rid, node.fail, "assigning", data.nbytes)
    buffer[...] = inputs[VALUE].reshape(-1).view(np.uint8)


def memory(node: Node, pointer_bytes: int) -> OpMemory:
    """Prepare takes a temporary of the value only (the id is read as an eval tensor); the
    variable's buffer it may allocate is sized in ``tflm_arena`` (it depends on the whole model)."""
    return OpMemory(tflm_prepare=temps(node, (VALUE,)))


# the C twin keeps no op data; the buffer it may allocate: firmware_arena.resource_tail_bytes
MEMORY = KernelMemory(tflm_op_data="OpDataAssignVariable", c_op_data="", needs=memory)
REGISTRATION = Registration("ASSIGN_VARIABLE", prepare, invoke, memory=MEMORY)
