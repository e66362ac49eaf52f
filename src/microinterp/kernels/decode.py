"""DECODE, TFLM's weight decompression op (TFLM: kernels/decode.cc, decode_state_lut.cc;
C twin: firmware/src/kernels/mi_decode.c, which validates in prepare and decodes on
every invoke as TFLM does, with no copy of the values and no op data).

TFLM's compressor (``tflite_micro...compression.compress``) rewrites a constant
tensor as packed table indices (a uint8 tensor) plus an *ancillary* uint8 tensor,
and inserts a custom op ``TFLM_DECODE`` that rebuilds the original values into an
arena tensor before each consumer. Inputs come in pairs (encoded, ancillary), one
output per pair. The ancillary tensor opens with a 16-byte Decode Common Metadata
header: byte 0 the decode type (0 = LUT), byte 1 its version (1), byte 4 the LUT
version (1), byte 5 bits 2-0 the index bit width, byte 6 the value-table stride
(elements per channel); the value tables (of the output's element type) follow.
Indices are a big-endian bit stream (most significant bit first).

TFLM quirks reproduced:
- The channel count comes from the *output's* quantization (its scale count), not
  from the LUT's axis field: a per-channel quantized tensor compressed with one
  table still reads channel ``c``'s values at ``c * stride`` past the table start,
  that is from the model bytes that follow the ancillary data. TFLM reads them from
  the flatbuffer in memory; so does this kernel, from the model file (refused only
  where the read would leave the file, where TFLM's bytes are unknowable). The
  other way round (one scale, a table per channel) every element reads the first
  table.
- The channel axis is the last one when the output's quantized dimension is its
  last and it has several channels; otherwise it must be 0.
- A bit width of 0 (TFLM only DCHECKs it) reads index 0 everywhere.
- The values are constant, so they are decoded once in ``prepare`` and copied into
  the output on every invoke (TFLM decodes on every Eval; the bytes are the same).

Refused (TFLM errors or would read/write out of bounds): outputs without input
pairs, non-constant inputs, an ancillary tensor shorter than its header, a DCM or
LUT version other than 1, decode types other than LUT (Huffman and pruning are not
implemented here; custom types are not in TFLM), an output type TFLM's LUT decoder
does not handle, element counts not divisible by the channel count, index data
shorter than the output needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..context import Node, Registration
from ..errors import MicrointerpError, ModelError
from ..memory.declaration import KernelMemory, OpMemory, persist, temps

DCM_BYTES = 16
TYPE_LUT, TYPE_HUFFMAN, TYPE_PRUNE, TYPE_CUSTOM = 0, 1, 2, 127
#: Output types DecodeStateLut::Decode handles.
LUT_TYPES = {"BOOL", "FLOAT32", "INT8", "INT16", "INT32", "INT64"}


@dataclass(frozen=True)
class OpData:
    values: tuple[np.ndarray, ...]  # decoded bytes of each output, in the output's dtype


def _malformed(node: Node, message: str) -> ModelError:
    """Bad compression metadata is a defect of the model file: a ``ModelError``."""
    return ModelError(f"{node.where}: {message}")


def _file_tail(tensor_data: np.ndarray) -> np.ndarray:
    """The model bytes from the start of a constant tensor's data to the end of the
    file: what TFLM can read through a pointer into the flatbuffer. Constant data is
    a view into the model bytes (``model._buffer_bytes``); a copy (no file behind
    it) yields just its own bytes."""
    base = tensor_data
    while isinstance(base, np.ndarray) and base.base is not None:
        base = base.base
    own = np.frombuffer(tensor_data.tobytes(), np.uint8)
    if not isinstance(base, memoryview) or not isinstance(base.obj, (bytes, bytearray)):
        return own
    raw = np.frombuffer(base.obj, np.uint8)
    start = tensor_data.__array_interface__["data"][0] - raw.__array_interface__["data"][0]
    if not 0 <= start <= raw.size:
        return own
    return raw[start:]


def _channels(node: Node, k: int) -> tuple[int, bool]:
    """DecodeStateLut::Setup: (channel count, channel axis is the last)."""
    out = node.output(k)
    q = out.quant
    if q is None:
        return 1, False
    count = int(q.scale.size)
    if q.quantized_dimension == len(out.shape) - 1 and count > 1:
        return count, True
    if q.quantized_dimension != 0:
        raise _malformed(node, f"output {k}: quantized dimension {q.quantized_dimension} is not supported "
                        "by TFLM's LUT decoder (0 or the last axis)")
    return count, False


def _decode_one(node: Node, k: int) -> np.ndarray:
    encoded, ancillary, out = node.input(2 * k), node.input(2 * k + 1), node.output(k)
    for t, what in ((encoded, "encoded"), (ancillary, "ancillary")):
        if not t.is_constant:
            raise _malformed(node, f"{what} input {t.index} is not constant (TFLM requires it)")
    anc = np.frombuffer(ancillary.data.tobytes(), np.uint8)
    if anc.size < DCM_BYTES:
        raise _malformed(node, f"ancillary tensor {ancillary.index} has {anc.size} bytes, "
                        f"shorter than the {DCM_BYTES}-byte decode metadata header")
    if anc[1] != 1:
        raise _malformed(node, f"ancillary tensor {ancillary.index}: decode metadata version {anc[1]} != 1")
    kind = int(anc[0])
    if kind in (TYPE_HUFFMAN, TYPE_PRUNE):
        raise node.unsupported(f"decode type {kind} ({'Huffman' if kind == 1 else 'pruning'}) "
                               "is not implemented (LUT only)")
    if kind != TYPE_LUT:
        raise _malformed(node, f"ancillary tensor {ancillary.index}: unsupported decode type {kind}")
    if anc[4] != 1:
        raise _malformed(node, f"ancillary tensor {ancillary.index}: LUT version {anc[4]} != 1")
    if out.type_name not in LUT_TYPES or out.dtype is None:
        raise node.unsupported(f"output {k} type {out.type_name} is not supported by TFLM's LUT decoder")
    width, stride = int(anc[5]) & 0x07, int(anc[6])
    channels, last_axis = _channels(node, k)
    count = out.size
    if channels == 0 or count % channels:
        raise _malformed(node, f"output {k}: {count} elements do not split into {channels} channels")
    codes = np.frombuffer(encoded.data.tobytes(), np.uint8)
    if codes.size * 8 < count * width:
        raise _malformed(node, f"encoded tensor {encoded.index}: {codes.size} bytes hold fewer than the "
                        f"{count} {width}-bit indices output {k} needs")
    if count == 0:
        return np.zeros(0, np.uint8 if out.type_name == "BOOL" else out.dtype)
    index = np.zeros(count, np.uint8)  # widths 0-7: uint8 indices, one byte per element
    if width:
        bits = np.unpackbits(codes)[: count * width].reshape(count, width)
        for b in range(width):
            index <<= 1
            index |= bits[:, b]
    # (channel, element of the channel): the last axis varies fastest, so with the
    # channel axis last each row of ``index.reshape(-1, channels)`` is one position
    per_channel = index.reshape(-1, channels).T if last_axis else index.reshape(channels, -1)
    item = out.dtype.itemsize
    reach = int(index.max(initial=0)) + 1  # table entries TFLM reads per channel
    tables = _file_tail(ancillary.data)[DCM_BYTES:]
    need = ((channels - 1) * stride + reach) * item
    if need > tables.size:
        raise _malformed(node, f"ancillary tensor {ancillary.index}: value tables would be read {need} bytes "
                         f"past their start, beyond the end of the model file")
    raw = np.ascontiguousarray(tables[:need])
    typed = raw if out.type_name == "BOOL" else raw.view(out.dtype.newbyteorder("<"))
    rows = np.lib.stride_tricks.as_strided(typed, shape=(channels, reach),
                                           strides=(stride * typed.itemsize, typed.itemsize), writeable=False)
    values = np.take_along_axis(rows, per_channel.astype(np.intp), axis=1)
    values = values.T if last_axis else values
    return np.ascontiguousarray(values).reshape(-1).astype(typed.dtype.newbyteorder("="))


def prepare(node: Node) -> OpData:
    n_out, n_in = len(node.op.outputs), len(node.op.inputs)
    if n_out == 0 or n_in != 2 * n_out:
        raise _malformed(node, f"takes an (encoded, ancillary) input pair per output: {n_in} inputs, {n_out} outputs")
    return OpData(tuple(_decode_one(node, k) for k in range(n_out)))


def decoded_values(node: Node) -> tuple[np.ndarray, ...] | None:
    """Each output's decoded values, or None where prepare would refuse the op (it
    then says why). ``context.nodes_of`` hands them to the consumers' prepare."""
    try:
        return prepare(node).values
    except MicrointerpError:
        return None


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    for out, values in zip(outputs, data.values):
        if values.dtype == np.uint8 and out.dtype == np.bool_:
            out.reshape(-1).view(np.uint8)[...] = values
        else:
            out.reshape(-1)[...] = values


def memory(node: Node, pointer_bytes: int) -> OpMemory:
    """TFLM's decode.cc Prepare: one persistent array of a ``DecodeState*`` per output,
    then per output pair the temporaries of the encoded input, the ancillary input
    and the output, and a persistent ``DecodeStateLut`` (vtable, context, profiler,
    5 pointer/size_t members, then three bytes padded: 9 pointer-sized words)."""
    events = list(persist(len(node.op.outputs) * pointer_bytes))
    for k in range(len(node.op.outputs)):
        events += temps(node, (2 * k, 2 * k + 1), (k,))
        events += persist(9 * pointer_bytes)
    return OpMemory(tflm_prepare=tuple(events))


MEMORY = KernelMemory(needs=memory, c_op_data="")
REGISTRATION = Registration("CUSTOM:TFLM_DECODE", prepare, invoke, memory=MEMORY)
