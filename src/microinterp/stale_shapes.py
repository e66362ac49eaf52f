"""Stored shapes that disagree with what the inputs imply, where TFLM computes anyway.

A Keras model with a dynamic batch dimension that uses a dilated convolution
becomes SPACE_TO_BATCH_ND -> CONV_2D -> BATCH_TO_SPACE_ND, and the converter
stores the batch-dependent shapes with the dynamic batch replaced by 1: the
SPACE_TO_BATCH_ND output says ``[1, 4, 4, 16]`` where its 2x2 blocks make
``[4, 4, 4, 16]``. TFLM never resizes a tensor: it runs the reference loops
over the *stored* shapes (TFLM issues #2319, #3185), so the result is not
TensorFlow's. microinterp computes what TFLM computes (it is what the MCU
will compute) and says so: ``stale_shape_note`` gives the one-line warning for
such an operator, which the kernels issue once when they are prepared
(``StaleShapeWarning``) and ``microinterp inspect`` / ``plan`` print.
"""

from __future__ import annotations

import warnings

import numpy as np

from .context import Node, nodes_of
from .model import Model


class StaleShapeWarning(UserWarning):
    """A model whose stored shapes TFLM runs as they are, unlike TensorFlow."""


def _blocks(node: Node) -> tuple[int, int, list[int]] | None:
    """(block_h, block_w, [top, bottom, left, right]) from constant int32 inputs 1 and 2, or None."""
    if len(node.inputs) < 3 or node.inputs[1] is None or node.inputs[2] is None:
        return None
    block, amounts = node.inputs[1], node.inputs[2]
    if not (block.is_constant and amounts.is_constant) or block.type_name != "INT32" \
            or amounts.type_name != "INT32":
        return None
    x = node.inputs[0]
    rank = len(x.shape) if x is not None else 0
    b, a = np.asarray(block.data).reshape(-1), np.asarray(amounts.data).reshape(-1)
    if rank not in (3, 4) or b.size < rank - 2 or a.size < 2 * (rank - 2):
        return None
    if rank == 4:
        return int(b[0]), int(b[1]), [int(v) for v in a[:4]]
    return int(b[0]), 1, [int(a[0]), int(a[1]), 0, 0]


def _nhwc(shape: tuple[int, ...]) -> tuple[int, ...]:
    return shape if len(shape) == 4 else (shape[0], shape[1], 1, shape[2])


def _unextend(shape: tuple[int, ...], rank: int) -> list[int]:
    return list(shape) if rank == 4 else [shape[0], shape[1], shape[3]]


def stale_shape_note(node: Node) -> str | None:
    """The warning for one operator whose stored shapes are not the ones its inputs imply
    (SPACE_TO_BATCH_ND's output, BATCH_TO_SPACE_ND's input), or None."""
    if node.name not in ("SPACE_TO_BATCH_ND", "BATCH_TO_SPACE_ND") or not node.outputs or node.inputs[0] is None:
        return None
    params = _blocks(node)
    x, y = node.inputs[0], node.outputs[0]
    if params is None or len(y.shape) != len(x.shape):
        return None
    bh, bw, (top, bottom, left, right) = params
    if bh < 1 or bw < 1:
        return None
    rank = len(x.shape)
    if node.name == "SPACE_TO_BATCH_ND":
        n, h, w, c = _nhwc(x.shape)
        ph, pw = h + top + bottom, w + left + right
        if ph % bh or pw % bw:
            return None
        implied = _unextend((n * bh * bw, ph // bh, pw // bw, c), rank)
        stored, what = list(y.shape), "output"
        effect = ("TFLM fills the stored output from the first "
                  f"{_nhwc(y.shape)[0]} of the {n * bh * bw} blocks")
    else:
        n, h, w, c = _nhwc(y.shape)
        ph, pw = h + top + bottom, w + left + right
        if ph % bh or pw % bw:
            return None
        implied = _unextend((n * bh * bw, ph // bh, pw // bw, c), rank)
        stored, what = list(x.shape), "input"
        effect = ("TFLM writes only the output pixels the stored input's blocks reach and leaves the others "
                  "holding whatever the arena held")
    if stored == implied:
        return None
    sub = f"subgraph {node.subgraph} " if node.subgraph else ""
    return (f"{sub}operator {node.index} ({node.name}): stored {what} shape {stored} but its "
            f"{bh}x{bw} blocks imply {implied} (a dynamic batch stored as 1?); TFLM runs the stored shapes "
            f"({effect}), and so does microinterp: the result is TFLM's, which differs from TensorFlow's here")


def stale_shape_notes(model: Model) -> list[str]:
    """Every operator's stale-shape warning, in subgraph and execution order."""
    out = []
    for s, sg in enumerate(model.subgraphs):
        for node in nodes_of(sg, s):
            note = stale_shape_note(node)
            if note:
                out.append(note)
    return out


def warn_stale(node: Node) -> bool:
    """Issue the operator's warning (once per interpreter: kernels call it in prepare);
    True when its shapes are stale."""
    note = stale_shape_note(node)
    if note:
        warnings.warn(note, StaleShapeWarning, stacklevel=3)
    return note is not None
