"""TFLite_Detection_PostProcess in C (firmware/src/kernels/mi_detection_postprocess.c)
against its Python twin on hypothesis-drawn single-op models: the model maker and the
option strategy of tests/kernels/test_detection_postprocess.py, fast and regular NMS,
three input vectors per model (scores on a coarse grid for ties, anchors on a grid
for overlaps, sometimes a box with no height so the invoke fails on both sides).
Every output byte and the arena must match; Python's refusals must be C statuses.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from flatbuffers import flexbuffers

# the kernel test imports its sibling helper modules by name
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "kernels"))
from fw_helpers import requires_host_cc  # noqa: E402
from fw_twins import SETTINGS, assert_both_refuse, run_both_on
from hypothesis import given
from hypothesis import strategies as st
from kernels import test_detection_postprocess as dpp
from strategies import seeds

pytestmark = requires_host_cc


@SETTINGS
@given(opts=dpp.configs(), n=st.integers(1, 24), background=st.booleans(), box_width=st.sampled_from([4, 6]),
       extra_outputs=st.sampled_from([0, 0, 3]), degenerate=st.integers(0, 9), seed=seeds)
def test_detection_postprocess(opts, n, background, box_width, extra_outputs, degenerate, seed) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    anchors = np.stack([rng.integers(0, 5, n) / 4, rng.integers(0, 5, n) / 4,
                        rng.integers(1, 5, n) / 8, rng.integers(1, 5, n) / 8], axis=1)
    if degenerate == 0:
        anchors[rng.integers(0, n), 2] = 0.0
    k = min(opts["max_classes_per_detection"], opts["num_classes"])
    entries = opts["max_detections"] * (1 if opts["use_regular_nms"] else k * k) + extra_outputs
    classes = opts["num_classes"] + background
    model = dpp.build(n, classes, opts, anchors, box_width=box_width, outputs=entries)
    vectors = [[rng.normal(0.0, 1.5, (1, n, box_width)).astype(np.float32),
                (rng.integers(-2, 9, (1, n, classes)) / 8).astype(np.float32)] for _ in range(3)]
    run_both_on(model, vectors)


def test_detection_postprocess_refusals() -> None:
    base, anchors = dpp.BASE, dpp.ANCHORS
    for model in [
        dpp.build(4, 3, base, anchors, raw_options=b"\x01\x02\x03"),
        dpp.build(4, 3, base, anchors, raw_options=flexbuffers.Dumps([1, 2])),
        dpp.build(4, 3, {k: v for k, v in base.items() if k != "y_scale"}, anchors),
        dpp.build(4, 3, base, anchors, outputs=2),
        dpp.build(4, 3, base, anchors[:3]),
        dpp.build(4, 4, base, anchors),
        dpp.build(4, 3, {**base, "max_detections": 0}, anchors, outputs=1),
        dpp.build(4, 3, base, anchors, dtype="int8"),
        dpp.build(4, 3, base, anchors, box_width=3),
    ]:
        assert_both_refuse(model)
