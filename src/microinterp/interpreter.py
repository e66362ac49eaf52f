"""The interpreter: allocation phases, the invoke loop, inputs and outputs.

``Interpreter(...)`` allocates at construction, as TFLM's Python runtime does,
in five phases that read top to bottom below:

1. **parse**   bytes -> ``model.Model`` (validated once; ``ModelError``)
2. **resolve** every op -> a kernel ``Registration`` (``UnsupportedOpError``
   names every missing op at once, before anything runs)
3. **prepare** each kernel computes its multipliers/shifts/LUTs once and may
   request scratch bytes (``KernelError`` on unsupported shapes/dtypes)
4. **plan**    tensor lifetimes + scratch -> offsets (``memory/planner.py``), plus a
   persistent region for variable tensors; a too-small arena raises
   ``ArenaTooSmallError`` naming the exact size needed
5. **bind**    numpy views into one ``Arena`` for every tensor

``invoke()`` then calls each kernel in order on those views, with a single
tracing hook (``trace.py``) that costs nothing when tracing is off.

Every subgraph of a model is resolved, prepared, planned and bound as TFLM
does it (subgraph by subgraph, in order); ``invoke()`` runs subgraph 0, whose
IF / WHILE / CALL_ONCE operators run the others through ``graph.Graph``.
"""

from __future__ import annotations

import contextvars
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any

import numpy as np

from .arena import Arena
from .context import EndInvoke, Node, Registration, bound_call, nodes_of
from .errors import (
    ArenaTooSmallError,
    ArgumentError,
    InputError,
    KernelError,
    MicrointerpError,
    ModelError,
    UnsupportedOpError,
)
from .graph import Graph
from .memory.planner import PLANNERS, BufferRequest, Plan, align_up
from .memory.requests import FROM_MODEL, model_requests
from .model import Model, Tensor, check_runnable_options, hybrid_reason, load_model
from .resolver import OpResolver
from .trace import MAX_TRACE_LEVEL


@dataclass(frozen=True)
class MemoryPlan:
    """Where everything lives. ``planned_bytes`` is the head region shared by
    tensors with disjoint lifetimes; ``persistent_bytes`` holds variable tensors."""

    requests: tuple[BufferRequest, ...]
    owners: tuple[str, ...]  # "tensor:<index>" or "scratch:<op>:<k>" per request
    plan: Plan
    planned_bytes: int
    persistent_offsets: dict[int, int]  # variable tensor index -> offset in the arena
    persistent_bytes: int
    scratch: tuple[tuple[int, ...], ...]  # per operator: its declared scratch sizes
    #: variable tensors of subgraphs other than 0: (subgraph, index) -> offset in the arena
    subgraph_persistent_offsets: dict[tuple[int, int], int] | None = None

    @property
    def total_bytes(self) -> int:
        return self.planned_bytes + self.persistent_bytes


def _trace_level_from_env() -> int:
    """``$MICROINTERP_TRACE`` as a level; anything that is not one is an error, not a crash."""
    value = os.environ.get("MICROINTERP_TRACE", "").strip() or "0"
    try:
        return _check_trace(int(value), "MICROINTERP_TRACE")
    except ValueError:
        raise ArgumentError(
            f"MICROINTERP_TRACE={value!r} is not a trace level (use 0 to {MAX_TRACE_LEVEL})") from None


def _check_trace(trace: Any, name: str = "trace") -> int:
    """A trace level 0..MAX_TRACE_LEVEL (``True`` is 1); anything else is refused by name."""
    if not isinstance(trace, (int, np.integer)):
        raise ArgumentError(f"{name} must be an integer 0 to {MAX_TRACE_LEVEL}, not {type(trace).__name__}")
    if not 0 <= int(trace) <= MAX_TRACE_LEVEL:
        raise ArgumentError(f"{name}={int(trace)} is not a trace level (use 0 to {MAX_TRACE_LEVEL})")
    return int(trace)


#: the largest arena the Python interpreter allocates: the C port's offsets are
#: 32-bit, and no microcontroller has a fraction of it
MAX_ARENA_BYTES = 1 << 31


def _check_arena_size(arena_size: Any) -> int | None:
    """``None`` (size it exactly) or a byte count 0..MAX_ARENA_BYTES, refused by name otherwise."""
    if arena_size is None:
        return None
    if isinstance(arena_size, bool) or not isinstance(arena_size, (int, np.integer)):
        raise ArgumentError(
            f"arena_size must be a number of bytes (an int) or None, not {type(arena_size).__name__} "
            f"{arena_size!r}"[:200])
    if not 0 <= int(arena_size) <= MAX_ARENA_BYTES:
        raise ArgumentError(f"arena_size={int(arena_size)} is out of range (0 to {MAX_ARENA_BYTES} bytes, "
                            "or None to size it exactly)")
    return int(arena_size)


class Interpreter:
    """A TFLM-style interpreter over one model.

    Parameters mirror ``tflite_micro.runtime.Interpreter``: ``arena_size=None``
    sizes the arena exactly; ``preserve_all_tensors=True`` gives every tensor
    its own bytes so ``get_tensor`` can read any intermediate after ``invoke``
    (TFLM's ``kPreserveAllTensors``); ``trace`` (or ``$MICROINTERP_TRACE``)
    sets the tracing level 0-3 and ``trace_stream`` where it is printed
    (default stderr); ``planner`` picks a planner from
    ``planner.PLANNERS``.
    """

    def __init__(
        self,
        model: Model | bytes | str,
        *,
        arena_size: int | None = None,
        resolver: OpResolver | None = None,
        preserve_all_tensors: bool = False,
        trace: int | None = None,
        planner: str = "greedy",
        trace_stream: IO[str] | None = None,
    ) -> None:
        arena_size = _check_arena_size(arena_size)
        # 1. parse
        self.model = model if isinstance(model, Model) else load_model(model)
        check_runnable_options(self.model)
        self.subgraph = self.model.main
        self.preserve_all_tensors = preserve_all_tensors
        self.resolver = resolver if resolver is not None else OpResolver.builtins()
        self.trace_level = _check_trace(trace) if trace is not None else _trace_level_from_env()
        self._check_supported_model()
        # 2. resolve (every subgraph; subgraph 0's lists are the ones invoke() runs)
        self.graph = Graph(self.model)
        self.subgraph_nodes, self.subgraph_registrations = self._resolve()
        self.nodes, self.registrations = self.subgraph_nodes[0], self.subgraph_registrations[0]
        # 3. prepare, subgraph by subgraph as TFLM's PrepareSubgraphs
        self.subgraph_op_data = [[self._prepare(node, reg) for node, reg in zip(nodes, regs)]
                                 for nodes, regs in zip(self.subgraph_nodes, self.subgraph_registrations)]
        self.op_data = self.subgraph_op_data[0]
        # 4. plan
        if preserve_all_tensors:
            planner = "linear"
        if planner not in PLANNERS:
            raise MicrointerpError(f"unknown planner {planner!r}; choose one of {sorted(PLANNERS)}")
        self.memory = self._plan(PLANNERS[planner])
        needed = self.memory.total_bytes
        if needed > MAX_ARENA_BYTES:  # each tensor is bounded (model.py), their sum must be too
            raise ModelError(f"the model needs {needed} bytes of arena, more than the {MAX_ARENA_BYTES >> 20} MiB "
                             "an interpreter allocates (a corrupt shape?)")
        if arena_size is not None and arena_size < needed:
            raise ArenaTooSmallError(
                needed, arena_size,
                f"planned {self.memory.planned_bytes} + persistent {self.memory.persistent_bytes}",
            )
        self.arena_size = needed if arena_size is None else int(arena_size)
        # 5. bind
        self.arena = Arena(max(self.arena_size, 1))
        self._arrays = self._bind()
        self._node_io = [
            ([self._arrays[i] if i >= 0 else None for i in node.op.inputs],
             [self._arrays[i] for i in node.op.outputs])
            for node in self.nodes
        ]
        # The invoke loop's work list, bound once: one call without arguments per operator.
        self._calls = [bound_call(reg, node, data, ins, outs) for node, reg, data, (ins, outs)
                       in zip(self.nodes, self.registrations, self.op_data, self._node_io)]
        self._bind_subgraphs()
        # A model with float tensors runs its bound calls in a context where numpy ignores
        # floating-point exceptions: C computes inf - inf or an overflow silently, and so
        # must the kernels, without a RuntimeWarning per invoke (the kernels' own ``invoke``
        # paths use np.errstate). Entering the context costs ~0.1 us an invoke (an errstate
        # ~0.8 us), half the whole invoke of a one-op integer model, whose integer kernels
        # raise no float exception: those run the loop bare.
        self._ieee: contextvars.Context | None = None
        if any(t.dtype is not None and t.dtype.kind in "fc" for sg in self.model.subgraphs for t in sg.tensors):
            self._ieee = contextvars.copy_context()
            self._ieee.run(np.seterr, all="ignore")
        self.reset()
        from .trace import Tracer

        self._tracer = Tracer(self, self.trace_level, trace_stream) if self.trace_level > 0 else None
        self._batch_runner: Any = None

    # ------------------------------------------------------------------ constructors

    @classmethod
    def from_file(cls, path: str | os.PathLike, arena_size: int | None = None,
                  resolver: OpResolver | None = None, **kwargs: Any) -> Interpreter:
        if not isinstance(path, (str, os.PathLike)):
            hint = "; for the model's bytes use Interpreter.from_bytes" if isinstance(
                path, (bytes, bytearray, memoryview)) else ""
            raise ArgumentError(f"from_file takes a path (str or os.PathLike), not {type(path).__name__}{hint}")
        _check_arena_size(arena_size)
        return cls(load_model(os.fspath(path)), arena_size=arena_size, resolver=resolver, **kwargs)

    @classmethod
    def from_bytes(cls, data: bytes, arena_size: int | None = None,
                   resolver: OpResolver | None = None, **kwargs: Any) -> Interpreter:
        """The model from its bytes (``bytes``, ``bytearray`` or ``memoryview``). A ``str``
        is refused rather than read as a path: ``from_bytes("model.tflite")`` is a mistake."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            hint = "; for a file use Interpreter.from_file(path)" if isinstance(data, (str, os.PathLike)) else ""
            raise ArgumentError(f"from_bytes takes the model's bytes, not {type(data).__name__}{hint}")
        _check_arena_size(arena_size)
        return cls(load_model(data), arena_size=arena_size, resolver=resolver, **kwargs)

    # ------------------------------------------------------------------ phases

    def _check_supported_model(self) -> None:
        reason = hybrid_reason(self.model)
        if reason:
            raise UnsupportedOpError(
                f"hybrid models are not supported (as in TFLM): {reason}. "
                "Convert with full-integer quantization (int8 activations) or keep the model in float."
            )
        for s, sg in enumerate(self.model.subgraphs):
            for t in sg.tensors:
                if (t.dtype is None and t.nbytes == 0 and not t.is_constant
                        and t.type_name not in ("STRING", "RESOURCE")):
                    where = f" of subgraph {s}" if s else ""
                    raise UnsupportedOpError(f"tensor {t.index}{where} ({t.name!r}) has unsupported type "
                                             f"{t.type_name}")

    def _resolve(self) -> tuple[list[list[Node]], list[list[Registration]]]:
        all_nodes: list[list[Node]] = []
        all_regs: list[list[Registration]] = []
        missing: list[Node] = []
        for s, sg in enumerate(self.model.subgraphs):
            nodes, regs = nodes_of(sg, s), []
            for node in nodes:
                node.graph = self.graph
                if node.name in self.resolver:
                    regs.append(self.resolver.resolve(node.name))
                else:
                    missing.append(node)
            all_nodes.append(nodes)
            all_regs.append(regs)
        if missing:
            names = sorted({node.name for node in missing})
            where = ", ".join(f"#{node.index} {node.name}" if not node.subgraph
                              else f"subgraph {node.subgraph} #{node.index} {node.name}" for node in missing[:10])
            kind = "custom op" if all(n.startswith("CUSTOM:") for n in names) else "op"
            raise UnsupportedOpError(
                f"{kind}{'s' if len(names) > 1 else ''} not registered: {', '.join(names)} "
                f"(operators {where}{', ...' if len(missing) > 10 else ''}). "
                f"Registered ops: {', '.join(self.resolver.names)}. "
                "Register a kernel with OpResolver.register(name, prepare, invoke)."
            )
        return all_nodes, all_regs

    @staticmethod
    def _prepare(node: Node, reg: Registration) -> Any:
        try:
            return reg.prepare(node)
        except MicrointerpError:
            raise
        except (ValueError, TypeError, IndexError, KeyError, ZeroDivisionError, AssertionError) as e:
            raise KernelError(f"{node.where}: prepare failed: {e}") from e

    def _plan(self, planner: Any) -> MemoryPlan:
        """The arena layout: ``memory.requests`` decides what is planned (the same
        requests TFLM sizing uses), ``planner`` places it, variables go to the tail.
        Every tensor is preserved by ignoring any offline plan (``linear`` planner)."""
        reqs = model_requests(
            self.model, declarations={reg.name: reg.memory for regs in self.subgraph_registrations for reg in regs
                                      if reg.memory is not None},
            offline=None if self.preserve_all_tensors else FROM_MODEL,
        )
        plan = planner(list(reqs.requests))
        planned = align_up(plan.size)
        persistent, offset = {}, planned
        for index in reqs.tail_variables:
            persistent[index] = offset
            offset += align_up(self.subgraph.tensors[index].nbytes)
        sub_persistent = {}
        for s, index in reqs.subgraph_tail_variables:
            sub_persistent[(s, index)] = offset
            offset += align_up(self.model.subgraphs[s].tensors[index].nbytes)
        return MemoryPlan(reqs.requests, reqs.owners, plan, planned, persistent, offset - planned,
                          tuple(needs.scratch for needs in reqs.ops), sub_persistent)

    def _bind(self) -> list[np.ndarray | None]:
        sg = self.subgraph
        arrays: list[np.ndarray | None] = [None] * len(sg.tensors)
        offsets = dict(zip(self.memory.owners, self.memory.plan.offsets))
        for t in sg.tensors:
            if t.is_constant:
                arrays[t.index] = t.data
            elif t.index in self.memory.persistent_offsets:
                arrays[t.index] = self.arena.view(self.memory.persistent_offsets[t.index], t.shape, t.dtype)
            elif t.nbytes == 0 or f"tensor:{t.index}" not in offsets:  # empty, or a VAR_HANDLE's id
                arrays[t.index] = np.zeros(t.shape, t.dtype if t.dtype is not None else np.uint8)
            else:
                arrays[t.index] = self.arena.view(offsets[f"tensor:{t.index}"], t.shape, t.dtype)
        for node in self.nodes:
            node.scratch = [
                self.arena.bytes_view(offsets[f"scratch:{node.index}:{k}"], n)
                for k, n in enumerate(self.memory.scratch[node.index])
            ]
        return arrays

    def _bind_subgraphs(self) -> None:
        """Views for the tensors and scratch buffers of subgraphs 1, 2, ... and every
        subgraph's work list in ``self.graph`` (subgraph 0 shares the main loop's)."""
        graph = self.graph
        graph.arrays[0] = self._arrays
        graph.calls[0] = self._calls
        if len(self.model.subgraphs) == 1:
            return
        offsets = dict(zip(self.memory.owners, self.memory.plan.offsets))
        persistent = self.memory.subgraph_persistent_offsets or {}
        decl = {reg.name: reg.memory for regs in self.subgraph_registrations for reg in regs if reg.memory is not None}
        for s in range(1, len(self.model.subgraphs)):
            sg = self.model.subgraphs[s]
            arrays: list[np.ndarray | None] = [None] * len(sg.tensors)
            for t in sg.tensors:
                if t.is_constant:
                    arrays[t.index] = t.data
                elif (s, t.index) in persistent:
                    arrays[t.index] = self.arena.view(persistent[(s, t.index)], t.shape, t.dtype)
                elif t.nbytes == 0 or f"sg{s}:tensor:{t.index}" not in offsets:
                    arrays[t.index] = np.zeros(t.shape, t.dtype if t.dtype is not None else np.uint8)
                else:
                    arrays[t.index] = self.arena.view(offsets[f"sg{s}:tensor:{t.index}"], t.shape, t.dtype)
            graph.arrays[s] = arrays
            calls = []
            for node, reg, data in zip(self.subgraph_nodes[s], self.subgraph_registrations[s],
                                       self.subgraph_op_data[s]):
                declared = decl.get(node.name)
                scratch = declared.of(node, 8).scratch if declared is not None else ()
                node.scratch = [self.arena.bytes_view(offsets[f"sg{s}:scratch:{node.index}:{k}"], n)
                                for k, n in enumerate(scratch)]
                ins = [arrays[i] if i >= 0 else None for i in node.op.inputs]
                outs = [arrays[i] for i in node.op.outputs]
                calls.append(bound_call(reg, node, data, ins, outs))
            graph.calls[s] = calls

    # ------------------------------------------------------------------ running

    @property
    def tracer(self) -> Any:
        """The tracing hook (``trace`` >= 1), or None."""
        return self._tracer

    def invoke(self) -> None:
        """Run every operator once, in order (a kernel raising ``EndInvoke`` ends the run
        after it, as TFLM's ``kTfLiteAbort``)."""
        if self._tracer is None:
            if self._ieee is None:  # the loop inline: a call more costs ~0.04 us here
                try:
                    for call in self._calls:
                        call()
                except EndInvoke:
                    pass
            else:
                self._ieee.run(self._run_calls)
        elif self._ieee is None:
            self._run_traced()
        else:
            self._ieee.run(self._run_traced)

    def _run_traced(self) -> None:
        self._tracer.begin()
        try:
            for node, reg, data, (ins, outs) in zip(self.nodes, self.registrations, self.op_data, self._node_io):
                self._tracer.run(node, reg, data, ins, outs)
        except EndInvoke:
            pass
        self._tracer.end()

    def invoke_timed(self) -> list[float]:
        """``invoke()`` that also times every operator: the seconds each of subgraph 0's bound
        calls took (the very calls ``invoke()`` makes, so a profile shows what runs; the ops
        after one that ends the invoke are not run and get no time)."""
        times: list[float] = []
        if self._ieee is None:
            self._run_timed(times)
        else:
            self._ieee.run(self._run_timed, times)
        return times

    def _run_calls(self) -> None:
        try:
            for call in self._calls:
                call()
        except EndInvoke:
            pass

    def _run_timed(self, times: list[float]) -> None:
        clock = time.perf_counter
        try:
            for call in self._calls:
                t0 = clock()
                try:
                    call()
                finally:
                    times.append(clock() - t0)
        except EndInvoke:
            pass

    def invoke_batch(self, *inputs: np.ndarray) -> list[np.ndarray]:
        """Run N samples at once; returns one array per model output, shaped ``(N, *output_shape)``.

        Each input is shaped ``(N, *input_shape)`` (or ``(N, *input_shape[1:])`` when the
        model's own batch dimension is 1) with the input's exact dtype. Every sample's
        outputs equal a single ``invoke()`` on that sample, bit for bit. Models whose
        operators keep samples apart run as one batched model (much faster per sample);
        others run sample by sample (see ``batch.py``). Stateful models (variable
        tensors) run one independent sequence per sample: sample i is what ``invoke()``
        gives right after ``reset()``, and the state is reset when the batch is done.
        The interpreter's own input and output tensors are overwritten.
        """
        if self._batch_runner is None:
            from .batch import BatchRunner

            self._batch_runner = BatchRunner(self)
        return self._batch_runner.run(inputs)

    @property
    def stateful(self) -> bool:
        """Does anything carry over from one invoke to the next (variable tensors of any subgraph,
        resource variables, kernel state)?"""
        return (bool(self.memory.persistent_offsets) or bool(self.memory.subgraph_persistent_offsets)
                or self.graph.resources.capacity > 0
                or any(reg.reset is not None for regs in self.subgraph_registrations for reg in regs))

    def reset(self) -> None:
        """Reset variable (state) tensors as TFLM does: int8 to its zero point, else 0 (every
        subgraph's, and the resource variables'); and every kernel's own state
        (``Registration.reset``), as TFLM's ``Reset`` does."""
        for regs, datas in zip(self.subgraph_registrations, self.subgraph_op_data):
            for reg, data in zip(regs, datas):
                if reg.reset is not None:
                    reg.reset(data)
        states = [(self.subgraph.tensors[i], self._arrays[i]) for i in self.memory.persistent_offsets]
        states += [(self.model.subgraphs[s].tensors[i], self.graph.arrays[s][i])
                   for s, i in (self.memory.subgraph_persistent_offsets or {})]
        for t, arr in states:
            value = t.zero_point if t.type_name == "INT8" and t.quant is not None else 0
            arr.reshape(-1).view(np.uint8)[...] = np.uint8(value & 0xFF)  # reshape: a 0-d state too
        for hook in self.graph.reset_hooks:
            hook()

    # ------------------------------------------------------------------ inputs / outputs

    @property
    def num_inputs(self) -> int:
        return len(self.subgraph.inputs)

    @property
    def num_outputs(self) -> int:
        return len(self.subgraph.outputs)

    def _io_tensor(self, indices: Sequence[int], index: int, kind: str) -> Tensor:
        if not isinstance(index, (int, np.integer)) or not 0 <= index < len(indices):
            raise InputError(f"{kind} index {index!r} out of range: the model has {len(indices)} {kind}s")
        return self.subgraph.tensors[indices[index]]

    def set_input(self, value: np.ndarray, index: int = 0) -> None:
        """Copy ``value`` into input ``index``; dtype and shape must match exactly."""
        t = self._io_tensor(self.subgraph.inputs, index, "input")
        arr = np.asarray(value)
        if arr.dtype != t.dtype:
            raise InputError(
                f"input {index} ({t.name!r}) expects dtype {np.dtype(t.dtype).name} but got {arr.dtype.name}"
                + (" (quantize it first: q = round(x / scale) + zero_point)" if t.quant is not None
                   and arr.dtype.kind == "f" else "")
            )
        if tuple(arr.shape) != t.shape:
            raise InputError(f"input {index} ({t.name!r}) expects shape {list(t.shape)} but got {list(arr.shape)}")
        self._arrays[t.index][...] = arr

    def get_output(self, index: int = 0) -> np.ndarray:
        """A copy of output ``index`` after the last ``invoke()``."""
        t = self._io_tensor(self.subgraph.outputs, index, "output")
        return np.array(self._arrays[t.index], copy=True)

    def get_input(self, index: int = 0) -> np.ndarray:
        t = self._io_tensor(self.subgraph.inputs, index, "input")
        return np.array(self._arrays[t.index], copy=True)

    def get_tensor(self, tensor_index: int, subgraph_index: int = 0) -> np.ndarray:
        """Any tensor's value (of subgraph ``subgraph_index``, as TFLM's ``GetTensor(index,
        subgraph)``). Intermediates are only guaranteed after ``invoke()`` with
        ``preserve_all_tensors=True`` (otherwise their bytes are reused)."""
        if subgraph_index != 0:
            return self._subgraph_tensor(tensor_index, subgraph_index)
        sg = self.subgraph
        if not 0 <= tensor_index < len(sg.tensors):
            raise InputError(f"tensor index {tensor_index} out of range: the model has {len(sg.tensors)} tensors")
        t = sg.tensors[tensor_index]
        reliable = (self.preserve_all_tensors or t.is_constant or t.is_variable
                    or tensor_index in sg.inputs or tensor_index in sg.outputs)
        if not reliable:
            raise InputError(
                f"tensor {tensor_index} ({t.name!r}) is an intermediate whose bytes are reused; "
                "build the interpreter with preserve_all_tensors=True to read it"
            )
        return np.array(self._arrays[tensor_index], copy=True)

    def _subgraph_tensor(self, tensor_index: int, subgraph_index: int) -> np.ndarray:
        n = len(self.model.subgraphs)
        if not isinstance(subgraph_index, (int, np.integer)) or not 0 <= subgraph_index < n:
            raise InputError(f"subgraph index {subgraph_index!r} out of range: the model has {n} subgraphs")
        sg = self.model.subgraphs[subgraph_index]
        if not 0 <= tensor_index < len(sg.tensors):
            raise InputError(f"tensor index {tensor_index} out of range: subgraph {subgraph_index} has "
                             f"{len(sg.tensors)} tensors")
        t = sg.tensors[tensor_index]
        if not (self.preserve_all_tensors or t.is_constant or t.is_variable):
            raise InputError(
                f"tensor {tensor_index} of subgraph {subgraph_index} ({t.name!r}) is an intermediate whose bytes "
                "are reused; build the interpreter with preserve_all_tensors=True to read it"
            )
        return np.array(self.graph.arrays[subgraph_index][tensor_index], copy=True)

    def tensor_view(self, tensor_index: int) -> np.ndarray:
        """The live arena view of a tensor (no copy, no preservation guarantee)."""
        return self._arrays[tensor_index]

    def _details(self, t: Tensor) -> dict[str, Any]:
        q = t.quant
        return {
            "name": t.name,
            "index": t.index,
            "dtype": np.dtype(t.dtype).type if t.dtype is not None else None,
            "shape": np.array(t.shape, dtype=np.int32),
            "quantization_parameters": {
                "scales": q.scale.copy() if q else np.zeros(0, np.float32),
                "zero_points": q.zero_point.astype(np.int32) if q else np.zeros(0, np.int32),
                "quantized_dimension": q.quantized_dimension if q else 0,
            },
        }

    def get_input_details(self, index: int = 0) -> dict[str, Any]:
        return self._details(self._io_tensor(self.subgraph.inputs, index, "input"))

    def get_output_details(self, index: int = 0) -> dict[str, Any]:
        return self._details(self._io_tensor(self.subgraph.outputs, index, "output"))

    def arena_used_bytes(self) -> int:
        """Bytes of arena this plan needs (planned head + persistent tail)."""
        return self.memory.total_bytes

    def intermediates(self) -> dict[int, np.ndarray]:
        """Every non-constant tensor after ``invoke()`` (needs ``preserve_all_tensors``)."""
        if not self.preserve_all_tensors:
            raise InputError("intermediates() needs preserve_all_tensors=True")
        return {t.index: np.array(self._arrays[t.index], copy=True)
                for t in self.subgraph.tensors if not t.is_constant}
