"""Target-aware arena sizing: how many bytes of tensor arena TFLM needs.

Why a model of TFLM's allocator and not one formula: TFLM's arena holds more
than the planned tensors. ``MicroAllocator`` fills it from both ends: the
*head* holds the planned (non-persistent) tensors and scratch buffers; the
*tail* holds everything that lives as long as the interpreter (the allocator's
own objects, one ``TfLiteEvalTensor`` per tensor, the node/registration array,
each op's parsed options and kernel ``OpData``, per-channel multiplier/shift
arrays, variable tensors, scratch handles, the input/output ``TfLiteTensor``
structs); and while ``AllocateTensors()`` runs, *temporary* allocations sit
between them (a ``TfLiteTensor`` for every tensor a kernel looks at in
prepare, and the ``AllocationInfo`` array plus the greedy planner's own
working arrays during planning). Every allocation is aligned, and the struct
sizes depend on the pointer size. So the minimum arena is found here by
replaying TFLM's allocation sequence, with the struct sizes of each target,
on a simulated arena of ``N`` bytes, and searching the smallest ``N`` for
which no step fails, exactly as ``SingleArenaBufferAllocator`` checks it.

Targets (``TARGETS``):

* ``host64`` is what the ``tflite-micro`` Python wheel (the oracle) runs on
  x86-64: ``RecordingMicroAllocator``, built with ``USE_TFLM_COMPRESSION``
  (which enlarges some ``OpData`` structs), reference kernels.
* ``cortex-m`` is a firmware build for a 32-bit Cortex-M with
  ``arm-none-eabi-gcc`` (short enums, as that toolchain's default), the plain
  ``MicroAllocator`` and the reference kernels.

The struct sizes were measured with ``sizeof``/``alignof`` against the TFLM
headers at commit 90b983c2 (a probe compiled with g++ and arm-none-eabi-g++,
with Debian's libflatbuffers-dev, libgemmlowp-dev and
libstdc++-arm-none-eabi-newlib for the headers TFLM includes; nothing here
needs them at run time). Per-kernel allocations follow each
reference kernel's ``Init``/``Prepare`` (``_op_model``); ops not modelled fall
back to a generic guess and are listed in ``TflmArena.approximate_ops``.

Also here: the op knowledge the pure-integer planner must not have: TFLM's
scratch requests (``tflm_scratch``) and which outputs may legally be written
over an input (``alias_hints``).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from ..model import Model, Operator, Subgraph, Tensor
from .planner import (
    BUFFER_ALIGNMENT,
    ONLINE,
    PLANNERS,
    AliasHint,
    BufferRequest,
    Plan,
    align_up,
    lower_bound,
    tensor_lifetimes,
)

# --------------------------------------------------------------------------- targets

#: (sizeof, alignof) per struct, measured with g++ (x86-64, -DUSE_TFLM_COMPRESSION,
#: -DTF_LITE_STATIC_MEMORY) and arm-none-eabi-g++ 12.2 (-mcpu=cortex-m4 -mthumb
#: -mfloat-abi=hard, -DTF_LITE_STATIC_MEMORY) on TFLM 90b983c2 headers.
#: Three host64 option structs are larger in the wheel (0.dev20261023, built from a
#: later TFLM than those headers) than in the headers: TfLiteFullyConnectedParams
#: (headers 16), TfLiteSVDFParams (12) and TfLiteUnidirectionalSequenceLSTMParams (16)
#: take 32, 16 and 24 bytes there. Those three values are inferred from the wheel's
#: print_allocations totals and bisected minimum arenas (the only sizes with which
#: every model's layout matches); the rest are sizeof as measured.
_HOST64: dict[str, tuple[int, int]] = {
    "SingleArenaBufferAllocator": (72, 8), "RecordingSingleArenaBufferAllocator": (104, 8),
    "GreedyMemoryPlanner": (72, 8), "MicroAllocator": (72, 8), "RecordingMicroAllocator": (272, 8),
    "MicroBuiltinDataAllocator": (16, 8), "SubgraphAllocations": (24, 8), "TfLiteEvalTensor": (24, 8),
    "NodeAndRegistration": (64, 8), "ScratchBufferHandle": (8, 8), "ScratchBufferRequest": (16, 8),
    "AllocationInfo": (32, 8), "TfLiteTensor": (64, 8), "TfLiteAffineQuantization": (24, 8),
    "size_t": (8, 8), "void*": (8, 8),
    "OpDataConv": (80, 8), "OpDataFullyConnected": (72, 8), "SoftmaxParams": (80, 8),
    "OpDataPooling": (32, 4), "OpDataAdd": (60, 4), "OpDataSub": (52, 4), "OpDataMul": (36, 4),
    "OpDataLogistic": (16, 4), "LeakyReluOpData": (24, 4), "OpDataQuantizeReference": (32, 8),
    "DequantizeOpData": (32, 8), "OpDataSvdf": (36, 4), "StridedSliceParams": (84, 4),
    "PadOpData": (56, 4), "OpDataReduce": (44, 4), "HardSwishParams": (20, 4), "ReluOpData": (28, 4),
    "Relu6OpData": (8, 4), "OpDataLSTM": (688, 8), "TransposeConvOpData": (88, 8),
    "ConcatenationOpData": (80, 8), "TanhOpData": (16, 4),
    "TfLiteConvParams": (28, 4), "TfLiteDepthwiseConvParams": (28, 4), "TfLiteFullyConnectedParams": (32, 4),
    "TfLitePoolParams": (40, 4), "TfLiteSoftmaxParams": (4, 4), "TfLiteAddParams": (8, 4),
    "TfLiteSubParams": (8, 4), "TfLiteMulParams": (4, 4), "TfLiteDivParams": (4, 4),
    "TfLiteReshapeParams": (36, 4), "TfLiteLeakyReluParams": (4, 4), "TfLiteSVDFParams": (16, 4),
    "TfLiteStridedSliceParams": (24, 4), "TfLiteTransposeConvParams": (20, 4),
    "TfLiteUnidirectionalSequenceLSTMParams": (24, 4), "TfLiteCastParams": (8, 4),
    "TfLiteConcatenationParams": (8, 4), "TfLiteReducerParams": (1, 1), "TfLiteSqueezeParams": (36, 4),
    "TfLitePackParams": (8, 4), "TfLiteUnpackParams": (8, 4), "TfLiteSplitParams": (4, 4),
    "TfLiteSplitVParams": (4, 4), "TfLiteGatherParams": (8, 4), "TfLiteArgMaxParams": (4, 4),
    "TfLiteArgMinParams": (4, 4), "TfLiteBatchMatMulParams": (3, 1), "TfLiteResizeBilinearParams": (2, 1),
    "TfLiteResizeNearestNeighborParams": (2, 1), "TfLiteSpaceToDepthParams": (4, 4),
    "TfLiteDepthToSpaceParams": (4, 4), "TfLiteMirrorPaddingParams": (4, 4), "TfLiteShapeParams": (4, 4),
    "TfLiteL2NormParams": (4, 4), "TfLiteLSTMParams": (20, 4),
}
_CORTEX_M: dict[str, tuple[int, int]] = {
    "SingleArenaBufferAllocator": (36, 4), "RecordingSingleArenaBufferAllocator": (52, 4),
    "GreedyMemoryPlanner": (44, 4), "MicroAllocator": (36, 4), "RecordingMicroAllocator": (124, 4),
    "MicroBuiltinDataAllocator": (8, 4), "SubgraphAllocations": (8, 4), "TfLiteEvalTensor": (12, 4),
    "NodeAndRegistration": (32, 4), "ScratchBufferHandle": (4, 4), "ScratchBufferRequest": (12, 4),
    "AllocationInfo": (24, 4), "TfLiteTensor": (32, 4), "TfLiteAffineQuantization": (12, 4),
    "size_t": (4, 4), "void*": (4, 4),
    "OpDataConv": (56, 4), "OpDataFullyConnected": (48, 4), "SoftmaxParams": (56, 8),
    "OpDataPooling": (32, 4), "OpDataAdd": (60, 4), "OpDataSub": (52, 4), "OpDataMul": (36, 4),
    "OpDataLogistic": (16, 4), "LeakyReluOpData": (24, 4), "OpDataQuantizeReference": (32, 8),
    "DequantizeOpData": (32, 8), "OpDataSvdf": (36, 4), "StridedSliceParams": (84, 4),
    "PadOpData": (56, 4), "OpDataReduce": (44, 4), "HardSwishParams": (20, 4), "ReluOpData": (28, 4),
    "Relu6OpData": (8, 4), "OpDataLSTM": (688, 8), "TransposeConvOpData": (72, 4),
    "ConcatenationOpData": (24, 4), "TanhOpData": (16, 4),
    "TfLiteConvParams": (28, 4), "TfLiteDepthwiseConvParams": (28, 4), "TfLiteFullyConnectedParams": (5, 1),
    "TfLitePoolParams": (40, 4), "TfLiteSoftmaxParams": (4, 4), "TfLiteAddParams": (2, 1),
    "TfLiteSubParams": (2, 1), "TfLiteMulParams": (1, 1), "TfLiteDivParams": (1, 1),
    "TfLiteReshapeParams": (36, 4), "TfLiteLeakyReluParams": (4, 4), "TfLiteSVDFParams": (8, 4),
    "TfLiteStridedSliceParams": (24, 4), "TfLiteTransposeConvParams": (16, 4),
    "TfLiteUnidirectionalSequenceLSTMParams": (16, 4), "TfLiteCastParams": (2, 1),
    "TfLiteConcatenationParams": (8, 4), "TfLiteReducerParams": (1, 1), "TfLiteSqueezeParams": (36, 4),
    "TfLitePackParams": (8, 4), "TfLiteUnpackParams": (8, 4), "TfLiteSplitParams": (4, 4),
    "TfLiteSplitVParams": (4, 4), "TfLiteGatherParams": (8, 4), "TfLiteArgMaxParams": (1, 1),
    "TfLiteArgMinParams": (1, 1), "TfLiteBatchMatMulParams": (3, 1), "TfLiteResizeBilinearParams": (2, 1),
    "TfLiteResizeNearestNeighborParams": (2, 1), "TfLiteSpaceToDepthParams": (4, 4),
    "TfLiteDepthToSpaceParams": (4, 4), "TfLiteMirrorPaddingParams": (1, 1), "TfLiteShapeParams": (1, 1),
    "TfLiteL2NormParams": (1, 1), "TfLiteLSTMParams": (16, 4),
}


@dataclass(frozen=True)
class Target:
    """A TFLM build whose arena use we can predict."""

    name: str
    description: str
    sizes: dict[str, tuple[int, int]] = field(repr=False)
    recording: bool  # RecordingMicroAllocator (the Python wheel) or MicroAllocator (firmware)

    def size(self, struct: str) -> int:
        return self.sizes[struct][0]

    def align(self, struct: str) -> int:
        return self.sizes[struct][1]


TARGETS: dict[str, Target] = {
    "host64": Target(
        "host64", "x86-64 host, as the tflite-micro Python wheel builds TFLM "
        "(RecordingMicroAllocator, USE_TFLM_COMPRESSION, reference kernels)", _HOST64, True),
    "cortex-m": Target(
        "cortex-m", "32-bit Cortex-M firmware, arm-none-eabi-gcc "
        "(MicroAllocator, greedy planner, reference kernels)", _CORTEX_M, False),
}

#: TFLM's GreedyMemoryPlanner::per_buffer_size(): the planner's working bytes per buffer
#: (requirements 16 + sorted size 4 + sorted id 4 + list entry 12 + offset 4; ints only).
GREEDY_BYTES_PER_BUFFER = 40
#: MicroAllocator's kMaxScratchBuffersPerOp: room kept in the head for scratch requests.
MAX_SCRATCH_PER_OP = 12
#: LUTSize<int16_t>(): entries of each int16 softmax lookup table.
INT16_LUT_ENTRIES = 513


def get_target(name: str) -> Target:
    try:
        return TARGETS[name]
    except KeyError:
        raise ValueError(f"unknown target {name!r}; choose one of {', '.join(TARGETS)}") from None


# --------------------------------------------------------------------------- what each kernel allocates


@dataclass(frozen=True)
class _OpModel:
    """What one TFLM reference kernel allocates.

    ``events`` replay its Prepare in order: ``("temp", tensor)`` is a temporary
    ``TfLiteTensor`` (freed only after the op's prepare), ``("persist", n)`` a
    ``context->AllocatePersistentBuffer(n)``, ``("scratch", n)`` a scratch request.
    """

    params: str | None  # the parsed builtin options struct, if the parser allocates one
    init: str | None  # the OpData struct allocated in Init, if any
    events: tuple[tuple[str, int], ...]
    modelled: bool = True


#: op -> builtin options struct allocated by its flatbuffer parser (flatbuffer_conversions.cc)
_PARAMS: dict[str, str] = {
    "CONV_2D": "TfLiteConvParams", "DEPTHWISE_CONV_2D": "TfLiteDepthwiseConvParams",
    "FULLY_CONNECTED": "TfLiteFullyConnectedParams", "AVERAGE_POOL_2D": "TfLitePoolParams",
    "MAX_POOL_2D": "TfLitePoolParams", "L2_POOL_2D": "TfLitePoolParams", "SOFTMAX": "TfLiteSoftmaxParams",
    "ADD": "TfLiteAddParams", "SUB": "TfLiteSubParams", "MUL": "TfLiteMulParams", "DIV": "TfLiteDivParams",
    "RESHAPE": "TfLiteReshapeParams", "LEAKY_RELU": "TfLiteLeakyReluParams", "SVDF": "TfLiteSVDFParams",
    "STRIDED_SLICE": "TfLiteStridedSliceParams", "TRANSPOSE_CONV": "TfLiteTransposeConvParams",
    "UNIDIRECTIONAL_SEQUENCE_LSTM": "TfLiteUnidirectionalSequenceLSTMParams", "CAST": "TfLiteCastParams",
    "CONCATENATION": "TfLiteConcatenationParams", "MEAN": "TfLiteReducerParams",
    "SUM": "TfLiteReducerParams", "REDUCE_MAX": "TfLiteReducerParams", "REDUCE_MIN": "TfLiteReducerParams",
    "REDUCE_PROD": "TfLiteReducerParams", "SQUEEZE": "TfLiteSqueezeParams", "PACK": "TfLitePackParams",
    "UNPACK": "TfLiteUnpackParams", "SPLIT": "TfLiteSplitParams", "SPLIT_V": "TfLiteSplitVParams",
    "GATHER": "TfLiteGatherParams", "ARG_MAX": "TfLiteArgMaxParams", "ARG_MIN": "TfLiteArgMinParams",
    "BATCH_MATMUL": "TfLiteBatchMatMulParams", "RESIZE_BILINEAR": "TfLiteResizeBilinearParams",
    "RESIZE_NEAREST_NEIGHBOR": "TfLiteResizeNearestNeighborParams",
    "SPACE_TO_DEPTH": "TfLiteSpaceToDepthParams", "DEPTH_TO_SPACE": "TfLiteDepthToSpaceParams",
    "MIRROR_PAD": "TfLiteMirrorPaddingParams", "SHAPE": "TfLiteShapeParams",
    "L2_NORMALIZATION": "TfLiteL2NormParams", "LSTM": "TfLiteLSTMParams",
}

#: op -> OpData struct its Init allocates, for ops whose Prepare is just "temp tensors
#: for every input and output" (no per-op arrays, no scratch).
_SIMPLE_INIT: dict[str, str | None] = {
    "AVERAGE_POOL_2D": "OpDataPooling", "MAX_POOL_2D": "OpDataPooling", "RESHAPE": None,
    "ADD": "OpDataAdd", "SUB": "OpDataSub", "MUL": "OpDataMul", "LEAKY_RELU": "LeakyReluOpData",
    "PAD": "PadOpData", "PADV2": "PadOpData", "QUANTIZE": "OpDataQuantizeReference",
    "DEQUANTIZE": "DequantizeOpData", "STRIDED_SLICE": "StridedSliceParams", "CAST": None,
    "LOGISTIC": "OpDataLogistic", "TANH": "TanhOpData", "HARD_SWISH": "HardSwishParams",
    "RELU": "ReluOpData", "RELU6": "Relu6OpData", "CONCATENATION": "ConcatenationOpData",
    "SQUEEZE": None, "EXPAND_DIMS": None,
}


def _op_model(op: Operator, sg: Subgraph) -> _OpModel:
    t = sg.tensors
    ins, outs = op.inputs, op.outputs

    def inp(i: int) -> tuple[str, int] | None:
        return ("temp", ins[i]) if i < len(ins) and ins[i] >= 0 else None

    def out(i: int) -> tuple[str, int] | None:
        return ("temp", outs[i]) if i < len(outs) else None

    def ev(*items: tuple[str, int] | None) -> tuple[tuple[str, int], ...]:
        return tuple(x for x in items if x is not None)

    name = op.name
    params = _PARAMS.get(name)
    first = t[ins[0]] if ins and ins[0] >= 0 else None
    if name in ("CONV_2D", "DEPTHWISE_CONV_2D"):
        w = t[ins[1]]
        channels = w.shape[0] if name == "CONV_2D" else w.shape[-1]
        scratch = ("scratch", w.size) if w.type_name == "INT4" else None
        events = ev(out(0), inp(0), inp(1), ("persist", 4 * channels), ("persist", 4 * channels),
                    inp(0), inp(1), inp(2), out(0), scratch)
        return _OpModel(params, "OpDataConv", events)
    if name == "FULLY_CONNECTED":
        w = t[ins[1]]
        events = [*ev(inp(0), inp(1), inp(2), out(0))]
        if w.type_name == "INT4":
            events.append(("scratch", w.size))
        if first is not None and first.type_name != "FLOAT32" and w.quant is not None and w.quant.per_channel:
            events += [("persist", 4 * w.quant.scale.size)] * 2
        return _OpModel(params, "OpDataFullyConnected", tuple(events))
    if name == "SOFTMAX":
        events = [*ev(inp(0), out(0))]
        if first is not None and first.type_name == "INT16":
            events += [("persist", 2 * INT16_LUT_ENTRIES)] * 2
        return _OpModel(params, "SoftmaxParams", tuple(events))
    if name == "TRANSPOSE_CONV":
        w, x = t[ins[1]], t[ins[2]]
        y = t[outs[0]]
        events = [*ev(out(0), inp(2), inp(1)), ("persist", 4 * w.shape[0]), ("persist", 4 * w.shape[0])]
        if x.type_name == "INT8":
            events.append(("scratch", 4 * y.size))
        elif x.type_name == "INT16":
            events.append(("scratch", 8 * y.size))
        if x.type_name != "FLOAT32":
            events += ev(inp(2), inp(1), inp(3), out(0))
            bias = t[ins[3]] if len(ins) > 3 and ins[3] >= 0 else None
            if x.type_name == "INT16" and bias is not None and bias.type_name == "INT16":
                events.append(("scratch", 8 * bias.size))
        return _OpModel(params, "TransposeConvOpData", tuple(events))
    if name == "SVDF":
        x, wf = t[ins[0]], t[ins[1]]
        rank = getattr(op.options, "rank", 1) or 1
        batch, filters = x.shape[0], wf.shape[0]
        events = [*ev(inp(0), inp(1), inp(2), inp(3), inp(4), out(0))]
        if x.type_name == "INT8":
            events += [("scratch", 4 * batch * filters), ("scratch", 4 * batch * (filters // rank))]
        else:
            events.append(("scratch", 4 * batch * filters))
        return _OpModel(params, "OpDataSvdf", tuple(events))
    if name == "UNIDIRECTIONAL_SEQUENCE_LSTM":
        x, hidden, cell = t[ins[0]], t[ins[18]], t[ins[19]]
        time_major = bool(getattr(op.options, "time_major", False))
        batch = x.shape[1] if time_major else x.shape[0]
        state = hidden.shape[-1]
        cell_bytes = 2 if cell.type_name == "INT16" else 4
        events = [*ev(*(inp(i) for i in range(24)), out(0))]
        events += [("scratch", batch * state * cell_bytes)] * 4
        return _OpModel(params, "OpDataLSTM", tuple(events))
    if name in _SIMPLE_INIT:
        return _OpModel(params, _SIMPLE_INIT[name],
                        ev(*(inp(i) for i in range(len(ins))), *(out(i) for i in range(len(outs)))))
    # not modelled: a temp tensor for every input and output, no OpData
    return _OpModel(params, None, ev(*(inp(i) for i in range(len(ins))), *(out(i) for i in range(len(outs)))),
                    modelled=False)


def tflm_scratch(model: Model) -> list[tuple[int, int]]:
    """TFLM's scratch requests for the main subgraph, in request order: (op index, bytes)."""
    out = []
    for op in model.main.operators:
        for kind, n in _op_model(op, model.main).events:
            if kind == "scratch":
                out.append((op.index, n))
    return out


# --------------------------------------------------------------------------- buffer requests and hints


@dataclass(frozen=True)
class ModelPlanInput:
    """Integers for the planner, built from a parsed model alone (no Interpreter).

    ``owners[i]`` names ``requests[i]``: ``"tensor:<index>"`` or
    ``"scratch:<op>:<k>"``, in TFLM's order (tensors by index, then scratch
    buffers in request order), so ``plan_greedy`` matches TFLM exactly.
    """

    requests: tuple[BufferRequest, ...]
    owners: tuple[str, ...]
    hints: tuple[AliasHint, ...]


def plan_input(model: Model, *, scratch: Sequence[tuple[int, int]] | None = None,
               offline_offsets: Sequence[int] | None = None) -> ModelPlanInput:
    """Buffer requests for ``model``'s main subgraph, as TFLM builds them.

    ``scratch`` defaults to TFLM's own requests (``tflm_scratch``);
    ``offline_offsets`` (one per tensor, -1 = online) pins tensors where an
    ``OfflineMemoryAllocation`` plan put them.
    """
    sg = model.main
    lifetimes = tensor_lifetimes(len(sg.tensors), sg.inputs, [op.inputs for op in sg.operators],
                                 [op.outputs for op in sg.operators], sg.outputs)
    requests: list[BufferRequest] = []
    owners: list[str] = []
    for t in sg.tensors:
        offline = offline_offsets[t.index] if offline_offsets is not None else ONLINE
        if t.is_constant or t.nbytes == 0 or (t.is_variable and offline == ONLINE):
            continue
        first, last = lifetimes[t.index]
        requests.append(BufferRequest(align_up(t.nbytes), first, last, offline))
        owners.append(f"tensor:{t.index}")
    counts: dict[int, int] = {}
    for op_index, nbytes in (tflm_scratch(model) if scratch is None else scratch):
        k = counts.get(op_index, 0)
        counts[op_index] = k + 1
        requests.append(BufferRequest(align_up(nbytes), op_index + 1, op_index + 1))
        owners.append(f"scratch:{op_index}:{k}")
    hints = alias_hints(model, owners)
    return ModelPlanInput(tuple(requests), tuple(owners), tuple(hints))


#: ops whose output is the input's bytes reinterpreted (a copy in TFLM)
_RESHAPES = {"RESHAPE", "SQUEEZE", "EXPAND_DIMS"}
#: elementwise ops where output element i depends only on input element(s) i,
#: so writing the output over a same-shaped, same-dtype input is safe
_ELEMENTWISE = {
    "RELU", "RELU6", "RELU_N1_TO_1", "RELU_0_TO_1", "LOGISTIC", "TANH", "LEAKY_RELU", "HARD_SWISH",
    "ABS", "NEG", "QUANTIZE", "ADD", "SUB", "MUL", "MAXIMUM", "MINIMUM", "SQUARED_DIFFERENCE", "PRELU",
    "FLOOR", "CEIL", "ROUND", "SQRT", "RSQRT", "SQUARE", "EXP", "LOG", "SIN", "COS",
}


def alias_hints(model: Model, owners: Sequence[str]) -> list[AliasHint]:
    """Outputs that may be written over one of their op's inputs.

    RESHAPE-like ops (the output is the input's bytes), and elementwise ops
    whose output has the input's shape and dtype. The planner keeps a hint only
    if the input dies at that op (``planner.valid_hints``); graph inputs are
    never written over, so a caller's input stays intact. TFLM itself never
    aliases: these hints only serve microinterp's own ``best`` planner.
    """
    sg = model.main
    where = {o: i for i, o in enumerate(owners)}
    hints = []
    for op in sg.operators:
        if not op.outputs:
            continue
        y = sg.tensors[op.outputs[0]]
        yb = where.get(f"tensor:{y.index}")
        if yb is None:
            continue
        if op.name in _RESHAPES:
            candidates = op.inputs[:1]
        elif op.name in _ELEMENTWISE and len(op.outputs) == 1:
            candidates = op.inputs
        else:
            continue
        for i in candidates:
            if i < 0 or i in sg.inputs:
                continue
            x = sg.tensors[i]
            xb = where.get(f"tensor:{i}")
            if xb is None or x.nbytes != y.nbytes:
                continue
            if op.name not in _RESHAPES and (x.shape != y.shape or x.dtype != y.dtype):
                continue
            hints.append(AliasHint(yb, xb))
            break
    return hints


def plan_model(model: Model, planner: str = "greedy", *, aliasing: bool = True,
               scratch: Sequence[tuple[int, int]] | None = None) -> tuple[ModelPlanInput, Plan]:
    """Plan ``model``'s planned (non-persistent) region with a named planner."""
    if planner not in PLANNERS:
        raise ValueError(f"unknown planner {planner!r}; choose one of {', '.join(sorted(PLANNERS))}")
    pin = plan_input(model, scratch=scratch)
    return pin, PLANNERS[planner](pin.requests, pin.hints if aliasing else None)


# --------------------------------------------------------------------------- TFLM's allocator, replayed


class ArenaExhausted(Exception):
    """An allocation of the replayed sequence would fail in TFLM."""


class _SimArena:
    """``SingleArenaBufferAllocator`` on integers: head grows up from 0, tail
    down from ``size``, temporaries sit above the head."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.head = 0
        self.temp = 0
        self.tail = size
        self.requested = 0  # persistent bytes asked for, before alignment

    def persistent(self, nbytes: int, alignment: int) -> None:
        result = (self.tail - nbytes) // alignment * alignment
        if self.tail - nbytes < 0 or result < self.head:
            raise ArenaExhausted(f"persistent {nbytes}")
        self.tail = result
        self.requested += nbytes

    def temporary(self, nbytes: int, alignment: int) -> None:
        result = align_up(self.temp, alignment)
        if self.tail - result < nbytes:
            raise ArenaExhausted(f"temp {nbytes}")
        self.temp = result + nbytes

    def resize_head(self, nbytes: int, alignment: int) -> None:
        start = 0  # the arena start is aligned to 16, so to any smaller alignment too
        if self.tail - start < nbytes:
            raise ArenaExhausted(f"head {nbytes}")
        self.head = self.temp = start + nbytes

    def reset_temp(self) -> None:
        self.temp = self.head

    def available(self, alignment: int) -> int:
        return self.tail // alignment * alignment - align_up(self.temp, alignment)


@dataclass(frozen=True)
class TflmArena:
    """TFLM's arena for one model on one target.

    ``planned_bytes`` is the head (the greedy plan of tensors and scratch);
    ``persistent`` splits the tail by what it holds; ``alignment_bytes`` is the
    tail's padding. ``used_bytes`` = planned + tail is what TFLM's
    ``arena_used_bytes()`` reports after ``AllocateTensors()``;
    ``arena_bytes`` is the smallest ``arena_size`` for which every allocation
    of ``AllocateTensors()`` succeeds; it can exceed ``used_bytes`` when the
    temporary allocations of prepare or planning need more than the final
    layout (``planning_headroom_bytes``).
    """

    target: str
    planned_bytes: int
    persistent: dict[str, int]
    alignment_bytes: int
    used_bytes: int
    arena_bytes: int
    approximate_ops: tuple[str, ...] = ()
    binding_phase: str = "final layout"

    @property
    def persistent_bytes(self) -> int:
        return sum(self.persistent.values()) + self.alignment_bytes

    @property
    def planning_headroom_bytes(self) -> int:
        return self.arena_bytes - self.used_bytes


def _quant_channels(t: Tensor) -> int:
    """Channels of a tensor's quantization as TFLM copies it (0: none)."""
    return int(t.quant.scale.size) if t.quant is not None else 0


def _tflm_replay(model: Model, target: Target, arena_size: int, plan_size: int,
                 n_planned: int, record: dict[str, int] | None = None,
                 offline_offsets: Sequence[int] | None = None) -> str:
    """Replay ``AllocateTensors()`` on ``arena_size`` bytes; return the phase
    reached. Raises ``ArenaExhausted`` where TFLM would fail. ``record`` (if
    given) receives the persistent bytes requested per category."""
    s = target.size
    a = target.align
    arena = _SimArena(arena_size)
    rec = record if record is not None else {}

    def persist(category: str, nbytes: int, alignment: int) -> None:
        arena.persistent(nbytes, alignment)
        rec[category] = rec.get(category, 0) + nbytes

    def temp_tensor(t: Tensor) -> None:
        arena.temporary(s("TfLiteTensor"), a("TfLiteTensor"))
        ch = _quant_channels(t)
        if ch:
            arena.temporary(s("TfLiteAffineQuantization"), a("TfLiteAffineQuantization"))
            arena.temporary(4 + 4 * ch, 4)

    def persistent_tensor(t: Tensor) -> None:
        persist("tensor metadata", s("TfLiteTensor"), a("TfLiteTensor"))
        ch = _quant_channels(t)
        if ch:
            persist("tensor metadata", s("TfLiteAffineQuantization"), a("TfLiteAffineQuantization"))
            persist("tensor metadata", 4 + 4 * ch, 4)

    # MicroAllocator::Create / RecordingMicroAllocator::Create
    arena_alloc = "RecordingSingleArenaBufferAllocator" if target.recording else "SingleArenaBufferAllocator"
    micro_alloc = "RecordingMicroAllocator" if target.recording else "MicroAllocator"
    for struct in (arena_alloc, "GreedyMemoryPlanner", micro_alloc):
        persist("allocator objects", s(struct), a(struct))
    # StartModelAllocation
    phase = "start"
    persist("allocator objects", s("MicroBuiltinDataAllocator"), a("MicroBuiltinDataAllocator"))
    request = s("ScratchBufferRequest")
    arena.resize_head(request * MAX_SCRATCH_PER_OP, a("ScratchBufferRequest"))
    nsub = len(model.subgraphs)
    persist("tensor metadata", s("SubgraphAllocations") * nsub, a("SubgraphAllocations"))
    for sg in model.subgraphs:
        persist("tensor metadata", s("TfLiteEvalTensor") * len(sg.tensors), a("TfLiteEvalTensor"))
    for sg in model.subgraphs:
        persist("tensor metadata", s("NodeAndRegistration") * len(sg.operators), a("NodeAndRegistration"))
    models = [[_op_model(op, sg) for op in sg.operators] for sg in model.subgraphs]
    # PrepareNodeAndRegistrationDataFromFlatbuffer: parsed options
    for ops in models:
        for m in ops:
            if m.params is not None:
                persist("per-op data", s(m.params), a(m.params))
    # InitSubgraphs: OpData through context->AllocatePersistentBuffer (16-aligned)
    for ops in models:
        for m in ops:
            if m.init is not None:
                persist("per-op data", s(m.init), BUFFER_ALIGNMENT)
    # PrepareSubgraphs
    phase = "prepare"
    n_scratch = 0
    for sg, ops in zip(model.subgraphs, models):
        for m in ops:
            for kind, value in m.events:
                if kind == "temp":
                    temp_tensor(sg.tensors[value])
                elif kind == "persist":
                    persist("per-op data", value, BUFFER_ALIGNMENT)
                else:
                    n_scratch += 1
            arena.reset_temp()
            arena.resize_head(request * (n_scratch + MAX_SCRATCH_PER_OP), a("ScratchBufferRequest"))
    # FinishModelAllocation
    phase = "planning"
    if n_scratch:
        persist("scratch handles", s("ScratchBufferHandle") * n_scratch, a("ScratchBufferHandle"))
    arena.temporary(s("size_t") * nsub, a("size_t"))
    n_tensors = sum(len(sg.tensors) for sg in model.subgraphs)
    arena.temporary(s("AllocationInfo") * (n_tensors + n_scratch), a("AllocationInfo"))
    base = 0
    for sg in model.subgraphs:
        for t in sg.tensors:  # variables with an offline offset are planned in the head instead
            if t.is_variable and (offline_offsets is None or offline_offsets[base + t.index] == ONLINE):
                persist("variable tensors", t.nbytes, BUFFER_ALIGNMENT)
        base += len(sg.tensors)
    if arena.available(BUFFER_ALIGNMENT) // GREEDY_BYTES_PER_BUFFER < n_planned:
        raise ArenaExhausted("planner working memory")
    arena.reset_temp()
    arena.resize_head(0, 1)
    arena.resize_head(plan_size, BUFFER_ALIGNMENT)
    # AllocateTensors: input/output TfLiteTensors
    phase = "final layout"
    sg = model.main
    for ios in (sg.inputs, sg.outputs):
        persist("tensor metadata", s("void*") * len(ios), BUFFER_ALIGNMENT)
        for i in ios:
            persistent_tensor(sg.tensors[i])
    if record is not None:
        record["_tail"] = arena.size - arena.tail
        record["_requested"] = arena.requested
    return phase


def _min_arena(fits: callable, start: int) -> int:  # type: ignore[valid-type]
    """Smallest ``n`` with ``fits(n)``. ``fits`` is monotone within each residue
    mod 16 (alignment makes it non-monotone across residues), so search each."""
    best = None
    for residue in range(BUFFER_ALIGNMENT):
        lo = start - start % BUFFER_ALIGNMENT + residue  # candidate n = lo + 16 * k
        k_hi = 1
        while not fits(lo + BUFFER_ALIGNMENT * k_hi):
            k_hi *= 2
        k_lo = -1
        while lo + BUFFER_ALIGNMENT * k_lo >= 0 and fits(lo + BUFFER_ALIGNMENT * k_lo):
            k_lo *= 2
        while k_hi - k_lo > 1:  # fits(lo + 16 * k_hi) and not fits(lo + 16 * k_lo)
            mid = (k_lo + k_hi) // 2
            if lo + BUFFER_ALIGNMENT * mid >= 0 and fits(lo + BUFFER_ALIGNMENT * mid):
                k_hi = mid
            else:
                k_lo = mid
        n = lo + BUFFER_ALIGNMENT * k_hi
        best = n if best is None else min(best, n)
    assert best is not None
    return best


def tflm_arena(model: Model, target: str | Target = "host64", *, plan_size: int | None = None,
               n_planned: int | None = None, offline_offsets: Sequence[int] | None = None) -> TflmArena:
    """TFLM's arena for ``model`` on ``target``: the replayed allocation
    sequence, its final layout and the smallest arena that works.

    ``plan_size``/``n_planned`` default to TFLM's own greedy plan; pass another
    planner's size to ask what TFLM would need with that plan, and
    ``offline_offsets`` (per tensor of all subgraphs, -1 = online) for a model
    carrying an ``OfflineMemoryAllocation`` plan.
    """
    tgt = target if isinstance(target, Target) else get_target(target)
    if plan_size is None or n_planned is None:
        pin, plan = plan_model(model, "greedy", aliasing=False)
        plan_size = plan.size if plan_size is None else plan_size
        n_planned = len(pin.requests) if n_planned is None else n_planned
    record: dict[str, int] = {}
    big = 1 << 40
    _tflm_replay(model, tgt, big, plan_size, n_planned, record, offline_offsets)
    tail = record.pop("_tail")
    requested = record.pop("_requested")
    used = plan_size + tail

    def fits(n: int) -> bool:
        try:
            _tflm_replay(model, tgt, n, plan_size, n_planned, None, offline_offsets)
            return True
        except ArenaExhausted:
            return False

    minimum = _min_arena(fits, max(used - 64, 0))
    phase = "final layout"
    if minimum > used:
        phase = _binding_phase(model, tgt, minimum - 1, plan_size, n_planned, offline_offsets)
    approx = tuple(sorted({op.name for sg in model.subgraphs for op in sg.operators
                           if not _op_model(op, sg).modelled}))
    return TflmArena(tgt.name, plan_size, record, tail - requested, used, minimum, approx, phase)


def _binding_phase(model: Model, tgt: Target, n: int, plan_size: int, n_planned: int,
                   offline_offsets: Sequence[int] | None) -> str:
    """Which phase fails one byte below the minimum (what makes the arena that big)."""
    try:
        _tflm_replay(model, tgt, n, plan_size, n_planned, None, offline_offsets)
    except ArenaExhausted as e:
        return f"AllocateTensors temporaries ({e})"
    return "final layout"


# --------------------------------------------------------------------------- helpers for reports


def iter_models(root: str) -> Iterator[str]:
    """Relative paths of the .tflite files under ``root``, sorted."""
    import os

    for dirpath, _, files in sorted(os.walk(root)):
        for f in sorted(files):
            if f.endswith(".tflite"):
                yield os.path.relpath(os.path.join(dirpath, f), root)


def ratio(a: int | None, b: int | None) -> float:
    """a / b, or nan when either is missing or b is 0."""
    if a is None or b is None or b == 0:
        return math.nan
    return a / b


def planner_gap(plan_size: int, requests: Sequence[BufferRequest], hints: Sequence[AliasHint] | None = None
                ) -> tuple[int, int]:
    """(lower bound, plan size - lower bound)."""
    lb = lower_bound(requests, hints)
    return lb, plan_size - lb
