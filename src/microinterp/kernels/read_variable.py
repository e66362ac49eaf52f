"""READ_VARIABLE (TFLM: kernels/read_variable.cc, micro_resource_variable.cc; C twin: mi_read_variable.c).

Copies the bytes of the resource variable whose id is in input 0 into the
output. TFLM only checks (in debug builds) that the variable exists, is
allocated and has the output's byte length, and would copy from a null
buffer or past the output otherwise; here each is an error naming the op.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..context import Node, Registration
from ..memory.declaration import KernelMemory, OpMemory, temps

RESOURCE, OUTPUT = 0, 0


def prepare(node: Node) -> None:
    handle = node.input(RESOURCE)
    if handle.type_name != "RESOURCE" or handle.size != 1:
        raise node.fail(f"input 0 must be one RESOURCE, not {handle.type_name}{list(handle.shape)}")
    if len(node.inputs) != 1 or len(node.outputs) != 1:
        raise node.fail(f"takes 1 input and 1 output, not {len(node.inputs)} and {len(node.outputs)}")


def invoke(node: Node, data: None, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    out = outputs[OUTPUT]
    rid = int(inputs[RESOURCE].reshape(-1)[0])
    buffer = node.graph.resources.variable(rid, node.fail, "reading", out.nbytes)
    out.reshape(-1).view(np.uint8)[...] = buffer


def memory(node: Node, pointer_bytes: int) -> OpMemory:
    """Prepare takes a temporary of the resource input only (read_variable.cc)."""
    return OpMemory(tflm_prepare=temps(node, (RESOURCE,)))


MEMORY = KernelMemory(c_op_data="", needs=memory)  # the C twin keeps no op data
REGISTRATION = Registration("READ_VARIABLE", prepare, invoke, memory=MEMORY)
