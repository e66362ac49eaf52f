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
needs them at run time). Per-kernel allocations follow each reference
kernel's ``Init``/``Prepare`` as the kernel declares them (``Registration.memory``,
read through ``requests.py``); ops not modelled fall back to a generic guess
and are listed in ``TflmArena.approximate_ops``.

Also here: the op knowledge the pure-integer planner must not have: which
outputs may legally be written over an input (``alias_hints``).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from ..graph import count_resource_variables
from ..model import Model, Tensor
from .declaration import HOST_POINTER_BYTES
from .planner import (
    BUFFER_ALIGNMENT,
    ONLINE,
    PLANNERS,
    AliasHint,
    BufferRequest,
    Plan,
    align_up,
    lower_bound,
)
from .requests import builtin_memory, model_requests, subgraph_needs, tflm_prepare

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
#: Control flow's structs hold only ints (and a bool), the same on every target; their
#: sizes follow from the member lists (if.cc / while.cc / call_once.cc OpData, builtin_op_data.h
#: TfLiteIfParams / TfLiteWhileParams / TfLiteCallOnceParams), with no padding question.
#: TfLiteVarHandleParams is two ``const char*``; MicroResourceVariables a pointer and two
#: ints, MicroResourceVariable three pointers, a size_t and an int8 (micro_resource_variable.h).
_CONTROL_FLOW: dict[str, tuple[int, int]] = {
    "TfLiteIfParams": (8, 4), "TfLiteWhileParams": (8, 4), "TfLiteCallOnceParams": (4, 4),
    "OpDataIf": (8, 4), "OpDataWhile": (8, 4), "OpDataCallOnce": (8, 4),
    "OpDataComparison": (32, 4),  # ComparisonParams: 7 int32 and a bool (types.h)
    "OpDataVarHandle": (4, 4),  # one int32 resource id
}
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
    "ConcatenationOpData": (80, 8), "TanhOpData": (16, 4), "SpaceToBatchParams": (4, 4),
    # TFLite_Detection_PostProcess and the streaming Signal ops: sizeof/alignof measured with g++ 12 (host)
    # and arm-none-eabi-g++ -mcpu=cortex-m4 (cortex-m) on transcriptions of the structs
    "DetectionPostProcessOpData": (112, 4),
    "TFLMSignalFrontendDelayParams": (32, 8), "TFLMSignalStackerParams": (56, 8), "TFLMSignalFramerParams": (40, 8),
    "TFLMSignalOverlapAddParams": (32, 8), "OpDataCircularBuffer": (8, 4),
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
    **_CONTROL_FLOW,
    "TfLiteVarHandleParams": (16, 8), "OpDataAssignVariable": (4, 4),  # USE_TFLM_COMPRESSION: an Init
    "MicroResourceVariables": (16, 8), "MicroResourceVariable": (40, 8),
    "OpDataDiv": (28, 4),  # 7 int32 (kernels/div.cc)
    # Signal library custom ops (signal/micro/kernels/*.cc), measured with gcc -std=c11
    "TFLMSignalWindowParams": (8, 4), "TFLMSignalEnergyParams": (8, 4),
    "TfLiteAudioFrontendRfftParams<int16_t>": (48, 8), "TFLMSignalFilterBankParams": (64, 8),
    "TfLiteAudioFrontendIrfftParams": (32, 8),  # 4 int32, a TfLiteType, an int8_t* (irfft.cc)
    "TFLMSignalSpectralSubtractionParams": (56, 8), "TfLitePcanParams": (4, 4), "TFLMSignalLogParams": (8, 4),
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
    "ConcatenationOpData": (24, 4), "TanhOpData": (16, 4), "SpaceToBatchParams": (4, 4),
    # TFLite_Detection_PostProcess and the streaming Signal ops: sizeof/alignof measured with g++ 12 (host)
    # and arm-none-eabi-g++ -mcpu=cortex-m4 (cortex-m) on transcriptions of the structs
    "DetectionPostProcessOpData": (112, 4),
    "TFLMSignalFrontendDelayParams": (20, 4), "TFLMSignalStackerParams": (36, 4), "TFLMSignalFramerParams": (28, 4),
    "TFLMSignalOverlapAddParams": (24, 4), "OpDataCircularBuffer": (8, 4),
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
    **_CONTROL_FLOW,
    "TfLiteVarHandleParams": (8, 4), "OpDataAssignVariable": (0, 1),  # no Init without compression
    "MicroResourceVariables": (12, 4), "MicroResourceVariable": (20, 4),
    "OpDataDiv": (28, 4),
    # Signal library custom ops, measured with arm-none-eabi-gcc 12.2 -mcpu=cortex-m4 -mthumb
    "TFLMSignalWindowParams": (8, 4), "TFLMSignalEnergyParams": (8, 4),
    "TfLiteAudioFrontendRfftParams<int16_t>": (32, 4), "TFLMSignalFilterBankParams": (36, 4),
    "TfLiteAudioFrontendIrfftParams": (24, 4),
    "TFLMSignalSpectralSubtractionParams": (44, 4), "TfLitePcanParams": (4, 4), "TFLMSignalLogParams": (8, 4),
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
def get_target(name: str) -> Target:
    try:
        return TARGETS[name]
    except KeyError:
        raise ValueError(f"unknown target {name!r}; choose one of {', '.join(TARGETS)}") from None


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


def plan_input(model: Model, *, offline_offsets: Sequence[int] | None = None,
               pointer_bytes: int = HOST_POINTER_BYTES) -> ModelPlanInput:
    """Buffer requests for ``model``'s main subgraph, as TFLM builds them
    (``requests.model_requests``: the same requests the interpreter plans).

    ``offline_offsets`` (one per tensor, -1 = online) pins tensors where an
    ``OfflineMemoryAllocation`` plan put them; ``pointer_bytes`` is the
    target's ``sizeof(void*)`` (some scratch buffers hold pointers).
    """
    reqs = model_requests(model, pointer_bytes=pointer_bytes, offline=offline_offsets)
    return ModelPlanInput(reqs.requests, reqs.owners, tuple(alias_hints(model, reqs.owners)))


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
               pointer_bytes: int = HOST_POINTER_BYTES) -> tuple[ModelPlanInput, Plan]:
    """Plan ``model``'s planned (non-persistent) region with a named planner."""
    if planner not in PLANNERS:
        raise ValueError(f"unknown planner {planner!r}; choose one of {', '.join(sorted(PLANNERS))}")
    pin = plan_input(model, pointer_bytes=pointer_bytes)
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


#: ``RecordingMicroAllocator``'s categories, in the order ``PrintAllocations()`` prints them, with the
#: noun it prints after the count (tensorflow/lite/micro/recording_micro_allocator.cc).
RECORDED_CATEGORIES = (
    ("TfLiteEvalTensor data", "allocations"),
    ("Persistent TfLiteTensor data", "tensors"),
    ("Persistent TfLiteTensor quantization data", "allocations"),
    ("Persistent buffer data", "allocations"),
    ("TfLiteTensor variable buffer data", "allocations"),
    ("NodeAndRegistration struct", "NodeAndRegistration structs"),
    ("Operator runtime data", "OpData structs"),
)


def _tflm_replay(model: Model, target: Target, arena_size: int, plan_size: int,
                 n_planned: int, record: dict[str, int] | None = None,
                 offline_offsets: Sequence[int] | None = None,
                 recorded: dict[str, list[int]] | None = None) -> str:
    """Replay ``AllocateTensors()`` on ``arena_size`` bytes; return the phase
    reached. Raises ``ArenaExhausted`` where TFLM would fail. ``record`` (if
    given) receives the persistent bytes requested per category; ``recorded``
    (if given) receives ``[requested, used, count]`` per ``RecordingMicroAllocator``
    category (``RECORDED_CATEGORIES``), as its ``PrintAllocations()`` reports them."""
    s = target.size
    a = target.align
    arena = _SimArena(arena_size)
    rec = record if record is not None else {}

    def persist(category: str, nbytes: int, alignment: int, tflm: str | None = None, count: int = 1) -> None:
        tail = arena.tail
        arena.persistent(nbytes, alignment)
        rec[category] = rec.get(category, 0) + nbytes
        if recorded is not None and tflm is not None:
            entry = recorded.setdefault(tflm, [0, 0, 0])
            entry[0] += nbytes
            entry[1] += tail - arena.tail
            entry[2] += count

    def temp_tensor(t: Tensor) -> None:
        arena.temporary(s("TfLiteTensor"), a("TfLiteTensor"))
        ch = _quant_channels(t)
        if ch:
            arena.temporary(s("TfLiteAffineQuantization"), a("TfLiteAffineQuantization"))
            arena.temporary(4 + 4 * ch, 4)

    def persistent_tensor(t: Tensor) -> None:
        persist("tensor metadata", s("TfLiteTensor"), a("TfLiteTensor"), "Persistent TfLiteTensor data")
        ch = _quant_channels(t)
        if ch:
            quant = "Persistent TfLiteTensor quantization data"
            persist("tensor metadata", s("TfLiteAffineQuantization"), a("TfLiteAffineQuantization"), quant)
            persist("tensor metadata", 4 + 4 * ch, 4, quant)

    # MicroAllocator::Create / RecordingMicroAllocator::Create
    arena_alloc = "RecordingSingleArenaBufferAllocator" if target.recording else "SingleArenaBufferAllocator"
    micro_alloc = "RecordingMicroAllocator" if target.recording else "MicroAllocator"
    for struct in (arena_alloc, "GreedyMemoryPlanner", micro_alloc):
        persist("allocator objects", s(struct), a(struct))
    # the TFLM Python interpreter's MicroResourceVariables::Create (persistent buffers, 16-aligned)
    n_resources = count_resource_variables(model)
    if n_resources:
        for nbytes in (s("MicroResourceVariables"), s("MicroResourceVariable") * n_resources):
            persist("per-op data", nbytes, BUFFER_ALIGNMENT, "Persistent buffer data")
    # StartModelAllocation
    phase = "start"
    persist("allocator objects", s("MicroBuiltinDataAllocator"), a("MicroBuiltinDataAllocator"))
    request = s("ScratchBufferRequest")
    arena.resize_head(request * MAX_SCRATCH_PER_OP, a("ScratchBufferRequest"))
    nsub = len(model.subgraphs)
    persist("tensor metadata", s("SubgraphAllocations") * nsub, a("SubgraphAllocations"))
    for sg in model.subgraphs:
        persist("tensor metadata", s("TfLiteEvalTensor") * len(sg.tensors), a("TfLiteEvalTensor"),
                "TfLiteEvalTensor data", len(sg.tensors))
    for sg in model.subgraphs:
        persist("tensor metadata", s("NodeAndRegistration") * len(sg.operators), a("NodeAndRegistration"),
                "NodeAndRegistration struct", len(sg.operators) if sg.operators else -1)
    decl = builtin_memory()
    ops = [subgraph_needs(sg, decl, s("void*")) for sg in model.subgraphs]
    # PrepareNodeAndRegistrationDataFromFlatbuffer: parsed options
    for sg_ops in ops:
        for _node, kernel, _needs in sg_ops:
            if kernel is not None and kernel.tflm_params is not None:
                persist("per-op data", s(kernel.tflm_params), a(kernel.tflm_params))
    # InitSubgraphs: OpData through context->AllocatePersistentBuffer (16-aligned)
    for sg_ops in ops:
        for _node, kernel, _needs in sg_ops:
            if kernel is not None and kernel.tflm_op_data is not None and s(kernel.tflm_op_data):
                persist("per-op data", s(kernel.tflm_op_data), BUFFER_ALIGNMENT, "Persistent buffer data")
    # PrepareSubgraphs
    phase = "prepare"
    n_scratch = 0
    handles: dict[tuple[int, int], str] = {}  # VAR_HANDLE outputs prepared so far -> shared name
    sized: set[str] = set()  # resource variables whose buffer is allocated
    for sg_index, (sg, sg_ops) in enumerate(zip(model.subgraphs, ops)):
        for node, _kernel, needs in sg_ops:
            for kind, value in tflm_prepare(node, needs):
                if kind == "temp":
                    temp_tensor(sg.tensors[value])
                else:
                    persist("per-op data", value, BUFFER_ALIGNMENT, "Persistent buffer data")
            if node.name == "VAR_HANDLE" and node.op.outputs:
                handles[(sg_index, node.op.outputs[0])] = node.options.shared_name
            elif node.name == "ASSIGN_VARIABLE" and len(node.op.inputs) == 2:
                # MicroResourceVariables::Allocate: the first ASSIGN_VARIABLE that knows its id
                name = handles.get((sg_index, node.op.inputs[0]))
                if name is not None and name not in sized:
                    sized.add(name)
                    persist("variable tensors", sg.tensors[node.op.inputs[1]].nbytes, BUFFER_ALIGNMENT,
                            "Persistent buffer data")
            n_scratch += len(needs.scratch)
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
                persist("variable tensors", t.nbytes, BUFFER_ALIGNMENT, "TfLiteTensor variable buffer data")
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
        persist("tensor metadata", s("void*") * len(ios), BUFFER_ALIGNMENT, "Persistent buffer data")
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


def generous_arena_size(model: Model) -> int:
    """An ``arena_size`` to give the real TFLM when running it as a reference
    (golden vectors, oracle tests, benchmarks): ten times the model or four
    times its non-constant tensors, plus 1 MiB.

    Why not the exact minimum ``tflm_arena`` computes: TFLM can segfault on too
    small an arena instead of raising (../shared/design/REFERENCE.md), and the
    minimum is approximate for ops whose allocations are not modelled (the
    Signal custom ops), so a reference run takes a margin that cannot matter."""
    linear = sum(t.nbytes for t in model.main.tensors if not t.is_constant)
    return max(len(model.raw) * 10, 4 * linear) + (1 << 20)


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
        pin, plan = plan_model(model, "greedy", aliasing=False, pointer_bytes=tgt.size("void*"))
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
    decl = builtin_memory()
    approx = tuple(sorted({node.name for sg in model.subgraphs for node, kernel, _ in subgraph_needs(sg, decl, 8)
                           if kernel is None or not kernel.modelled}))
    return TflmArena(tgt.name, plan_size, record, tail - requested, used, minimum, approx, phase)


def recorded_allocations(model: Model, target: str | Target = "host64") -> dict[str, tuple[int, int, int]]:
    """``RecordingMicroAllocator``'s per-category ``(requested, used, count)`` for
    ``model`` after ``AllocateTensors()``, in ``RECORDED_CATEGORIES`` order, only
    the non-empty ones (what ``PrintAllocations()`` prints after the totals)."""
    tgt = target if isinstance(target, Target) else get_target(target)
    pin, plan = plan_model(model, "greedy", aliasing=False, pointer_bytes=tgt.size("void*"))
    recorded: dict[str, list[int]] = {}
    _tflm_replay(model, tgt, 1 << 40, plan.size, len(pin.requests), None, None, recorded)
    return {name: (recorded[name][0], recorded[name][1], recorded[name][2]) for name, _ in RECORDED_CATEGORIES
            if name in recorded and (recorded[name][0] > 0 or recorded[name][1] > 0)}


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
