"""Subgraphs and resource variables at run time (TFLM's ``MicroGraph`` and
``MicroResourceVariables``).

A model's subgraph 0 is what ``Interpreter.invoke`` runs; IF, WHILE and
CALL_ONCE run the others (``kernels/if_.py``, ``while_.py``, ``call_once.py``)
through the ``Graph`` every node carries (``Node.graph``): ``invoke(s)`` runs
subgraph ``s``'s operators on their bound arena views, ``inputs(s)`` /
``outputs(s)`` are those views. Tensors are moved between an op and a subgraph
as TFLM's ``CopyOpInputsToSubgraphInputs`` & co. do: a byte copy between two
tensors of the same byte length (``copy_bytes``).

Resource variables (``ResourceVariables``, used by VAR_HANDLE, READ_VARIABLE and
ASSIGN_VARIABLE) live in ``Graph.resources``: one slot per unique shared name
of the model's VAR_HANDLE ops, as the TFLM Python interpreter creates them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
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
        self.calls: list[list[Callable[[], None]]] = [[] for _ in range(n)]  # bound calls (context.bound_call)
        #: per subgraph: the array of every tensor (None until bound)
        self.arrays: list[list[np.ndarray | None]] = [[] for _ in range(n)]
        #: per subgraph: how many times it has run (subgraph 0 counts ``Interpreter.invoke`` calls
        #: only through ``invoke(0)``); a subgraph that never ran holds no result yet
        self.invocations = [0] * n
        self.resources = ResourceVariables(count_resource_variables(model))
        #: resource ids VAR_HANDLE's prepare put in its output, by (subgraph, tensor): TFLM points the
        #: output at the id in prepare, so a later ASSIGN_VARIABLE's prepare can read it
        self.prepared_handles: dict[tuple[int, int], int] = {}
        #: run by ``Interpreter.reset()`` after the variable tensors
        self.reset_hooks: list[Callable[[], None]] = [self.resources.reset_all]

    @property
    def num_subgraphs(self) -> int:
        return len(self.model.subgraphs)

    def subgraph(self, s: int) -> Subgraph:
        return self.model.subgraphs[s]

    def invoke(self, s: int) -> None:
        """Run subgraph ``s`` once (TFLM's ``MicroGraph::InvokeSubgraph``)."""
        self.invocations[s] += 1
        for call in self.calls[s]:
            call()

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


def count_resource_variables(model: Model) -> int:
    """Unique shared names over every VAR_HANDLE of the model: the number of resource
    variables the TFLM Python interpreter creates (``count_resource_variables``)."""
    return len({op.options.shared_name for sg in model.subgraphs for op in sg.operators
                if op.name == "VAR_HANDLE" and op.options is not None})


@dataclass
class ResourceVariable:
    container: str | None
    shared_name: str
    buffer: np.ndarray | None = None  # uint8, allocated by the first ASSIGN_VARIABLE's prepare
    default: int = 0  # the byte a reset fills it with


class ResourceVariables:
    """TFLM's ``MicroResourceVariables``: at most ``capacity`` variables, each a buffer of
    bytes found by (container, shared name), filled with its default byte on reset."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.variables: list[ResourceVariable] = []

    def find(self, container: str | None, shared_name: str) -> int:
        for i, v in enumerate(self.variables):
            if (container is None or container == v.container) and shared_name == v.shared_name:
                return i
        return -1

    def create_id(self, container: str | None, shared_name: str) -> int:
        """``CreateIdIfNoneFound``: the variable's id, a new one if none matches; -1 when full."""
        found = self.find(container, shared_name)
        if found >= 0:
            return found
        if len(self.variables) >= self.capacity:
            return -1
        self.variables.append(ResourceVariable(container, shared_name))
        return len(self.variables) - 1

    def allocate(self, rid: int, nbytes: int, zero_point: int | None) -> None:
        """``Allocate``: the first call sizes the buffer and fills it with the value tensor's
        zero point taken as an int8 (TFLM's ``memset`` with it), or 0 without quantization."""
        v = self.variables[rid]
        if v.buffer is None:
            v.default = (zero_point or 0) & 0xFF
            v.buffer = np.full(nbytes, v.default, np.uint8)

    def variable(self, rid: int, fail: Any, action: str, nbytes: int) -> np.ndarray:
        """The buffer of variable ``rid``, refused by name where TFLM fails or reads out of bounds."""
        if not 0 <= rid < len(self.variables):
            raise fail(f"{action} resource variable {rid}, which does not exist")
        buffer = self.variables[rid].buffer
        if buffer is None:
            raise fail(f"{action} resource variable {rid} ({self.variables[rid].shared_name!r}) before any "
                       "ASSIGN_VARIABLE sized it")
        if buffer.nbytes != nbytes:
            raise fail(f"{action} resource variable {rid} ({self.variables[rid].shared_name!r}): it holds "
                       f"{buffer.nbytes} bytes, the tensor {nbytes}")
        return buffer

    def reset_all(self) -> None:
        for v in self.variables:
            if v.buffer is not None:
                v.buffer[...] = v.default
