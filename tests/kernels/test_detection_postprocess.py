"""TFLite_Detection_PostProcess vs TFLM: fast and regular NMS, with and without a
background class, 1-3 classes per detection, drawn anchors, box encodings and scores
(scores on a coarse grid so that ties exercise TFLM's sort orders, anchors on a coarse
grid so that boxes overlap and NMS suppresses), three invokes per model; a decoded box
with no height fails both invokes. Refusals: malformed options, small outputs,
non-float tensors. 40 + 25 examples.

Regular NMS whose candidates outnumber TFLM's scratch buffers is refused at invoke
(TFLM writes past them and runs on): such steps are not compared.

Positions of the outputs that no detection writes keep whatever the arena held
before (TFLM does not clear them; the wheel's arena is not zeroed, so they hold
garbage there), so the comparison is on the positions TFLM writes: the
``num_detections`` count, and the detections' boxes, classes and scores at TFLM's
offsets. Every compared value must be bit-identical.
"""

import numpy as np
import pytest
from flatbuffers import flexbuffers
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import CURRENT_TEST, ORACLE_TESTS, requires_tflm, tflm_runtime
from strategies import seeds
from tflm_arena_probe import assert_predicted_arena_is_minimum

from microinterp import Interpreter
from microinterp.builder import ModelBuilder
from microinterp.errors import KernelError, MicrointerpError, ModelError, UnsupportedOpError
from microinterp.memory.tflm_arena import generous_arena_size

OP = "CUSTOM:TFLite_Detection_PostProcess"


def build(n: int, classes_with_background: int, options: dict, anchors: np.ndarray, *, outputs: int | None = None,
          box_width: int = 4, dtype: str = "float32", raw_options: bytes | None = None) -> bytes:
    """A one-op model; the outputs hold exactly the entries TFLM can write unless ``outputs``."""
    b = ModelBuilder()
    be = b.add_input("box_encodings", (1, n, box_width), dtype)
    sc = b.add_input("class_predictions", (1, n, classes_with_background), "float32")
    an = b.add_constant("anchors", anchors.astype(np.float32))
    if outputs is None:
        k = min(options["max_classes_per_detection"], options["num_classes"])
        outputs = options["max_detections"] * (1 if options.get("use_regular_nms") else k * k)
    outs = [b.add_output("detection_boxes", (1, outputs, 4), "float32"),
            b.add_output("detection_classes", (1, outputs), "float32"),
            b.add_output("detection_scores", (1, outputs), "float32"),
            b.add_output("num_detections", (1,), "float32")]
    opts = raw_options if raw_options is not None else flexbuffers.Dumps(options)
    b.add_operator(OP, [be, sc, an], outs, custom_options=opts)
    return b.build()


def written(options: dict, count: int) -> np.ndarray:
    """Detection slots TFLM writes: every max_detections row for regular NMS; for fast NMS
    slot k*(k*i + c) + c of detection i's c-th class (k classes per anchor)."""
    if options.get("use_regular_nms"):
        return np.arange(options["max_detections"])
    k = min(options["max_classes_per_detection"], options["num_classes"])
    return np.array([k * (k * i + c) + c for i in range(count // k) for c in range(k)], np.int64)


def compare(model: bytes, options: dict, inputs_seq: list[list[np.ndarray]]) -> int:
    """Run both; each invoke either fails in both or writes identical detections.
    Returns the number of invokes that produced detections."""
    ORACLE_TESTS.add(CURRENT_TEST[0])
    mi = Interpreter.from_bytes(model)
    tf = tflm_runtime.Interpreter.from_bytes(model, arena_size=generous_arena_size(mi.model))
    ran = 0
    for step, inputs in enumerate(inputs_seq):
        for i, x in enumerate(inputs):
            mi.set_input(x, i)
            tf.set_input(x, i)
        try:
            mi.invoke()
        except KernelError as exc:
            if "overflow" in str(exc):  # TFLM writes past its scratch here: its result is undefined
                continue
            with pytest.raises(RuntimeError):
                tf.invoke()
            continue
        tf.invoke()
        ran += 1
        got, want = [mi.get_output(k) for k in range(4)], [tf.get_output(k) for k in range(4)]
        assert got[3].tobytes() == want[3].tobytes(), (step, got[3], want[3])
        slots = written(options, int(want[3][0]))
        for k, width in ((0, 4), (1, 1), (2, 1)):
            g = got[k].reshape(-1, width)[slots]
            w = want[k].reshape(-1, width)[slots]
            assert g.tobytes() == w.tobytes(), f"step {step} output {k}:\n{g.ravel()[:12]}\n{w.ravel()[:12]}"
    return ran


@st.composite
def configs(draw):
    nc = draw(st.integers(1, 4))
    regular = draw(st.booleans())
    opts = dict(max_detections=draw(st.integers(1, 6)), max_classes_per_detection=draw(st.integers(1, 3)),
                use_regular_nms=regular, num_classes=nc,
                nms_score_threshold=draw(st.sampled_from([0.0, 0.25, 0.5, -1.0])),
                nms_iou_threshold=draw(st.sampled_from([0.1, 0.3, 0.5, 1.0])),
                y_scale=draw(st.sampled_from([10.0, 1.0, 3.5])), x_scale=draw(st.sampled_from([10.0, 1.0])),
                h_scale=draw(st.sampled_from([5.0, 1.0, 2.25])), w_scale=draw(st.sampled_from([5.0, 1.0])))
    if draw(st.booleans()):
        opts["detections_per_class"] = draw(st.integers(1, 8))
    return opts


@requires_tflm
@settings(max_examples=40, deadline=None)
@given(opts=configs(), n=st.integers(1, 24), background=st.booleans(), box_width=st.sampled_from([4, 4, 6]),
       degenerate=st.integers(0, 9), seed=seeds)
def test_detection_postprocess_matches_tflm(opts, n, background, box_width, degenerate, seed):
    rng = np.random.default_rng(seed)
    # anchors on a coarse grid: many boxes overlap, some coincide
    anchors = np.stack([rng.integers(0, 5, n) / 4, rng.integers(0, 5, n) / 4,
                        rng.integers(1, 5, n) / 8, rng.integers(1, 5, n) / 8], axis=1)
    if degenerate == 0:
        anchors[rng.integers(0, n), 2] = 0.0  # a box with no height: TFLM's ValidateBoxes fails the invoke
    model = build(n, opts["num_classes"] + background, opts, anchors, box_width=box_width)
    steps = [[rng.normal(0.0, 1.5, (1, n, box_width)).astype(np.float32),
              (rng.integers(-2, 9, (1, n, opts["num_classes"] + background)) / 8).astype(np.float32)]
             for _ in range(3)]
    compare(model, opts, steps)


@requires_tflm
@settings(max_examples=25, deadline=None)
@given(n=st.integers(20, 60), md=st.integers(1, 12), regular=st.booleans(), seed=seeds)
def test_detection_postprocess_continuous_scores(n, md, regular, seed):
    """Distinct continuous scores and box offsets: the ordinary SSD case, more boxes."""
    rng = np.random.default_rng(seed)
    opts = dict(max_detections=md, max_classes_per_detection=1, use_regular_nms=regular, num_classes=3,
                nms_score_threshold=float(rng.uniform(0, 0.5)), nms_iou_threshold=float(rng.uniform(0.2, 0.8)),
                y_scale=10.0, x_scale=10.0, h_scale=5.0, w_scale=5.0, detections_per_class=int(rng.integers(1, 20)))
    anchors = np.stack([rng.uniform(0, 1, n), rng.uniform(0, 1, n), rng.uniform(0.05, 0.4, n),
                        rng.uniform(0.05, 0.4, n)], axis=1)
    model = build(n, 4, opts, anchors)
    steps = [[rng.normal(0.0, 2.0, (1, n, 4)).astype(np.float32),
              rng.uniform(0, 1, (1, n, 4)).astype(np.float32)] for _ in range(2)]
    assert compare(model, opts, steps) == 2


BASE = dict(max_detections=3, max_classes_per_detection=1, num_classes=2, nms_score_threshold=0.0,
            nms_iou_threshold=0.5, y_scale=10.0, x_scale=10.0, h_scale=5.0, w_scale=5.0)
ANCHORS = np.tile(np.array([[0.5, 0.5, 0.2, 0.2]], np.float32), (4, 1))


@pytest.mark.parametrize("model, error", [
    (lambda: build(4, 3, BASE, ANCHORS, raw_options=b"\x01\x02\x03"), ModelError),
    (lambda: build(4, 3, BASE, ANCHORS, raw_options=flexbuffers.Dumps([1, 2])), ModelError),
    (lambda: build(4, 3, {**BASE, "num_classes": "two"}, ANCHORS, outputs=3), ModelError),
    (lambda: build(4, 3, BASE, ANCHORS, outputs=2), KernelError),
    (lambda: build(4, 3, BASE, ANCHORS[:3]), KernelError),
    (lambda: build(4, 4, BASE, ANCHORS), KernelError),
    (lambda: build(4, 3, {**BASE, "max_detections": 0}, ANCHORS, outputs=1), UnsupportedOpError),
    (lambda: build(4, 3, BASE, ANCHORS, dtype="int8"), UnsupportedOpError),
    (lambda: build(4, 3, BASE, ANCHORS, box_width=3), KernelError),
])
def test_detection_postprocess_refusals(model, error):
    with pytest.raises(error):
        Interpreter.from_bytes(model())
    assert issubclass(error, MicrointerpError)


def test_detection_postprocess_bad_iou_threshold_fails_invoke():
    model = build(4, 3, {**BASE, "nms_iou_threshold": 0.0}, ANCHORS)
    mi = Interpreter.from_bytes(model)
    with pytest.raises(KernelError, match="nms_iou_threshold"):
        mi.invoke()


@requires_tflm
@pytest.mark.parametrize("regular, n, md, background", [(False, 10, 3, 1), (True, 17, 5, 0), (True, 6, 2, 1)])
def test_detection_postprocess_arena_is_tflm_minimum(tmp_path, regular, n, md, background):
    """The predicted host64 arena (OpData, three input temporaries, eleven scratch
    buffers) is the wheel's minimum."""
    opts = {**BASE, "max_detections": md, "use_regular_nms": regular, "num_classes": 3}
    assert_predicted_arena_is_minimum(build(n, 3 + background, opts, np.tile(ANCHORS[:1], (n, 1))), tmp_path)
