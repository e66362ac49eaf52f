"""RESIZE_NEAREST_NEIGHBOR (TFLM: kernels/resize_nearest_neighbor.cc +
reference_ops::ResizeNearestNeighbor; C twin: firmware/src/kernels/mi_resize_nearest_neighbor.c).

Resizes the height and width of a 4-D float32, int8 or int16 tensor to the
constant int32 ``size`` [new_height, new_width]. Every output pixel copies one
input pixel (float32 is copied as raw bits, NaN payloads included), picked per
axis by TFLM's ``GetNearestNeighbor`` in float32 arithmetic:

* scale = ``(in - 1) / float(out - 1)`` with align_corners (and out > 1),
  else ``in / float(out)``;
* offset 0.5 with half_pixel_centers, else 0;
* index = ``roundf((i + offset) * scale)`` with align_corners, else
  ``floor((i + offset) * scale)``, capped at in - 1, and floored at 0 with
  half_pixel_centers.

The index tables depend only on shapes, so they are built once in prepare.
TFLM takes the output's extent from ``size`` and writes that many pixels;
the output tensor must agree (checked here).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .. import quant
from ..context import Node, Registration
from ..memory.declaration import KernelMemory, c_struct

INPUT, SIZE, OUTPUT = 0, 1, 0
TYPES = ("FLOAT32", "INT8", "INT16")


@dataclass(frozen=True)
class OpData:
    rows: np.ndarray  # input row of every output row
    cols: np.ndarray  # input column of every output column


def nearest_indices(in_size: int, out_size: int, align_corners: bool, half_pixel_centers: bool) -> np.ndarray:
    """TFLM ``GetNearestNeighbor`` for every output index, in float32 as TFLM computes it."""
    f32 = np.float32
    if align_corners and out_size > 1:
        scale = f32(in_size - 1) / f32(out_size - 1)
    else:
        scale = f32(in_size) / f32(out_size)
    offset = f32(0.5) if half_pixel_centers else f32(0.0)
    scaled = (np.arange(out_size).astype(np.float32) + offset) * scale
    index = quant.roundf(scaled) if align_corners else np.floor(scaled)
    index = np.minimum(index.astype(np.int64), in_size - 1)
    if half_pixel_centers:
        index = np.maximum(index, 0)
    return index


def resize_options(node: Node) -> tuple[bool, bool]:
    """(align_corners, half_pixel_centers); absent options mean both off."""
    options = node.options
    return (options.align_corners, options.half_pixel_centers)


def check_resize_shapes(node: Node, types: tuple[str, ...]) -> tuple[int, int]:
    """The checks RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR share; returns (new_height, new_width)."""
    src, size, dst = node.input(INPUT), node.input(SIZE), node.output(OUTPUT)
    if src.type_name not in types:
        raise node.unsupported(f"type {src.type_name} is not supported ({', '.join(t.lower() for t in types)})")
    if dst.type_name != src.type_name:
        raise node.fail(f"input {src.type_name} and output {dst.type_name} must have the same type")
    if len(src.shape) != 4:
        raise node.fail(f"input must be 4-D, got {list(src.shape)}")
    if size.type_name != "INT32" or len(size.shape) != 1 or size.shape[0] != 2:
        raise node.fail(f"size must be an int32 vector of 2, got {size.type_name} {list(size.shape)}")
    if not size.is_constant:
        raise node.unsupported("a non-constant size tensor is not supported (as in TFLM)")
    new_h, new_w = (int(v) for v in np.asarray(size.data).reshape(-1))
    expected = (src.shape[0], new_h, new_w, src.shape[3])
    if new_h <= 0 or new_w <= 0 or dst.shape != expected:
        raise node.fail(f"output shape {list(dst.shape)} is not {list(expected)} (input and size)")
    return new_h, new_w


def prepare(node: Node) -> OpData:
    new_h, new_w = check_resize_shapes(node, TYPES)
    align_corners, half_pixel_centers = resize_options(node)
    src = node.input(INPUT)
    return OpData(nearest_indices(src.shape[1], new_h, align_corners, half_pixel_centers),
                  nearest_indices(src.shape[2], new_w, align_corners, half_pixel_centers))


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    x, out = inputs[INPUT], outputs[OUTPUT]
    if x.dtype.kind == "f":  # TFLM copies float32 pixels as int32 words
        x, out = x.view(np.int32), out.view(np.int32)
    out[...] = x[:, data.rows][:, :, data.cols]


MEMORY = KernelMemory(tflm_params="TfLiteResizeNearestNeighborParams", modelled=False,
                      c_op_data=c_struct(w=6, b=3))
REGISTRATION = Registration("RESIZE_NEAREST_NEIGHBOR", prepare, invoke, memory=MEMORY)
