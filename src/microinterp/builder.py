"""Write valid .tflite flatbuffers without TensorFlow.

Tests and examples need small models: single-op graphs with drawn shapes and
quantization, and the built-in example classifier. ``ModelBuilder`` writes
them with the same generated ``tflite`` schema package that ``model.py``
reads with, so a builder bug and a parser bug cannot hide each other: every
model the tests build is also run by the real TFLM.

    b = ModelBuilder()
    x = b.add_input("x", (1, 8), "int8", scale=0.1, zero_point=-3)
    w = b.add_constant("w", weights, scale=wscales, zero_point=0, quantized_dimension=0)
    y = b.add_output("y", (1, 4), "int8", scale=0.2, zero_point=5)
    b.add_operator("FULLY_CONNECTED", [x, w, -1], [y], fused_activation_function="RELU")
    model_bytes = b.build()

Options are given as keyword arguments with the schema's snake_case field
names; enum fields accept names ("SAME", "RELU6") or integers.

Control flow needs more subgraphs: ``body = b.add_subgraph("body")`` returns a
builder for subgraph 1 (tensors, operators, inputs and outputs of its own, the
model's buffers shared), and ``b.add_operator("WHILE", ..., cond_subgraph_index=1,
body_subgraph_index=2)`` calls them by index.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import flatbuffers
import numpy as np
import tflite

from .model import OPTIONS_OF_OP, TYPE_CODE_OF_DTYPE, _fields_of, builtin_code_of

_ENUMS = {
    "padding": tflite.Padding,
    "fused_activation_function": tflite.ActivationFunctionType,
    "weights_format": tflite.FullyConnectedOptionsWeightsFormat,
}

_DTYPE_ALIASES = {
    "float32": np.float32, "int8": np.int8, "uint8": np.uint8, "int16": np.int16,
    "int32": np.int32, "int64": np.int64, "bool": np.bool_, "float16": np.float16,
    "uint16": np.uint16, "uint32": np.uint32, "float64": np.float64,
}


def _dtype(d: Any) -> np.dtype:
    return np.dtype(_DTYPE_ALIASES.get(d, d) if isinstance(d, str) else d)


def _camel(snake: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in snake.split("_"))


@dataclass
class _Tensor:
    name: str
    shape: tuple[int, ...]
    dtype: np.dtype
    buffer: int
    scale: np.ndarray | None
    zero_point: np.ndarray | None
    quantized_dimension: int
    is_variable: bool
    type_code: int | None = None  # a TensorType that no numpy dtype names (RESOURCE)


@dataclass
class _Op:
    name: str
    inputs: list[int]
    outputs: list[int]
    options: dict[str, Any]
    version: int
    custom_options: bytes
    intermediates: list[int]
    options_table: str | None = None


@dataclass
class ModelBuilder:
    description: str = "built by microinterp.builder"
    tensors: list[_Tensor] = field(default_factory=list)
    buffers: list[bytes] = field(default_factory=lambda: [b""])  # buffer 0: empty sentinel
    operators: list[_Op] = field(default_factory=list)
    inputs: list[int] = field(default_factory=list)
    outputs: list[int] = field(default_factory=list)
    metadata: list[tuple[str, bytes]] = field(default_factory=list)
    name: str = "main"
    #: the builders of subgraphs 1, 2, ... (``add_subgraph``); only the root's are written
    subgraphs: list[ModelBuilder] = field(default_factory=list)

    def add_subgraph(self, name: str = "") -> ModelBuilder:
        """A builder for the next subgraph (index ``len(self.subgraphs) + 1``). It shares this
        builder's buffers, so its constants land in the same model; build the model with
        the root builder's ``build()``."""
        sub = ModelBuilder(description=self.description, buffers=self.buffers,
                           name=name or f"subgraph{len(self.subgraphs) + 1}")
        self.subgraphs.append(sub)
        return sub

    @property
    def subgraph_index_of_next(self) -> int:
        """The index ``add_subgraph`` will give the next subgraph."""
        return len(self.subgraphs) + 1

    # ------------------------------------------------------------------ tensors

    def add_tensor(
        self, name: str, shape: Sequence[int], dtype: Any, *, data: np.ndarray | None = None,
        scale: float | Sequence[float] | None = None, zero_point: int | Sequence[int] | None = None,
        quantized_dimension: int = 0, is_variable: bool = False,
    ) -> int:
        """Add a tensor and return its index. ``data`` makes it a constant; ``dtype="resource"``
        is a RESOURCE tensor (a resource variable's id, one int32)."""
        type_code = tflite.TensorType.RESOURCE if isinstance(dtype, str) and dtype == "resource" else None
        dt = np.dtype(np.int32) if type_code is not None else _dtype(dtype)
        buffer = 0
        if data is not None:
            arr = np.ascontiguousarray(np.asarray(data, dtype=dt)).reshape(tuple(shape))
            buffer = len(self.buffers)
            self.buffers.append(arr.tobytes())
        q_scale = q_zp = None
        if scale is not None:
            q_scale = np.atleast_1d(np.asarray(scale, np.float32))
            zp = 0 if zero_point is None else zero_point
            q_zp = np.atleast_1d(np.asarray(zp, np.int64))
            if q_zp.size == 1 and q_scale.size > 1:
                q_zp = np.repeat(q_zp, q_scale.size)
        self.tensors.append(_Tensor(name, tuple(int(d) for d in shape), dt, buffer, q_scale, q_zp,
                                    quantized_dimension, is_variable, type_code))
        return len(self.tensors) - 1

    def add_constant(self, name: str, data: np.ndarray, dtype: Any = None, **quant: Any) -> int:
        arr = np.asarray(data)
        return self.add_tensor(name, arr.shape, dtype if dtype is not None else arr.dtype, data=arr, **quant)

    def add_input(self, name: str, shape: Sequence[int], dtype: Any, **quant: Any) -> int:
        i = self.add_tensor(name, shape, dtype, **quant)
        self.inputs.append(i)
        return i

    def add_output(self, name: str, shape: Sequence[int], dtype: Any, **quant: Any) -> int:
        i = self.add_tensor(name, shape, dtype, **quant)
        self.outputs.append(i)
        return i

    def add_operator(self, name: str, inputs: Sequence[int], outputs: Sequence[int], *,
                     version: int = 1, custom_options: bytes = b"", intermediates: Sequence[int] = (),
                     options_table: str | None = None, **options: Any) -> int:
        """Add an operator; ``name`` is a builtin name or ``"CUSTOM:<code>"``. ``options_table``
        writes the options as another schema table than the op's own (to test that the
        loader refuses it)."""
        self.operators.append(_Op(name, list(inputs), list(outputs), dict(options), version,
                                  bytes(custom_options), list(intermediates), options_table))
        return len(self.operators) - 1

    def add_custom(self, code: str, inputs: Sequence[int], outputs: Sequence[int],
                   options: dict[str, Any] | None = None) -> int:
        """Add the custom op ``code`` (``"SignalWindow"``) with ``options`` written as
        a FlexBuffer map, as the converter writes custom options (``flexbuffer.map_bytes``)."""
        from .flexbuffer import map_bytes

        return self.add_operator(f"CUSTOM:{code}", inputs, outputs, custom_options=map_bytes(options or {}))

    def add_metadata(self, name: str, data: bytes) -> None:
        self.metadata.append((name, bytes(data)))

    # ------------------------------------------------------------------ serialisation

    def build(self) -> bytes:
        b = flatbuffers.Builder(1024)
        buffers = [self._buffer(b, data) for data in self.buffers]
        meta_buffers = []
        for _, data in self.metadata:
            meta_buffers.append(len(buffers))
            buffers.append(self._buffer(b, data))
        graphs = [self, *self.subgraphs]
        opcode_keys: list[tuple[str, int]] = []
        for op in (op for g in graphs for op in g.operators):
            if (op.name, op.version) not in opcode_keys:
                opcode_keys.append((op.name, op.version))
        opcodes = [self._opcode(b, name, version) for name, version in opcode_keys]
        subgraphs = [g._subgraph(b, opcode_keys) for g in graphs]

        metas = []
        for (name, _), buf_index in zip(self.metadata, meta_buffers):
            n = b.CreateString(name)
            tflite.MetadataStart(b)
            tflite.MetadataAddName(b, n)
            tflite.MetadataAddBuffer(b, buf_index)
            metas.append(tflite.MetadataEnd(b))

        desc = b.CreateString(self.description)
        oc_vec = self._offsets(b, tflite.ModelStartOperatorCodesVector, opcodes)
        sg_vec = self._offsets(b, tflite.ModelStartSubgraphsVector, subgraphs)
        buf_vec = self._offsets(b, tflite.ModelStartBuffersVector, buffers)
        md_vec = self._offsets(b, tflite.ModelStartMetadataVector, metas) if metas else None
        tflite.ModelStart(b)
        tflite.ModelAddVersion(b, 3)
        tflite.ModelAddOperatorCodes(b, oc_vec)
        tflite.ModelAddSubgraphs(b, sg_vec)
        tflite.ModelAddDescription(b, desc)
        tflite.ModelAddBuffers(b, buf_vec)
        if md_vec is not None:
            tflite.ModelAddMetadata(b, md_vec)
        b.Finish(tflite.ModelEnd(b), file_identifier=b"TFL3")
        return bytes(b.Output())

    def _subgraph(self, b: flatbuffers.Builder, opcode_keys: list[tuple[str, int]]) -> int:
        tensors = [self._tensor(b, t) for t in self.tensors]
        ops = [self._operator(b, op, opcode_keys.index((op.name, op.version))) for op in self.operators]
        sg_name = b.CreateString(self.name)
        t_vec = self._offsets(b, tflite.SubGraphStartTensorsVector, tensors)
        o_vec = self._offsets(b, tflite.SubGraphStartOperatorsVector, ops)
        in_vec = self._int32s(b, self.inputs)
        out_vec = self._int32s(b, self.outputs)
        tflite.SubGraphStart(b)
        tflite.SubGraphAddTensors(b, t_vec)
        tflite.SubGraphAddInputs(b, in_vec)
        tflite.SubGraphAddOutputs(b, out_vec)
        tflite.SubGraphAddOperators(b, o_vec)
        tflite.SubGraphAddName(b, sg_name)
        return tflite.SubGraphEnd(b)

    @staticmethod
    def _offsets(b: flatbuffers.Builder, start: Any, items: list[int]) -> int:
        start(b, len(items))
        for off in reversed(items):
            b.PrependUOffsetTRelative(off)
        return b.EndVector()

    @staticmethod
    def _int32s(b: flatbuffers.Builder, values: Sequence[int]) -> int:
        return b.CreateNumpyVector(np.asarray(values, dtype=np.int32))

    @staticmethod
    def _buffer(b: flatbuffers.Builder, data: bytes) -> int:
        vec = None
        if data:
            # 16-byte alignment so constant views are aligned like TFLM expects
            b.StartVector(1, len(data), 16)
            b.head = b.head - len(data)
            b.Bytes[b.head : b.head + len(data)] = data
            vec = b.EndVector()
        tflite.BufferStart(b)
        if vec is not None:
            tflite.BufferAddData(b, vec)
        return tflite.BufferEnd(b)

    @staticmethod
    def _opcode(b: flatbuffers.Builder, name: str, version: int) -> int:
        custom = None
        if name.startswith("CUSTOM:"):
            code = tflite.BuiltinOperator.CUSTOM
            custom = b.CreateString(name.split(":", 1)[1])
        else:
            code = builtin_code_of(name)
        tflite.OperatorCodeStart(b)
        tflite.OperatorCodeAddDeprecatedBuiltinCode(b, min(code, 127))
        tflite.OperatorCodeAddBuiltinCode(b, code)
        tflite.OperatorCodeAddVersion(b, version)
        if custom is not None:
            tflite.OperatorCodeAddCustomCode(b, custom)
        return tflite.OperatorCodeEnd(b)

    def _tensor(self, b: flatbuffers.Builder, t: _Tensor) -> int:
        name = b.CreateString(t.name)
        shape = self._int32s(b, t.shape)
        quant = None
        if t.scale is not None:
            sc = b.CreateNumpyVector(t.scale.astype(np.float32))
            zp = b.CreateNumpyVector(t.zero_point.astype(np.int64))
            tflite.QuantizationParametersStart(b)
            tflite.QuantizationParametersAddScale(b, sc)
            tflite.QuantizationParametersAddZeroPoint(b, zp)
            tflite.QuantizationParametersAddQuantizedDimension(b, t.quantized_dimension)
            quant = tflite.QuantizationParametersEnd(b)
        tflite.TensorStart(b)
        tflite.TensorAddShape(b, shape)
        tflite.TensorAddType(b, t.type_code if t.type_code is not None else TYPE_CODE_OF_DTYPE[t.dtype])
        tflite.TensorAddBuffer(b, t.buffer)
        tflite.TensorAddName(b, name)
        if quant is not None:
            tflite.TensorAddQuantization(b, quant)
        if t.is_variable:
            tflite.TensorAddIsVariable(b, True)
        return tflite.TensorEnd(b)

    def _options(self, b: flatbuffers.Builder, op: _Op) -> tuple[int, int | None]:
        cls_name = op.options_table or OPTIONS_OF_OP.get(op.name)
        if cls_name is None:
            if op.options:
                raise ValueError(f"builder does not know the options table of {op.name}")
            return 0, None
        cls = getattr(tflite, cls_name)
        fields = {snake: (meth, is_vec) for meth, snake, is_vec in _fields_of(cls)}
        vectors = {}
        for key, value in op.options.items():
            if key not in fields:
                raise ValueError(f"{cls_name} has no field {key!r}; fields: {sorted(fields)}")
            if fields[key][1]:
                vectors[key] = self._int32s(b, value)
            elif isinstance(value, str) and key not in _ENUMS:
                vectors[key] = b.CreateString(value)  # a string field (VarHandleOptions.shared_name)
        getattr(tflite, cls_name + "Start")(b)
        for key, value in op.options.items():
            meth = fields[key][0]
            if key in vectors:
                value = vectors[key]
            elif isinstance(value, str):
                value = getattr(_ENUMS[key], value)
            getattr(tflite, f"{cls_name}Add{meth}")(b, value)
        return getattr(tflite.BuiltinOptions, cls_name), getattr(tflite, cls_name + "End")(b)

    def _operator(self, b: flatbuffers.Builder, op: _Op, opcode_index: int) -> int:
        otype, opts = self._options(b, op)
        ins = self._int32s(b, op.inputs)
        outs = self._int32s(b, op.outputs)
        inter = self._int32s(b, op.intermediates) if op.intermediates else None
        custom = b.CreateNumpyVector(np.frombuffer(op.custom_options, np.uint8)) if op.custom_options else None
        tflite.OperatorStart(b)
        tflite.OperatorAddOpcodeIndex(b, opcode_index)
        tflite.OperatorAddInputs(b, ins)
        tflite.OperatorAddOutputs(b, outs)
        if opts is not None:
            tflite.OperatorAddBuiltinOptionsType(b, otype)
            tflite.OperatorAddBuiltinOptions(b, opts)
        if inter is not None:
            tflite.OperatorAddIntermediates(b, inter)
        if custom is not None:
            tflite.OperatorAddCustomOptions(b, custom)
        return tflite.OperatorEnd(b)
