"""Parse a .tflite flatbuffer into validated, frozen Python objects.

Why a separate layer: kernels must never read the flatbuffer (as in TFLM,
options arrive already parsed), and every malformed input should be caught
here, once, as a ``ModelError``, instead of surfacing later as an
``IndexError`` or ``struct.error`` deep inside a kernel.

The flatbuffer is read with the generated ``tflite`` schema package. Builtin
options are turned into frozen dataclasses by reflection over the schema
classes, so every option of every builtin op is available with snake_case
names (``options.stride_w``, ``options.fused_activation_function``) without a
hand-written parser per op. Each field is typed and defaulted from the
schema's default; an op listed in ``OPTIONS_OF_OP`` always has its options
(defaults when the model omits them), and a table of another type is a
``ModelError`` at load, so kernels read ``node.options.axis`` directly.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import struct
from dataclasses import dataclass, field
from typing import Any

import flatbuffers
import numpy as np
import tflite
from tflite.utils import BUILTIN_OPCODE2NAME

from .errors import ModelError

# --------------------------------------------------------------------------- dtypes

#: TensorType enum value -> (name, numpy dtype or None when we cannot hold it)
_TENSOR_TYPES: dict[int, tuple[str, np.dtype | None]] = {}
for _name in dir(tflite.TensorType):
    if _name.isupper():
        _TENSOR_TYPES[getattr(tflite.TensorType, _name)] = (_name, None)
_NUMPY_OF = {
    "FLOAT32": np.float32, "FLOAT16": np.float16, "FLOAT64": np.float64,
    "INT8": np.int8, "UINT8": np.uint8, "INT16": np.int16, "UINT16": np.uint16,
    "INT32": np.int32, "UINT32": np.uint32, "INT64": np.int64, "UINT64": np.uint64,
    "BOOL": np.bool_, "COMPLEX64": np.complex64, "COMPLEX128": np.complex128,
}
for _code, (_name, _) in list(_TENSOR_TYPES.items()):
    if _name in _NUMPY_OF:
        _TENSOR_TYPES[_code] = (_name, np.dtype(_NUMPY_OF[_name]))

TYPE_CODE_OF_DTYPE: dict[np.dtype, int] = {
    dt: code for code, (_, dt) in _TENSOR_TYPES.items() if dt is not None
}
#: A RESOURCE tensor holds a resource variable's id: TFLM sizes it as one int32
#: (memory_helpers.cc, TfLiteTypeSizeOf), so it is read as int32 here too.
_TENSOR_TYPES[tflite.TensorType.RESOURCE] = ("RESOURCE", np.dtype(np.int32))

CUSTOM_CODE = tflite.BuiltinOperator.CUSTOM
#: The custom code of TFLM's weight decompression op (kernels/decode.py).
DECODE_CUSTOM_CODE = "TFLM_DECODE"


def builtin_code_of(name: str) -> int:
    """BuiltinOperator code of an op name such as ``"CONV_2D"``."""
    try:
        return getattr(tflite.BuiltinOperator, name)
    except AttributeError:
        raise ModelError(f"unknown builtin operator name {name!r}") from None


# --------------------------------------------------------------------------- dataclasses


@dataclass(frozen=True)
class QuantParams:
    """Affine quantization: real = scale * (q - zero_point).

    ``scale``/``zero_point`` have one entry for per-tensor quantization and
    one per slice along ``quantized_dimension`` for per-channel.
    """

    scale: np.ndarray  # float32
    zero_point: np.ndarray  # int64
    quantized_dimension: int = 0

    @property
    def per_channel(self) -> bool:
        return self.scale.size > 1


@dataclass(frozen=True)
class Tensor:
    """A tensor as the model declares it. ``data`` is set for constants (a
    read-only view into the model bytes, no copy)."""

    index: int
    name: str
    shape: tuple[int, ...]
    type_name: str
    dtype: np.dtype | None
    buffer: int
    data: np.ndarray | None = None
    quant: QuantParams | None = None
    is_variable: bool = False

    @property
    def is_constant(self) -> bool:
        """Constant = has buffer data and is not a variable. TFLM ignores buffer
        data on a variable tensor: it gets persistent arena memory, cleared."""
        return self.data is not None and not self.is_variable

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64)) if self.shape else 1

    @property
    def nbytes(self) -> int:
        if self.dtype is None:
            return 0
        return self.size * self.dtype.itemsize

    @property
    def scale(self) -> float:
        """Per-tensor scale (first entry for per-channel tensors)."""
        return float(self.quant.scale[0]) if self.quant is not None else 0.0

    @property
    def zero_point(self) -> int:
        return int(self.quant.zero_point[0]) if self.quant is not None else 0


@dataclass(frozen=True)
class Operator:
    """One node of the graph with its options already parsed."""

    index: int
    name: str  # "CONV_2D", or "CUSTOM:<custom_code>"
    builtin_code: int
    version: int
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]
    intermediates: tuple[int, ...] = ()
    options: Any = None  # frozen dataclass built from the schema's XxxOptions
    custom_code: str | None = None
    custom_options: bytes = b""

    @property
    def is_custom(self) -> bool:
        return self.builtin_code == CUSTOM_CODE


@dataclass(frozen=True)
class Subgraph:
    name: str
    tensors: tuple[Tensor, ...]
    operators: tuple[Operator, ...]
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]


@dataclass(frozen=True)
class Model:
    version: int
    description: str
    subgraphs: tuple[Subgraph, ...]
    metadata: dict[str, bytes] = field(default_factory=dict)
    raw: bytes = field(default=b"", repr=False)

    @property
    def main(self) -> Subgraph:
        """The subgraph TFLM invokes (subgraph 0)."""
        return self.subgraphs[0]

    @property
    def op_names(self) -> list[str]:
        return [op.name for op in self.main.operators]


# --------------------------------------------------------------------------- options by reflection

_SKIP_SUFFIXES = ("IsNone", "Length", "AsNumpy", "BufferHasIdentifier")
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def _snake(name: str) -> str:
    return _CAMEL.sub("_", name).lower()


@functools.cache
def _fields_of(cls: type) -> tuple[tuple[str, str, bool], ...]:
    """(method, snake_name, is_vector) for every scalar/vector field of a schema table."""
    out = []
    for meth in sorted(vars(cls)):
        if meth.startswith("_") or meth in ("Init",) or meth.startswith("GetRootAs"):
            continue
        if meth.endswith(_SKIP_SUFFIXES) or meth == "GetRootAs":
            continue
        out.append((meth, _snake(meth), hasattr(cls, meth + "Length")))
    return tuple(out)


def _read_values(cls: type, table_bytes: bytes | bytearray, pos: int) -> dict[str, Any]:
    """Every field of one options table, by snake_case name (absent fields at their
    schema defaults, as the generated accessors return them)."""
    obj = cls()
    obj.Init(table_bytes, pos)
    values = {}
    for meth, snake, is_vector in _fields_of(cls):
        getter = getattr(obj, meth)
        if is_vector:
            n = getattr(obj, meth + "Length")()
            _check_vector(n, len(table_bytes), f"{cls.__name__}.{meth}")
            values[snake] = tuple(getter(j) for j in range(n))
        else:
            value = getter()
            if isinstance(value, bytes):
                value = value.decode("utf-8", "replace")
            elif not isinstance(value, (int, float, bool, str, type(None))):
                value = None  # nested tables (StableHLO etc.): not used by any kernel
            values[snake] = value
    return values


@functools.cache
def _schema_defaults(cls: type) -> dict[str, Any]:
    """The values of an empty options table: every field at its schema default."""
    b = flatbuffers.Builder(16)
    getattr(tflite, cls.__name__ + "Start")(b)
    b.Finish(getattr(tflite, cls.__name__ + "End")(b))
    buf = b.Output()
    return _read_values(cls, buf, flatbuffers.encode.Get(flatbuffers.packer.uoffset, buf, 0))


@functools.cache
def _dataclass_for(cls: type) -> type:
    """A frozen dataclass for one schema options table: one field per schema field,
    typed and defaulted from the schema's default (so ``opts.depth_multiplier`` is
    an ``int`` that is always there)."""
    fields = []
    for name, default in _schema_defaults(cls).items():
        kind: Any = Any if default is None else type(default)
        fields.append((name, kind, dataclasses.field(default=default)))
    return dataclasses.make_dataclass(cls.__name__, fields, frozen=True)


def _read_options_table(cls: type, table_bytes: bytes | bytearray, pos: int) -> Any:
    return _dataclass_for(cls)(**_read_values(cls, table_bytes, pos))


#: union type code -> options class name
_OPTIONS_NAME_OF_TYPE = {
    getattr(tflite.BuiltinOptions, n): n for n in dir(tflite.BuiltinOptions) if not n.startswith("_")
}

#: builtin op name -> options class name, for ops whose options may be omitted
OPTIONS_OF_OP: dict[str, str] = {
    "ADD": "AddOptions", "SUB": "SubOptions", "MUL": "MulOptions", "DIV": "DivOptions",
    "AVERAGE_POOL_2D": "Pool2DOptions", "MAX_POOL_2D": "Pool2DOptions", "L2_POOL_2D": "Pool2DOptions",
    "CONV_2D": "Conv2DOptions", "DEPTHWISE_CONV_2D": "DepthwiseConv2DOptions",
    "FULLY_CONNECTED": "FullyConnectedOptions", "SOFTMAX": "SoftmaxOptions",
    "RESHAPE": "ReshapeOptions", "CONCATENATION": "ConcatenationOptions",
    "PAD": "PadOptions", "PADV2": "PadV2Options", "STRIDED_SLICE": "StridedSliceOptions",
    "LEAKY_RELU": "LeakyReluOptions", "TRANSPOSE_CONV": "TransposeConvOptions",
    "TRANSPOSE": "TransposeOptions", "MEAN": "ReducerOptions", "SUM": "ReducerOptions",
    "REDUCE_ALL": "ReducerOptions", "REDUCE_MAX": "ReducerOptions", "REDUCE_MIN": "ReducerOptions", "REDUCE_PROD": "ReducerOptions",
    "CAST": "CastOptions", "SQUEEZE": "SqueezeOptions", "EXPAND_DIMS": "ExpandDimsOptions",
    "PACK": "PackOptions", "UNPACK": "UnpackOptions", "SPLIT": "SplitOptions",
    "SPLIT_V": "SplitVOptions", "GATHER": "GatherOptions", "ARG_MAX": "ArgMaxOptions",
    "ARG_MIN": "ArgMinOptions", "SVDF": "SVDFOptions",
    "UNIDIRECTIONAL_SEQUENCE_LSTM": "UnidirectionalSequenceLSTMOptions",
    "HARD_SWISH": "HardSwishOptions", "MAXIMUM": "MaximumMinimumOptions",
    "MINIMUM": "MaximumMinimumOptions", "QUANTIZE": "QuantizeOptions",
    "DEQUANTIZE": "DequantizeOptions", "SQUARED_DIFFERENCE": "SquaredDifferenceOptions",
    "BATCH_MATMUL": "BatchMatMulOptions", "SLICE": "SliceOptions",
    "RESIZE_NEAREST_NEIGHBOR": "ResizeNearestNeighborOptions", "RESIZE_BILINEAR": "ResizeBilinearOptions",
    "L2_NORMALIZATION": "L2NormOptions", "LOG_SOFTMAX": "LogSoftmaxOptions",
    "DEPTH_TO_SPACE": "DepthToSpaceOptions", "SPACE_TO_DEPTH": "SpaceToDepthOptions",
    "BATCH_TO_SPACE_ND": "BatchToSpaceNDOptions", "SPACE_TO_BATCH_ND": "SpaceToBatchNDOptions",
    "MIRROR_PAD": "MirrorPadOptions", "GATHER_ND": "GatherNdOptions", "BROADCAST_TO": "BroadcastToOptions",
    "CUMSUM": "CumsumOptions", "REVERSE_V2": "ReverseV2Options",
    "IF": "IfOptions", "WHILE": "WhileOptions", "CALL_ONCE": "CallOnceOptions",
    "VAR_HANDLE": "VarHandleOptions",
}


@functools.cache
def default_options(options_name: str) -> Any:
    """Options with every field at its schema default (for ops that omit them)."""
    return _dataclass_for(getattr(tflite, options_name))()


# --------------------------------------------------------------------------- parsing

_MIN_SIZE = 8  # root offset + file identifier
#: The largest tensor the loader accepts, in bytes. A microcontroller model's
#: biggest activation is a few MB; a corrupt shape (a dimension of 5.9e9) must be
#: refused here, by name, before any array of that size is ever requested.
#: C twin: MI_MAX_TENSOR_BYTES (mi_config.h), with the same rule for empty dimensions.
MAX_TENSOR_BYTES = 1 << 28  # 256 MiB


def _check_vector(n: int, buflen: int, what: str, elem_bytes: int = 1) -> None:
    """Reject vector lengths that cannot fit in the file, so that a corrupt
    length never turns into a multi-billion-iteration loop (a hang)."""
    if n < 0 or n * elem_bytes > buflen:
        raise ModelError(f"corrupt model: {what} claims {n} elements but the file is {buflen} bytes")


def _vec(obj: Any, name: str, buflen: int, elem_bytes: int = 4) -> list:
    n = getattr(obj, name + "Length")()
    _check_vector(n, buflen, name, elem_bytes)
    get = getattr(obj, name)
    return [get(j) for j in range(n)]


def _np_vec(obj: Any, name: str, buflen: int, elem_bytes: int) -> np.ndarray:
    n = getattr(obj, name + "Length")()
    _check_vector(n, buflen, name, elem_bytes)
    if n == 0:
        return np.zeros(0)
    return np.asarray(getattr(obj, name + "AsNumpy")())


def load_model(source: bytes | bytearray | memoryview | str) -> Model:
    """Parse and validate a model from bytes or a file path.

    Raises ``ModelError`` for anything malformed; no other exception escapes
    for bad model bytes.
    """
    if isinstance(source, str):
        try:
            with open(source, "rb") as f:
                source = f.read()
        except OSError as e:
            raise ModelError(f"cannot read model file {source!r}: {e.strerror}") from None
    raw = bytes(source)
    if len(raw) < _MIN_SIZE:
        raise ModelError(f"not a .tflite model: only {len(raw)} bytes (a flatbuffer needs at least 8)")
    if raw[4:8] != b"TFL3":
        raise ModelError(
            f"not a .tflite model: file identifier is {raw[4:8]!r}, expected b'TFL3' "
            "(is this a TensorFlow SavedModel, a Keras .h5 or a truncated download?)"
        )
    root = struct.unpack_from("<I", raw, 0)[0]
    if root + 4 > len(raw):
        raise ModelError(f"truncated model: root table offset {root} is past the end ({len(raw)} bytes)")
    try:
        return _parse(raw)
    except ModelError:
        raise
    except (struct.error, IndexError, ValueError, TypeError, OverflowError, UnicodeDecodeError,
            AttributeError, KeyError, MemoryError) as e:
        raise ModelError(f"truncated or corrupt model ({type(e).__name__}: {e})") from None


def _parse(raw: bytes) -> Model:
    n = len(raw)
    fb = tflite.Model.GetRootAs(raw, 0)
    buffers = _vec(fb, "Buffers", n)
    opcodes = [_parse_opcode(c) for c in _vec(fb, "OperatorCodes", n)]
    metadata = {}
    for md in _vec(fb, "Metadata", n):
        name = (md.Name() or b"").decode("utf-8", "replace")
        idx = md.Buffer()
        if not 0 <= idx < len(buffers):
            raise ModelError(f"metadata {name!r} refers to buffer {idx}, but the model has {len(buffers)}")
        metadata[name] = bytes(_buffer_bytes(raw, buffers[idx]))
    subgraphs = tuple(
        _parse_subgraph(raw, sg, buffers, opcodes) for sg in _vec(fb, "Subgraphs", n)
    )
    if not subgraphs:
        raise ModelError("model has no subgraphs")
    check_subgraph_calls(subgraphs)
    desc = fb.Description()
    return Model(
        version=fb.Version(),
        description=desc.decode("utf-8", "replace") if desc else "",
        subgraphs=subgraphs,
        metadata=metadata,
        raw=raw,
    )


# --------------------------------------------------------------------------- subgraph calls

#: option fields through which a control-flow op invokes other subgraphs, in the order
#: TFLM's ``AllocationInfoBuilder::MarkSubgraphLifetimesIfNecessary`` walks them
CALLED_SUBGRAPHS: dict[str, tuple[str, ...]] = {
    "IF": ("then_subgraph_index", "else_subgraph_index"),
    "WHILE": ("cond_subgraph_index", "body_subgraph_index"),
    "CALL_ONCE": ("init_subgraph_index",),
}
#: the most subgraphs a model may have (C twin: MI_MAX_SUBGRAPHS, the C port's bound)
MAX_SUBGRAPHS = 256
#: the deepest chain of nested subgraph calls accepted (C twin: MI_MAX_SUBGRAPH_DEPTH):
#: each level is a native stack frame in the C port, so the depth must be bounded
MAX_SUBGRAPH_DEPTH = 16
#: the most subgraph visits TFLM's lifetime walk may make (C twin: MI_MAX_SUBGRAPH_VISITS):
#: a chain of IFs whose two branches both call the next subgraph doubles the walk at
#: every level, so a small model could otherwise ask for 2**n visits (a hang)
MAX_SUBGRAPH_VISITS = 4096


def tensor_bases(model: Model) -> list[int]:
    """Where each subgraph's tensors start in one numbering of every tensor of the model
    (subgraph 0's first, as an ``OfflineMemoryAllocation`` entry counts them): tensor ``i`` of
    subgraph ``s`` is ``bases[s] + i``, so subgraph 0's indices are its own."""
    bases = [0]
    for sg in model.subgraphs[:-1]:
        bases.append(bases[-1] + len(sg.tensors))
    return bases


def subgraph_calls(op: Operator) -> tuple[int, ...]:
    """The subgraphs ``op`` invokes (IF: then, else; WHILE: cond, body; CALL_ONCE: init)."""
    fields = CALLED_SUBGRAPHS.get(op.name)
    if not fields or op.options is None:
        return ()
    return tuple(int(getattr(op.options, f)) for f in fields)


def check_subgraph_calls(subgraphs: tuple[Subgraph, ...]) -> None:
    """Refuse control flow that cannot run: a called subgraph that does not exist, and
    recursion (a WHILE body calling itself, IF branches calling each other), which TFLM
    walks without end (a stack overflow) and the C port could not bound; also nesting
    deeper than ``MAX_SUBGRAPH_DEPTH`` or a lifetime walk over ``MAX_SUBGRAPH_VISITS``."""
    n = len(subgraphs)
    if n > MAX_SUBGRAPHS:
        raise ModelError(f"the model has {n} subgraphs, more than {MAX_SUBGRAPHS}")
    callees: list[list[int]] = []
    for s, sg in enumerate(subgraphs):
        out = []
        for op in sg.operators:
            for callee in subgraph_calls(op):
                if not 0 <= callee < n:
                    raise ModelError(f"subgraph {s} operator {op.index} ({op.name}) calls subgraph {callee}, "
                                     f"but the model has {n} subgraph{'s' if n > 1 else ''}")
                out.append(callee)
        callees.append(out)
    visits: dict[int, int] = {}  # subgraph -> visits of one walk from it (memoized)
    depth_of: dict[int, int] = {}
    for root in range(n):
        if root in visits:
            continue
        # iterative depth-first search: the model cannot overflow the Python stack either
        path, stack = [root], [iter(callees[root])]
        while stack:
            callee = next(stack[-1], None)
            if callee is None:
                done = path.pop()
                stack.pop()
                visits[done] = 1 + sum(visits[c] for c in callees[done])
                depth_of[done] = 1 + max((depth_of[c] for c in callees[done]), default=0)
                if visits[done] > MAX_SUBGRAPH_VISITS:
                    raise ModelError(f"subgraph {done}'s control flow fans out to {visits[done]} subgraph calls "
                                     f"(more than {MAX_SUBGRAPH_VISITS}): refused")
                if depth_of[done] > MAX_SUBGRAPH_DEPTH:
                    raise ModelError(f"subgraph {done} nests subgraph calls {depth_of[done]} deep "
                                     f"(more than {MAX_SUBGRAPH_DEPTH}): refused")
                continue
            if callee in path:
                cycle = " -> ".join(str(s) for s in path[path.index(callee):] + [callee])
                raise ModelError(f"recursive control flow: subgraph calls {cycle} never end "
                                 "(TFLM would overflow its stack); refused")
            if callee not in visits:
                path.append(callee)
                stack.append(iter(callees[callee]))


def _builtin_code(code: Any) -> int:
    """TFLM's GetBuiltinCode: the larger of ``builtin_code`` and ``deprecated_builtin_code``.

    ``builtin_code`` (field 3) is read as stored: the ``tflite`` package's
    ``BuiltinCode()`` returns the deprecated code whenever the stored one is below
    127, so a file whose two codes disagree (the C fuzzer's: 98 and 99) read as
    LEAKY_RELU here and SQUARED_DIFFERENCE in TFLM and the C twin."""
    o = code._tab.Offset(10)
    stored = code._tab.Get(flatbuffers.number_types.Int32Flags, o + code._tab.Pos) if o else 0
    return max(stored, code.DeprecatedBuiltinCode())


def _parse_opcode(code: Any) -> tuple[int, str, int, str | None]:
    builtin = _builtin_code(code)
    custom = code.CustomCode()
    custom_name = custom.decode("utf-8", "replace") if custom is not None else None
    if builtin == 0 and custom_name == DECODE_CUSTOM_CODE:
        # TFLM's compressor writes its DECODE op with builtin code 0 (ADD) and the
        # custom code TFLM_DECODE; TFLM resolves it as that custom op.
        builtin = CUSTOM_CODE
    if builtin == CUSTOM_CODE:
        name = f"CUSTOM:{custom_name}"
    else:
        name = BUILTIN_OPCODE2NAME.get(builtin, f"BUILTIN_{builtin}")
    return builtin, name, code.Version(), custom_name


def _buffer_bytes(raw: bytes, buf: Any) -> memoryview:
    """The bytes of a Buffer: inline data, or (for >2 GB models) offset/size into the file."""
    offset, size = buf.Offset(), buf.Size()
    if offset > 1:
        if offset + size > len(raw):
            raise ModelError(f"buffer at offset {offset} with size {size} is past the end of the file")
        return memoryview(raw)[offset : offset + size]
    length = buf.DataLength()
    if length == 0:
        return memoryview(b"")
    _check_vector(length, len(raw), "Buffer.data")
    start = buf._tab.Vector(buf._tab.Offset(4))
    if start + length > len(raw):
        raise ModelError("truncated model: a buffer's data runs past the end of the file")
    return memoryview(raw)[start : start + length]


def _parse_quant(q: Any, shape: tuple[int, ...], n: int, where: str,
                 encoded: bool = False) -> QuantParams | None:
    if q is None:
        return None
    scale = _np_vec(q, "Scale", n, 4).astype(np.float32)
    zp = _np_vec(q, "ZeroPoint", n, 8).astype(np.int64)
    if scale.size == 0:
        return None
    if zp.size == 0:
        zp = np.zeros(scale.size, np.int64)
    if zp.size != scale.size:
        raise ModelError(f"{where}: {scale.size} scales but {zp.size} zero points")
    qdim = q.QuantizedDimension()
    # TFLM accepts a quantized_dimension past the tensor's rank (person_detect's
    # 1-D biases carry quantized_dimension=3), so only an in-range one is checked.
    # A DECODE op's encoded input (``encoded``) keeps the per-channel quantization of the
    # tensor it was compressed from on a shape of packed index bytes; TFLM never reads it.
    if scale.size > 1 and not encoded and (qdim < 0 or (qdim < len(shape) and shape[qdim] != scale.size)):
        raise ModelError(
            f"{where}: {scale.size} per-channel scales do not match dimension {qdim} of shape {list(shape)}"
        )
    return QuantParams(scale=scale, zero_point=zp, quantized_dimension=qdim)


def _parse_tensor(raw: bytes, index: int, t: Any, buffers: list, encoded: bool = False) -> Tensor:
    n = len(raw)
    name = (t.Name() or b"").decode("utf-8", "replace")
    where = f"tensor {index} ({name!r})"
    shape = tuple(int(d) for d in _np_vec(t, "Shape", n, 4))
    if any(d < 0 for d in shape):
        raise ModelError(f"{where}: dynamic or negative shape {list(shape)} is not supported")
    type_name, dtype = _TENSOR_TYPES.get(t.Type(), (f"TYPE_{t.Type()}", None))
    # An empty dimension counts as 1: [1, 134217736, 0, 8] holds nothing, but kernels size
    # buffers and loops by the other dimensions. float64: exact for any sane size, no overflow.
    span = float(np.prod([max(d, 1) for d in shape], dtype=np.float64))
    nbytes = span * (dtype.itemsize if dtype is not None else 1)
    if nbytes > MAX_TENSOR_BYTES:
        empty = " (counting its empty dimensions as 1)" if 0 in shape else ""
        raise ModelError(
            f"{where}: shape {list(shape)} of {type_name} would take {nbytes:.4g} bytes{empty}, more than "
            f"the {MAX_TENSOR_BYTES >> 20} MiB bound on one tensor (a corrupt shape?)"
        )
    bidx = t.Buffer()
    if not 0 <= bidx < max(len(buffers), 1):
        raise ModelError(f"{where}: buffer index {bidx} out of range (model has {len(buffers)} buffers)")
    data = None
    if buffers:
        blob = _buffer_bytes(raw, buffers[bidx])
        if len(blob):
            if dtype is None:
                raise ModelError(f"{where}: constant data of unsupported type {type_name}")
            count = int(np.prod(shape, dtype=np.int64)) if shape else 1
            if len(blob) != count * dtype.itemsize:
                raise ModelError(
                    f"{where}: constant data is {len(blob)} bytes but shape {list(shape)} of "
                    f"{type_name} needs {count * dtype.itemsize}"
                )
            data = np.frombuffer(blob, dtype=dtype, count=count).reshape(shape)
    quant = _parse_quant(t.Quantization(), shape, n, where, encoded)
    return Tensor(
        index=index, name=name, shape=shape, type_name=type_name, dtype=dtype, buffer=bidx,
        data=data, quant=quant, is_variable=bool(t.IsVariable()),
    )


def _parse_subgraph(raw: bytes, sg: Any, buffers: list, opcodes: list) -> Subgraph:
    n = len(raw)
    encoded = _decode_encoded_inputs(sg, n, opcodes)
    tensors = tuple(_parse_tensor(raw, i, t, buffers, i in encoded)
                    for i, t in enumerate(_vec(sg, "Tensors", n)))
    nt = len(tensors)

    def indices(values: Any, what: str, optional: bool = False) -> tuple[int, ...]:
        out = tuple(int(v) for v in values)
        for v in out:
            if not (-1 if optional else 0) <= v < nt:
                raise ModelError(f"{what} refers to tensor {v}, but the subgraph has {nt} tensors")
        return out

    operators = []
    for i, op in enumerate(_vec(sg, "Operators", n)):
        oi = op.OpcodeIndex()
        if not 0 <= oi < len(opcodes):
            raise ModelError(f"operator {i}: opcode index {oi} out of range ({len(opcodes)} opcodes)")
        builtin, name, version, custom_name = opcodes[oi]
        options = _parse_options(op, i, name)
        custom_opts = bytes(_np_vec(op, "CustomOptions", n, 1).astype(np.uint8))
        operators.append(Operator(
            index=i, name=name, builtin_code=builtin, version=version,
            inputs=indices(_np_vec(op, "Inputs", n, 4), f"operator {i} ({name}) input", optional=True),
            outputs=indices(_np_vec(op, "Outputs", n, 4), f"operator {i} ({name}) output"),
            intermediates=indices(_np_vec(op, "Intermediates", n, 4), f"operator {i} ({name}) intermediate"),
            options=options, custom_code=custom_name, custom_options=custom_opts,
        ))
    name = sg.Name()
    subgraph = Subgraph(
        name=name.decode("utf-8", "replace") if name else "",
        tensors=tensors,
        operators=tuple(operators),
        inputs=indices(_np_vec(sg, "Inputs", n, 4), "subgraph input"),
        outputs=indices(_np_vec(sg, "Outputs", n, 4), "subgraph output"),
    )
    _check_writes(subgraph)
    return subgraph


def _decode_encoded_inputs(sg: Any, n: int, opcodes: list) -> set[int]:
    """Tensors read as the encoded input (even positions) of a TFLM_DECODE op."""
    found: set[int] = set()
    for op in _vec(sg, "Operators", n):
        oi = op.OpcodeIndex()
        if 0 <= oi < len(opcodes) and opcodes[oi][1] == f"CUSTOM:{DECODE_CUSTOM_CODE}":
            found.update(int(v) for v in _np_vec(op, "Inputs", n, 4)[::2])
    return found


def _check_writes(sg: Subgraph) -> None:
    """Constant tensors are read-only views into the model bytes (and flash, on a
    device): nothing may write them, neither an operator nor ``set_input``."""
    for op in sg.operators:
        for i in op.outputs:
            t = sg.tensors[i]
            if t.is_constant:
                raise ModelError(
                    f"operator {op.index} ({op.name}) writes tensor {i} ({t.name!r}), which is a constant "
                    "(it has buffer data); an operator output must not have data"
                )
    for i in sg.inputs:
        t = sg.tensors[i]
        if t.is_constant:
            raise ModelError(f"subgraph input tensor {i} ({t.name!r}) is a constant (it has buffer data)")


def _parse_options(op: Any, index: int, name: str) -> Any:
    """The operator's builtin options as a frozen dataclass, or the op's defaults.

    An options table of another op's type is refused: TFLM's parsers read it as
    absent (and use defaults), but a kernel here would read fields the table does
    not have, and a model carrying one is corrupt either way."""
    expected = OPTIONS_OF_OP.get(name)
    otype = op.BuiltinOptionsType()
    table = op.BuiltinOptions() if otype else None
    if table is None:
        options = default_options(expected) if expected else None
    else:
        got = _OPTIONS_NAME_OF_TYPE.get(otype)
        if got is None:
            raise ModelError(f"operator {index} ({name}) carries options of unknown type {otype}")
        if expected is not None and got != expected:
            # TFLM's parser would read a null table and silently use defaults; refuse instead
            raise ModelError(f"operator {index} ({name}) carries {got} options, but {name} takes {expected}")
        options = _read_options_table(getattr(tflite, got), table.Bytes, table.Pos)
    return options


def check_runnable_options(model: Model) -> None:
    """Refuse strides, dilations and filter sizes below 1 (``_POSITIVE_OPTIONS``) before
    any kernel divides by them. Checked when an interpreter is built, not when the model
    is read: ``inspect`` and ``plan`` still describe such a model (a CONV_2D without
    options has the schema's stride 0)."""
    for op in (op for sg in model.subgraphs for op in sg.operators):
        for key in _POSITIVE_OPTIONS:
            value = getattr(op.options, key, 1)
            if not isinstance(value, int) or value < 1:
                raise ModelError(f"operator {op.index} ({op.name}): {key}={value} (must be at least 1)")


#: option fields that divide or step a loop: 0 or negative would divide by zero
#: (in TFLM too) or never advance, so they are refused when the model is read
_POSITIVE_OPTIONS = ("stride_w", "stride_h", "stride_d", "dilation_w_factor", "dilation_h_factor",
                     "dilation_d_factor", "filter_width", "filter_height")


def hybrid_reason(model: Model) -> str | None:
    """Why ``model`` is a hybrid model (int8 weights with float activations), which
    TFLM rejects, or None: the interpreter refuses it and ``plan`` notes it."""
    sg = model.main
    for op in sg.operators:
        ins = [sg.tensors[i] for i in op.inputs if i >= 0]
        if not ins or op.name in ("DEQUANTIZE", "QUANTIZE"):
            continue
        first = ins[0]
        if first.type_name == "FLOAT32" and any(
            t.is_constant and t.type_name in ("INT8", "UINT8", "INT4") for t in ins[1:]
        ):
            return f"operator {op.index} ({op.name}) has float32 activations with int8 weights"
    return None
