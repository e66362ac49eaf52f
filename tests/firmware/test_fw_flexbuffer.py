"""The C FlexBuffer reader (firmware/src/mi_flexbuffer.c) against its Python twin
(flexbuffer.py): the same values for well-formed maps, the same refusals for
corrupt ones, and no sanitizer report (the host-asan build)."""

from __future__ import annotations

import struct

from fw_helpers import assert_clean, requires_host_cc, run_binary
from test_flexbuffer import KEYS, mutations

from microinterp.errors import ModelError
from microinterp.flexbuffer import FlexMap, map_bytes


def python_line(data: bytes) -> str:
    """What test_flexbuffer prints for ``data``, computed with the Python reader
    (statuses compared as ok / refused: the C codes say which refusal)."""
    try:
        m = FlexMap(data)
    except ModelError:
        return "open=refused"
    out = ["open=0"]
    for key in KEYS:
        parts = []
        for kind in ("int", "uint", "bool", "float", "ints"):
            try:
                value = getattr(m, kind)(key)
            except ModelError:
                parts.append(f"{kind}=refused")
                continue
            if kind == "bool":
                value = int(value)
            elif kind == "float":
                value = struct.unpack("<I", struct.pack("<f", value))[0]
            elif kind == "ints":
                value = ";".join(str(v) for v in value)
            parts.append(f"{kind}=0,{value}")
        out.append(f"{key}:" + " ".join(parts))
    return " ".join(out)


def _status_words(c_line: str) -> str:
    """The C line with every non-zero status (and the value printed with it) as 'refused'."""
    out = []
    for word in c_line.split(" "):
        prefix, _, rest = word.rpartition("=")
        status, comma, value = rest.partition(",")
        out.append(f"{prefix}=refused" if status != "0" else f"{prefix}={status}{comma}{value}")
    return " ".join(out)


@requires_host_cc
def test_c_reader_matches_python() -> None:
    cases = [map_bytes({"shift": 12, "num_channels": 40, "clamping": True, "v": [1, -2, 300], "f": 1.5}),
             map_bytes({"a": -5, "big": 70000, "v": []}), map_bytes({"big": 1 << 40, "a": 2**32 - 1}),
             map_bytes({}), b"", b"\x01\x02"] + mutations(7, 1500)
    proc = run_binary("test_flexbuffer", list(KEYS), stdin="".join(c.hex() + "\n" for c in cases), timeout=300)
    assert_clean(proc)
    lines = proc.stdout.splitlines()
    assert len(lines) == len(cases)
    for data, line in zip(cases, lines):
        assert _status_words(line) == python_line(data), data.hex()
