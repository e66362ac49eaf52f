"""Batch mode: many samples through one model, each bit-identical to a single ``invoke()``.

``Interpreter.invoke_batch`` lands here. Two ways to run N samples:

* **batched** (the fast one): a copy of the model whose activation tensors have a
  leading dimension of N instead of 1 is prepared once, and every kernel then runs
  once per chunk of samples instead of once per sample. The per-op Python and
  numpy call overhead is paid once per chunk, and the GEMMs get N times more
  rows. This is only done when it cannot change a single bit of any sample:
  every activation tensor (variable ones included) has a leading dimension of 1,
  and every operator is one that treats the leading axis as independent rows
  (``ROW_WISE_OPS``, plus the axis checks in ``_row_wise``). Integer kernels sum
  exactly in any order; float kernels follow TFLM's per-element order whatever
  the number of rows, so each row's arithmetic is that of a single invoke.
  The stateful SVDF and batch-major LSTM keep one state row per batch row, so a
  batched model with state is reset before every chunk: each row is then one
  independent sequence from the reset state (the stateful policy below).
  Each run of operators whose activations are about the same size is batched on its
  own, with its own chunk size (``chunk_sizes``, ``segments``; a stateful model is one
  run), and hands its results on to the next run through arrays of N rows.
* **per sample** (everything else): ``set_input`` / ``invoke`` / ``get_output`` in
  a loop.

Stateful models (LSTM/SVDF variable tensors) run one independent sequence per
sample on either path: sample i equals a single ``invoke()`` right after
``reset()``, and the interpreter's state is reset again at the end.

As a guard, the first sample of the first batch of every plan of chunk sizes is also run
through the ordinary interpreter and compared; a difference (which the rules above
should make impossible) switches the model to the per-sample path for good. (Only
the first: on every batch, that single invoke would cost a 32-sample batch about a
third of its time, since a batched sample takes about a tenth of an invoke.)
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from . import blas
from .errors import InputError, MicrointerpError
from .model import Model, Operator, Tensor

if TYPE_CHECKING:
    from .interpreter import Interpreter

#: operators whose kernels compute each row of the leading axis from that row alone
ROW_WISE_OPS = frozenset({
    # per element
    "ABS", "CAST", "CEIL", "COS", "DEQUANTIZE", "ELU", "EXP", "FLOOR", "HARD_SWISH", "LEAKY_RELU", "LOG",
    "LOGISTIC", "LOGICAL_NOT", "NEG", "QUANTIZE", "RELU", "RELU6", "RELU_N1_TO_1", "ROUND", "RSQRT", "SIN",
    "SQRT", "SQUARE", "TANH",
    # per element with numpy broadcasting of a constant operand
    "ADD", "SUB", "MUL", "DIV", "MAXIMUM", "MINIMUM", "SQUARED_DIFFERENCE", "FLOOR_DIV", "FLOOR_MOD",
    "EQUAL", "NOT_EQUAL", "LESS", "LESS_EQUAL", "GREATER", "GREATER_EQUAL", "LOGICAL_AND", "LOGICAL_OR",
    "PRELU", "SELECT_V2",
    # per image / per row
    "CONV_2D", "DEPTHWISE_CONV_2D", "AVERAGE_POOL_2D", "MAX_POOL_2D", "L2_POOL_2D", "FULLY_CONNECTED",
    "SOFTMAX", "LOG_SOFTMAX", "L2_NORMALIZATION", "RESHAPE", "RESIZE_BILINEAR", "RESIZE_NEAREST_NEIGHBOR",
    "SPACE_TO_DEPTH", "DEPTH_TO_SPACE",
    # with an axis that must not be the leading one (checked in _row_wise)
    "CONCATENATION", "PAD", "PADV2", "MEAN", "SUM", "REDUCE_MAX", "REDUCE_MIN", "ARG_MAX", "ARG_MIN",
    # stateful, one state row per batch row (batch-major LSTM only, checked in _row_wise)
    "SVDF", "UNIDIRECTIONAL_SEQUENCE_LSTM",
})

#: samples per batched run at most
MAX_CHUNK = 256
#: elements the largest activation of a chunk should hold, about. The kernels' element-wise
#: passes (the float64 output stage above all) are bound by the CPU caches: once a chunk's
#: buffers fall out of the L2 cache (1 MB a core here, shared with whatever else runs) a
#: batched sample costs more, and on a busy machine several times more (measured per
#: sample, 1-64 samples per chunk: VWW best at 2-4 x 36,864 elements, IC at 4 x 16,384
#: and up to 7x slower at 8 under load, KWS at 8 x 8,000 and 7x slower at 16 under load;
#: AD, whose largest activation is 640 elements, flat from 64 to 256). Below that size
#: numpy's cost per call takes over, so each run of operators with activations of about
#: the same size gets its own chunk size (``segments``): VWW's 6x6x128 layers run 16
#: samples at a time where its 48x48 ones run 2.
CHUNK_ELEMENTS = 1 << 16


def _axis_values(t: Tensor | None, rank: int) -> list[int] | None:
    if t is None or t.data is None:
        return None
    return [int(v) % rank if rank else 0 for v in np.asarray(t.data).reshape(-1).tolist()]


def _row_wise(op: Operator, tensors: Sequence[Tensor]) -> bool:
    """Whether ``op`` keeps rows of the leading axis independent (see ``ROW_WISE_OPS``)."""
    if op.name not in ROW_WISE_OPS:
        return False
    first = tensors[op.inputs[0]] if op.inputs and op.inputs[0] >= 0 else None
    rank = len(first.shape) if first is not None else 0
    if op.name == "CONCATENATION":
        out_rank = len(tensors[op.outputs[0]].shape)
        return int(getattr(op.options, "axis", 0) or 0) % max(out_rank, 1) != 0
    if op.name in ("PAD", "PADV2"):
        pads = tensors[op.inputs[1]]
        return pads.data is not None and np.asarray(pads.data).reshape(-1)[:2].tolist() == [0, 0]
    if op.name in ("MEAN", "SUM", "REDUCE_MAX", "REDUCE_MIN", "ARG_MAX", "ARG_MIN"):
        axes = _axis_values(tensors[op.inputs[1]] if len(op.inputs) > 1 and op.inputs[1] >= 0 else None, rank)
        return axes is not None and 0 not in axes and rank > 1
    if op.name in ("SOFTMAX", "LOG_SOFTMAX", "L2_NORMALIZATION"):
        return rank > 1  # a rank-1 tensor would become one row of N*C values
    if op.name == "UNIDIRECTIONAL_SEQUENCE_LSTM":  # time-major input leads with the time axis
        return rank == 3 and not bool(getattr(op.options, "time_major", False))
    return True


def _empty(t: Tensor) -> bool:
    """A tensor without elements (shape ``[0]``: the LSTM's unused ``intermediates``) holds
    no sample's data, so it stays as it is in a batched model."""
    return len(t.shape) == 1 and t.shape[0] == 0


def batchable(model: Model) -> str | None:
    """None when ``model`` can run batched, else why not (for the docs and tests)."""
    sg = model.main
    if len(model.subgraphs) > 1:
        return "the model has more than one subgraph"
    for t in sg.tensors:
        if t.is_constant or t.dtype is None or _empty(t):
            continue
        if not t.shape or t.shape[0] != 1:
            return f"tensor {t.index} ({t.name!r}) of shape {list(t.shape)} has no leading dimension of 1"
    for op in sg.operators:
        if not _row_wise(op, sg.tensors):
            return f"operator {op.index} ({op.name}) is not known to keep samples apart"
    return None


def batched_model(model: Model, n: int) -> Model:
    """A copy of ``model`` whose activation tensors have a leading dimension of ``n``.

    Constants are shared; an offline memory plan is dropped (its offsets are for one sample)."""
    sg = model.main
    tensors = tuple(
        t if t.is_constant or t.dtype is None or _empty(t) else dataclasses.replace(t, shape=(n, *t.shape[1:]))
        for t in sg.tensors
    )
    metadata = {k: v for k, v in model.metadata.items() if k != "OfflineMemoryAllocation"}
    return dataclasses.replace(model, subgraphs=(dataclasses.replace(sg, tensors=tensors),), metadata=metadata)


@dataclasses.dataclass(frozen=True)
class Segment:
    """A run of consecutive operators that is batched on its own, ``chunk`` samples at a time.

    ``model`` holds just those operators (every tensor of the model is still listed; those
    the operators do not use get no arena bytes); ``inputs`` are the tensors it reads that
    come from outside it (the graph's inputs or an earlier segment's outputs), ``outputs``
    those it makes that a later segment or the graph's outputs read."""

    model: Model
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]
    chunk: int


def _preferred_chunk(op: Operator, tensors: Sequence[Tensor]) -> int:
    """Samples per chunk for one operator: ``CHUNK_ELEMENTS`` over its largest activation,
    rounded to a power of two (so that neighbours of about the same size agree)."""
    largest = max((tensors[i].size for i in (*op.inputs, *op.outputs)
                   if i >= 0 and not tensors[i].is_constant and tensors[i].dtype is not None), default=1)
    return int(min(MAX_CHUNK, max(1, 2 ** round(math.log2(CHUNK_ELEMENTS / max(largest, 1))))))


def chunk_sizes(model: Model, stateful: bool) -> list[int]:
    """Samples per chunk for each operator (``_preferred_chunk``); one size for every operator
    (``CHUNK_ELEMENTS`` over the model's largest activation) where the model must run as one
    segment: a stateful one (its state rows must see every operator of a chunk), or one that
    reads or outputs a tensor no operator makes and the graph does not take as input."""
    sg = model.main
    ops = sg.operators
    known = {i for op in ops for i in op.outputs} | set(sg.inputs)  # what can be passed on between segments
    read = {i for op in ops for i in op.inputs if i >= 0 and not sg.tensors[i].is_constant}
    if stateful or not (set(sg.outputs) | read) <= known:
        largest = max((t.size for t in sg.tensors if not t.is_constant and t.dtype is not None), default=1)
        return [max(1, min(MAX_CHUNK, round(CHUNK_ELEMENTS / max(largest, 1))))] * len(ops)
    return [_preferred_chunk(op, sg.tensors) for op in ops]


def segments(model: Model, sizes: Sequence[int]) -> list[Segment]:
    """The model cut where the chunk size of its operators (``sizes``, one per operator, see
    ``chunk_sizes``) changes; the whole model where it does not.

    Every segment is a row-wise model whenever the whole one is (its operators are a subset),
    so each of its rows is computed from that row alone, whatever the chunk size; rows move
    between segments as they are."""
    sg = model.main
    ops = sg.operators
    if len(set(sizes)) <= 1:
        return [Segment(model, sg.inputs, sg.outputs, sizes[0] if sizes else 1)]
    cuts = [0] + [k for k in range(1, len(ops)) if sizes[k] != sizes[k - 1]] + [len(ops)]
    out = []
    for start, stop in zip(cuts, cuts[1:]):
        part = ops[start:stop]
        made = {i for op in part for i in op.outputs}
        read = {i for op in part for i in op.inputs if i >= 0 and not sg.tensors[i].is_constant}
        wanted = {i for op in ops[stop:] for i in op.inputs if i >= 0} | set(sg.outputs)
        sub = dataclasses.replace(sg, operators=tuple(dataclasses.replace(op, index=k) for k, op in enumerate(part)),
                                  inputs=tuple(sorted(read - made)), outputs=tuple(sorted(made & wanted)))
        out.append(Segment(dataclasses.replace(model, subgraphs=(sub,)), sub.inputs, sub.outputs, sizes[start]))
    return out


def split_inputs(it: Interpreter, inputs: Sequence[np.ndarray]) -> tuple[int, list[np.ndarray]]:
    """Check the batch inputs against the model's inputs; returns (N, arrays shaped (N, *input_shape))."""
    if len(inputs) != it.num_inputs:
        raise InputError(f"invoke_batch needs {it.num_inputs} input batch(es), one per model input; got {len(inputs)}")
    n: int | None = None
    out = []
    for i, value in enumerate(inputs):
        t = it.subgraph.tensors[it.subgraph.inputs[i]]
        arr = np.asarray(value)
        if arr.dtype != t.dtype:
            raise InputError(f"input {i} ({t.name!r}) expects dtype {np.dtype(t.dtype).name} but got {arr.dtype.name}")
        if arr.ndim == len(t.shape) + 1 and tuple(arr.shape[1:]) == t.shape:
            batch = arr
        elif t.shape and t.shape[0] == 1 and arr.ndim == len(t.shape) and tuple(arr.shape[1:]) == t.shape[1:]:
            batch = arr.reshape((arr.shape[0], *t.shape))
        else:
            raise InputError(
                f"input {i} ({t.name!r}) of shape {list(t.shape)} expects a batch shaped (N, {', '.join(map(str, t.shape))})"
                + (f" or (N, {', '.join(map(str, t.shape[1:]))})" if t.shape and t.shape[0] == 1 else "")
                + f"; got {list(arr.shape)}"
            )
        if n is not None and batch.shape[0] != n:
            raise InputError(f"input batches differ in size: {n} and {batch.shape[0]} samples")
        n = batch.shape[0]
        out.append(batch)
    return (n or 0), out


class BatchRunner:
    """Runs batches for one ``Interpreter``; keeps the batched interpreters it prepared."""

    def __init__(self, it: Interpreter) -> None:
        self.it = it
        self.reason = batchable(it.model)
        if self.reason is None and not it.subgraph.operators:
            self.reason = "the model has no operators"
        self.stateful = it.stateful
        self._sizes = chunk_sizes(it.model, self.stateful) if self.reason is None else []
        self.segments = segments(it.model, self._sizes)  # for as many samples as they like
        # per chunk size of each operator (capped by the batch size), the segments then and
        # their batched interpreters
        self._plans: dict[tuple[int, ...], tuple[list[Segment], list[Interpreter]]] = {}
        self._checked: set[tuple[int, ...]] = set()  # plans whose first batch matched a single invoke
        self.chunk = max((seg.chunk for seg in self.segments), default=1)
        if self.reason is None and self.chunk == 1:
            largest = max((t.size for t in it.subgraph.tensors if not t.is_constant and t.dtype is not None),
                          default=1)
            self.reason = f"one sample's largest tensor ({largest} elements) already fills a batch"

    def run(self, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
        it = self.it
        n, batches = split_inputs(it, inputs)
        outs = [np.empty((n, *it.subgraph.tensors[k].shape), it.subgraph.tensors[k].dtype)
                for k in it.subgraph.outputs]
        if n == 0:
            return outs
        if self.reason is None and n > 1:
            try:
                key = tuple(min(size, n) for size in self._sizes)
                with blas.single_thread():
                    self._run_batched(n, batches, outs, *self._plan(key))
                if key in self._checked or self._first_sample_agrees(batches, outs):
                    self._checked.add(key)
                    return outs
                self.reason = "a batched run differed from a single invoke"
            except MicrointerpError as e:
                self.reason = f"the batched model could not be prepared ({e})"
        self._run_per_sample(n, batches, outs)
        return outs

    def _plan(self, key: tuple[int, ...]) -> tuple[list[Segment], list[Interpreter]]:
        """The segments and their batched interpreters for operator chunk sizes ``key``: a batch
        smaller than some chunks caps them, and neighbours capped alike share a segment."""
        if key not in self._plans:
            from .interpreter import Interpreter

            if len(self._plans) >= 2:
                self._plans.pop(next(iter(self._plans)))
            parts = segments(self.it.model, key)
            self._plans[key] = parts, [Interpreter(batched_model(seg.model, seg.chunk), resolver=self.it.resolver,
                                                   trace=0) for seg in parts]
        return self._plans[key]

    def _run_batched(self, n: int, batches: list[np.ndarray], outs: list[np.ndarray], parts: list[Segment],
                     interpreters: list[Interpreter]) -> None:
        """Segment by segment, each over all ``n`` samples in chunks of its own size; the
        tensors passed between segments wait in arrays of ``n`` rows."""
        sg = self.it.subgraph
        staged = {k: batch.reshape(n, -1) for k, batch in zip(sg.inputs, batches)}
        for seg, bit in zip(parts, interpreters):
            size = seg.chunk
            in_views = [bit.tensor_view(k).reshape(size, -1) for k in seg.inputs]
            out_views = [bit.tensor_view(k).reshape(size, -1) for k in seg.outputs]
            made = [np.empty((n, view.shape[1]), view.dtype) for view in out_views]
            for start in range(0, n, size):
                stop = min(start + size, n)
                for view, k in zip(in_views, seg.inputs):
                    view[:stop - start] = staged[k][start:stop]
                    if stop - start < size:  # a short last chunk: pad with its first sample, then discard
                        view[stop - start:] = staged[k][start]
                if self.stateful:  # every row starts its sequence from the reset state
                    bit.reset()
                bit.invoke()
                for dest, view in zip(made, out_views):
                    dest[start:stop] = view[:stop - start]
            staged.update(zip(seg.outputs, made))
        for out, k in zip(outs, sg.outputs):
            out.reshape(n, -1)[...] = staged[k]

    def _first_sample_agrees(self, batches: list[np.ndarray], outs: list[np.ndarray]) -> bool:
        it = self.it
        for i, batch in enumerate(batches):
            it.set_input(batch[0], i)
        if self.stateful:
            it.reset()
        it.invoke()
        agree = all(np.array_equal(it.tensor_view(k), out[0], equal_nan=out.dtype.kind == "f")
                    for k, out in zip(it.subgraph.outputs, outs))
        if self.stateful:
            it.reset()
        return agree

    def _run_per_sample(self, n: int, batches: list[np.ndarray], outs: list[np.ndarray]) -> None:
        it = self.it
        stateful = it.stateful
        in_views = [it.tensor_view(k) for k in it.subgraph.inputs]
        out_views = [it.tensor_view(k) for k in it.subgraph.outputs]
        for s in range(n):
            if stateful:
                it.reset()
            for view, batch in zip(in_views, batches):
                view[...] = batch[s]
            it.invoke()
            for out, view in zip(outs, out_views):
                out[s] = view
        if stateful:
            it.reset()
