"""The ahead-of-time prepare image (fw/aot.py): the C port's per-channel CONV_2D /
DEPTHWISE_CONV_2D multipliers and shifts computed on the host and read from the
model in flash instead of the arena.

Checked here: the image covers every quantized convolution with the Python
kernels' own values; with it the C port gives every output byte of the Python
reference (which ignores the image) on the host under ASan/UBSan and on a
Cortex-M4, in an arena smaller by exactly the arrays it no longer allocates, as
memory.firmware_arena predicts; an image that disagrees with the C prepare, or
is malformed, is refused rather than used.
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest
from fw_helpers import build_dir, requires_host_cc
from oracle import model_path

from microinterp import load_model
from microinterp.context import nodes_of
from microinterp.errors import ModelError
from microinterp.fw import aot
from microinterp.fw import check as fwcheck
from microinterp.fw.toolchain import toolchain_missing
from microinterp.kernels import convolution
from microinterp.memory import firmware_arena
from microinterp.memory.offline_plan import with_metadata

KWS = "mlperf-tiny/kws_ref_model.tflite"


def test_image_covers_every_quantized_convolution() -> None:
    model = load_model(str(model_path("mlperf-tiny/vww_96_int8.tflite")))
    with_image = load_model(aot.with_aot_prepare(model))
    convs = [n for n in nodes_of(model.main) if n.name in aot.AOT_OPS]
    assert convs and aot.read_aot(with_image) == {n.index: n.input(1).shape[aot.AOT_OPS[n.name]] for n in convs}
    words = np.frombuffer(with_image.metadata[aot.METADATA_NAME], "<i4")
    assert words[0] == aot.VERSION and words[1] == len(convs)
    first = convs[0]
    channels = first.input(1).shape[aot.AOT_OPS[first.name]]
    mult, shift = convolution.per_channel_multipliers(first, first.input(0).scale, first.input(1).quant.scale,
                                                      first.output(0).scale, channels)
    assert words[2] == first.index and words[3] == channels
    assert list(words[4:4 + channels]) == list(mult) and list(words[4 + channels:4 + 2 * channels]) == list(shift)
    # everything but the image is the original model
    assert [t.name for t in with_image.main.tensors] == [t.name for t in model.main.tensors]


@requires_host_cc
@pytest.mark.parametrize("rel", [KWS, "mlperf-tiny/pretrainedResnet_quant.tflite"])
def test_host_exact_in_a_smaller_arena(rel: str, tmp_path: Path) -> None:
    model = load_model(str(model_path(rel)))
    path = tmp_path / "aot.tflite"
    path.write_bytes(aot.with_aot_prepare(model))
    build_dir("host-asan")
    report = fwcheck.check(path, "host-asan", vectors=2, seed=5, layers=True)
    assert report.ok, "\n".join(report.lines())
    assert report.arena_used_bytes == report.arena_predicted["total_bytes"]
    plain = firmware_arena.firmware_arena_bytes(model, "host-asan")
    # the tail loses the two arrays of each covered operator (8-byte rounded), up to its final rounding to 16
    arrays = sum(2 * 8 * -(-4 * len(m) // 8) for m, _ in aot.aot_arrays(model).values())
    assert abs(plain["persistent_bytes"] - report.arena_predicted["persistent_bytes"] - arrays) < 16
    assert report.arena_used_bytes < plain["total_bytes"]


def _tampered(rel: str, word: int, delta: int) -> bytes:
    model = load_model(str(model_path(rel)))
    words = list(struct.unpack(f"<{len(aot.aot_payload(model)) // 4}i", aot.aot_payload(model)))
    words[word] += delta
    return with_metadata(model, aot.METADATA_NAME, struct.pack(f"<{len(words)}i", *words))


@requires_host_cc
def test_an_image_that_disagrees_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.tflite"
    path.write_bytes(_tampered(KWS, 4, 1))  # the first operator's first multiplier, one too large
    report = fwcheck.check(path, "host-asan", vectors=1)
    assert report.outcome == "firmware-error", "\n".join(report.lines())
    assert "MI_ERR_MODEL_INVALID" in "\n".join(report.lines())


def test_a_malformed_image_is_a_model_error() -> None:
    for word, delta in ((0, 1), (3, 10_000)):  # wrong version; channels past the end
        with pytest.raises(ModelError, match=aot.METADATA_NAME):
            firmware_arena.firmware_arena_bytes(load_model(_tampered(KWS, word, delta)), "host")


@pytest.mark.skipif(toolchain_missing() is not None, reason=f"Cortex-M toolchain/emulator absent: {toolchain_missing()}")
def test_cortex_m4_exact_in_a_smaller_arena(tmp_path: Path) -> None:
    model = load_model(str(model_path(KWS)))
    path = tmp_path / "kws_aot.tflite"
    path.write_bytes(aot.with_aot_prepare(model))
    report = fwcheck.check(path, "cortex-m4", vectors=1, timeout=300)
    assert report.ok, "\n".join(report.lines())
    assert report.arena_used_bytes == report.arena_predicted["total_bytes"]
    assert report.arena_used_bytes < firmware_arena.firmware_arena_bytes(model, "cortex-m4")["total_bytes"]
