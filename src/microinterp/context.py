"""What a kernel sees: its ``Node`` (parsed operator + tensor metadata) and
the ``Registration`` that binds an op name to ``prepare``/``invoke``.

Mirrors TFLM's split: ``prepare`` runs once at allocation time, reads shapes,
dtypes and quantization, computes every scale-derived value (multipliers,
shifts, LUTs); ``invoke`` runs per inference on numpy views into the arena
and does no float math on integer paths. The arena memory a kernel needs
besides its tensors (scratch, persistent data, its C twin's op data) is not
requested in prepare but declared once in ``Registration.memory``
(``memory/declaration.py``), so the interpreter, TFLM sizing and the C-port
sizing read the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .errors import KernelError, UnsupportedOpError
from .memory.declaration import KernelMemory
from .model import Operator, Subgraph, Tensor


@dataclass
class Node:
    """One operator as its kernel sees it."""

    index: int
    op: Operator
    inputs: tuple[Tensor | None, ...]
    outputs: tuple[Tensor, ...]
    scratch: list[np.ndarray] = field(default_factory=list)  # bound by the interpreter

    @property
    def name(self) -> str:
        return self.op.name

    @property
    def options(self) -> Any:
        return self.op.options

    def input(self, i: int) -> Tensor:
        """Input ``i``; a missing or optional-absent input is a model error."""
        if i >= len(self.inputs) or self.inputs[i] is None:
            raise KernelError(f"operator {self.index} ({self.name}): input {i} is missing")
        return self.inputs[i]  # type: ignore[return-value]

    def optional_input(self, i: int) -> Tensor | None:
        return self.inputs[i] if i < len(self.inputs) else None

    def output(self, i: int) -> Tensor:
        if i >= len(self.outputs):
            raise KernelError(f"operator {self.index} ({self.name}): output {i} is missing")
        return self.outputs[i]

    def fail(self, message: str) -> KernelError:
        """A prepare-time error that names this operator."""
        return KernelError(f"operator {self.index} ({self.name}): {message}")

    def unsupported(self, message: str) -> UnsupportedOpError:
        """The op exists but this dtype/parameter combination has no kernel."""
        return UnsupportedOpError(f"operator {self.index} ({self.name}): {message}")


PrepareFn = Callable[[Node], Any]
InvokeFn = Callable[[Node, Any, Sequence["np.ndarray | None"], Sequence[np.ndarray]], None]
ResetFn = Callable[[Any], None]


@dataclass(frozen=True)
class Registration:
    """A kernel: ``prepare(node) -> op_data`` once, ``invoke(node, op_data, inputs, outputs)`` per run,
    and the arena memory it needs besides its tensors (``None``: none that is known;
    sizes of models with the op are then approximate). ``reset(op_data)``, for a
    kernel that keeps state across invokes in its op data (TFLM's ``reset``, e.g. a
    noise estimate), restores the state ``Interpreter.reset()`` promises."""

    name: str
    prepare: PrepareFn
    invoke: InvokeFn
    doc: str = ""
    memory: KernelMemory | None = None
    reset: ResetFn | None = None


def nodes_of(subgraph: Subgraph) -> list[Node]:
    """Every operator of ``subgraph`` as its kernel sees it, in execution order."""
    tensors = subgraph.tensors
    return [Node(index=op.index, op=op, inputs=tuple(tensors[i] if i >= 0 else None for i in op.inputs),
                 outputs=tuple(tensors[i] for i in op.outputs))
            for op in subgraph.operators]
