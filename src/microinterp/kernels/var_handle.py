"""VAR_HANDLE (TFLM: kernels/var_handle.cc, micro_resource_variable.cc; C twin: none yet).

Gives the id of the resource variable named by its options (container, shared
name): found or created in prepare, in prepare order over every subgraph, as
TFLM's ``CreateIdIfNoneFound``; its output (a RESOURCE tensor, one int32)
holds that id. TFLM points the output at the id in its op data instead of
planning it, so the output takes no arena bytes (``memory/requests.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..context import Node, Registration
from ..memory.declaration import KernelMemory, OpMemory

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


MEMORY = KernelMemory(tflm_params="TfLiteVarHandleParams", tflm_op_data="OpDataVarHandle", needs=memory)
REGISTRATION = Registration("VAR_HANDLE", prepare, invoke, memory=MEMORY)
