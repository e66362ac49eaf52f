"""VAR_HANDLE (TFLM: kernels/var_handle.cc, micro_resource_variable.cc; C twin: mi_var_handle.c).

Gives the id of the resource variable named by its options (container, shared
name): found or created in prepare, in prepare order over every subgraph, as
TFLM's ``CreateIdIfNoneFound``; its output (a RESOURCE tensor, one int32)
holds that id. TFLM points the output at the id in its op data instead of
planning it, so the output takes no arena bytes (``memory/requests.py``).
The C twin keeps the variables' table in the persistent tail, allocated by
the first VAR_HANDLE prepared (``memory/firmware_arena.py`` sizes it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..context import Node, Registration
from ..memory.declaration import KernelMemory, OpMemory, c_struct

OUTPUT = 0


@dataclass(frozen=True)
class OpData:
    resource_id: int


def prepare(node: Node) -> OpData:
    opts = node.options
    out = node.output(OUTPUT)
    if out.type_name != "RESOURCE" or out.size != 1:
        raise node.fail(f"the output must be one RESOURCE, not {out.type_name}{list(out.shape)}")
    if not opts.shared_name:
        raise node.fail("the variable has no shared_name")
    resources = node.graph.resources
    rid = resources.create_id(opts.container or None, opts.shared_name)
    if rid < 0:
        raise node.fail(f"more resource variables than the {resources.capacity} unique shared names "
                        "(TFLM: maximum resource variable count reached)")
    node.graph.prepared_handles[(node.subgraph, node.op.outputs[OUTPUT])] = rid
    return OpData(rid)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    outputs[OUTPUT].reshape(-1)[0] = data.resource_id


def memory(node: Node, pointer_bytes: int) -> OpMemory:
    """VarHandlePrepare reads its output as an eval tensor: no temporary (var_handle.cc)."""
    return OpMemory(tflm_prepare=())


# C op data: the resource id its output points at. The table of variables the first
# VAR_HANDLE allocates depends on the whole model: firmware_arena.resource_tail_bytes.
MEMORY = KernelMemory(tflm_params="TfLiteVarHandleParams", tflm_op_data="OpDataVarHandle", c_op_data=c_struct(w=1),
                      needs=memory)
REGISTRATION = Registration("VAR_HANDLE", prepare, invoke, memory=MEMORY)
