"""CALL_ONCE (TFLM: kernels/call_once.cc; C twin: firmware/src/kernels/mi_call_once.c).

Runs its ``init`` subgraph the first time the op is invoked and does nothing
afterwards, for the life of the interpreter: TFLM's kernel has no reset
function, so ``Interpreter.reset()`` does not make it run again (converted
models use it to initialise resource variables, which a reset sets back to
their defaults, as in TFLM). The op takes no inputs and gives no outputs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..context import Node, Registration
from ..memory.declaration import KernelMemory, OpMemory, c_struct


@dataclass(frozen=True)
class OpData:
    init_subgraph: int
    has_run: list[bool] = field(default_factory=lambda: [False])  # the one mutable flag, as TFLM's OpData


def prepare(node: Node) -> OpData:
    if node.op.inputs or node.op.outputs:
        raise node.fail(f"takes no inputs and no outputs, not {len(node.op.inputs)} and {len(node.op.outputs)}")
    return OpData(node.options.init_subgraph_index)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    if data.has_run[0]:
        return
    node.graph.invoke(data.init_subgraph)
    data.has_run[0] = True


def memory(node: Node, pointer_bytes: int) -> OpMemory:
    """CallOncePrepare takes no temporary tensor (call_once.cc)."""
    return OpMemory(tflm_prepare=())


MEMORY = KernelMemory(tflm_params="TfLiteCallOnceParams", tflm_op_data="OpDataCallOnce",
                      c_op_data=c_struct(w=1, b=1), needs=memory)
REGISTRATION = Registration("CALL_ONCE", prepare, invoke, memory=MEMORY)
