"""WHILE (TFLM: kernels/while.cc; C twin: firmware/src/kernels/mi_while.c).

The op's inputs are copied into the ``cond`` subgraph's inputs and into the
op's outputs; while ``cond``'s first output is true, the op's outputs are
copied into the ``body`` subgraph's inputs, ``body`` runs, its outputs are
copied back into the op's outputs, and ``cond`` runs again on them: TFLM's
``WhileEval``, copy for copy (``graph.copy_bytes``). A converted recurrent
network (a Keras LSTM without unrolling) loops here once per time step.

Refusals: TFLM's Prepare checks the counts (inputs = outputs = ``cond``'s and
``body``'s inputs = ``body``'s outputs); here the byte lengths and types of
every copy and a bool first output of ``cond`` are checked too, and a loop that
runs ``graph.MAX_WHILE_ITERATIONS`` times is stopped with an error (TFLM would
hang). The module is named ``while.py`` like its TFLM file; ``kernels/__init__.py``
imports it with ``importlib`` (``while`` is a keyword).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..context import Node, Registration
from ..graph import MAX_WHILE_ITERATIONS, check_copies, copy_bytes, while_limit_error
from ..memory.declaration import KernelMemory, OpMemory, c_struct


@dataclass(frozen=True)
class OpData:
    cond_subgraph: int
    body_subgraph: int


def prepare(node: Node) -> OpData:
    opts = node.options
    model = node.graph.model
    cond = model.subgraphs[opts.cond_subgraph_index]  # in range: model.check_subgraph_calls
    body = model.subgraphs[opts.body_subgraph_index]
    check_copies(node.fail, "op outputs", node.inputs, node.outputs)
    check_copies(node.fail, f"inputs of subgraph {opts.cond_subgraph_index}", node.inputs,
                 [cond.tensors[i] for i in cond.inputs])
    check_copies(node.fail, f"inputs of subgraph {opts.body_subgraph_index}", node.outputs,
                 [body.tensors[i] for i in body.inputs])
    check_copies(node.fail, f"outputs of subgraph {opts.body_subgraph_index}",
                 [body.tensors[i] for i in body.outputs], node.outputs)
    if not cond.outputs or cond.tensors[cond.outputs[0]].type_name != "BOOL":
        raise node.fail(f"condition subgraph {opts.cond_subgraph_index} must give a bool as its first output")
    if cond.tensors[cond.outputs[0]].nbytes == 0:
        raise node.fail(f"condition subgraph {opts.cond_subgraph_index}'s first output is empty")
    return OpData(opts.cond_subgraph_index, opts.body_subgraph_index)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    graph = node.graph
    cond, body = data.cond_subgraph, data.body_subgraph
    cond_inputs, body_inputs = graph.inputs(cond), graph.inputs(body)
    body_outputs = graph.outputs(body)
    flag = graph.outputs(cond)[0].reshape(-1)
    for dst, src in zip(cond_inputs, inputs):
        copy_bytes(dst, src)
    for dst, src in zip(outputs, inputs):
        copy_bytes(dst, src)
    graph.invoke(cond)
    iterations = 0
    while bool(flag[0]):
        if iterations == MAX_WHILE_ITERATIONS:
            raise while_limit_error(node)
        iterations += 1
        for dst, src in zip(body_inputs, outputs):
            copy_bytes(dst, src)
        graph.invoke(body)
        for dst, src in zip(outputs, body_outputs):
            copy_bytes(dst, src)
        for dst, src in zip(cond_inputs, outputs):
            copy_bytes(dst, src)
        graph.invoke(cond)


def memory(node: Node, pointer_bytes: int) -> OpMemory:
    """WhilePrepare takes no temporary tensor (while.cc)."""
    return OpMemory(tflm_prepare=())


MEMORY = KernelMemory(tflm_params="TfLiteWhileParams", tflm_op_data="OpDataWhile", c_op_data=c_struct(w=2),
                      needs=memory)
REGISTRATION = Registration("WHILE", prepare, invoke, memory=MEMORY)
