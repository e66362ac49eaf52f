"""The custom-options reader (``flexbuffer.py``): what ``map_bytes`` writes reads
back, the converter's own options read as TFLM's kernels read them, and any
corruption of a map is a ``ModelError``, never another exception."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st
from oracle import model_path

from microinterp.errors import ModelError
from microinterp.flexbuffer import FlexMap, map_bytes

keys = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=24)
values = st.one_of(st.integers(-(2**31), 2**31 - 1), st.booleans(),
                   st.lists(st.integers(-(2**31), 2**31 - 1), max_size=8))


@given(st.dictionaries(keys, values, max_size=10))
def test_map_bytes_reads_back(options: dict) -> None:
    m = FlexMap(map_bytes(options))
    for key, value in options.items():
        assert m.has(key)
        if isinstance(value, bool):
            assert m.bool(key) is value and m.int(key) == int(value)
        elif isinstance(value, int):
            assert m.int(key) == value
            if value >= 0:
                assert m.uint(key) == value
            else:
                with pytest.raises(ModelError, match="uint32"):
                    m.uint(key)
        else:
            assert m.ints(key) == value
            with pytest.raises(ModelError, match="not an integer"):
                m.int(key)
    assert not m.has("no such key")
    with pytest.raises(ModelError, match="no 'no such key' option"):
        m.int("no such key")


def test_floats_and_out_of_range_ints() -> None:
    m = FlexMap(map_bytes({"f": 0.25, "big": 1 << 40, "neg": -(1 << 33)}))
    assert m.float("f") == 0.25
    for key in ("big", "neg"):
        with pytest.raises(ModelError, match="does not fit int32"):
            m.int(key)
    with pytest.raises(ModelError, match="not a float"):
        m.float("big")


def test_the_audio_preprocessor_options_read_as_written() -> None:
    """Keys and values of a converter-written model (TFLM reads them by index, in key order)."""
    from microinterp.model import load_model

    model = load_model(str(model_path("tflite-micro/audio_preprocessor_int8.tflite")))
    by_name = {op.name: op.custom_options for op in model.main.operators if op.is_custom}
    assert FlexMap(by_name["CUSTOM:SignalWindow"]).int("shift") == 12
    rfft = FlexMap(by_name["CUSTOM:SignalRfft"])
    assert (rfft.int("fft_length"), rfft.int("T")) == (512, 7)
    sub = FlexMap(by_name["CUSTOM:SignalFilterBankSpectralSubtraction"])
    assert sub.bool("clamping") is False and sub.int("smoothing_bits") == 10


@pytest.mark.parametrize("data", [b"", b"\x00", b"\x00\x00\x01", b"\x05\x24\x01", b"\xff" * 8])
def test_non_maps_are_refused(data: bytes) -> None:
    with pytest.raises(ModelError):
        FlexMap(data)


def mutations(seed: int, count: int) -> list[bytes]:
    """Maps with 1-4 random bytes overwritten or truncated: the reader's fuzz cases
    (also fed to the C twin in tests/firmware/test_fw_flexbuffer.py)."""
    rnd = random.Random(seed)
    base = [map_bytes({"shift": 12, "num_channels": 40, "clamping": True, "v": [1, -2, 300], "f": 1.5}),
            map_bytes({"a": -5, "big": 70000}), map_bytes({})]
    out = []
    for _ in range(count):
        b = bytearray(rnd.choice(base))
        if rnd.random() < 0.2:
            b = b[rnd.randrange(len(b)):]
        for _ in range(rnd.randint(1, 4)):
            if b:
                b[rnd.randrange(len(b))] = rnd.choice([0, 1, 0x7F, 0x80, 0xFF, rnd.randrange(256)])
        out.append(bytes(b))
    return out


KEYS = ("shift", "num_channels", "clamping", "v", "f", "a", "big")


def read_all(data: bytes) -> str:
    """Every lookup on ``data``, in the C test binary's output format (statuses as 0/1)."""
    try:
        m = FlexMap(data)
    except ModelError:
        return "refused"
    parts = []
    for key in KEYS:
        got = []
        for kind in ("int", "uint", "bool", "float", "ints"):
            try:
                got.append(f"{kind}={getattr(m, kind)(key)!r}")
            except ModelError:
                got.append(f"{kind}=refused")
        parts.append(f"{key}:" + " ".join(got))
    return "; ".join(parts)


def test_corrupt_maps_are_model_errors() -> None:
    for data in mutations(1, 3000):
        read_all(data)  # anything but ModelError propagates and fails
