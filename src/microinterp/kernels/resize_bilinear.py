"""RESIZE_BILINEAR (TFLM: kernels/resize_bilinear.cc + reference_ops::ResizeBilinear /
ResizeBilinearInteger; C twin: firmware/src/kernels/mi_resize_bilinear.c).

Resizes the height and width of a 4-D float32 or int8 tensor to the constant
int32 ``size`` (TFLM micro has no int16 path: "requires float or int8").
align_corners and half_pixel_centers may not both be set (TFLM refuses it).

* float32 (``ResizeBilinear``): per axis, ``scale = in / float(out)`` (or
  ``(in - 1) / float(out - 1)`` with align_corners), the source coordinate
  ``v * scale`` (or ``(v + 0.5) * scale - 0.5``) in float32, ``lo = max(floor, 0)``,
  ``hi = min(ceil, in - 1)``. The coordinate itself is *not* clamped, so with
  half_pixel_centers the border weights can be 1.25 / -0.25 (on two taps of
  the same pixel) as in TFLM. The
  four taps are combined in TFLM's order,
  ``((a*(1-dy))*(1-dx) + (b*dy)*(1-dx)) + (c*(1-dy))*dx) + (d*dy)*dx + 0.0f``,
  each operation rounded to float32 (the trailing ``+ 0.0f`` turns -0.0 into +0.0).
* int8 (``ResizeBilinearInteger``): the same in 10-bit fixed point, with
  ``scale_10 = (1024 * in + out / 2) / out`` (C integer division), int64 tap
  products summed into a Q20 value, rounded half away from zero with C's
  truncating division by 2^20, and *cast* to int8 without clamping (the
  weights outside [0, 1] that half_pixel_centers produces at the borders
  always fall on two taps of the same pixel, so nothing overshoots; the cast
  is reproduced as a wrap all the same).

Every coordinate and weight depends only on shapes and is built in prepare.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..context import Node, Registration
from ..memory.declaration import KernelMemory, c_struct
from .resize_nearest_neighbor import check_resize_shapes, resize_options

INPUT, SIZE, OUTPUT = 0, 1, 0
TYPES = ("FLOAT32", "INT8")


@dataclass(frozen=True)
class Axis:
    lo: np.ndarray  # lower source index per output index
    hi: np.ndarray  # upper source index
    frac: np.ndarray  # float32: coordinate - lo; int8: Q10 coordinate - 1024 * lo
    one_minus: np.ndarray  # float32: 1 - frac; int8: 1024 - frac


@dataclass(frozen=True)
class OpData:
    is_float: bool
    rows: Axis
    cols: Axis


def float_axis(in_size: int, out_size: int, align_corners: bool, half_pixel_centers: bool) -> Axis:
    """TFLM ``ComputeInterpolationValues`` in float32 for every output index."""
    f32 = np.float32
    scale = f32(in_size) / f32(out_size)
    if align_corners and out_size > 1:
        scale = f32(in_size - 1) / f32(out_size - 1)
    v = np.arange(out_size).astype(np.float32)
    scaled = (v + f32(0.5)) * scale - f32(0.5) if half_pixel_centers else v * scale
    lo = np.maximum(np.floor(scaled).astype(np.int64), 0)
    hi = np.minimum(np.ceil(scaled).astype(np.int64), in_size - 1)
    frac = (scaled - lo.astype(np.float32)).astype(np.float32)
    return Axis(lo, hi, frac, (f32(1) - frac).astype(np.float32))


def _c_div(a: np.ndarray | int, b: int) -> np.ndarray:
    """C integer division (truncates toward zero) for b > 0."""
    a = np.asarray(a, np.int64)
    return np.where(a >= 0, a // b, -((-a) // b))


def integer_axis(in_size: int, out_size: int, align_corners: bool, half_pixel_centers: bool) -> Axis:
    """TFLM ``ComputeInterpolationValuesInteger`` (Q10) for every output index."""
    scale_10 = (1024 * in_size + out_size // 2) // out_size
    if align_corners and out_size > 1:
        scale_10 = (1024 * (in_size - 1) + (out_size - 1) // 2) // (out_size - 1)
    v = np.arange(out_size, dtype=np.int64)
    scaled = v * scale_10 + scale_10 // 2 - 512 if half_pixel_centers else v * scale_10
    lo = np.maximum(_c_div(scaled, 1024), 0)
    hi = np.minimum(_c_div(scaled + 1023, 1024), in_size - 1)
    frac = scaled - 1024 * lo
    return Axis(lo, hi, frac, 1024 - frac)


def prepare(node: Node) -> OpData:
    new_h, new_w = check_resize_shapes(node, TYPES)
    align_corners, half_pixel_centers = resize_options(node)
    if align_corners and half_pixel_centers:
        raise node.fail("half_pixel_centers and align_corners cannot both be set (TFLM refuses it)")
    src = node.input(INPUT)
    make = float_axis if src.type_name == "FLOAT32" else integer_axis
    return OpData(src.type_name == "FLOAT32", make(src.shape[1], new_h, align_corners, half_pixel_centers),
                  make(src.shape[2], new_w, align_corners, half_pixel_centers))


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    x, out = inputs[INPUT], outputs[OUTPUT]
    r, c = data.rows, data.cols
    top, bottom = x[:, r.lo], x[:, r.hi]
    a, b, cc, d = top[:, :, c.lo], bottom[:, :, c.lo], top[:, :, c.hi], bottom[:, :, c.hi]
    if data.is_float:
        dy, omdy = r.frac[None, :, None, None], r.one_minus[None, :, None, None]
        dx, omdx = c.frac[None, None, :, None], c.one_minus[None, None, :, None]
        with np.errstate(over="ignore", invalid="ignore"):  # IEEE inf/NaN as in C
            total = (a * omdy) * omdx + (b * dy) * omdx
            total = total + (cc * omdy) * dx
            total = total + (d * dy) * dx
            out[...] = total + np.float32(0.0)
        return
    dy, omdy = r.frac[None, :, None, None], r.one_minus[None, :, None, None]
    dx, omdx = c.frac[None, None, :, None], c.one_minus[None, None, :, None]
    q20 = (a.astype(np.int64) * omdy * omdx + b.astype(np.int64) * dy * omdx
           + cc.astype(np.int64) * omdy * dx + d.astype(np.int64) * dy * dx)
    rounded = _c_div(q20 + np.where(q20 > 0, 1 << 19, -(1 << 19)), 1 << 20)
    out[...] = ((rounded + 128) & 0xFF) - 128  # static_cast<int8_t>: wraps, no clamp


MEMORY = KernelMemory(tflm_params="TfLiteResizeBilinearParams", modelled=False, c_op_data=c_struct(w=6, b=3))
REGISTRATION = Registration("RESIZE_BILINEAR", prepare, invoke, memory=MEMORY)
