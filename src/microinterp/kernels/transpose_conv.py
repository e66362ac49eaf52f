"""TRANSPOSE_CONV (TFLM: kernels/transpose_conv.cc, reference/transpose_conv.h and
reference/integer_ops/transpose_conv.h; C twin: firmware/src/kernels/mi_transpose_conv.c).

Inputs: 0 output_shape (ignored, as in TFLM: the output tensor's shape rules),
1 filter (OC, KH, KW, IC), 2 input (N, H, W, IC), 3 optional bias.

TFLM's reference kernel *scatters*: it zeroes an accumulator, then for every
input pixel (y, x), input channel, filter tap and output channel adds
``input * filter`` to the output pixel it lands on; the bias is added and the
result rescaled at the end. Reproduced paths:

* **int8** (per-channel int8 filter, int32 bias): int32 accumulator of
  ``(x - input_zp) * w`` (the filter zero point is ignored), ``+ bias``,
  per-channel double-rounding ``MultiplyByQuantizedMultiplier``, ``+ output_zp``, clamp.
* **int16x8** (int16 input, int8 filter, int16 or int64 bias): int64 accumulator,
  no input *or output* zero point (TFLM adds neither), the int64 overload of
  ``MultiplyByQuantizedMultiplier``, clamp. An int16 bias is widened to int64 as
  TFLM does in a scratch buffer; an int32 bias is refused (TFLM would read it as
  int64 and run past its end).
* **float32**: the float sum depends on order. For one output pixel TFLM's loops
  visit its contributing input pixels in (y, x) order and, within one pixel, the
  input channels in order; we replay exactly that sequence of float32 additions,
  vectorised over all output pixels and channels.

Integer sums are order-independent: one exact float64 matmul per input pixel
(``x @ W`` for every tap at once), then the taps are scattered with strided adds.
Padding comes from ``ComputePaddingHeightWidth`` applied to the *output* size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .. import quant
from ..context import Node, Registration
from ..memory.declaration import KernelMemory, OpMemory, c_struct, persist, temps
from . import convolution
from .padding import compute_padding_height_width

OUTPUT_SHAPE, FILTER, INPUT, BIAS = 0, 1, 2, 3
OUTPUT = 0


@dataclass(frozen=True)
class OpData:
    mode: str  # "float32", "int8" or "int16"
    stride_h: int
    stride_w: int
    pad_h: int
    pad_w: int
    kernel_h: int
    kernel_w: int
    weights: np.ndarray  # integer: (IC, KH*KW*OC) float64; float: (OC, KH, KW, IC) float32
    bias: np.ndarray | None  # int64 or float32, (OC,)
    multiplier: np.ndarray | None
    shift: np.ndarray | None
    input_zero_point: int
    output_zero_point: int
    act_min: int | float
    act_max: int | float


def prepare(node: Node) -> OpData:
    if len(node.inputs) not in (3, 4) or len(node.outputs) != 1:
        raise node.fail(f"expects 3 or 4 inputs and 1 output, got {len(node.inputs)} and {len(node.outputs)}")
    w, x, y = node.input(FILTER), node.input(INPUT), node.output(OUTPUT)
    bias = node.optional_input(BIAS)
    opts = node.options
    for t, what in ((x, "input"), (w, "filter"), (y, "output")):
        if len(t.shape) != 4:
            raise node.fail(f"{what} must be 4-D, got shape {list(t.shape)}")
    if not (x.type_name == w.type_name or (x.type_name == "INT16" and w.type_name == "INT8")):
        raise node.unsupported(f"{x.type_name} input with {w.type_name} filter (hybrid models are not supported)")
    if x.type_name != y.type_name:
        raise node.fail(f"input {x.type_name} and output {y.type_name} must have the same type")
    oc, kh, kw, ic = w.shape
    if x.shape[3] != ic or y.shape[3] != oc or x.shape[0] != y.shape[0]:
        raise node.fail(f"shapes do not match: input {list(x.shape)}, filter {list(w.shape)}, output {list(y.shape)}")
    if w.data is None:
        raise node.unsupported("the filter must be a constant tensor")
    if bias is not None and (bias.data is None or bias.size != oc):
        raise node.fail(f"bias must be a constant with {oc} values")
    pad, _, _ = compute_padding_height_width(opts.stride_h, opts.stride_w, 1, 1, y.shape[1], y.shape[2],
                                             kh, kw, opts.padding)
    activation = int(opts.fused_activation_function)
    common = dict(stride_h=opts.stride_h, stride_w=opts.stride_w, pad_h=pad.height, pad_w=pad.width,
                  kernel_h=kh, kernel_w=kw)

    if x.type_name == "FLOAT32":
        if bias is not None and bias.type_name != "FLOAT32":
            raise node.fail(f"float32 transpose conv needs a float32 bias, got {bias.type_name}")
        lo, hi = quant.activation_range_float(activation)
        return OpData("float32", weights=np.array(w.data, np.float32),
                      bias=None if bias is None else np.array(bias.data, np.float32),
                      multiplier=None, shift=None, input_zero_point=0, output_zero_point=0,
                      act_min=lo, act_max=hi, **common)

    if x.type_name not in ("INT8", "INT16"):
        raise node.unsupported(f"input type {x.type_name} is not supported (float32, int8, int16)")
    mode = x.type_name.lower()
    if bias is not None:
        allowed = ("INT32",) if mode == "int8" else ("INT16", "INT64")
        if bias.type_name not in allowed:
            raise node.unsupported(f"{mode} transpose conv with a {bias.type_name} bias (TFLM accepts {allowed})")
    mult, shift, act_min, act_max = convolution.quantized_output_params(node, x, w, y, oc, activation)
    weights = np.asarray(w.data, np.float64).transpose(3, 1, 2, 0).reshape(ic, kh * kw * oc)
    return OpData(mode, weights=np.ascontiguousarray(weights),
                  bias=None if bias is None else np.asarray(bias.data, np.int64),
                  multiplier=mult, shift=shift,
                  input_zero_point=x.zero_point if mode == "int8" else 0,
                  output_zero_point=y.zero_point if mode == "int8" else 0,
                  act_min=act_min, act_max=act_max, **common)


def _integer_accumulators(data: OpData, x: np.ndarray, out_shape: tuple[int, ...]) -> np.ndarray:
    """Exact integer sums of the scatter (int64) over the output window.

    Input pixel (iy, ix) with tap (fy, fx) lands on output (iy*SH + fy - PH, ix*SW + fx - PW);
    per tap, only the input rows/columns that land inside the window are added, so the work
    and memory follow the output's size, never the stride (a corrupt stride of 2**31 would
    otherwise ask for a buffer of terabytes). Sums of integers in float64: exact in any order.
    """
    n, h, w, ic = x.shape
    _, oh, ow, oc = out_shape
    sh, sw, kh, kw = data.stride_h, data.stride_w, data.kernel_h, data.kernel_w
    # every input pixel's contribution to each of its KH*KW taps (exact in float64)
    contrib = (x.reshape(-1, ic).astype(np.float64) - data.input_zero_point) @ data.weights
    contrib = contrib.reshape(n, h, w, kh, kw, oc)
    acc = np.zeros((n, oh, ow, oc), np.float64)

    def landing(size: int, out_size: int, stride: int, pad: int, tap: int) -> tuple[int, int, slice] | None:
        first = max(0, -(-(pad - tap) // stride))  # first input index landing at output >= 0
        end = min(size, -(-(pad + out_size - tap) // stride))  # ... and below out_size
        if end <= first:
            return None
        start = first * stride + tap - pad
        return first, end, slice(start, start + (end - first - 1) * stride + 1, stride)

    for fy in range(kh):
        rows = landing(h, oh, sh, data.pad_h, fy)
        if rows is None:
            continue
        for fx in range(kw):
            cols = landing(w, ow, sw, data.pad_w, fx)
            if cols is None:
                continue
            acc[:, rows[2], cols[2], :] += contrib[:, rows[0]:rows[1], cols[0]:cols[1], fy, fx, :]
    return acc.astype(np.int64)


def _float_scatter(data: OpData, x: np.ndarray, out_shape: tuple[int, ...]) -> np.ndarray:
    """TFLM's float scatter, replayed per output pixel in TFLM's addition order.

    Output row ``oy`` receives input rows ``iy`` with tap ``fy = oy + pad - iy*stride``
    in [0, KH); they are visited in increasing ``iy``, i.e. as ``iy_first(oy) + jy``
    for jy = 0, 1, ... (likewise for columns). Looping (jy, jx, input channel) and
    adding only where the tap is valid gives every output pixel its contributions in
    exactly TFLM's (y, x, channel) order.
    """
    n, h, w, ic = x.shape
    _, oh, ow, oc = out_shape
    sh, sw, kh, kw = data.stride_h, data.stride_w, data.kernel_h, data.kernel_w
    wts = data.weights  # (OC, KH, KW, IC)
    oy, ox = np.arange(oh), np.arange(ow)
    iy_first = np.maximum((oy + data.pad_h - kh) // sh + 1, 0)
    ix_first = np.maximum((ox + data.pad_w - kw) // sw + 1, 0)
    acc = np.zeros((n, oh, ow, oc), np.float32)
    for jy in range(-(-kh // sh)):
        iy = iy_first + jy
        fy = oy + data.pad_h - iy * sh
        ok_y = (fy >= 0) & (fy < kh) & (iy < h)
        if not ok_y.any():
            continue
        iy_c, fy_c = np.clip(iy, 0, h - 1), np.clip(fy, 0, kh - 1)
        for jx in range(-(-kw // sw)):
            ix = ix_first + jx
            fx = ox + data.pad_w - ix * sw
            ok_x = (fx >= 0) & (fx < kw) & (ix < w)
            if not ok_x.any():
                continue
            ix_c, fx_c = np.clip(ix, 0, w - 1), np.clip(fx, 0, kw - 1)
            valid = np.broadcast_to((ok_y[:, None] & ok_x[None, :])[None, :, :, None], acc.shape)
            xg = x[:, iy_c][:, :, ix_c]  # (N, OH, OW, IC)
            wg = wts[:, fy_c][:, :, fx_c].transpose(1, 2, 0, 3)  # (OH, OW, OC, IC)
            for c in range(ic):
                prod = xg[:, :, :, c, None] * wg[None, :, :, :, c]
                np.add(acc, prod, out=acc, where=valid)
    return acc


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    x, out = inputs[INPUT], outputs[OUTPUT]
    if data.mode == "float32":
        acc = _float_scatter(data, x, out.shape)
        if data.bias is not None:
            acc = acc + data.bias
        out[...] = quant.clamp_float(acc, data.act_min, data.act_max)
        return
    acc = _integer_accumulators(data, x, out.shape)
    out[...] = convolution.requantize(acc, data.bias, data.multiplier, data.shift, data.output_zero_point,
                                      data.act_min, data.act_max, acc64=data.mode == "int16")


def memory(node: Node, pointer_bytes: int) -> OpMemory:
    """TFLM (transpose_conv.cc Prepare): temporaries, per-channel multiplier and shift
    arrays, the int32 (int8) or int64 (int16) accumulator as scratch, and for int16
    with an int16 bias the bias widened to int64."""
    w, x, y = node.input(1), node.input(2), node.output(0)
    bias = node.optional_input(3)
    tflm = temps(node, (2, 1), (0,)) + persist(4 * w.shape[0], 4 * w.shape[0])
    scratch: tuple[int, ...] = ()
    if x.type_name in ("INT8", "INT16"):
        scratch = (y.size * (4 if x.type_name == "INT8" else 8),)
    if x.type_name != "FLOAT32":
        tflm += temps(node, (2, 1, 3), (0,))
        if x.type_name == "INT16" and bias is not None and bias.type_name == "INT16":
            scratch += (8 * bias.size,)
    # the C twin gathers (no accumulator scratch) and keeps per-channel multiplier and shift arrays
    c_arrays = (4 * w.shape[0], 4 * w.shape[0]) if x.type_name in ("INT8", "INT16") else ()
    return OpMemory(scratch=scratch, tflm_prepare=tflm, c_arrays=c_arrays)


#: the C twin's op data is the convolutions' (mi_conv_op_data_t, mi_convolution.h)
MEMORY = KernelMemory(tflm_params="TfLiteTransposeConvParams", tflm_op_data="TransposeConvOpData",
                      c_op_data=c_struct(p=4, w=24, b=3), needs=memory)
REGISTRATION = Registration("TRANSPOSE_CONV", prepare, invoke, memory=MEMORY)
