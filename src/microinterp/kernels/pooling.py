"""Shared AVERAGE_POOL_2D / MAX_POOL_2D machinery (TFLM: kernels/pooling_common.cc,
reference ``reference_ops::AveragePool/MaxPool`` (float) and
``reference_integer_ops::AveragePool/MaxPool`` (int8, int16);
C twin: firmware/src/kernels/mi_pooling.c).

TFLM visits, for every output position, the filter taps that fall inside the
image (``filter_[xy]_start/end`` clamp the window) in row-major tap order.
Here the input is copied into a bordered buffer once per invoke and every tap
``(fy, fx)`` is a strided view over all output positions; the border holds a
value that is neutral for the reduction, so visiting it is the same as
skipping the tap:

* average, integer: the border is 0 and the divisor is the number of
  in-bounds taps (computed once in ``prepare``);
* average, float32: the border is +0.0; TFLM's running float sum starts at
  +0.0f and never becomes -0.0, so adding +0.0 leaves every partial sum
  bit-identical and the taps are still added in TFLM's order;
* max: the border is the type's lowest value, TFLM's initial maximum.

Quirks reproduced: the padding comes from the output size TFLM *computes*
from the padding mode, while the loops run over the output tensor's shape;
the integer average rounds half away from zero with C's truncating division
``(acc +/- count/2) / count``; float max ignores NaN inputs (``std::max``
keeps the running value when the comparison is false). An average window with
no in-bounds tap makes TFLM stop writing the output, so such a model is
rejected in ``prepare``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .. import quant
from ..context import Node

INPUT, OUTPUT = 0, 0
PADDING_SAME, PADDING_VALID = 0, 1  # schema enum tflite.Padding


@dataclass(frozen=True)
class PoolData:
    kind: str  # "float32", "int8" or "int16"
    filter_h: int
    filter_w: int
    stride_h: int
    stride_w: int
    pad_h: int
    pad_w: int
    in_h: int
    in_w: int
    out_h: int
    out_w: int
    act_min: float
    act_max: float
    counts: np.ndarray  # (OH, OW, 1) number of in-bounds taps per output position
    buffer: np.ndarray  # (N, BH, BW, C) bordered copy of the input, border preset


def _out_size(padding: int, image: int, filt: int, stride: int) -> int | None:
    """TFLM ``ComputeOutSizeChecked`` (dilation 1); ``None`` where TFLM fails."""
    if padding not in (PADDING_SAME, PADDING_VALID) or image < 0 or filt <= 0 or stride <= 0:
        return None
    num = image + stride - 1 if padding == PADDING_SAME else image + stride - filt
    value = -((-num) // stride) if num < 0 else num // stride  # C division truncates
    return None if value < 0 else value


def _padding(stride: int, in_size: int, filt: int, out_size: int | None) -> int:
    """TFLM ``ComputePadding`` from the computed output size (0 where TFLM's checked version fails)."""
    if out_size is None or out_size < 0:
        return 0
    return max((out_size - 1) * stride + filt - in_size, 0) // 2


def _in_bounds(out_size: int, stride: int, pad: int, filt: int, in_size: int) -> np.ndarray:
    """Per output index, how many filter taps TFLM visits along one axis."""
    origin = np.arange(out_size) * stride - pad
    start = np.maximum(0, -origin)
    end = np.minimum(filt, in_size - origin)
    return np.maximum(end - start, 0)


#: The largest window (filter_height x filter_width) the pooling kernels take: a 256x256
#: global pool. Larger ones come from corrupt models (a fuzzer's 2x15269890 window made
#: the tap loop run for minutes). C twin: MI_POOL_MAX_WINDOW (mi_pooling.c).
MAX_WINDOW_TAPS = 65536


def prepare_pool(node: Node, average: bool) -> PoolData:
    inp, out = node.input(INPUT), node.output(OUTPUT)
    opts = node.options
    if len(inp.shape) != 4 or len(out.shape) != 4:
        raise node.fail(f"pooling needs 4-D NHWC tensors, got {list(inp.shape)} -> {list(out.shape)}")
    if inp.type_name != out.type_name:
        raise node.fail(f"input is {inp.type_name} but output is {out.type_name}")
    kind = {"FLOAT32": "float32", "INT8": "int8", "INT16": "int16"}.get(inp.type_name)
    if kind is None:
        raise node.unsupported(f"{inp.type_name} pooling is not supported (float32, int8 and int16 are)")
    n, in_h, in_w, c = inp.shape
    if out.shape[0] != n or out.shape[3] != c:
        raise node.fail(f"batch/channels of {list(out.shape)} do not match the input {list(inp.shape)}")
    fh, fw, sh, sw = opts.filter_height, opts.filter_width, opts.stride_h, opts.stride_w
    if min(fh, fw, sh, sw) <= 0:
        raise node.fail(f"filter {fh}x{fw} and stride {sh}x{sw} must be positive")
    if fh * fw > MAX_WINDOW_TAPS:
        raise node.unsupported(f"a {fh}x{fw} window has more than {MAX_WINDOW_TAPS} taps (this kernel's buffer "
                               "and tap loop grow with the window; TFLM clips it to the input)")
    pad_w = _padding(sw, in_w, fw, _out_size(opts.padding, in_w, fw, sw))
    pad_h = _padding(sh, in_h, fh, _out_size(opts.padding, in_h, fh, sh))
    out_h, out_w = out.shape[1], out.shape[2]
    act = int(opts.fused_activation_function)
    if kind == "float32":
        act_min, act_max = quant.activation_range_float(act)
    else:
        if inp.quant is None or out.quant is None:
            raise node.fail("quantized pooling needs quantization parameters on input and output")
        # TFLM: |s_in - s_out| computed in float, compared in double.
        if float(abs(np.float32(inp.scale) - np.float32(out.scale))) > 1.0e-6 or inp.zero_point != out.zero_point:
            raise node.fail("TFLM requires the same scale and zero point on the pooling input and output")
        qmin, qmax = quant.dtype_range(out.dtype)
        act_min, act_max = quant.activation_range_quantized(act, qmin, qmax, out.scale, out.zero_point)
    counts = (_in_bounds(out_h, sh, pad_h, fh, in_h)[:, None] * _in_bounds(out_w, sw, pad_w, fw, in_w)[None, :])
    if average and np.any(counts == 0):
        raise node.fail("an average window lies entirely outside the input (TFLM would stop writing the output)")
    # Buffer tall/wide enough for the furthest tap of the output shape.
    buf_h = pad_h + max(in_h, (out_h - 1) * sh - pad_h + fh)
    buf_w = pad_w + max(in_w, (out_w - 1) * sw - pad_w + fw)
    if average:
        fill = 0
    else:
        fill = -np.finfo(np.float32).max if kind == "float32" else np.iinfo(inp.dtype).min
    buffer = np.full((n, buf_h, buf_w, c), fill, inp.dtype)
    return PoolData(kind, fh, fw, sh, sw, pad_h, pad_w, in_h, in_w, out_h, out_w, act_min, act_max,
                    counts[:, :, None].astype(np.int64), buffer)


def _taps(data: PoolData, x: np.ndarray) -> list[np.ndarray]:
    """Copy ``x`` into the bordered buffer; return every tap's (N, OH, OW, C) view in TFLM's order
    (none for an empty output: TFLM's loops then never run, and the slices below need OH, OW >= 1)."""
    if data.out_h == 0 or data.out_w == 0:
        return []
    buf = data.buffer
    buf[:, data.pad_h:data.pad_h + data.in_h, data.pad_w:data.pad_w + data.in_w, :] = x
    ys, xs = (data.out_h - 1) * data.stride_h + 1, (data.out_w - 1) * data.stride_w + 1
    return [buf[:, fy:fy + ys:data.stride_h, fx:fx + xs:data.stride_w, :]
            for fy in range(data.filter_h) for fx in range(data.filter_w)]


def _windows(data: PoolData, x: np.ndarray) -> np.ndarray | None:
    """Copy ``x`` into the bordered buffer; return the read-only (N, OH, OW, KH, KW, C) view
    of every window (None for an empty output). For the integer paths: their sums and
    maxima are exact in any order, so a window is reduced in one numpy call instead of a
    call per tap."""
    if data.out_h == 0 or data.out_w == 0:
        return None
    buf = data.buffer
    buf[:, data.pad_h:data.pad_h + data.in_h, data.pad_w:data.pad_w + data.in_w, :] = x
    sn, sh, sw, sc = buf.strides
    return as_strided(buf, shape=(buf.shape[0], data.out_h, data.out_w, data.filter_h, data.filter_w, buf.shape[3]),
                      strides=(sn, sh * data.stride_h, sw * data.stride_w, sh, sw, sc), writeable=False)


def invoke_average(node: Node, data: PoolData, inputs: Sequence[np.ndarray | None],
                   outputs: Sequence[np.ndarray]) -> None:
    out = outputs[OUTPUT]
    if data.kind == "float32":
        taps = _taps(data, inputs[INPUT])
        total = np.zeros(out.shape, np.float32)
        for tap in taps:
            total += tap
        average = total / data.counts.astype(np.float32)
        out[...] = quant.clamp_float(average, data.act_min, data.act_max)
        return
    windows = _windows(data, inputs[INPUT])
    if windows is None:
        return
    acc = windows.sum(axis=(3, 4), dtype=np.int64)
    count, half = data.counts, data.counts // 2
    # TFLM: acc > 0 ? (acc + count/2) / count : (acc - count/2) / count, C division truncating.
    rounded = np.where(acc > 0, (acc + half) // count, -((-acc + half) // count))
    out[...] = np.clip(rounded, data.act_min, data.act_max)


def bind_average(node: Node, data: PoolData, inputs: Sequence[np.ndarray | None],
                 outputs: Sequence[np.ndarray]) -> Callable[[], None]:
    """An integer average over the whole image (the global pooling before a classifier:
    KWS, VWW, ResNet) as one reduction of the arena's input over its pixels, without the
    bordered copy or the strided window view: the sum is exact in any order (int32 holds
    it: ``count * 32768 < 2**31`` is checked), then ``invoke_average``'s rounding and clamp.
    The rest calls ``invoke_average``."""
    x, out = inputs[INPUT], outputs[OUTPUT]
    fallback = functools.partial(invoke_average, node, data, inputs, outputs)
    count = data.in_h * data.in_w
    if (data.kind == "float32" or x is None or out.size == 0 or data.counts.size != 1
            or int(data.counts.reshape(-1)[0]) != count or count * 32768 >= 2**31):
        return fallback
    n, channels = x.shape[0], x.shape[-1]
    pixels, result = x.reshape(n, count, channels), out.reshape(n, channels)
    acc = np.empty((n, channels), np.int32)
    half, lo, hi = count // 2, int(data.act_min), int(data.act_max)

    def run() -> None:
        np.add.reduce(pixels, axis=1, dtype=np.int32, out=acc)
        # TFLM: acc > 0 ? (acc + count/2) / count : (acc - count/2) / count, C division truncating
        rounded = np.where(acc > 0, (acc + half) // count, -((half - acc) // count))
        np.clip(rounded, lo, hi, out=result, casting="unsafe")

    return run


def invoke_max(node: Node, data: PoolData, inputs: Sequence[np.ndarray | None],
               outputs: Sequence[np.ndarray]) -> None:
    out = outputs[OUTPUT]
    if data.kind == "float32":
        taps = _taps(data, inputs[INPUT])
        best = np.full(out.shape, -np.finfo(np.float32).max, np.float32)
        for tap in taps:
            # std::max(best, x) = (best < x) ? x : best: keeps best for NaN x and for +/-0 ties
            # (np.fmax's SIMD loop would return x on ties, flipping the sign of zero).
            np.copyto(best, tap, where=best < tap)
        out[...] = quant.clamp_float(best, data.act_min, data.act_max)
        return
    windows = _windows(data, inputs[INPUT])
    if windows is None:
        return
    out[...] = np.clip(windows.max(axis=(3, 4)), data.act_min, data.act_max)
