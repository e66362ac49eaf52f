"""How far an operator's output may overlap an input that dies at it, in the C port.

Why: with whole-buffer lifetimes an op's input and output are live together, so a
plan of disjoint buffers needs both; ResNet-8's first stage alone keeps three
16 KB activations live. A kernel that writes its output strictly after reading
the input bytes it is done with can write into the input's bytes as it goes, if
the output starts far enough *before* the input. This module computes that
distance ``D`` from the operator's geometry, with the argument; the planner
(``planner.overlap_extent``) lets an output start ``D`` or more bytes before such
an input. Only the C port uses it: its kernels' write order is what makes it
safe (the Python interpreter and TFLM's layout compute into disjoint buffers).
C twin: ``mi_conv_allow_overlap`` in ``firmware/src/kernels/mi_convolution.c``.

The argument for a sliding-window kernel (CONV_2D, DEPTHWISE_CONV_2D, every C
path: reference loops, ``conv_int8_fast``, the im2col column and the Cortex-M4
pixel pairs, ``dw_int8_fast``):

* it visits output pixels ``q = (b, oy, ox)`` in row-major order and writes each
  pixel's channels, ``Py`` bytes at ``y + q * Py``, only while or after it reads
  that pixel's window, and after writing pixel ``q`` it only reads the windows of
  pixels ``q' >= q`` (the pair paths read pixel ``q + 1`` before writing ``q``:
  earlier reads are harmless);
* pixel ``q'`` reads only taps inside the image, at input rows
  ``>= max(0, oy' * stride_h - pad_h)`` and columns ``>= max(0, ox' * stride_w -
  pad_w)``, so (NHWC) at byte offsets ``>= L(q') = max(0, oy' sh - ph) * Rx +
  max(0, ox' sw - pw) * Px`` from its batch's start (``Px`` bytes per input
  pixel, ``Rx`` per input row);
* so with the output starting ``D`` bytes before the input, no write of pixel
  ``q`` reaches a byte some pixel ``q' >= q`` still reads when, for every ``q``,
  ``(q + 1) * Py <= D + min over q' >= q of L(q')``. Within a batch that minimum
  is the smaller of ``L(q)`` (columns and rows only grow along a row) and the
  next row's start ``Lrow(oy + 1)`` (the next batch's start, ``in_h * Rx``, after
  the last row); with ``h(oy) = oy * Ry - Lrow(oy)`` and ``g(ox) = (ox + 1) * Py -
  Lcol(ox)`` the condition is ``D >= max(max_oy h(oy) + max_ox g(ox),
  out_h * Ry - in_h * Rx)`` (the next-row terms ``h(oy + 1)`` are below
  ``h(oy + 1) + g(0)``), plus ``(batches - 1) * max(0, out_h * Ry - in_h * Rx)``
  for the later batches;
* a pixel that reads a tap has its first row below ``in_h`` (column below
  ``in_w``), and for one that reads none any bound holds, so the row (column) in
  ``L`` may be clamped to ``in_h`` (``in_w``): then every term is at most a
  tensor's bytes (32-bit arithmetic in C);
* ``h`` and ``g`` are piecewise linear, so their maxima over the integers lie at
  an end of the range or next to a kink (``pad / stride``, ``(pad + limit) /
  stride``).

``D`` is a sufficient distance, tight when the first tap of each pixel is read
(e.g. 544 B for a 3x3 stride-1 SAME convolution of 32x32x16 int8, one row and
two pixels). The C port rounds it up to ``MI_BUFFER_ALIGN`` (planned offsets are
multiples of it; an earlier start is as safe), and uses it only when it is below
the output's size (else nothing is gained).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..model import Model

#: the metadata entry by which a model opts into overlapping outputs in the C port
#: (firmware/include/mi/mi_model.h MI_OVERLAP_NAME; its bytes are not read)
METADATA_NAME = "microinterp_overlap"


def wants_overlap(model: Model) -> bool:
    """Whether ``model`` opts into outputs over dying inputs in the C port."""
    return METADATA_NAME in model.metadata


def with_overlap(model: Model) -> bytes:
    """``model``'s bytes opted into outputs over dying inputs. Why opt in: the C code
    that plans them costs an image about half a kilobyte of flash (per-model images
    leave it out otherwise), which a model that fits its RAM without it need not pay."""
    from .offline_plan import with_metadata

    return with_metadata(model, METADATA_NAME, b"\x01")


def _piecewise_max(count: int, stride: int, pad: int, limit: int, per_step: int, per_unit: int, first: int) -> int:
    """max over ``i`` in ``[0, count)`` of ``(i + first) * per_step - clamp(i * stride - pad, 0, limit) *
    per_unit``: piecewise linear in ``i``, so at an end or next to a kink (``pad / stride``,
    ``(pad + limit) / stride``)."""
    k1, k2 = pad // stride, (pad + limit) // stride
    candidates = {0, count - 1, k1, k1 + 1, k2, k2 + 1}
    return max((i + first) * per_step - min(max(0, i * stride - pad), limit) * per_unit
               for i in candidates if 0 <= i < count)


def window_overlap(batches: int, in_h: int, in_w: int, in_pixel: int, out_h: int, out_w: int, out_pixel: int,
                   stride_h: int, stride_w: int, pad_h: int, pad_w: int) -> int | None:
    """``D`` (bytes) for a sliding-window kernel (see the module docstring), or
    ``None`` when the argument does not apply (an empty shape, a non-positive
    stride, a negative padding)."""
    if min(batches, in_h, in_w, in_pixel, out_h, out_w, out_pixel, stride_h, stride_w) <= 0 or min(pad_h, pad_w) < 0:
        return None
    in_row, out_row = in_w * in_pixel, out_w * out_pixel
    g = _piecewise_max(out_w, stride_w, pad_w, in_w, out_pixel, in_pixel, 1)
    h = _piecewise_max(out_h, stride_h, pad_h, in_h, out_row, in_row, 0)
    growth = out_h * out_row - in_h * in_row
    return max(max(h + g, growth) + (batches - 1) * max(0, growth), 0)
