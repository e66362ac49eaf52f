"""IF (TFLM: kernels/if.cc; C twin: firmware/src/kernels/mi_if.c).

Input 0 is a one-element bool condition; the other inputs are copied byte for
byte into the inputs of the ``then`` subgraph (condition true) or the ``else``
subgraph, that subgraph runs, and its outputs are copied into the op's outputs
(``graph.copy_bytes``, TFLM's ``CopyOpInputsToSubgraphInputs`` and
``CopySubgraphOutputsToOpOutputs``). TFLM's Prepare only compares the op's
input and output counts with the ``then`` subgraph's and its Eval refuses a copy
between tensors of different byte lengths when the branch runs; here both
branches are checked in prepare, so a model that could fail half-way through an
invoke is refused before it runs. The module is named ``if.py`` like its TFLM
file; ``kernels/__init__.py`` imports it with ``importlib`` (``if`` is a keyword).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..context import Node, Registration
from ..graph import check_copies, copy_bytes
from ..memory.declaration import KernelMemory, OpMemory, c_struct, temps

COND = 0


@dataclass(frozen=True)
class OpData:
    then_subgraph: int
    else_subgraph: int


def prepare(node: Node) -> OpData:
    opts = node.options
    cond = node.input(COND)
    if cond.type_name != "BOOL" or cond.size != 1:
        raise node.fail(f"the condition must be one bool, not {cond.type_name}{list(cond.shape)}")
    model = node.graph.model
    args = node.inputs[1:]
    for branch in (opts.then_subgraph_index, opts.else_subgraph_index):
        sg = model.subgraphs[branch]  # in range: model.check_subgraph_calls
        check_copies(node.fail, f"inputs of subgraph {branch}", args, [sg.tensors[i] for i in sg.inputs])
        if sg.outputs:  # TFLM copies nothing back from a branch without outputs
            check_copies(node.fail, f"outputs of subgraph {branch}", [sg.tensors[i] for i in sg.outputs],
                         node.outputs)
        elif branch == opts.then_subgraph_index and node.outputs:
            raise node.fail(f"{len(node.outputs)} outputs but subgraph {branch} has none")
    return OpData(opts.then_subgraph_index, opts.else_subgraph_index)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    graph = node.graph
    branch = data.then_subgraph if bool(inputs[COND].reshape(-1)[0]) else data.else_subgraph
    for dst, src in zip(graph.inputs(branch), inputs[1:]):
        copy_bytes(dst, src)
    graph.invoke(branch)
    results = graph.outputs(branch)
    if results:
        for dst, src in zip(outputs, results):
            copy_bytes(dst, src)


def memory(node: Node, pointer_bytes: int) -> OpMemory:
    """IfPrepare takes a temporary of the condition only (if.cc)."""
    return OpMemory(tflm_prepare=temps(node, (COND,)))


MEMORY = KernelMemory(tflm_params="TfLiteIfParams", tflm_op_data="OpDataIf", c_op_data=c_struct(w=2), needs=memory)
REGISTRATION = Registration("IF", prepare, invoke, memory=MEMORY)
