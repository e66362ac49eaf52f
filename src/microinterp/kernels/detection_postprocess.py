"""TFLite_Detection_PostProcess, the SSD post-processing custom op (TFLM:
kernels/detection_postprocess.cc; C twin: firmware/src/kernels/mi_detection_postprocess.c).

Inputs: 0 box encodings (1, N, >=4) as (y, x, h, w) centre-size offsets, 1 class
scores (1, N, C or C+1 with a background class first), 2 anchors (N, 4) as
(y, x, h, w). Outputs: 0 boxes (ymin, xmin, ymax, xmax), 1 classes, 2 scores, 3 the
number of detections, all float32. Options (FlexBuffer map in the custom options):
``max_detections``, ``max_classes_per_detection``, ``detections_per_class``
(default 100), ``use_regular_nms`` (default false), ``nms_score_threshold``,
``nms_iou_threshold``, ``num_classes``, ``y_scale``, ``x_scale``, ``h_scale``,
``w_scale`` (all required here: TFLM reads an absent key as 0).

TFLM's arithmetic, reproduced exactly:

* **decode**: the centre in double, ``y / y_scale * anchor_h + anchor_y``, rounded
  to float; the half sizes ``0.5 * exp(h / h_scale) * anchor_h`` in double (libm's
  ``exp``, called per box: numpy's vectorised float64 ``exp`` is not libm's), rounded
  to float; corners in float. Any box with ``ymin >= ymax`` or ``xmin >= xmax`` fails
  the invoke (TFLM's ``ValidateBoxes``).
* **NMS**: scores ``>= nms_score_threshold`` kept, sorted by a stable decreasing
  merge sort; greedy selection, dropping later boxes whose float32
  intersection-over-union is ``> nms_iou_threshold`` (``std::max``/``std::min``
  semantics for the corners, 0 when either area is ``<= 0``).
* **fast** (``use_regular_nms`` false): each anchor's top classes by a partial
  sort (decreasing score, lower class first on ties), NMS on each anchor's best
  score. TFLM micro writes detection ``i``'s class ``c`` at
  ``k*(k*i + c) + c`` (``k`` classes per anchor: its ``output_box_index`` advances
  inside the class loop), so for ``k > 1`` the entries land spread out; that is
  reproduced, and the outputs must hold ``k*k*max_detections`` entries for it.
* **regular**: NMS per class (``detections_per_class`` each), merged with the
  previous classes' survivors and cut to ``max_detections`` by a partial sort;
  every one of the ``max_detections`` output rows is written (zeros past the end).

Output entries that TFLM does not write (fast NMS leaves them holding whatever its
arena held, in the wheel uninitialised memory) are 0 here: the three outputs are
cleared before the detections are written, so a result never depends on history.

Refused where TFLM would read or write outside its buffers (it runs on, corrupting
memory): anchors or outputs too small, ``max_detections < 1``, ``num_classes < 1``;
and, at invoke, regular NMS whose merged candidates (previous survivors plus one
class's) outnumber its ``max_detections * N`` scratch entries. Non-float32 tensors
are refused (TFLM micro decodes float32 only and fails the invoke otherwise).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..context import Node, Registration
from ..errors import KernelError, ModelError
from ..flexbuffer import FlexMap
from ..memory.declaration import KernelMemory, OpMemory, c_struct, temps

BOX_ENCODINGS, CLASS_PREDICTIONS, ANCHORS = 0, 1, 2
DETECTION_BOXES, DETECTION_CLASSES, DETECTION_SCORES, NUM_DETECTIONS = 0, 1, 2, 3

#: TFLM's kNumDetectionsPerClass: ``detections_per_class`` when the key is absent
DEFAULT_DETECTIONS_PER_CLASS = 100


@dataclass(frozen=True)
class Options:
    """The FlexBuffer options as TFLM's Init reads them (AsInt32 / AsFloat / AsBool)."""

    max_detections: int
    max_classes_per_detection: int
    detections_per_class: int
    use_regular_nms: bool
    nms_score_threshold: np.float32
    nms_iou_threshold: np.float32
    num_classes: int
    y_scale: np.float32
    x_scale: np.float32
    h_scale: np.float32
    w_scale: np.float32


@dataclass(frozen=True)
class OpData:
    options: Options
    num_boxes: int
    box_stride: int  # floats per box encoding (dims[2] >= 4)
    label_offset: int  # 1 with a background class, else 0
    classes_with_background: int
    classes_per_anchor: int  # fast NMS: min(max_classes_per_detection, num_classes)


def read_options(node: Node) -> Options:
    """Parse the custom options (a FlexBuffer map) as TFLM's Init does; malformed bytes,
    a missing key (other than the two with defaults) or a value of another type is a
    ModelError (TFLM would read it as 0)."""
    m = FlexMap(node.op.custom_options, f"operator {node.index} ({node.name}) custom options")
    return Options(
        max_detections=m.int("max_detections"),
        max_classes_per_detection=m.int("max_classes_per_detection"),
        detections_per_class=m.int("detections_per_class") if m.has("detections_per_class")
        else DEFAULT_DETECTIONS_PER_CLASS,
        use_regular_nms=m.bool("use_regular_nms") if m.has("use_regular_nms") else False,
        nms_score_threshold=np.float32(m.float("nms_score_threshold")),
        nms_iou_threshold=np.float32(m.float("nms_iou_threshold")),
        num_classes=m.int("num_classes"),
        y_scale=np.float32(m.float("y_scale")), x_scale=np.float32(m.float("x_scale")),
        h_scale=np.float32(m.float("h_scale")), w_scale=np.float32(m.float("w_scale")),
    )


def _outputs_needed(opts: Options) -> int:
    """Entries of the classes/scores outputs TFLM can write (see the module docstring)."""
    if opts.use_regular_nms:
        return opts.max_detections
    k = min(opts.max_classes_per_detection, opts.num_classes)
    return k * k * opts.max_detections


def prepare(node: Node) -> OpData:
    if len(node.inputs) != 3 or len(node.outputs) != 4:
        raise node.fail(f"expects 3 inputs and 4 outputs, got {len(node.inputs)} and {len(node.outputs)}")
    opts = read_options(node)
    boxes, scores, anchors = node.input(BOX_ENCODINGS), node.input(CLASS_PREDICTIONS), node.input(ANCHORS)
    if len(boxes.shape) != 3 or len(scores.shape) != 3 or len(anchors.shape) != 2:
        raise node.fail("box encodings and class predictions must be 3-D and anchors 2-D")
    for t in (boxes, scores, anchors, *node.outputs):
        if t.type_name != "FLOAT32":
            raise node.unsupported(f"{t.type_name} tensor {t.name!r}: TFLM decodes float32 only")
    n = boxes.shape[1]
    if boxes.shape[0] != 1 or boxes.shape[2] < 4 or n < 1:
        raise node.fail(f"box encodings must be (1, N >= 1, >= 4), got {list(boxes.shape)}")
    if scores.shape[0] != 1 or scores.shape[1] != n:
        raise node.fail(f"class predictions must be (1, {n}, classes), got {list(scores.shape)}")
    if anchors.size < 4 * n:
        raise node.fail(f"anchors hold {anchors.size} values, {n} boxes need {4 * n}")
    with_background = scores.shape[2]
    if opts.num_classes < 1 or not 0 <= with_background - opts.num_classes <= 1:
        raise node.fail(f"num_classes {opts.num_classes} does not match {with_background} score columns")
    if opts.max_detections < 1:
        # TFLM sizes its sort and selection scratch by max_detections * N and writes the
        # kept scores there: with 0 it writes past them as soon as a score passes
        raise node.unsupported(f"max_detections {opts.max_detections} (TFLM needs at least 1)")
    if opts.use_regular_nms and opts.detections_per_class <= 0:
        raise node.fail("detections_per_class must be positive")
    if not opts.use_regular_nms and opts.max_classes_per_detection <= 0:
        raise node.fail("max_classes_per_detection must be positive")
    needed = _outputs_needed(opts)
    sizes = [t.size for t in node.outputs]
    if sizes[0] < 4 * needed or min(sizes[1:3]) < needed or sizes[3] < 1:
        raise node.fail(f"outputs {[list(t.shape) for t in node.outputs]} cannot hold {needed} detections "
                        "(TFLM would write past them)")
    return OpData(opts, n, boxes.shape[2], with_background - opts.num_classes, with_background,
                  min(opts.max_classes_per_detection, opts.num_classes))


# --------------------------------------------------------------------------- decoding

def _libm_exp(values: np.ndarray) -> np.ndarray:
    """libm's double ``exp`` per element (Python's ``math.exp`` is that call; it raises
    on overflow where C returns +inf)."""
    def one(v: float) -> float:
        try:
            return math.exp(v)
        except OverflowError:
            return math.inf
    return np.fromiter(map(one, values.tolist()), np.float64, count=values.size)


def decode(data: OpData, encodings: np.ndarray, anchors: np.ndarray) -> np.ndarray:
    """(N, 4) float32 corners (ymin, xmin, ymax, xmax), as TFLM's DecodeCenterSizeBoxes."""
    o, n = data.options, data.num_boxes
    enc = encodings.reshape(n, data.box_stride)[:, :4].astype(np.float64)
    anc = anchors.reshape(-1)[:4 * n].reshape(n, 4).astype(np.float64)
    scale = [float(v) for v in (o.y_scale, o.x_scale, o.h_scale, o.w_scale)]
    with np.errstate(all="ignore"):
        ycenter = (enc[:, 0] / scale[0] * anc[:, 2] + anc[:, 0]).astype(np.float32)
        xcenter = (enc[:, 1] / scale[1] * anc[:, 3] + anc[:, 1]).astype(np.float32)
        half_h = (0.5 * _libm_exp(enc[:, 2] / scale[2]) * anc[:, 2]).astype(np.float32)
        half_w = (0.5 * _libm_exp(enc[:, 3] / scale[3]) * anc[:, 3]).astype(np.float32)
        return np.stack([ycenter - half_h, xcenter - half_w, ycenter + half_h, xcenter + half_w], axis=1)


# --------------------------------------------------------------------------- NMS

def _max(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.where(a < b, b, a)  # std::max(a, b): a unless a < b (NaN-exact)


def _min(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.where(b < a, b, a)  # std::min(a, b): a unless b < a


def _iou(boxes: np.ndarray, areas: np.ndarray, i: int, js: np.ndarray, exact: bool) -> np.ndarray:
    """TFLM's ComputeIntersectionOverUnion of box ``i`` with each of ``js``, in float32
    (``boxes`` as four rows ymin, xmin, ymax, xmax; ``areas`` their float32 areas).
    ``exact``: ``std::max``/``std::min`` NaN semantics (needed only when a coordinate is
    NaN; otherwise numpy's maximum/minimum give the same values, up to the sign of a
    zero, which no comparison with the positive threshold can see)."""
    zero = np.float32(0.0)
    hi, lo = (_max, _min) if exact else (np.maximum, np.minimum)
    ymin, xmin, ymax, xmax = boxes[:, js]
    inter = (hi(lo(boxes[2, i], ymax) - hi(boxes[0, i], ymin), zero)
             * hi(lo(boxes[3, i], xmax) - hi(boxes[1, i], xmin), zero))
    area_j = areas[js]
    iou = inter / ((areas[i] + area_j) - inter)
    if areas[i] <= 0:
        return np.zeros_like(iou)
    return np.where(area_j <= 0, zero, iou)


def nms_single_class(data: OpData, boxes: np.ndarray, scores: np.ndarray, max_detections: int) -> list[int]:
    """Box indices selected by TFLM's NonMaxSuppressionSingleClassHelper, in order.

    TFLM walks the sorted candidates with an "active" flag each; walking only the
    still-active ones (dropping each selected box's overlaps from the list) selects
    the same boxes in the same order."""
    o = data.options
    if not (o.nms_iou_threshold > 0 and o.nms_iou_threshold <= 1):
        raise KernelError(f"{_NAME}: nms_iou_threshold {o.nms_iou_threshold} is not in (0, 1]")
    if np.any((boxes[:, 0] >= boxes[:, 2]) | (boxes[:, 1] >= boxes[:, 3])):
        raise KernelError(f"{_NAME}: a decoded box has ymin >= ymax or xmin >= xmax")
    keep = np.flatnonzero(scores >= o.nms_score_threshold)
    # stable decreasing merge sort of the kept scores (ties keep box order)
    candidates = keep[np.argsort(-scores[keep], kind="stable")]
    output_size = min(candidates.size, max_detections)
    rows = np.ascontiguousarray(boxes.T)
    areas = (rows[2] - rows[0]) * (rows[3] - rows[1])
    exact = bool(np.isnan(rows).any())
    selected: list[int] = []
    with np.errstate(all="ignore"):
        while candidates.size and len(selected) < output_size:
            best, candidates = int(candidates[0]), candidates[1:]
            selected.append(best)
            if candidates.size:
                candidates = candidates[~(_iou(rows, areas, best, candidates, exact) > o.nms_iou_threshold)]
    return selected


def _top(values: np.ndarray, k: int) -> np.ndarray:
    """TFLM's DecreasingPartialArgSort: the first ``k`` indices by decreasing value,
    lower index first on ties."""
    return np.argsort(-values, kind="stable")[:k]


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    boxes = decode(data, inputs[BOX_ENCODINGS], inputs[ANCHORS])
    scores = inputs[CLASS_PREDICTIONS].reshape(data.num_boxes, data.classes_with_background)
    scores = scores[:, data.label_offset:]
    out_boxes = outputs[DETECTION_BOXES].reshape(-1)
    out_classes, out_scores = outputs[DETECTION_CLASSES].reshape(-1), outputs[DETECTION_SCORES].reshape(-1)
    for out in (out_boxes, out_classes, out_scores):
        out[...] = 0
    if data.options.use_regular_nms:
        count = _regular(data, boxes, scores, out_boxes, out_classes, out_scores)
    else:
        count = _fast(data, boxes, scores, out_boxes, out_classes, out_scores)
    outputs[NUM_DETECTIONS].reshape(-1)[0] = np.float32(count)


def _fast(data: OpData, boxes: np.ndarray, scores: np.ndarray, out_boxes: np.ndarray,
          out_classes: np.ndarray, out_scores: np.ndarray) -> int:
    k = data.classes_per_anchor
    top = np.argsort(-scores, axis=1, kind="stable")[:, :k]  # per anchor, as _top
    best = scores[np.arange(data.num_boxes), top[:, 0]]
    selected = nms_single_class(data, boxes, best, data.options.max_detections)
    written = 0
    for anchor in selected:
        for c in range(k):
            at = k * written + c  # TFLM's offset, with written already advanced for c > 0
            out_boxes[4 * at:4 * at + 4] = boxes[anchor]
            out_classes[at] = np.float32(top[anchor, c])
            out_scores[at] = scores[anchor, top[anchor, c]]
            written += 1
    return written


def _regular(data: OpData, boxes: np.ndarray, scores: np.ndarray, out_boxes: np.ndarray,
             out_classes: np.ndarray, out_scores: np.ndarray) -> int:
    o = data.options
    kept_index = np.zeros(0, np.int64)  # flat (anchor, class) indices, as TFLM stores them
    kept_score = np.zeros(0, np.float32)
    for col in range(o.num_classes):
        class_scores = np.ascontiguousarray(scores[:, col])
        selected = np.asarray(nms_single_class(data, boxes, class_scores, o.detections_per_class), np.int64)
        merged_index = np.concatenate([kept_index, selected * data.classes_with_background + col + data.label_offset])
        merged_score = np.concatenate([kept_score, class_scores[selected]])
        if merged_score.size > o.max_detections * data.num_boxes:
            raise KernelError(f"{_NAME}: {merged_score.size} regular-NMS candidates overflow TFLM's scratch "
                              f"buffers of max_detections * N = {o.max_detections * data.num_boxes}")
        best = _top(merged_score, min(merged_score.size, o.max_detections))
        kept_index, kept_score = merged_index[best], merged_score[best]
    count = kept_index.size
    anchor = kept_index // data.classes_with_background
    out_boxes[:4 * count] = boxes[anchor].reshape(-1)
    out_classes[:count] = (kept_index - anchor * data.classes_with_background - data.label_offset).astype(np.float32)
    out_scores[:count] = kept_score
    return count


_NAME = "TFLite_Detection_PostProcess"


def memory(node: Node, pointer_bytes: int) -> OpMemory:
    """TFLM's Prepare takes temporaries of the three inputs and requests eleven scratch
    buffers (detection_postprocess.cc, in its order): active-candidate flags (N bytes),
    decoded boxes (16 N), scores (N C' floats, unused), score buffer, keep scores (4 N
    each), regular-NMS scores and sorted values (4 N max_detections each), keep indices
    (4 N), sorted indices (4 N max_detections), the class-index buffer
    (4 N max(num_classes, max_detections)) and the selection (4 N min(N, max_detections)).
    The C twin allocates its own persistent arrays instead (see its header): decoded
    boxes, active flags, order, merge scratch, selection, then per mode."""
    boxes, scores = node.input(BOX_ENCODINGS), node.input(CLASS_PREDICTIONS)
    try:
        opts = read_options(node)
    except ModelError:
        return OpMemory(tflm_prepare=temps(node, (0, 1, 2)))
    n = boxes.shape[1] if len(boxes.shape) >= 2 else 0
    c = scores.shape[1] * scores.shape[2] if len(scores.shape) >= 3 else 0
    md, nc = max(opts.max_detections, 0), opts.num_classes
    scratch = (n, 16 * n, 4 * c, 4 * n, 4 * n, 4 * md * n, 4 * md * n, 4 * n, 4 * md * n,
               4 * max(nc, md) * n, 4 * min(n, md) * n)
    c_arrays = (16 * n, n, 4 * n, 4 * n, 4 * n)
    if opts.use_regular_nms:
        c_arrays += (4 * n,) + (4 * (md + n),) * 5
    else:
        c_arrays += (4 * n * max(min(opts.max_classes_per_detection, nc), 0), 4 * n)
    return OpMemory(scratch=scratch, tflm_prepare=temps(node, (0, 1, 2)), c_arrays=c_arrays)


MEMORY = KernelMemory(
    tflm_op_data="DetectionPostProcessOpData",
    c_op_data=c_struct(p=11, w=17, b=1),
    needs=memory,
)
REGISTRATION = Registration(f"CUSTOM:{_NAME}", prepare, invoke, memory=MEMORY)
