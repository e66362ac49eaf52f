"""Write microinterp's memory plan into a model as TFLM's offline plan.

TFLM reads an ``OfflineMemoryAllocation`` metadata entry (see TFLM's
``micro_allocation_info.cc`` ``GetOfflinePlannedOffsets`` and
``docs/memory_management.md``): a buffer of int32 values
``[version=0, subgraphs, n, offset_0 .. offset_{n-1}]``, one offset per tensor
of every subgraph (concatenated), ``-1`` for "plan it online". TFLM's greedy
planner then keeps those tensors at their offsets and fits only the scratch
buffers around them, so a real TFLM runs with microinterp's (smaller) plan.

How the metadata gets into an existing flatbuffer without an object API: the
original file is kept byte for byte, embedded as one 16-byte-aligned byte
vector, and a new root ``Model`` table is written in front of it whose fields
point into that copy (operator codes, subgraphs, description, signature defs,
metadata_buffer) except ``buffers`` and ``metadata``, which are new vectors:
the original entries plus one new buffer and one new ``Metadata`` entry. Every
original table, vector and weight keeps its bytes and its alignment, so
nothing about the model can change except the plan. (Models over 2 GB, whose
buffers use absolute file offsets, are refused.)
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

import flatbuffers
import tflite

from ..errors import ModelError
from ..model import Model

METADATA_NAME = "OfflineMemoryAllocation"
FORMAT_VERSION = 0
ONLINE = -1

# vtable slots of the schema's Model table (tflite/Model.py: Offset(4 + 2 * slot))
_VERSION, _OPCODES, _SUBGRAPHS, _DESCRIPTION, _BUFFERS, _METADATA_BUFFER, _METADATA, _SIGNATURES = range(8)
_KNOWN_SLOTS = 8


def offline_values(model: Model, offsets: dict[int, int]) -> list[int]:
    """The int32 values of the metadata buffer: ``offsets`` maps main-subgraph
    tensor index -> arena offset; every other tensor (constants, variables,
    other subgraphs) is -1."""
    n = sum(len(sg.tensors) for sg in model.subgraphs)
    values = [ONLINE] * n
    for index, off in offsets.items():
        if not 0 <= index < len(model.main.tensors):
            raise ValueError(f"tensor {index} is not in the main subgraph")
        if off < 0 or off % 4:
            raise ValueError(f"offset {off} of tensor {index} must be non-negative and 4-byte aligned")
        values[index] = int(off)
    return [FORMAT_VERSION, len(model.subgraphs), n, *values]


def read_offline_plan(model: Model) -> list[int] | None:
    """The per-tensor offsets of an ``OfflineMemoryAllocation`` entry, or None."""
    blob = model.metadata.get(METADATA_NAME)
    if blob is None:
        return None
    if len(blob) < 12 or len(blob) % 4:
        raise ModelError(f"{METADATA_NAME} metadata is {len(blob)} bytes: not a list of int32")
    values = struct.unpack(f"<{len(blob) // 4}i", blob)
    n = values[2]
    if len(values) != 3 + n:
        raise ModelError(f"{METADATA_NAME} metadata says {n} offsets but holds {len(values) - 3}")
    return list(values[3:])


def with_offline_plan(model: Model, offsets: dict[int, int]) -> bytes:
    """``model``'s bytes with an ``OfflineMemoryAllocation`` entry holding ``offsets``
    (replacing any such entry already there)."""
    values = offline_values(model, offsets)
    return with_metadata(model, METADATA_NAME, struct.pack(f"<{len(values)}i", *values))


def with_metadata(model: Model, metadata_name: str, payload: bytes) -> bytes:
    """``model``'s bytes with a metadata entry ``metadata_name`` holding ``payload``
    in a new 16-byte-aligned buffer (replacing any entry of that name already
    there; see the module docstring for how the original bytes are kept)."""
    raw = model.raw
    if not raw:
        raise ValueError("the model has no raw bytes to rewrite")
    root = tflite.Model.GetRootAs(raw, 0)
    tab = root._tab
    vt = tab.Pos - struct.unpack_from("<i", raw, tab.Pos)[0]
    vt_size = struct.unpack_from("<H", raw, vt)[0]
    if (vt_size - 4) // 2 > _KNOWN_SLOTS:
        extra = [s for s in range(_KNOWN_SLOTS, (vt_size - 4) // 2) if tab.Offset(4 + 2 * s)]
        if extra:
            raise ModelError(f"the model's root table has fields this writer does not know (slots {extra})")

    def target(slot: int) -> int | None:
        """Absolute position in ``raw`` that an offset field points to."""
        o = tab.Offset(4 + 2 * slot)
        if not o:
            return None
        field = tab.Pos + o
        return field + struct.unpack_from("<I", raw, field)[0]

    def vector_targets(slot: int) -> list[int]:
        vec = target(slot)
        if vec is None:
            return []
        n = struct.unpack_from("<I", raw, vec)[0]
        return [vec + 4 + 4 * k + struct.unpack_from("<I", raw, vec + 4 + 4 * k)[0] for k in range(n)]

    for k in range(root.BuffersLength()):
        if root.Buffers(k).Offset() > 1:
            raise ModelError("buffers stored outside the flatbuffer (models over 2 GB) are not supported")
    old_buffers = vector_targets(_BUFFERS)
    kept_metadata = [
        pos for k, pos in enumerate(vector_targets(_METADATA))
        if (root.Metadata(k).Name() or b"").decode("utf-8", "replace") != metadata_name
    ]

    b = flatbuffers.Builder(len(raw) + 1024)
    # the original file, byte for byte, 16-aligned (so every alignment inside it holds)
    b.StartVector(1, len(raw), 16)
    b.head -= len(raw)
    b.Bytes[b.head : b.head + len(raw)] = raw
    blob = b.EndVector(len(raw)) if _end_vector_takes_length() else b.EndVector()

    def ref(pos: int) -> int:
        """Builder offset (from the end) of position ``pos`` of the original file."""
        return blob - 4 - pos

    b.StartVector(1, len(payload), 16)
    b.head -= len(payload)
    b.Bytes[b.head : b.head + len(payload)] = payload
    data = b.EndVector(len(payload)) if _end_vector_takes_length() else b.EndVector()
    tflite.BufferStart(b)
    tflite.BufferAddData(b, data)
    new_buffer = tflite.BufferEnd(b)
    new_buffer_index = len(old_buffers)

    name = b.CreateString(metadata_name)
    tflite.MetadataStart(b)
    tflite.MetadataAddName(b, name)
    tflite.MetadataAddBuffer(b, new_buffer_index)
    new_metadata = tflite.MetadataEnd(b)

    buffers_vec = _offset_vector(b, [ref(p) for p in old_buffers] + [new_buffer])
    metadata_vec = _offset_vector(b, [ref(p) for p in kept_metadata] + [new_metadata])

    tflite.ModelStart(b)
    tflite.ModelAddVersion(b, root.Version())
    for slot, add in ((_OPCODES, tflite.ModelAddOperatorCodes), (_SUBGRAPHS, tflite.ModelAddSubgraphs),
                      (_DESCRIPTION, tflite.ModelAddDescription),
                      (_METADATA_BUFFER, tflite.ModelAddMetadataBuffer),
                      (_SIGNATURES, tflite.ModelAddSignatureDefs)):
        pos = target(slot)
        if pos is not None:
            add(b, ref(pos))
    tflite.ModelAddBuffers(b, buffers_vec)
    tflite.ModelAddMetadata(b, metadata_vec)
    b.Finish(tflite.ModelEnd(b), file_identifier=b"TFL3")
    return bytes(b.Output())


def _offset_vector(b: flatbuffers.Builder, offsets: Sequence[int]) -> int:
    b.StartVector(4, len(offsets), 4)
    for off in reversed(offsets):
        b.PrependUOffsetTRelative(off)
    return b.EndVector(len(offsets)) if _end_vector_takes_length() else b.EndVector()


def _end_vector_takes_length() -> bool:
    """flatbuffers < 2.0 takes the element count in EndVector; newer ones do not."""
    import inspect

    params = list(inspect.signature(flatbuffers.Builder.EndVector).parameters.values())[1:]
    return bool(params) and params[0].default is inspect.Parameter.empty
