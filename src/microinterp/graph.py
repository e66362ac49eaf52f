"""Subgraphs at run time: what the control-flow kernels call (TFLM's ``MicroGraph``).

A model's subgraph 0 is what ``Interpreter.invoke`` runs; IF, WHILE and
CALL_ONCE run the others (``kernels/if_.py``, ``while_.py``, ``call_once.py``)
through the ``Graph`` every node carries (``Node.graph``): ``invoke(s)`` runs
subgraph ``s``'s operators on their bound arena views, ``inputs(s)`` /
``outputs(s)`` are those views. Tensors are moved between an op and a subgraph
as TFLM's ``CopyOpInputsToSubgraphInputs`` & co. do: a byte copy between two
tensors of the same byte length (``copy_bytes``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .errors import KernelError
from .model import Model, Subgraph, Tensor

#: the most iterations one WHILE runs before it is stopped with an error (C twin:
#: MI_MAX_WHILE_ITERATIONS). TFLM has no bound: a condition that never turns false
#: hangs it. Converted recurrent models loop once per time step (tens to hundreds).
MAX_WHILE_ITERATIONS = 1 << 16


class Graph:
    """Every subgraph's work list and tensor views, bound by the interpreter."""

    def __init__(self, model: Model) -> None:
        self.model = model
        n = len(model.subgraphs)
        #: per subgraph: (kernel invoke, node, op data, inputs, outputs) per operator
        self.calls: list[list[tuple[Any, ...]]] = [[] for _ in range(n)]
        #: per subgraph: the array of every tensor (None until bound)
        self.arrays: list[list[np.ndarray | None]] = [[] for _ in range(n)]
        #: per subgraph: how many times it has run (subgraph 0 counts ``Interpreter.invoke`` calls
        #: only through ``invoke(0)``); a subgraph that never ran holds no result yet
        self.invocations = [0] * n
        #: run by ``Interpreter.reset()`` after the variable tensors (resource variables reset here)
        self.reset_hooks: list[Callable[[], None]] = []

    @property
    def num_subgraphs(self) -> int:
        return len(self.model.subgraphs)

    def subgraph(self, s: int) -> Subgraph:
        return self.model.subgraphs[s]

    def invoke(self, s: int) -> None:
        """Run subgraph ``s`` once (TFLM's ``MicroGraph::InvokeSubgraph``)."""
        self.invocations[s] += 1
        for fn, node, data, ins, outs in self.calls[s]:
            fn(node, data, ins, outs)

    def inputs(self, s: int) -> list[np.ndarray]:
        arrays = self.arrays[s]
        return [arrays[i] for i in self.model.subgraphs[s].inputs]  # type: ignore[misc]

    def outputs(self, s: int) -> list[np.ndarray]:
        arrays = self.arrays[s]
        return [arrays[i] for i in self.model.subgraphs[s].outputs]  # type: ignore[misc]


def copy_bytes(dst: np.ndarray, src: np.ndarray) -> None:
    """``memcpy(dst, src, nbytes)`` between two tensors of equal byte length, skipped when
    they are the same bytes (as TFLM skips it when the data pointers are equal)."""
    if dst.nbytes and not np.shares_memory(dst, src):
        dst.reshape(-1).view(np.uint8)[...] = src.reshape(-1).view(np.uint8)


def check_copies(fail: Any, what: str, sources: Sequence[Tensor | None], targets: Sequence[Tensor]) -> None:
    """Refuse a copy TFLM would refuse when it runs (``ValidateAndGetTensorSizes``: the two
    byte lengths differ) or that would mix types (TFLM only checks that in debug builds)."""
    if len(sources) != len(targets):
        raise fail(f"{what}: {len(sources)} tensors for {len(targets)}")
    for k, (a, b) in enumerate(zip(sources, targets)):
        if a is None:
            raise fail(f"{what}: tensor {k} is missing")
        if a.type_name != b.type_name or a.nbytes != b.nbytes:
            raise fail(f"{what}: tensor {k} is {a.type_name}{list(a.shape)} but its counterpart is "
                       f"{b.type_name}{list(b.shape)} (TFLM copies equal byte lengths of one type)")


def while_limit_error(node: Any) -> KernelError:
    return KernelError(f"operator {node.index} (WHILE): the loop did not end after {MAX_WHILE_ITERATIONS} "
                       "iterations (its condition never turned false); stopped")
