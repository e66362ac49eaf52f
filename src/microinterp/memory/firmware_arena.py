"""The exact tensor-arena bytes the C port (``firmware/``) needs, predicted in Python.

Why it exists: a firmware author must size a static arena before flashing.
The C port never mallocs; ``mi_interpreter_allocate`` carves everything out of
one arena (``firmware/include/mi/mi_arena.h``):

* the **planned head**: every non-constant, non-variable tensor at the offsets
  of the same greedy planner as ``planner.py`` (``mi_planner.c`` is its
  line-for-line twin), or at the offsets of the model's
  ``OfflineMemoryAllocation`` plan when it carries one;
* in a model that opts in (``overlap.with_overlap``) and where a C kernel declares
  it (``OpMemory.c_overlap``, its ``mi_allow_overlap`` call), an operator's
  output **overlapping** the input that dies at it: the
  output may start ``distance`` bytes before the input and run on over it, as its
  write order allows (``overlap.py`` argues the distance); the planner
  (``planner.overlap_extent``) applies it, so the head can be smaller than any
  plan of disjoint buffers. The Python interpreter and TFLM's layout never
  overlap;
* the **temporary peak** at the head while planning (the planner's work lists:
  32 bytes per planned buffer), which can exceed the head for tiny models;
* the **persistent tail**: the tensor and node tables, variable tensors, each
  kernel's op data and its per-channel multiplier/shift arrays, as each kernel
  declares them (``c_op_data`` and ``OpMemory.c_arrays`` in its Python twin's
  ``Registration.memory``; none for the operators a model's ahead-of-time
  prepare image covers, ``fw/aot.py``), and an ``mi_scratch_t`` per scratch request;
* the C port's **resource variables** (``kernels/mi_resource_variables.h``): their
  table, allocated by the first VAR_HANDLE prepared, and each variable's buffer,
  allocated by the first ASSIGN_VARIABLE that knows its id (``_ResourceTail``);
* the kernels' **scratch buffers** (``OpMemory.c_scratch``, requested through
  ``mi_request_scratch`` in prepare), planned in the head with the tensors,
  each living while its op runs. A core with the DSP extension (Cortex-M4/M4F)
  runs fast paths that may ask for other scratch (``c_scratch_dsp``), so the
  prediction depends on the core, not only on the ABI.

``used = max(head, temporary peak) + tail rounded up to 16``. This module
replays that sequence with the C struct sizes of each ABI, computed from the
field lists below with C's alignment rules; ``tests/firmware`` checks the
field lists against ``sizeof`` from the compiled objects (host and
arm-none-eabi), and every model check compares the prediction with the bytes
the firmware reports.

Targets: ``host``/``host-asan``/``host64`` use 8-byte pointers (LP64);
``cortex-m*`` (``cortex-m0plus``, ``cortex-m4``, ``cortex-m4f``, ``cortex-m``)
use 4-byte pointers (ILP32, AAPCS).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from typing import Any

from ..context import Node, nodes_of
from ..graph import ResourceVariables, count_resource_variables
from ..model import Model, load_model, tensor_bases
from .declaration import KernelMemory
from .offline_plan import read_offline_plan
from .overlap import wants_overlap
from .planner import BUFFER_ALIGNMENT, PLANNERS, BufferRequest, align_up, plan_greedy
from .requests import builtin_memory, model_requests, parse_owner, subgraph_needs

# MI_BUFFER_ALIGN (planned buffers and the tail's final rounding) is TFLM's 16:
# planner.BUFFER_ALIGNMENT, the one alignment constant.
#: MI_PERSISTENT_ALIGN: every persistent allocation is rounded up to and aligned on it
PERSISTENT_ALIGN = 8


@dataclass(frozen=True)
class Abi:
    """What decides C struct layouts on a target."""

    name: str
    pointer_bytes: int


HOST64 = Abi("host64", 8)
ILP32 = Abi("ilp32", 4)


#: firmware targets whose kernels are built with __ARM_FEATURE_DSP (mi_simd.h)
DSP_TARGETS = ("cortex-m4", "cortex-m4f")


def has_dsp(target: str) -> bool:
    """Whether the kernels on ``target`` take their DSP fast paths (``fw.cores``'
    Cortex-M4 cores); an ABI name alone (``ilp32``) says no."""
    return target in DSP_TARGETS


def abi_of(target: str) -> Abi:
    """The ABI of a firmware target name (``fw.targets`` names, or tflm_arena.py's)."""
    if target in ("host", "host-asan", "host64", "lp64"):
        return HOST64
    if target.startswith("cortex-m") or target == "ilp32":
        return ILP32
    raise ValueError(f"unknown firmware target {target!r}: use host, host-asan, host64, cortex-m0plus, "
                     "cortex-m4, cortex-m4f or cortex-m")


# --------------------------------------------------------------------------- C layouts

# Field kinds: "p" pointer, "w" 32-bit int/float, "h" 16-bit, "b" 8-bit.
_FIELD = {"w": (4, 4), "h": (2, 2), "b": (1, 1)}


def sizeof(fields: str, abi: Abi) -> int:
    """``sizeof`` of a C struct whose members have the kinds in ``fields``, in order."""
    offset, struct_align = 0, 1
    for kind in fields:
        size, align = (abi.pointer_bytes, abi.pointer_bytes) if kind == "p" else _FIELD[kind]
        offset = align_up(offset, align) + size
        struct_align = max(struct_align, align)
    return align_up(offset, struct_align) if fields else 0


#: the interpreter's runtime structures (mi_interpreter.h, mi_planner.h)
STRUCTS: dict[str, str] = {
    "mi_tensor_t": "pwbbh",        # data, bytes, type, flags, plan_index
    "mi_node_t": "ppwwww",         # registration, op_data, inputs {pos, count}, outputs {pos, count}
    "mi_scratch_t": "pwww",        # next, bytes, offset, node
    "mi_plan_buffer_t": "wwwwww",  # size, first_use, last_use, offset, overlaps, distance
    "mi_graph_t": "ppww",          # tensors, nodes, num_tensors, num_nodes (one per subgraph, if several)
}

#: mi_resource_variables.h: the table's header (count, capacity), then per variable its
#: buffer's mi_state_t link (2 pointers, 2 words) and its container and name vectors
RESOURCE_TABLE = "ww"
RESOURCE_VARIABLE = "ppwwwwww"


def c_kernels() -> dict[str, KernelMemory]:
    """Ops the C port has a kernel for (``firmware/src/mi_resolver.c``), with their
    declarations: the builtin kernels whose ``Registration.memory`` names a C op
    data layout (``c_op_data``; ``""`` for a kernel that keeps none)."""
    return {name: k for name, k in builtin_memory().items() if k.c_op_data is not None}


#: planner work bytes per planned buffer: an mi_plan_buffer_t + two int32 lists
PLAN_WORK_BYTES_PER_BUFFER = 24 + 8


def struct_sizes(target: str) -> dict[str, int]:
    """``sizeof`` of every runtime structure and op data struct on ``target``."""
    abi = abi_of(target)
    out = {name: sizeof(f, abi) for name, f in STRUCTS.items()}
    out.update({f"op_data:{op}": sizeof(k.c_op_data or "", abi) for op, k in sorted(c_kernels().items())})
    return out


# --------------------------------------------------------------------------- the replay


class _Tail:
    """mi_arena_alloc_persistent: the tail grows down from a 16-aligned end."""

    def __init__(self) -> None:
        self.bytes = 0

    def alloc(self, nbytes: int, align: int = PERSISTENT_ALIGN) -> int:
        align = max(align, PERSISTENT_ALIGN)
        before = self.bytes
        self.bytes = align_up(self.bytes + align_up(nbytes, align), align)
        return self.bytes - before


class _ResourceTail:
    """What the C prepares of VAR_HANDLE and ASSIGN_VARIABLE add to the tail, in prepare
    order (``mi_var_handle.c``, ``mi_assign_variable.c``): the table, with room for one
    slot per VAR_HANDLE op (it counts the unique shared names in them without parsing
    the model once per pair), at the first VAR_HANDLE; a variable's buffer (the value's
    bytes) at the first ASSIGN_VARIABLE whose id a VAR_HANDLE of its subgraph prepared
    before it gave. Ids are found as the kernels find them (``graph.ResourceVariables``)."""

    def __init__(self, model: Model, abi: Abi) -> None:
        self.variables = ResourceVariables(count_resource_variables(model))
        handles = sum(op.name == "VAR_HANDLE" for sg in model.subgraphs for op in sg.operators)
        self.table_bytes = sizeof(RESOURCE_TABLE, abi) + handles * sizeof(RESOURCE_VARIABLE, abi)
        self.table = False
        self.handles: dict[tuple[int, int], int] = {}
        self.sized: set[int] = set()

    def prepare(self, s: int, node: Node, tail: _Tail) -> int:
        nbytes = 0
        if node.name == "VAR_HANDLE" and node.op.outputs and node.options is not None:
            if not self.table:
                self.table = True
                nbytes += tail.alloc(self.table_bytes)
            rid = self.variables.create_id(node.options.container or None, node.options.shared_name)
            self.handles[(s, node.op.outputs[0])] = rid
        elif node.name == "ASSIGN_VARIABLE" and len(node.op.inputs) == 2:
            rid = self.handles.get((s, node.op.inputs[0]), -1)
            if rid >= 0 and rid not in self.sized:
                self.sized.add(rid)
                nbytes += tail.alloc(node.input(1).nbytes)
        return nbytes


def head_requests(model: Model, planner: str = "greedy") -> tuple[list[BufferRequest], list[int], bool]:
    """The C port's tensor requests (``requests.model_requests`` for the C runtime:
    planned tensors, variables in the tail; ``scratch_requests`` follow them in
    the head), with offline offsets
    when the model carries a plan -- or, for a planner other than greedy, with
    that planner's offsets as the offline plan ``microinterp plan
    --write-offline-plan`` would embed. Returns the requests, their tensor
    indices and whether offsets are pinned."""
    reqs = model_requests(model, runtime="c")
    bases = tensor_bases(model)
    parsed = [parse_owner(o) for o in reqs.owners]
    tensors = [k for k, (_, kind, _) in enumerate(parsed) if kind == "tensor"]
    requests = [reqs.requests[k] for k in tensors]
    owners = [bases[parsed[k][0]] + parsed[k][2][0] for k in tensors]  # one numbering of every tensor
    if planner == "greedy" or reqs.offline:
        requests = _overlapping(model, requests, owners)
    if not reqs.offline and planner != "greedy":
        if planner not in PLANNERS:
            raise ValueError(f"unknown planner {planner!r}; choose one of {sorted(PLANNERS)}")
        plan = PLANNERS[planner](requests)
        requests = [BufferRequest(r.size, r.first_use, r.last_use, off) for r, off in zip(requests, plan.offsets)]
        return requests, owners, True
    return requests, owners, reqs.offline


def _overlapping(model: Model, requests: list[BufferRequest], owners: list[int]) -> list[BufferRequest]:
    """``requests`` with the overlaps the C kernels declare (``OpMemory.c_overlap``,
    their ``mi_allow_overlap`` calls in prepare) where the C port applies them, as
    ``mi_allow_overlap`` in mi_interpreter.c decides: in a single-subgraph model that
    opts in (``overlap.with_overlap``), where the output 0 and the named input are planned tensors; a later
    declaration for the same output wins, as in C. The planner then applies one
    only where the input dies at the op (``planner.overlap_extent``); the main
    subgraph's outputs, which the caller reads after the invoke, live one step
    past the last operator in the C port's lifetimes (``graph_walk``), so no
    output overwrites them (the step changes no placement: nothing else lives
    then)."""
    sg = model.main
    index = {t: k for k, t in enumerate(owners)}
    out = list(requests)
    for t in set(sg.outputs):
        if t in index:
            out[index[t]] = replace(out[index[t]], last_use=out[index[t]].last_use + 1)
    if len(model.subgraphs) != 1 or not wants_overlap(model):
        return out
    for node, kernel, needs in subgraph_needs(sg, c_kernels(), ILP32.pointer_bytes):
        if kernel is None or needs.c_overlap is None:
            continue
        slot, distance = needs.c_overlap
        ins, outs = list(node.op.inputs), list(node.op.outputs)
        if slot >= len(ins) or not outs:
            continue
        x, y = ins[slot], outs[0]
        if x not in index or y not in index:
            continue
        out[index[y]] = replace(out[index[y]], overlaps=index[x], distance=align_up(distance))
    return out


def declares_overlap(model: Model) -> bool:
    """Whether ``model`` opts into overlapping outputs and any C kernel of it declares
    one (``OpMemory.c_overlap``) where the C port may apply it (a single subgraph):
    without one, ``MI_ENABLE_OVERLAP=0`` compiles the same plan with less code."""
    return len(model.subgraphs) == 1 and wants_overlap(model) and any(
        kernel is not None and needs.c_overlap is not None
        for _, kernel, needs in subgraph_needs(model.main, c_kernels(), ILP32.pointer_bytes))


def tensor_offsets(model: Model | bytes | str | os.PathLike[str], target: str = "host") -> dict[int, int]:
    """Tensor index -> arena offset of every planned tensor of the main subgraph in the
    C port's plan on ``target`` (what ``mi_interpreter_tensor_offset`` reports)."""
    if not isinstance(model, Model):
        model = load_model(os.fspath(model) if isinstance(model, os.PathLike) else model)
    requests, owners, _ = head_requests(model)
    plan = plan_greedy(requests + scratch_requests(model, has_dsp(target)))
    return {t: off for t, off in zip(owners, plan.offsets) if t < len(model.main.tensors)}


def aot_entries(model: Model) -> dict[int, int]:
    """Operator index -> channels of the model's ahead-of-time prepare image
    (``fw/aot.py``), read only when an operator would look for it, as the C
    port does (a model without such an operator never reads the image)."""
    from ..fw.aot import read_aot, takes_arrays

    if not any(takes_arrays(node) for node in nodes_of(model.main)):
        return {}
    return read_aot(model)


def scratch_requests(model: Model, dsp: bool = False) -> list[BufferRequest]:
    """The kernels' ``mi_request_scratch`` buffers, in request order (by operator),
    each live while its op runs; always planned online, after the tensors (an
    offline plan pins tensors only, as in TFLM)."""
    reqs = model_requests(model, runtime="c", dsp=dsp)
    return [r for r, o in zip(reqs.requests, reqs.owners) if parse_owner(o)[1] == "scratch"]


def firmware_arena_bytes(model: Model | bytes | str | os.PathLike[str], target: str = "host",
                         planner: str = "greedy", dsp: bool | None = None) -> dict[str, Any]:
    """The arena the C port uses for ``model`` on ``target``, byte for byte.

    Keys: ``planned_bytes`` (head), ``temp_bytes`` (planning peak),
    ``persistent_bytes`` (tail, rounded to 16), ``total_bytes`` (what
    ``mi_interpreter_arena_used_bytes`` reports and the arena must hold),
    a breakdown of the tail, and ``supported``/``unsupported_ops`` (ops the C
    port has no kernel for are left out of the tail and make the figure a
    lower bound). ``planner`` other than ``"greedy"`` assumes that planner's
    offsets are embedded as an offline plan (the C port honours
    ``OfflineMemoryAllocation`` metadata; a plan already in the model wins).
    ``dsp``: the kernels take their DSP fast paths (default: ``has_dsp(target)``).
    """
    dsp = has_dsp(target) if dsp is None else dsp
    if not isinstance(model, Model):
        model = load_model(os.fspath(model) if isinstance(model, os.PathLike) else model)
    abi = abi_of(target)
    sizes = {name: sizeof(f, abi) for name, f in STRUCTS.items()}

    tail = _Tail()
    tables = variables = 0
    if len(model.subgraphs) > 1:  # mi_graph_t per subgraph, before the subgraphs' own tables
        tables += tail.alloc(len(model.subgraphs) * sizes["mi_graph_t"])
    for sg in model.subgraphs:  # build_tables: each subgraph's tensor and node tables, then its variables
        tables += tail.alloc(len(sg.tensors) * sizes["mi_tensor_t"])
        tables += tail.alloc(len(sg.operators) * sizes["mi_node_t"])
        for t in sg.tensors:
            if t.is_variable and not t.is_constant:
                variables += tail.alloc(align_up(t.nbytes), BUFFER_ALIGNMENT)
    per_op: list[dict[str, Any]] = []
    unsupported: list[str] = []
    op_data_total = 0
    kernels = c_kernels()
    aot = aot_entries(model)
    resources = _ResourceTail(model, abi)
    needs_all = [(s, item) for s, sg in enumerate(model.subgraphs)
                 for item in subgraph_needs(sg, kernels, abi.pointer_bytes)]
    for s, (node, kernel, needs) in needs_all:  # prepare: subgraph by subgraph
        if kernel is None:
            unsupported.append(f"{f'sg{s}:' if s else ''}#{node.index} {node.name}")
            continue
        nbytes = 0
        size = sizeof(kernel.c_op_data or "", abi)
        if size:
            nbytes += tail.alloc(size)
        # an operator the model's ahead-of-time prepare image covers keeps its
        # per-channel arrays in flash (fw/aot.py), not in the tail
        for extra in () if s == 0 and node.index in aot else needs.c_arrays:
            nbytes += tail.alloc(extra)
        for _ in needs.c_scratch_on(dsp):
            nbytes += tail.alloc(sizes["mi_scratch_t"])
        nbytes += resources.prepare(s, node, tail)
        op_data_total += nbytes
        per_op.append({"op": node.index, "name": node.name, "bytes": nbytes, **({"subgraph": s} if s else {})})

    requests, _owners, pinned = head_requests(model, planner)
    scratch = scratch_requests(model, dsp)
    requests += scratch
    plan = plan_greedy(requests)
    planned = align_up(plan.size)
    temp = align_up(len(requests) * PLAN_WORK_BYTES_PER_BUFFER)
    persistent = align_up(tail.bytes)
    return {
        "target": target,
        "abi": abi.name,
        "pointer_bytes": abi.pointer_bytes,
        "planner": "offline" if read_offline_plan(model) is not None else planner,
        "offline_plan": pinned,
        "dsp": dsp,
        "scratch_bytes": sum(r.size for r in scratch),
        "planned_bytes": planned,
        "temp_bytes": temp,
        "persistent_bytes": persistent,
        "total_bytes": max(planned, temp) + persistent,
        "tables_bytes": tables,
        "variable_bytes": variables,
        "op_data_bytes": op_data_total,
        "per_op": per_op,
        "supported": not unsupported,
        "unsupported_ops": unsupported,
    }
