"""Padding and sliding-window geometry shared by the convolution kernels.

TFLM counterpart: ``tensorflow/lite/kernels/padding.h``
(``ComputePaddingHeightWidth`` / ``ComputeOutSize``), used by
``conv_common.cc`` and ``depthwise_conv_common.cc``. C twin:
``firmware/src/kernels/mi_padding.c``.

Quirks reproduced on purpose:

* The padding is derived from the output size that TFLM *computes* from the
  padding mode, not from the output tensor's shape; the kernels then loop over
  the output tensor's shape. Both agree for every converter-made model, but
  following TFLM keeps a hand-made model with an odd output shape bit-exact.
* When the checked computation fails (e.g. a VALID window larger than the
  image), TFLM silently falls back to zero padding; so do we.
* SAME padding puts the smaller half at the top/left (``total // 2``).

``Window`` turns the geometry into numpy views: the input is copied once
into a zero-bordered buffer (allocated in ``prepare``), and every filter tap
``(fy, fx)`` is then a strided view of shape ``(N, OH, OW, C)``. A tap that
falls outside the image reads the zero border, which the kernels make
equivalent to TFLM's "skip points outside the image" (see each kernel).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import as_strided

PADDING_SAME, PADDING_VALID = 0, 1  # schema enum tflite.Padding


@dataclass(frozen=True)
class PaddingValues:
    """TFLM's ``TfLitePaddingValues``: leading padding and the odd extra at the end."""

    height: int = 0
    width: int = 0
    height_offset: int = 0
    width_offset: int = 0


def effective_filter_size(filter_size: int, dilation: int) -> int:
    """Extent of a dilated filter: ``(k - 1) * d + 1``."""
    return (filter_size - 1) * dilation + 1


def compute_out_size(padding: int, image_size: int, filter_size: int, stride: int, dilation: int = 1) -> int | None:
    """TFLM ``ComputeOutSizeChecked``; ``None`` where TFLM returns an error."""
    if padding not in (PADDING_SAME, PADDING_VALID) or image_size < 0 or filter_size <= 0 or stride <= 0 \
            or dilation <= 0:
        return None
    if padding == PADDING_SAME:
        numerator = image_size + stride - 1
    else:
        numerator = image_size + stride - effective_filter_size(filter_size, dilation)
    value = int(numerator / stride) if numerator < 0 else numerator // stride  # C division truncates
    return None if value < 0 else value


def _padding_with_offset(stride: int, dilation: int, in_size: int, filter_size: int,
                         out_size: int) -> tuple[int, int] | None:
    """TFLM ``ComputePaddingWithOffsetChecked``: (padding, offset) or ``None`` on error."""
    if in_size < 0 or filter_size <= 0 or out_size < 0 or stride <= 0 or dilation <= 0:
        return None
    total = max((out_size - 1) * stride + effective_filter_size(filter_size, dilation) - in_size, 0)
    return total // 2, total % 2


def compute_padding_height_width(
    stride_h: int, stride_w: int, dilation_h: int, dilation_w: int, in_h: int, in_w: int,
    filter_h: int, filter_w: int, padding: int,
) -> tuple[PaddingValues, int, int]:
    """TFLM ``ComputePaddingHeightWidth``: (padding values, computed out_h, out_w).

    Mirrors the checked version's early exits: any failing step leaves the
    padding at zero (and the remaining sizes at 0), exactly as TFLM does.
    """
    out_w = compute_out_size(padding, in_w, filter_w, stride_w, dilation_w)
    if out_w is None:
        return PaddingValues(), 0, 0
    out_h = compute_out_size(padding, in_h, filter_h, stride_h, dilation_h)
    if out_h is None:
        return PaddingValues(), 0, out_w
    ph = _padding_with_offset(stride_h, dilation_h, in_h, filter_h, out_h)
    if ph is None:
        return PaddingValues(), out_h, out_w
    pw = _padding_with_offset(stride_w, dilation_w, in_w, filter_w, out_w)
    if pw is None:
        return PaddingValues(height=ph[0], height_offset=ph[1]), out_h, out_w
    return PaddingValues(height=ph[0], width=pw[0], height_offset=ph[1], width_offset=pw[1]), out_h, out_w


@dataclass(frozen=True)
class Window:
    """Where every filter tap reads, for an NHWC input copied into a zero-bordered buffer.

    Input row ``iy = oy * stride_h - pad_top + fy * dilation_h`` lives at buffer
    row ``iy + pad_top``; the buffer is tall enough for the largest ``iy`` the
    output shape reaches, so every tap is an in-bounds strided view.
    """

    in_h: int
    in_w: int
    out_h: int
    out_w: int
    filter_h: int
    filter_w: int
    stride_h: int
    stride_w: int
    dilation_h: int
    dilation_w: int
    pad_top: int
    pad_left: int
    buffer_h: int
    buffer_w: int

    @classmethod
    def create(cls, in_hw: tuple[int, int], out_hw: tuple[int, int], filter_hw: tuple[int, int],
               stride: tuple[int, int], dilation: tuple[int, int], pad: PaddingValues) -> Window:
        (in_h, in_w), (out_h, out_w), (kh, kw) = in_hw, out_hw, filter_hw
        last_y = (out_h - 1) * stride[0] - pad.height + (kh - 1) * dilation[0]
        last_x = (out_w - 1) * stride[1] - pad.width + (kw - 1) * dilation[1]
        return cls(in_h, in_w, out_h, out_w, kh, kw, stride[0], stride[1], dilation[0], dilation[1],
                   pad.height, pad.width, pad.height + max(in_h, last_y + 1), pad.width + max(in_w, last_x + 1))

    @property
    def all_inside(self) -> bool:
        """True when no tap of any output position falls outside the image."""
        return (self.pad_top == 0 and self.pad_left == 0
                and self.buffer_h == self.in_h and self.buffer_w == self.in_w)

    def inside_mask(self, fy: int, fx: int) -> np.ndarray:
        """(OH, OW, 1) bool: which output positions read a real input pixel at tap (fy, fx)."""
        iy = np.arange(self.out_h) * self.stride_h - self.pad_top + fy * self.dilation_h
        ix = np.arange(self.out_w) * self.stride_w - self.pad_left + fx * self.dilation_w
        ok_y = (iy >= 0) & (iy < self.in_h)
        ok_x = (ix >= 0) & (ix < self.in_w)
        return (ok_y[:, None] & ok_x[None, :])[:, :, None]

    def new_buffer(self, batch: int, channels: int, dtype: np.dtype) -> np.ndarray:
        """A zeroed (N, buffer_h, buffer_w, C) buffer; only its interior is rewritten per invoke.

        Its size follows the padding, strides and dilations, which a corrupt model can make
        absurd (a fuzzer's 1979711495-wide window): beyond the loader's tensor bound it is
        refused (``UnsupportedOpError``; TFLM walks such a window without a buffer)."""
        from ..errors import UnsupportedOpError
        from ..model import MAX_TENSOR_BYTES

        nbytes = float(batch) * self.buffer_h * self.buffer_w * channels * np.dtype(dtype).itemsize
        if nbytes > MAX_TENSOR_BYTES:
            raise UnsupportedOpError(
                f"the padded window buffer ({batch}x{self.buffer_h}x{self.buffer_w}x{channels}) would take "
                f"{nbytes:.4g} bytes, more than the {MAX_TENSOR_BYTES >> 20} MiB bound (strides or dilations too large)")
        return np.zeros((batch, self.buffer_h, self.buffer_w, channels), dtype)

    def new_planes(self, batch: int, planes_h: int, planes_w: int, rows: int, cols: int, channels: int,
                   dtype: type, channel_major: bool = False) -> np.ndarray:
        """A zeroed (planes_h, planes_w, N, rows, cols, C) buffer of phase planes
        (``taps.TapPlanes``), or (planes_h, planes_w, N, C, rows, cols) if ``channel_major``
        (``taps.ChannelPlanes``), refused beyond the loader's tensor bound as ``new_buffer``."""
        from ..errors import UnsupportedOpError
        from ..model import MAX_TENSOR_BYTES

        nbytes = float(planes_h) * planes_w * batch * rows * cols * channels * np.dtype(dtype).itemsize
        if nbytes > MAX_TENSOR_BYTES:
            raise UnsupportedOpError(
                f"the padded window planes ({planes_h}x{planes_w}x{batch}x{rows}x{cols}x{channels}) would take "
                f"{nbytes:.4g} bytes, more than the {MAX_TENSOR_BYTES >> 20} MiB bound (strides or dilations too large)")
        inner = (channels, rows, cols) if channel_major else (rows, cols, channels)
        return np.zeros((planes_h, planes_w, batch, *inner), dtype)

    def interior(self, buffer: np.ndarray) -> np.ndarray:
        """The view of ``buffer`` that holds the image itself."""
        return buffer[:, self.pad_top:self.pad_top + self.in_h, self.pad_left:self.pad_left + self.in_w, :]

    def tap(self, buffer: np.ndarray, fy: int, fx: int) -> np.ndarray:
        """(N, OH, OW, C) view of the pixels filter tap (fy, fx) reads for every output position."""
        y0, x0 = fy * self.dilation_h, fx * self.dilation_w
        return buffer[:, y0:y0 + (self.out_h - 1) * self.stride_h + 1:self.stride_h,
                      x0:x0 + (self.out_w - 1) * self.stride_w + 1:self.stride_w, :]

    def patches(self, buffer: np.ndarray) -> np.ndarray:
        """Read-only (N, OH, OW, KH, KW, C) view of every tap (im2col without a copy)."""
        sn, sh, sw, sc = buffer.strides
        return as_strided(
            buffer,
            shape=(buffer.shape[0], self.out_h, self.out_w, self.filter_h, self.filter_w, buffer.shape[3]),
            strides=(sn, sh * self.stride_h, sw * self.stride_w, sh * self.dilation_h, sw * self.dilation_w, sc),
            writeable=False,
        )
