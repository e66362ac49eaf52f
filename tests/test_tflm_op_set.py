"""Completeness against TFLM's op set: every op TFLM's ``MicroMutableOpResolver`` can
register is registered here, in the Python interpreter (``kernels/__init__.py``) and in
the C port (``firmware/src/mi_resolver.c``, with its op data declared for the sizing).

The list is kept here, not fetched: one line per ``Add*`` method of
tensorflow/lite/micro/micro_mutable_op_resolver.h (tensorflow/tflite-micro at 90b983c2b,
December 2026), with the op name it registers (``BuiltinOperator_X`` -> ``X``,
``AddCustom("name")`` -> ``CUSTOM:name``); ``AddCustom`` and ``AddBuiltin`` themselves
are not ops. When TFLM adds an op, add its line: the test then says what is missing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from microinterp.fw.kernel_select import kernel_stem
from microinterp.kernels import BUILTIN_KERNELS
from microinterp.memory.firmware_arena import c_kernels

ROOT = Path(__file__).resolve().parents[1]

TFLM_OPS: tuple[tuple[str, str], ...] = (
    ("AddAbs", "ABS"), ("AddAdd", "ADD"), ("AddAddN", "ADD_N"), ("AddArgMax", "ARG_MAX"),
    ("AddArgMin", "ARG_MIN"), ("AddAssignVariable", "ASSIGN_VARIABLE"), ("AddAveragePool2D", "AVERAGE_POOL_2D"),
    ("AddBatchMatMul", "BATCH_MATMUL"), ("AddBatchToSpaceNd", "BATCH_TO_SPACE_ND"),
    ("AddBroadcastArgs", "BROADCAST_ARGS"), ("AddBroadcastTo", "BROADCAST_TO"), ("AddCallOnce", "CALL_ONCE"),
    ("AddCast", "CAST"), ("AddCeil", "CEIL"), ("AddCircularBuffer", "CUSTOM:CIRCULAR_BUFFER"),
    ("AddConcatenation", "CONCATENATION"), ("AddConv2D", "CONV_2D"), ("AddCos", "COS"), ("AddCumSum", "CUMSUM"),
    ("AddDecode", "CUSTOM:TFLM_DECODE"), ("AddDelay", "CUSTOM:SignalDelay"), ("AddDepthToSpace", "DEPTH_TO_SPACE"),
    ("AddDepthwiseConv2D", "DEPTHWISE_CONV_2D"), ("AddDequantize", "DEQUANTIZE"),
    ("AddDetectionPostprocess", "CUSTOM:TFLite_Detection_PostProcess"), ("AddDiv", "DIV"),
    ("AddDynamicUpdateSlice", "DYNAMIC_UPDATE_SLICE"), ("AddEmbeddingLookup", "EMBEDDING_LOOKUP"),
    ("AddEnergy", "CUSTOM:SignalEnergy"), ("AddElu", "ELU"), ("AddEqual", "EQUAL"), ("AddEthosU", "CUSTOM:ethos-u"),
    ("AddExp", "EXP"), ("AddExpandDims", "EXPAND_DIMS"), ("AddFftAutoScale", "CUSTOM:SignalFftAutoScale"),
    ("AddFill", "FILL"), ("AddFilterBank", "CUSTOM:SignalFilterBank"),
    ("AddFilterBankLog", "CUSTOM:SignalFilterBankLog"), ("AddFilterBankSquareRoot", "CUSTOM:SignalFilterBankSquareRoot"),
    ("AddFilterBankSpectralSubtraction", "CUSTOM:SignalFilterBankSpectralSubtraction"), ("AddFloor", "FLOOR"),
    ("AddFloorDiv", "FLOOR_DIV"), ("AddFloorMod", "FLOOR_MOD"), ("AddFramer", "CUSTOM:SignalFramer"),
    ("AddFullyConnected", "FULLY_CONNECTED"), ("AddGather", "GATHER"), ("AddGatherNd", "GATHER_ND"),
    ("AddGreater", "GREATER"), ("AddGreaterEqual", "GREATER_EQUAL"), ("AddHardSwish", "HARD_SWISH"), ("AddIf", "IF"),
    ("AddIrfft", "CUSTOM:SignalIrfft"), ("AddL2Normalization", "L2_NORMALIZATION"), ("AddL2Pool2D", "L2_POOL_2D"),
    ("AddLeakyRelu", "LEAKY_RELU"), ("AddLess", "LESS"), ("AddLessEqual", "LESS_EQUAL"), ("AddLog", "LOG"),
    ("AddLogicalAnd", "LOGICAL_AND"), ("AddLogicalNot", "LOGICAL_NOT"), ("AddLogicalOr", "LOGICAL_OR"),
    ("AddLogistic", "LOGISTIC"), ("AddLogSoftmax", "LOG_SOFTMAX"), ("AddMaximum", "MAXIMUM"),
    ("AddMaxPool2D", "MAX_POOL_2D"), ("AddMirrorPad", "MIRROR_PAD"), ("AddMean", "MEAN"), ("AddMinimum", "MINIMUM"),
    ("AddMul", "MUL"), ("AddNeg", "NEG"), ("AddNotEqual", "NOT_EQUAL"), ("AddOverlapAdd", "CUSTOM:SignalOverlapAdd"),
    ("AddPack", "PACK"), ("AddPad", "PAD"), ("AddPadV2", "PADV2"), ("AddPCAN", "CUSTOM:SignalPCAN"),
    ("AddPrelu", "PRELU"), ("AddQuantize", "QUANTIZE"), ("AddReadVariable", "READ_VARIABLE"),
    ("AddReduceAll", "REDUCE_ALL"), ("AddReduceMax", "REDUCE_MAX"), ("AddReduceMin", "REDUCE_MIN"), ("AddRelu", "RELU"),
    ("AddRelu6", "RELU6"), ("AddReshape", "RESHAPE"), ("AddResizeBilinear", "RESIZE_BILINEAR"),
    ("AddResizeNearestNeighbor", "RESIZE_NEAREST_NEIGHBOR"), ("AddReverseV2", "REVERSE_V2"),
    ("AddRfft", "CUSTOM:SignalRfft"), ("AddRound", "ROUND"), ("AddRsqrt", "RSQRT"), ("AddSelectV2", "SELECT_V2"),
    ("AddShape", "SHAPE"), ("AddSin", "SIN"), ("AddSlice", "SLICE"), ("AddSoftmax", "SOFTMAX"),
    ("AddSpaceToBatchNd", "SPACE_TO_BATCH_ND"), ("AddSpaceToDepth", "SPACE_TO_DEPTH"), ("AddSplit", "SPLIT"),
    ("AddSplitV", "SPLIT_V"), ("AddSqueeze", "SQUEEZE"), ("AddSqrt", "SQRT"), ("AddSquare", "SQUARE"),
    ("AddSquaredDifference", "SQUARED_DIFFERENCE"), ("AddStridedSlice", "STRIDED_SLICE"),
    ("AddStacker", "CUSTOM:SignalStacker"), ("AddSub", "SUB"), ("AddSum", "SUM"), ("AddSvdf", "SVDF"),
    ("AddTanh", "TANH"), ("AddTransposeConv", "TRANSPOSE_CONV"), ("AddTranspose", "TRANSPOSE"), ("AddUnpack", "UNPACK"),
    ("AddUnidirectionalSequenceLSTM", "UNIDIRECTIONAL_SEQUENCE_LSTM"), ("AddVarHandle", "VAR_HANDLE"),
    ("AddWhile", "WHILE"), ("AddWindow", "CUSTOM:SignalWindow"), ("AddZerosLike", "ZEROS_LIKE"),
)

#: ops left out on purpose, with why
EXCEPTED = {
    "CUSTOM:ethos-u": "the Ethos-U NPU's command stream: it runs on that hardware, not in a kernel (issue 15)",
}

#: ops the Python interpreter runs whose C twin is still to be written, with why
C_PENDING: dict[str, str] = {}

REQUIRED = [op for _, op in TFLM_OPS if op not in EXCEPTED]
C_REQUIRED = [op for op in REQUIRED if op not in C_PENDING]


def _c_registrations() -> set[str]:
    """The stems ``firmware/src/mi_resolver.c`` lists (``&mi_registration_<stem>``)."""
    text = (ROOT / "firmware" / "src" / "mi_resolver.c").read_text()
    return set(re.findall(r"&mi_registration_(\w+)", text))


def test_the_list_is_whole() -> None:
    methods = [m for m, _ in TFLM_OPS]
    assert len(TFLM_OPS) == 118 and len(set(methods)) == len(methods) == len({op for _, op in TFLM_OPS})
    assert set(EXCEPTED) | set(C_PENDING) <= {op for _, op in TFLM_OPS}


@pytest.mark.parametrize("op", REQUIRED)
def test_registered_in_python(op: str) -> None:
    assert op in {r.name for r in BUILTIN_KERNELS}, f"{op} (TFLM's MicroMutableOpResolver) is not registered"


@pytest.mark.parametrize("op", C_REQUIRED)
def test_registered_in_the_c_port(op: str) -> None:
    stem = kernel_stem(op)
    assert stem in _c_registrations(), f"{op}: firmware/src/mi_resolver.c does not list mi_registration_{stem}"
    assert (ROOT / "firmware" / "src" / "kernels" / f"mi_{stem}.c").is_file()
    assert op in c_kernels(), f"{op}: its Python twin declares no C op data (Registration.memory.c_op_data)"
