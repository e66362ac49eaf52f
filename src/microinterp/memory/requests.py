"""A model -> the buffers its arena must hold: the one place that decides it.

``model_requests`` is used by the interpreter (its own arena), by
``tflm_arena.py`` (TFLM's arena on a target) and by ``firmware_arena.py`` (the
C port's), so the three can only differ where the runtimes really differ:

* planned in the head: every non-constant, non-empty tensor of every
  subgraph, subgraph by subgraph in tensor order, padded to
  ``BUFFER_ALIGNMENT``, living from its first to its last use
  (``planner.graph_lifetimes``: TFLM walks control flow into the subgraphs an
  IF / WHILE / CALL_ONCE invokes), except VAR_HANDLE outputs (TFLM points
  them at the resource id in the op's data); then each operator's scratch
  buffers (TFLM and the interpreter: ``OpMemory.scratch``; the C port:
  ``OpMemory.c_scratch``, which depends on the core's DSP extension), in
  request order, living while their op runs;
* variable tensors stay in the persistent tail, except that TFLM (and so the
  interpreter) plans a variable with an offline offset in the head like any
  other tensor; the C port keeps every variable in the tail;
* an ``OfflineMemoryAllocation`` plan in the model pins its tensors' offsets
  (``offline_plan.read_offline_plan`` checks it once for everyone);
* each operator's declared needs (``declaration.OpMemory``), read from its
  kernel's ``Registration.memory``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ..context import Node, nodes_of
from ..errors import KernelError, MicrointerpError, ModelError
from ..model import Model, Subgraph, subgraph_calls
from .declaration import HOST_POINTER_BYTES, KernelMemory, OpMemory, TflmEvent, temps
from .offline_plan import read_offline_plan
from .planner import ONLINE, BufferRequest, GraphShape, align_up, graph_lifetimes

Runtime = Literal["tflm", "c"]

#: TFLM ops microinterp has no kernel for, whose options struct TFLM's parser
#: still allocates (their Prepare is not modelled: sizes are approximate)
TFLM_ONLY_OPS: dict[str, KernelMemory] = {
    "REDUCE_PROD": KernelMemory(tflm_params="TfLiteReducerParams", modelled=False),
    "LSTM": KernelMemory(tflm_params="TfLiteLSTMParams", modelled=False),
}

#: ``offline=`` default: read the model's own ``OfflineMemoryAllocation`` entry
FROM_MODEL = "model"


@dataclass(frozen=True)
class ModelRequests:
    """The buffers of one model's arena, as one runtime lays it out.

    ``owners[i]`` names ``requests[i]``: ``"tensor:<index>"`` or
    ``"scratch:<op>:<k>"`` in subgraph 0, ``"sg<s>:tensor:<index>"`` or
    ``"sg<s>:scratch:<op>:<k>"`` in subgraph ``s`` > 0 (``owner_name``), in TFLM's
    order (tensors subgraph by subgraph by index, then scratch buffers in request
    order), so ``plan_greedy`` matches TFLM exactly.
    ``tail_variables``: variable tensors of subgraph 0 kept in the persistent tail,
    by index; ``subgraph_tail_variables``: those of other subgraphs, as (subgraph, index).
    ``nodes[i]``, ``ops[i]``, ``kernels[i]``: operator ``i``, its needs and its kernel's
    declaration (``None``: nothing known about it).
    """

    requests: tuple[BufferRequest, ...]
    owners: tuple[str, ...]
    tail_variables: tuple[int, ...]
    offline: bool
    nodes: tuple[Node, ...]
    ops: tuple[OpMemory, ...]
    kernels: tuple[KernelMemory | None, ...]
    subgraph_tail_variables: tuple[tuple[int, int], ...] = ()

    @property
    def approximate_ops(self) -> tuple[str, ...]:
        """Op names whose memory is not (fully) modelled, sorted."""
        return tuple(sorted({n.name for n, k in zip(self.nodes, self.kernels) if k is None or not k.modelled}))


def owner_name(subgraph: int, kind: str, *ids: int) -> str:
    """The owner of a planned buffer: ``tensor:<index>`` / ``scratch:<op>:<k>`` in subgraph 0
    (the names every single-subgraph tool reads), prefixed ``sg<s>:`` in subgraph ``s``."""
    name = ":".join((kind, *map(str, ids)))
    return name if subgraph == 0 else f"sg{subgraph}:{name}"


def parse_owner(owner: str) -> tuple[int, str, tuple[int, ...]]:
    """``owner_name``'s inverse: (subgraph, ``"tensor"`` or ``"scratch"``, ids)."""
    head, _, rest = owner.partition(":")
    if head.startswith("sg") and head[2:].isdigit():
        kind, _, ids = rest.partition(":")
        return int(head[2:]), kind, tuple(int(i) for i in ids.split(":"))
    return 0, head, tuple(int(i) for i in rest.split(":"))


def subgraph_shapes(model: Model) -> list[GraphShape]:
    """Every subgraph of ``model`` on integers, for ``planner.graph_lifetimes``."""
    return [GraphShape(len(sg.tensors), sg.inputs, [op.inputs for op in sg.operators],
                       [op.outputs for op in sg.operators], sg.outputs,
                       [subgraph_calls(op) for op in sg.operators]) for sg in model.subgraphs]


def builtin_memory() -> dict[str, KernelMemory]:
    """Every declaration known without an interpreter: the builtin kernels' and
    ``TFLM_ONLY_OPS``."""
    from ..kernels import BUILTIN_KERNELS

    out = dict(TFLM_ONLY_OPS)
    out.update({reg.name: reg.memory for reg in BUILTIN_KERNELS if reg.memory is not None})
    return out


def op_needs(node: Node, declaration: KernelMemory | None, pointer_bytes: int) -> OpMemory:
    """``declaration``'s needs for one operator; a declaration that cannot read the
    operator (a malformed model) is a clear error naming it."""
    if declaration is None:
        return OpMemory()
    try:
        return declaration.of(node, pointer_bytes)
    except MicrointerpError:
        raise
    except (ValueError, TypeError, IndexError, KeyError, AttributeError, ZeroDivisionError) as e:
        raise KernelError(f"operator {node.index} ({node.name}): cannot size its memory: {e}") from e


def subgraph_needs(subgraph: Subgraph, declarations: dict[str, KernelMemory], pointer_bytes: int
                   ) -> list[tuple[Node, KernelMemory | None, OpMemory]]:
    """Every operator of ``subgraph`` with its kernel's declaration and its needs."""
    out = []
    for node in nodes_of(subgraph):
        kernel = declarations.get(node.name)
        out.append((node, kernel, op_needs(node, kernel, pointer_bytes)))
    return out


def tflm_prepare(node: Node, needs: OpMemory) -> tuple[TflmEvent, ...]:
    """The TFLM Prepare events of one operator: as declared, or by default a
    temporary tensor for every input, then every output."""
    if needs.tflm_prepare is not None:
        return needs.tflm_prepare
    return temps(node, tuple(range(len(node.op.inputs))), tuple(range(len(node.op.outputs))))


def model_requests(model: Model, *, runtime: Runtime = "tflm", pointer_bytes: int = HOST_POINTER_BYTES,
                   declarations: dict[str, KernelMemory] | None = None,
                   offline: Sequence[int] | str | None = FROM_MODEL, dsp: bool = False) -> ModelRequests:
    """The buffer requests of ``model``'s main subgraph for ``runtime``.

    ``declarations`` maps op names to kernel declarations (default: the builtin
    kernels'); ``offline`` is ``FROM_MODEL`` (the model's own plan, if any),
    ``None`` (plan everything online) or one offset per tensor of every
    subgraph (``-1`` = online), e.g. a plan about to be written into the model.
    ``dsp`` (C runtime only): the core has the DSP extension, whose kernels' fast
    paths may request other scratch (``OpMemory.c_scratch_dsp``).
    """
    sg = model.main
    decl = builtin_memory() if declarations is None else declarations
    offsets = read_offline_plan(model) if isinstance(offline, str) else offline
    if offsets is not None:
        total = sum(len(s.tensors) for s in model.subgraphs)
        if len(offsets) != total:
            raise ModelError(f"OfflineMemoryAllocation holds {len(offsets)} offsets but the model has {total} tensors")
    lifetimes, op_times = graph_lifetimes(subgraph_shapes(model))
    requests: list[BufferRequest] = []
    owners: list[str] = []
    tail: list[int] = []
    sub_tail: list[tuple[int, int]] = []
    base = 0
    for s, graph in enumerate(model.subgraphs):
        # VAR_HANDLE points its output at the id in its op data during prepare: never planned
        handles = {i for op in graph.operators if op.name == "VAR_HANDLE" for i in op.outputs}
        for t in graph.tensors:
            if t.is_constant or t.index in handles:
                continue
            fixed = offsets[base + t.index] if offsets is not None else ONLINE
            if t.is_variable and (runtime == "c" or fixed == ONLINE):
                if s == 0:
                    tail.append(t.index)
                else:
                    sub_tail.append((s, t.index))
                continue
            if t.nbytes == 0:
                continue
            first, last = lifetimes[s][t.index]
            requests.append(BufferRequest(align_up(t.nbytes), first, last, fixed))
            owners.append(owner_name(s, "tensor", t.index))
        base += len(graph.tensors)
    needs = subgraph_needs(sg, decl, pointer_bytes)
    nodes = [node for node, _, _ in needs]
    kernels = [kernel for _, kernel, _ in needs]
    ops = [op for _, _, op in needs]
    for s, graph in enumerate(model.subgraphs):
        graph_ops = ops if s == 0 else [op for _, _, op in subgraph_needs(graph, decl, pointer_bytes)]
        for index, op_needs_ in enumerate(graph_ops):
            first, last = op_times[s][index]
            for k, nbytes in enumerate(op_needs_.scratch if runtime == "tflm" else op_needs_.c_scratch_on(dsp)):
                requests.append(BufferRequest(align_up(nbytes), first, last))
                owners.append(owner_name(s, "scratch", index, k))
    return ModelRequests(tuple(requests), tuple(owners), tuple(tail), offsets is not None, tuple(nodes),
                         tuple(ops), tuple(kernels), tuple(sub_tail))
