"""Filter taps as views with long contiguous rows, for tap-by-tap convolution sums.
Not a kernel: no registration, no C twin (the C kernels loop over taps directly).

``padding.Window`` gives every tap ``(fy, fx)`` as an ``(N, OH, OW, C)`` view of a
zero-bordered NHWC buffer. Its innermost contiguous run is the ``C`` channels of one
pixel when the stride is above 1 (the next output pixel is ``stride * C`` values
further on), and numpy then runs one short inner loop per pixel: with VWW's 8- and
16-channel layers that per-loop cost is most of a depthwise layer's time.

``TapPlanes`` lays the padded image out in ``stride_h * stride_w`` phase planes
instead: padded pixel ``(by, bx)`` goes to plane ``(by % sh, bx % sw)`` at
``(by // sh, bx // sw)``. Output pixel ``(oy, ox)`` reads padded pixel
``(oy*sh + fy*dh, ox*sw + fx*dw)`` at tap ``(fy, fx)``, which is plane
``((fy*dh) % sh, (fx*dw) % sw)`` at ``(oy + (fy*dh) // sh, ox + (fx*dw) // sw)``:
for every tap, consecutive output pixels read consecutive plane pixels, so a tap
is an ``(N, OH, OW*C)`` view whose rows are contiguous. With stride 1 there is one
plane, the padded image itself. The planes' borders are zeroed once and never
written; each invoke rewrites only the image pixels (``load``), one strided copy
per plane.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .padding import Window

#: numpy's ufunc buffer size (elements) while a tap loop runs. A multiply whose operand is
#: broadcast along the outer axes (a weight per channel, a tiled weight row) and whose inner
#: loop is shorter than the buffer is run through the buffer, copies included, to give its
#: inner loop the buffer's length: at numpy's default of 8192 that makes the multiply about
#: twice as slow on rows of a few hundred to a thousand values (measured: 0.17 against
#: 0.09 ns a value at 1088, 2.3 against 1.6 ns an output for VWW's depthwise taps).
#: Set around the loops only: casting passes (int8 to float) do want the buffer.
TAP_BUFFER = 256


def set_tap_buffer() -> int:
    """Set numpy's ufunc buffer to ``TAP_BUFFER`` elements; returns the previous size, for
    ``numpy.setbufsize`` to restore (numpy keeps it per thread and context)."""
    return np.setbufsize(TAP_BUFFER)


class TapPlanes:
    """Phase planes of a padded NHWC image, and a view per filter tap (see the module docstring).

    ``repeat`` copies every input channel that many times along the channel axis
    (DEPTHWISE_CONV_2D's depth multiplier: channel ``oc`` holds input channel
    ``oc // repeat``)."""

    def __init__(self, win: Window, batch: int, in_channels: int, dtype: type, repeat: int = 1) -> None:
        sh, sw, dh, dw = win.stride_h, win.stride_w, win.dilation_h, win.dilation_w
        channels = in_channels * repeat
        rows, cols = _extent(win.pad_top, win.in_h, sh, dh, win.filter_h, win.out_h), \
            _extent(win.pad_left, win.in_w, sw, dw, win.filter_w, win.out_w)
        self.buffer = win.new_planes(batch, sh, sw, rows, cols, channels, dtype)
        self.window, self.channels = win, channels
        # (source slices of the input, destination view of the planes), one per plane with pixels
        self.loads: list[tuple[tuple[slice, slice], np.ndarray]] = []
        for source, ph, pw, ys, xs in _phases(win):
            dest = self.buffer[ph, pw, :, ys, xs, :]
            self.loads.append((source, dest.reshape(*dest.shape[:3], in_channels, repeat)))
        # per tap (fy, fx), in that order: (N, OH, OW*C) views with contiguous rows
        self.taps: list[np.ndarray] = []
        for fy in range(win.filter_h):
            for fx in range(win.filter_w):
                oy, ox = fy * dh, fx * dw
                view = self.buffer[oy % sh, ox % sw, :, oy // sh:oy // sh + win.out_h,
                                   ox // sw:ox // sw + win.out_w, :]
                flat = view.reshape(batch, win.out_h, win.out_w * channels)
                assert np.shares_memory(flat, self.buffer)  # (OW, C) of a plane is contiguous
                self.taps.append(flat)

    def groups(self) -> list[tuple[np.ndarray, list[int]]]:
        """The taps grouped by the plane they read: per plane, an ``(Ky, Kx, N, OH, OW*C)``
        view whose ``[i, j]`` is one of ``taps`` (the tap indices, ``fy * KW + fx``, in that
        order, listed with it). Within a plane the taps' rows ``fy`` (and columns ``fx``) are
        an arithmetic progression whose plane offsets ``fy * dh // sh`` step evenly, so the
        group is one strided view of the buffer: one ``numpy.einsum`` sums a whole group."""
        win = self.window
        sh, sw, dh, dw = win.stride_h, win.stride_w, win.dilation_h, win.dilation_w
        out = []
        for ph in range(sh):
            rows = [fy for fy in range(win.filter_h) if fy * dh % sh == ph]
            for pw in range(sw):
                cols = [fx for fx in range(win.filter_w) if fx * dw % sw == pw]
                if not rows or not cols:
                    continue
                first = self.taps[rows[0] * win.filter_w + cols[0]]
                step_y = (rows[1] * dh // sh - rows[0] * dh // sh) if len(rows) > 1 else 0
                step_x = (cols[1] * dw // sw - cols[0] * dw // sw) if len(cols) > 1 else 0
                view = as_strided(first, (len(rows), len(cols), *first.shape),
                                  (step_y * self.buffer.strides[3], step_x * self.buffer.strides[4], *first.strides),
                                  writeable=False)
                indices = [fy * win.filter_w + fx for fy in rows for fx in cols]
                if all(_same_view(view[k // len(cols), k % len(cols)], self.taps[t]) for k, t in enumerate(indices)):
                    out.append((view, indices))
                else:  # (not expected: the offsets step evenly) one group per tap
                    out.extend((self.taps[t][None, None], [t]) for t in indices)
        return out

    def load(self, x: np.ndarray, zero_point: float | None) -> None:
        """Write the NHWC image ``x`` (minus ``zero_point`` unless None) into the planes."""
        x5 = x[..., None]
        for (ys, xs), dest in self.loads:
            if zero_point is None:
                np.copyto(dest, x5[:, ys, xs])
            else:
                np.subtract(x5[:, ys, xs], zero_point, out=dest)


def _same_view(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether ``a`` and ``b`` are the same elements of the same buffer."""
    return a.shape == b.shape and a.strides == b.strides and \
        a.__array_interface__["data"][0] == b.__array_interface__["data"][0]


def _phases(win: Window) -> Iterator[tuple[tuple[slice, slice], int, int, slice, slice]]:
    """Per phase plane (ph, pw) that holds image pixels: the input's (rows, columns)
    slices it takes, and where they land in the plane (row and column slices)."""
    sh, sw = win.stride_h, win.stride_w
    for ph in range(sh):
        y0 = (ph - win.pad_top) % sh
        if y0 >= win.in_h:
            continue
        ny, qy = len(range(y0, win.in_h, sh)), (y0 + win.pad_top) // sh
        for pw in range(sw):
            x0 = (pw - win.pad_left) % sw
            if x0 >= win.in_w:
                continue
            nx, qx = len(range(x0, win.in_w, sw)), (x0 + win.pad_left) // sw
            yield (slice(y0, None, sh), slice(x0, None, sw)), ph, pw, slice(qy, qy + ny), slice(qx, qx + nx)


def _extent(pad: int, size: int, stride: int, dilation: int, taps: int, out: int) -> int:
    """Plane rows (or columns) that hold every image pixel and every tap's reads."""
    image = -(-(pad + size) // stride)  # the last image pixel's plane index + 1, over all phases
    reads = (taps - 1) * dilation // stride + out
    return max(image, reads)


class ChannelPlanes:
    """The same phase planes channel-major, ``(N, C, rows, cols)`` per plane, and per tap
    an ``(N, C, OH * cols)`` view: the tap's reads for every output row *and* the
    ``cols - OW`` columns past its end, as one contiguous run per channel. A sum over
    such runs computes ``OH x cols`` positions of which the first ``OW`` of each row are
    the output pixels (the rest are discarded), with inner loops ``OH * cols`` long and
    one weight per loop -- what CONV_2D's float path multiplies by. The planes have one
    row more than the taps read, so the last run of a tap that starts past column 0
    stays inside its plane."""

    def __init__(self, win: Window, batch: int, channels: int, dtype: type) -> None:
        sh, sw, dh, dw = win.stride_h, win.stride_w, win.dilation_h, win.dilation_w
        rows = _extent(win.pad_top, win.in_h, sh, dh, win.filter_h, win.out_h) + 1
        cols = _extent(win.pad_left, win.in_w, sw, dw, win.filter_w, win.out_w)
        self.buffer = win.new_planes(batch, sh, sw, rows, cols, channels, dtype, channel_major=True)
        self.cols = cols
        self.loads = [(source, self.buffer[ph, pw, :, :, ys, xs]) for source, ph, pw, ys, xs in _phases(win)]
        run = win.out_h * cols
        self.taps: list[np.ndarray] = []
        self.windows: list[np.ndarray] = []  # per tap the (N, C, OH, OW) view, without the extra columns
        for fy in range(win.filter_h):
            for fx in range(win.filter_w):
                oy, ox = fy * dh, fx * dw
                plane = self.buffer[oy % sh, ox % sw]
                flat = plane.reshape(batch, channels, rows * cols)
                start = (oy // sh) * cols + ox // sw
                self.taps.append(flat[:, :, start:start + run])
                self.windows.append(plane[:, :, oy // sh:oy // sh + win.out_h, ox // sw:ox // sw + win.out_w])

    def load(self, x: np.ndarray, zero_point: float | None = None) -> None:
        """Write the NHWC image ``x`` (minus ``zero_point`` unless None) into the planes."""
        xc = x.transpose(0, 3, 1, 2)
        for (ys, xs), dest in self.loads:
            if zero_point is None:
                np.copyto(dest, xc[:, :, ys, xs])
            else:
                np.subtract(xc[:, :, ys, xs], zero_point, out=dest)

    def columns(self, matrix: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """(destination, tap) pairs that copy every tap into the transposed im2col ``matrix``
        (``taps * C`` rows in (fy, fx, c) order, ``N * OH * cols`` columns; extra rows are
        left alone): row ``t * C + c`` holds channel ``c`` of tap ``t`` for every position,
        a copy with inner loops ``OH * cols`` long."""
        n, channels, run = self.taps[0].shape
        return [(matrix[t * channels:(t + 1) * channels].reshape(channels, n, run), tap.transpose(1, 0, 2))
                for t, tap in enumerate(self.taps)]
