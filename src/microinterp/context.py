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

import dataclasses
import functools
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
    subgraph: int = 0  # the subgraph the operator is in
    graph: Any = None  # the interpreter's ``graph.Graph`` (control-flow kernels run subgraphs through it)

    @property
    def name(self) -> str:
        return self.op.name

    @property
    def where(self) -> str:
        """``operator 3 (ADD)``, with its subgraph when it is not subgraph 0."""
        sub = f"subgraph {self.subgraph} " if self.subgraph else ""
        return f"{sub}operator {self.index} ({self.name})"

    @property
    def options(self) -> Any:
        return self.op.options

    def input(self, i: int) -> Tensor:
        """Input ``i``; a missing or optional-absent input is a model error."""
        if i >= len(self.inputs) or self.inputs[i] is None:
            raise KernelError(f"{self.where}: input {i} is missing")
        return self.inputs[i]  # type: ignore[return-value]

    def optional_input(self, i: int) -> Tensor | None:
        return self.inputs[i] if i < len(self.inputs) else None

    def output(self, i: int) -> Tensor:
        if i >= len(self.outputs):
            raise KernelError(f"{self.where}: output {i} is missing")
        return self.outputs[i]

    def fail(self, message: str) -> KernelError:
        """A prepare-time error that names this operator."""
        return KernelError(f"{self.where}: {message}")

    def unsupported(self, message: str) -> UnsupportedOpError:
        """The op exists but this dtype/parameter combination has no kernel."""
        return UnsupportedOpError(f"{self.where}: {message}")


class EndInvoke(Exception):  # noqa: N818 - a signal, not an error
    """Raised by a kernel's invoke to end the current run after it, successfully
    (TFLM's ``kTfLiteAbort``, which ``MicroInterpreter::Invoke`` reports as success):
    the operators after it do not run and keep their previous outputs."""


PrepareFn = Callable[[Node], Any]
InvokeFn = Callable[[Node, Any, Sequence["np.ndarray | None"], Sequence[np.ndarray]], None]
ResetFn = Callable[[Any], None]
BindFn = Callable[[Node, Any, Sequence["np.ndarray | None"], Sequence[np.ndarray]], Callable[[], None]]


@dataclass(frozen=True)
class Registration:
    """A kernel: ``prepare(node) -> op_data`` once, ``invoke(node, op_data, inputs, outputs)`` per run,
    and the arena memory it needs besides its tensors (``None``: none that is known;
    sizes of models with the op are then approximate). ``reset(op_data)``, for a
    kernel that keeps state across invokes in its op data (TFLM's ``reset``, e.g. a
    noise estimate), restores the state ``Interpreter.reset()`` promises.

    ``bind`` (optional) is ``invoke`` specialised to the arrays the interpreter bound:
    ``bind(node, op_data, inputs, outputs)`` returns a call without arguments that does
    what ``invoke`` does on those arrays. The arena views of a tensor never change after
    allocation, so a kernel can build its views, index arrays and buffers there once; on
    tiny tensors that per-invoke set-up is most of an op's time. ``bind`` must compute
    exactly what ``invoke`` computes (the traced path still calls ``invoke``)."""

    name: str
    prepare: PrepareFn
    invoke: InvokeFn
    doc: str = ""
    memory: KernelMemory | None = None
    reset: ResetFn | None = None
    bind: BindFn | None = None


def bound_call(reg: Registration, node: Node, op_data: Any, inputs: Sequence[np.ndarray | None],
               outputs: Sequence[np.ndarray]) -> Callable[[], None]:
    """The call the invoke loop makes for one operator: the kernel's ``bind``, else its
    ``invoke`` with its arguments fixed."""
    if reg.bind is not None:
        return reg.bind(node, op_data, inputs, outputs)
    return functools.partial(reg.invoke, node, op_data, inputs, outputs)


def nodes_of(subgraph: Subgraph, index: int = 0) -> list[Node]:
    """Every operator of ``subgraph`` (subgraph ``index`` of its model) as its kernel sees
    it, in execution order."""
    tensors = _with_decoded(subgraph)
    return [Node(index=op.index, op=op, inputs=tuple(tensors[i] if i >= 0 else None for i in op.inputs),
                 outputs=tuple(tensors[i] for i in op.outputs), subgraph=index)
            for op in subgraph.operators]


def _with_decoded(subgraph: Subgraph) -> tuple[Tensor, ...]:
    """The subgraph's tensors as kernels see them: a TFLM_DECODE output carries its
    decoded values as ``data``, so a consumer that needs constant weights (CONV_2D
    folds its filter in prepare) reads them as TFLM's kernel reads the decoded arena
    tensor. The model's own tensors stay non-constant: the arena plans them, as TFLM's."""
    decodes = [op for op in subgraph.operators if op.name == "CUSTOM:TFLM_DECODE"]
    if not decodes:
        return subgraph.tensors
    from .kernels import decode  # the kernel package imports this module

    tensors = list(subgraph.tensors)
    for op in decodes:
        node = Node(index=op.index, op=op, inputs=tuple(tensors[i] if i >= 0 else None for i in op.inputs),
                    outputs=tuple(tensors[i] for i in op.outputs))
        values = decode.decoded_values(node)
        for k, out in enumerate(op.outputs):
            if values is not None and tensors[out].dtype is not None:
                data = values[k].view(tensors[out].dtype).reshape(tensors[out].shape)
                tensors[out] = dataclasses.replace(tensors[out], data=data)
    return tuple(tensors)
