"""Custom-op options: a bounds-checked reader of FlexBuffer maps, and a writer for tests.

TFLM hands a custom op's ``custom_options`` bytes (a FlexBuffer map, as the
converter writes them) to the kernel's ``Init``, which reads scalars through
``tflite::FlexbufferWrapper`` (``tensorflow/lite/micro/flatbuffer_utils.cc``):
the root read as a vector, element *i* read as an integer of the map's byte
width, whatever its stored type. Kernels here look values up by key instead
(the keys TFLM's kernels name in comments next to their indices); for the
options the converter writes, the two agree, and anything that is not a map
of inline scalars is refused with one clear error rather than read as garbage.

Why our own reader rather than ``flatbuffers.flexbuffers``: the C twin
``firmware/src/mi_flexbuffer.c`` (``firmware/include/mi/mi_flexbuffer.h``) must
accept and refuse exactly the same bytes, so both follow the same few rules,
each read checked against the buffer length:

* the root is the last byte (its byte width), the byte before (its packed
  type, which must be MAP) and the offset before that;
* a map's values vector holds ``size`` elements of the map's byte width, its
  packed types follow the values, and the keys vector is reached through the
  two words before the size;
* keys are NUL-terminated strings, compared byte for byte.

``map_bytes`` writes a map with ``flatbuffers.flexbuffers.Builder`` (the
runtime dependency that the converter's own writer mirrors), so tests can
build custom ops through ``builder.ModelBuilder``.
"""

from __future__ import annotations

import array
import struct
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .errors import ModelError

# FlexBuffer types (flexbuffers.h, enum Type)
_INT, _UINT, _FLOAT, _MAP, _VECTOR_INT, _BOOL = 1, 2, 3, 9, 11, 26
#: the largest options map either reader walks (no converter writes more than a few dozen keys)
MAX_KEYS = 256
#: the longest key compared (TFLM's Signal options use keys under 32 bytes)
MAX_KEY_BYTES = 64


def _uint(buf: bytes, pos: int, width: int) -> int:
    if width not in (1, 2, 4, 8) or pos < 0 or pos + width > len(buf):
        raise ModelError("custom options: a FlexBuffer read runs past the end of the options")
    return int.from_bytes(buf[pos:pos + width], "little", signed=False)


def _int(buf: bytes, pos: int, width: int) -> int:
    value = _uint(buf, pos, width)
    return value - (1 << (8 * width)) if value >> (8 * width - 1) else value


def _indirect(buf: bytes, pos: int, width: int) -> int:
    """The position an offset at ``pos`` points to (offsets count backwards)."""
    target = pos - _uint(buf, pos, width)
    if target < 0 or target >= len(buf):
        raise ModelError("custom options: a FlexBuffer offset points outside the options")
    return target


@dataclass(frozen=True)
class _Value:
    """One map value: where it is, the map's byte width, its packed type."""

    pos: int
    width: int
    packed: int

    @property
    def type(self) -> int:
        return self.packed >> 2


class FlexMap:
    """A FlexBuffer map read from ``data``; ``ModelError`` when it is not one."""

    def __init__(self, data: bytes, what: str = "custom options") -> None:
        buf = bytes(data)
        self._buf, self._what = buf, what
        if len(buf) < 3:
            raise ModelError(f"{what}: {len(buf)} bytes is not a FlexBuffer map")
        root_width = buf[-1]
        root_packed = buf[-2]
        if root_packed >> 2 != _MAP:
            raise ModelError(f"{what}: the FlexBuffer root is not a map (type {root_packed >> 2})")
        self._width = 1 << (root_packed & 3)  # the map's own byte width
        vec = _indirect(buf, len(buf) - 2 - root_width, root_width)
        width = self._width
        self._size = _uint(buf, vec - width, width)
        if self._size > MAX_KEYS:
            raise ModelError(f"{what}: a map of {self._size} keys (at most {MAX_KEYS})")
        keys_width = _uint(buf, vec - 2 * width, width)
        self._keys = _indirect(buf, vec - 3 * width, width)
        if keys_width not in (1, 2, 4, 8):
            raise ModelError(f"{what}: keys of byte width {keys_width}")
        self._keys_width = keys_width
        if _uint(buf, self._keys - keys_width, keys_width) != self._size:
            raise ModelError(f"{what}: the map's keys and values differ in number")
        self._vec = vec
        if self._size:  # the packed types byte of the last value must be inside the buffer too
            _uint(buf, vec + self._size * width + self._size - 1, 1)

    def _key(self, i: int) -> bytes:
        buf = self._buf
        at = _indirect(buf, self._keys + i * self._keys_width, self._keys_width)
        end = buf.find(b"\0", at, at + MAX_KEY_BYTES + 1)
        if end < 0:
            raise ModelError(f"{self._what}: a key is not NUL-terminated within {MAX_KEY_BYTES} bytes")
        return buf[at:end]

    def _find(self, key: str) -> _Value | None:
        want = key.encode()
        for i in range(self._size):
            if self._key(i) == want:
                packed = self._buf[self._vec + self._size * self._width + i]
                return _Value(self._vec + i * self._width, self._width, packed)
        return None

    def _need(self, key: str) -> _Value:
        v = self._find(key)
        if v is None:
            raise ModelError(f"{self._what}: no {key!r} option")
        return v

    def has(self, key: str) -> bool:
        return self._find(key) is not None

    def int(self, key: str) -> int:
        """An inline INT, UINT or BOOL value that fits int32 (TFLM's ``ElementAsInt32``)."""
        v = self._need(key)
        if v.type == _INT:
            value = _int(self._buf, v.pos, v.width)
        elif v.type in (_UINT, _BOOL):
            value = _uint(self._buf, v.pos, v.width)
        else:
            raise ModelError(f"{self._what}: option {key!r} is not an integer (FlexBuffer type {v.type})")
        if not -(1 << 31) <= value < (1 << 31):
            raise ModelError(f"{self._what}: option {key!r} = {value} does not fit int32")
        return value

    def uint(self, key: str) -> int:
        """An inline INT, UINT or BOOL value that fits uint32."""
        v = self._need(key)
        if v.type == _INT:
            value = _int(self._buf, v.pos, v.width)
        elif v.type in (_UINT, _BOOL):
            value = _uint(self._buf, v.pos, v.width)
        else:
            raise ModelError(f"{self._what}: option {key!r} is not an integer (FlexBuffer type {v.type})")
        if not 0 <= value < (1 << 32):
            raise ModelError(f"{self._what}: option {key!r} = {value} does not fit uint32")
        return value

    def bool(self, key: str) -> bool:
        """An inline BOOL, INT or UINT value, true when non-zero (TFLM's ``ElementAsBool``)."""
        v = self._need(key)
        if v.type not in (_BOOL, _INT, _UINT):
            raise ModelError(f"{self._what}: option {key!r} is not a boolean (FlexBuffer type {v.type})")
        return _uint(self._buf, v.pos, v.width) != 0

    def float(self, key: str) -> float:
        """An inline FLOAT of 4 or 8 bytes, as float32 (TFLM's ``ElementAsFloat``)."""
        v = self._need(key)
        if v.type != _FLOAT or v.width not in (4, 8):
            raise ModelError(f"{self._what}: option {key!r} is not a float (FlexBuffer type {v.type})")
        raw = self._buf[v.pos:v.pos + v.width]
        if v.width == 4:
            return float(struct.unpack("<f", raw)[0])
        with np.errstate(over="ignore"):  # a double beyond float32 becomes +-inf, as the C cast does
            return float(np.float32(struct.unpack("<d", raw)[0]))

    def ints(self, key: str, max_count: int = 1 << 16) -> list[int]:
        """A typed vector of ints (VECTOR_INT), at most ``max_count`` long."""
        v = self._need(key)
        if v.type != _VECTOR_INT:
            raise ModelError(f"{self._what}: option {key!r} is not a vector of ints (FlexBuffer type {v.type})")
        width = 1 << (v.packed & 3)
        at = _indirect(self._buf, v.pos, v.width)
        n = _uint(self._buf, at - width, width)
        if n > max_count:
            raise ModelError(f"{self._what}: option {key!r} holds {n} values (at most {max_count})")
        return [_int(self._buf, at + k * width, width) for k in range(n)]


def map_bytes(values: Mapping[str, int | bool | float | list[int]]) -> bytes:
    """A FlexBuffer map of ``values`` (ints, bools, floats, lists of ints), as the
    converter writes custom options; for ``ModelBuilder.add_operator(custom_options=...)``."""
    from flatbuffers import flexbuffers

    b = flexbuffers.Builder()
    with b.Map():
        for key in sorted(values):
            value = values[key]
            b.Key(key)
            if isinstance(value, bool):
                b.Bool(value)
            elif isinstance(value, int):
                b.Int(value)
            elif isinstance(value, float):
                b.Float(value)
            else:
                b.TypedVectorFromElements(array.array("i", [int(x) for x in value]))  # int32, even when empty
    return bytes(b.Finish())
