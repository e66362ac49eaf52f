"""MIRROR_PAD (TFLM: kernels/mirror_pad.cc; C twin: firmware/src/kernels/mi_mirror_pad.c).

Pads a float32 or int8 tensor by mirroring it: REFLECT (mode 0) leaves the
edge element out of the mirror (offset 1), SYMMETRIC (mode 1) repeats it
(offset 0). The paddings are a ``[rank, 2]`` int32 or int64 tensor read at
invoke time, as in TFLM (so it may be a graph input). For every output
coordinate TFLM's ``GetInputDimension`` picks the input coordinate per axis:
left of the input ``left + offset - 1 - min(i, left - 1)``, right of it
``in - 1 - offset - min(j, in - 1 - offset)`` (j counted from the right edge),
inside ``i - left``. TFLM checks neither the paddings nor the output shape;
a left padding wider than ``in - offset`` would read outside the input and
the output is walked by its own shape, so here the output must equal the
input plus the paddings and every coordinate must land in the input (checked
in prepare for constant paddings, else per invoke).
Scratch: TFLM requests two int arrays of the rank.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..context import Node, Registration
from ..errors import KernelError
from ..memory.declaration import KernelMemory, OpMemory, c_struct

INPUT, PADDINGS, OUTPUT = 0, 1, 0
TYPES = ("FLOAT32", "INT8")
REFLECT, SYMMETRIC = 0, 1  # schema enum MirrorPadMode


@dataclass(frozen=True)
class OpData:
    offset: int  # 1 for REFLECT, 0 for SYMMETRIC
    index: tuple[np.ndarray, ...] | None  # open-mesh input coordinates, when the paddings are constant


def input_coordinates(out_size: int, left: int, in_size: int, offset: int) -> np.ndarray:
    """TFLM ``GetInputDimension`` for every output coordinate along one axis."""
    i = np.arange(out_size, dtype=np.int64)
    original_left = left + offset - 1
    from_left = original_left - np.minimum(i, original_left - offset)
    j = i - left - in_size
    original_right = in_size - (1 + offset)
    from_right = original_right - np.minimum(j, original_right)
    return np.where(i < left, from_left, np.where(i - left >= in_size, from_right, i - left))


def _index(node: Node, paddings: np.ndarray, in_shape: tuple[int, ...], out_shape: tuple[int, ...],
           offset: int) -> tuple[np.ndarray, ...]:
    pads = np.asarray(paddings, np.int64).reshape(len(in_shape), 2)
    expected = tuple(int(d + lo + hi) for d, (lo, hi) in zip(in_shape, pads))
    if expected != tuple(out_shape) or (pads < 0).any():
        raise KernelError(f"operator {node.index} (MIRROR_PAD): output {list(out_shape)} is not input "
                          f"{list(in_shape)} padded by {pads.tolist()}")
    axes = [input_coordinates(o, int(lo), d, offset) for o, (lo, _), d in zip(out_shape, pads, in_shape)]
    for d, a in zip(in_shape, axes):
        if a.size and (a.min() < 0 or a.max() >= d):
            raise KernelError(f"operator {node.index} (MIRROR_PAD): paddings {pads.tolist()} reach outside "
                              f"input {list(in_shape)}")
    return np.ix_(*axes) if axes else ()


def prepare(node: Node) -> OpData:
    src, pads, dst = node.input(INPUT), node.input(PADDINGS), node.output(OUTPUT)
    if dst.type_name not in TYPES:
        raise node.unsupported(f"type {dst.type_name} is not supported ({', '.join(t.lower() for t in TYPES)})")
    if src.type_name != dst.type_name:
        raise node.fail(f"input {src.type_name} and output {dst.type_name} must have the same type")
    if len(pads.shape) != 2 or pads.shape != (len(src.shape), 2):
        raise node.fail(f"paddings {list(pads.shape)} must be [{len(src.shape)}, 2]")
    if pads.type_name not in ("INT32", "INT64"):
        raise node.unsupported(f"paddings of type {pads.type_name} are not supported (int32, int64)")
    mode = node.options.mode
    offset = 1 if mode == REFLECT else 0
    index = _index(node, pads.data, src.shape, dst.shape, offset) if pads.is_constant else None
    return OpData(offset, index)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    x, out = inputs[INPUT], outputs[OUTPUT]
    index = data.index
    if index is None:
        index = _index(node, inputs[PADDINGS], x.shape, out.shape, data.offset)
    out[...] = x[index] if index else x


def memory(node: Node, pointer_bytes: int) -> OpMemory:
    """TFLM's scratch (mirror_pad.cc): output strides and input strides, one int each per dimension."""
    rank = len(node.input(INPUT).shape)
    return OpMemory(scratch=(4 * rank, 4 * rank))


MEMORY = KernelMemory(tflm_params="TfLiteMirrorPaddingParams", needs=memory, modelled=False,
                      c_op_data=c_struct(w=13, b=3))
REGISTRATION = Registration("MIRROR_PAD", prepare, invoke, memory=MEMORY)
