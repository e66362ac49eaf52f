"""`firmware check --target host-asan --layers` on the shared models that use the
kernels added to the C port by the c1 kernel work (STRIDED_SLICE, LEAKY_RELU,
PAD, TRANSPOSE_CONV, ...): TFLM's seanet single-op int16 models, whose int64
biases sit at 4 mod 8 in the file (the reader's 4-byte rule for 8-byte types).
Every output and every operator's output byte must equal the Python
interpreter's, under ASan/UBSan, with the arena as predicted.
"""

from __future__ import annotations

import pytest
from fw_helpers import build_dir, requires_host_cc
from oracle import model_path

from microinterp.fw import check as fwcheck

pytestmark = requires_host_cc

MODELS = [
    "tflite-micro-seanet/strided_slice0.tflite",
    "tflite-micro-seanet/leaky_relu0.tflite",
    "tflite-micro-seanet/pad0.tflite",
    "tflite-micro-seanet/transpose_conv0.tflite",
    "tflite-micro-seanet/transpose_conv2.tflite",
    "tflite-micro-seanet/transpose_conv4.tflite",
]


@pytest.mark.parametrize("rel", MODELS)
def test_model_bit_exact_under_sanitizers(rel: str) -> None:
    path = model_path(rel)
    build_dir("host-asan")
    report = fwcheck.check(path, "host-asan", vectors=2, seed=5, layers=True)
    assert report.ok, "\n".join(report.lines())
