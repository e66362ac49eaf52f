"""DEPTHWISE_CONV_2D (TFLM: kernels/depthwise_conv.cc + depthwise_conv_common.cc,
reference/depthwiseconv_float.h and reference/integer_ops/depthwise_conv.h;
C twin: firmware/src/kernels/mi_depthwise_conv_2d.c).

Output channel ``oc = ic * depth_multiplier + m`` reads input channel ``ic``
and filter ``[0, fy, fx, oc]``. Paths, each bit-exact with TFLM:

* **int8** (int8 weights, int32 bias): ``sum w * (x - input_zp)`` over the
  taps inside the image, ``+ bias`` in int32, per-channel double-rounding
  ``MultiplyByQuantizedMultiplier``, ``+ output_zp``, clamp. The filter zero
  point is ignored, as in TFLM.
* **int16x8** (int8 weights): int64 accumulator, no offsets, int64 bias only
  (TFLM reads the bias as int64 unconditionally, so an int32 bias would be
  misread there; we refuse it), int64 ``MultiplyByQuantizedMultiplier``.
* **float32**: ``total += input * filter`` over (filter_y, filter_x) in
  float32, then ``+ bias`` and clamp, as TFLM's loop does.

A bias input of index -1 means "no bias" here. (TFLM's prepare crashes on
it: it counts three inputs and then frees the absent bias tensor.)

TFLM takes the depth multiplier from the op options rather than from the
shapes; a model where ``in_channels * depth_multiplier != out_channels`` makes
TFLM write a partial output, so it is rejected here. Fused activations other
than RELU/RELU6/RELU_N1_TO_1 are treated as NONE, as TFLM does.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .. import quant
from ..context import Node, Registration
from ..memory.declaration import KernelMemory, OpMemory, c_struct
from . import convolution
from .padding import Window
from .taps import TapPlanes, set_tap_buffer

INPUT, FILTER, BIAS = 0, 1, 2
OUTPUT = 0


@dataclass(frozen=True)
class OpData:
    """Everything invoke needs, computed once in prepare."""

    mode: str  # "float32", "int8" or "int16"
    window: Window
    # Zero-bordered buffer with the input already repeated depth_multiplier times
    # along channels (so channel oc holds input channel oc // depth_multiplier);
    # x - input_zp on integer paths (float32 or float64: convolution.exact_float_dtype), float32 on the float path.
    buffer: np.ndarray
    interior: np.ndarray  # (N, H, W, Cin, depth_multiplier) view of the buffer's image region
    weights: np.ndarray  # (KH, KW, Cout): float64 (integer paths) or float32
    bias: np.ndarray | None  # int64 or float32, (Cout,)
    multiplier: np.ndarray | None
    shift: np.ndarray | None
    input_zero_point: np.float64
    output_zero_point: int
    act_min: int | float
    act_max: int | float
    mask_padding: bool  # float path with non-finite weights: skip padded taps explicitly
    stage: quant.OutputStage | quant.Int64OutputStage | None = None  # prepared output stage (integer modes)


def prepare(node: Node) -> OpData:
    x, w, y = node.input(INPUT), node.input(FILTER), node.output(OUTPUT)
    bias = node.optional_input(BIAS)
    opts = node.options
    mode = convolution.check_tensors(node, x, w, y, bias, "1HWO")
    n, in_h, in_w, in_c = x.shape
    _, kh, kw, out_c = w.shape
    multiplier = int(opts.depth_multiplier)
    if y.shape[0] != n or y.shape[3] != out_c:
        raise node.fail(f"output shape {list(y.shape)} does not match input {list(x.shape)} / filter {list(w.shape)}")
    if multiplier <= 0 or in_c * multiplier != out_c:
        raise node.fail(
            f"depth_multiplier {multiplier} with {in_c} input channels does not give the filter's "
            f"{out_c} output channels"
        )
    window = convolution.window(node, x, y, (kh, kw))
    if bias is not None and bias.size != out_c:
        raise node.fail(f"bias has {bias.size} values for {out_c} output channels")
    activation = int(opts.fused_activation_function)
    input_zp = x.zero_point if mode == "int8" else 0
    exact = np.float32 if mode == "float32" else \
        convolution.exact_float_dtype(w.data, 3, convolution.max_abs_input(x.dtype, input_zp))
    buffer = window.new_buffer(n, out_c, exact)
    # Splitting the (contiguous) channel axis never needs a copy, so this is a view of the buffer.
    interior = window.interior(buffer).reshape(n, in_h, in_w, in_c, multiplier)
    assert np.shares_memory(interior, buffer)

    if mode == "float32":
        if bias is not None and bias.type_name != "FLOAT32":
            raise node.unsupported(f"{bias.type_name} bias with float32 input is not supported")
        lo, hi = quant.activation_range_float(activation)
        weights = np.ascontiguousarray(w.data[0], np.float32)
        return OpData(
            mode=mode, window=window, buffer=buffer, interior=interior, weights=weights,
            bias=None if bias is None else np.asarray(bias.data, np.float32).reshape(out_c),
            multiplier=None, shift=None, input_zero_point=np.float64(0), output_zero_point=0,
            act_min=lo, act_max=hi,
            mask_padding=not window.all_inside and not bool(np.all(np.isfinite(weights))),
        )

    want_bias = "INT32" if mode == "int8" else "INT64"
    if bias is not None and bias.type_name != want_bias:
        raise node.unsupported(
            f"{bias.type_name} bias with {x.type_name.lower()} input is not supported (TFLM reads {want_bias.lower()})"
        )
    mult, shift, act_min, act_max = convolution.quantized_output_params(node, x, w, y, out_c, activation)
    bias_values = None if bias is None else np.asarray(bias.data, np.int64).reshape(out_c)
    stage = convolution.output_stage(mode, mult, shift, y.zero_point if mode == "int8" else 0, act_min, act_max,
                                     w.data, bias_values, convolution.max_abs_input(x.dtype, input_zp), 3)
    return OpData(
        mode=mode, window=window, buffer=buffer, interior=interior,
        weights=np.ascontiguousarray(w.data[0], exact),
        bias=bias_values,
        multiplier=mult, shift=shift,
        input_zero_point=np.float64(input_zp),
        output_zero_point=y.zero_point if mode == "int8" else 0,
        act_min=act_min, act_max=act_max, mask_padding=False, stage=stage,
    )


#: elements of the all-taps product block; larger layers sum tap by tap
_TAPS_BLOCK = 1 << 21


def _accumulate(data: OpData, x: np.ndarray) -> np.ndarray:
    """Sum tap by tap in TFLM's (filter_y, filter_x) order, in the buffer's type. On the
    integer paths that type keeps every sum an exact integer (float32 where the layer's
    weights allow it, else float64); on the float path float32 rounds exactly like TFLM."""
    win = data.window
    dtype = data.buffer.dtype.type
    if data.mode != "float32":
        np.subtract(x[..., None], data.input_zero_point, out=data.interior)
    else:
        data.interior[...] = x[..., None]
    total = np.zeros((x.shape[0], win.out_h, win.out_w, data.weights.shape[2]), dtype)
    taps = win.filter_h * win.filter_w
    if not data.mask_padding and total.size > 1 and taps * total.size <= _TAPS_BLOCK:
        # Every tap's products at once, (taps, N, OH, OW, C) C-ordered, reduced over the
        # outermost axis: numpy adds whole slices in tap order there (as float_dot explains),
        # so each element is the loop's running sum, from +0.0, in (filter_y, filter_x) order.
        prod = np.empty((win.filter_h, win.filter_w, *total.shape), dtype)
        np.multiply(win.patches(data.buffer).transpose(3, 4, 0, 1, 2, 5),
                    data.weights[:, :, None, None, None, :], out=prod)
        prod = prod.reshape(taps, *total.shape)
        prod[0] += dtype(0.0)
        np.add.reduce(prod, axis=0, out=total)
        return total
    prod = np.empty_like(total)
    for fy in range(win.filter_h):
        for fx in range(win.filter_w):
            if not data.mask_padding:
                np.multiply(win.tap(data.buffer, fy, fx), data.weights[fy, fx], out=prod)
                total += prod
                continue
            with np.errstate(invalid="ignore"):  # 0 * inf in the padding, discarded next
                np.multiply(win.tap(data.buffer, fy, fx), data.weights[fy, fx], out=prod)
            total += np.where(win.inside_mask(fy, fx), prod, dtype(0.0))
    return total


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    x, y = inputs[INPUT], outputs[OUTPUT]
    if y.size == 0:
        return
    if data.mode == "float32":
        y[...] = convolution.add_bias_and_clamp(_accumulate(data, x), data.bias,
                                                data.act_min, data.act_max)
        return
    acc = _accumulate(data, x).astype(np.int64)
    if data.stage is not None:
        if data.bias is not None:
            acc += data.bias
        data.stage.apply(acc, y)
        return
    y[...] = convolution.requantize(acc, data.bias, data.multiplier, data.shift, data.output_zero_point,
                                    data.act_min, data.act_max, acc64=data.mode == "int16")


#: bind's per-input-channel GEMMs are taken for at most this many input channels, each
#: feeding at least ``GEMM_MIN_MULTIPLIER`` outputs (a GEMM per channel beats the tap loop,
#: whose passes run over every output channel, only then)
GEMM_MAX_INPUT_CHANNELS = 8
GEMM_MIN_MULTIPLIER = 4


def bind(node: Node, data: OpData, inputs: Sequence[np.ndarray | None],
         outputs: Sequence[np.ndarray]) -> Callable[[], None]:
    """``invoke`` on buffers and views built here, in one of two ways:

    * integer layers with few input channels and a depth multiplier (micro_speech's first
      layer: 1 channel x 8): one GEMM per input channel (``_bind_gemm``);
    * every other layer: the tap sums of ``invoke`` on ``taps.TapPlanes`` views, whose
      rows are whole output rows (``OW * C`` contiguous values, against ``C`` for the
      strided views of ``padding.Window``), with the weights tiled along them once. The
      float path is ``invoke``'s loop -- ``total += tap * w[fy, fx]`` in (filter_y,
      filter_x) order from +0.0, as TFLM -- so each element sees the same roundings; the
      integer paths sum each plane's taps in one einsum, exact in the buffer's type in any
      order.

    Then the bias and the output stage: float32 ``+ bias`` and the clamp; integer ones
    in float64 where ``convolution.FloatOutputStage`` applies, else the prepared stage.
    The tap sums with a float64 stage read the raw input where the zero point is not 0
    (planes padded with it, the zero point folded into the stage's bias:
    ``convolution.fold_input_zero_point``).
    Layers whose float weights are not all finite (padded taps must be skipped) call
    ``invoke``."""
    x, y = inputs[INPUT], outputs[OUTPUT]
    fallback = functools.partial(invoke, node, data, inputs, outputs)
    if y.size == 0 or x is None or data.mask_padding or (data.mode != "float32" and data.stage is None):
        return fallback
    in_c, out_c = x.shape[-1], data.weights.shape[-1]
    rows = y.size // out_c
    if data.mode == "float32":
        total = np.empty((rows, out_c), np.float32)
        return _bind_taps(data, x, total, convolution.bind_bias_and_clamp(
            total, data.bias, data.act_min, data.act_max, y.reshape(rows, out_c)))
    zero_point = int(data.input_zero_point)
    gemm = 0 < in_c <= GEMM_MAX_INPUT_CHANNELS and out_c % in_c == 0 and out_c // in_c >= GEMM_MIN_MULTIPLIER
    total = np.empty((rows, out_c), data.buffer.dtype)
    if zero_point != 0 and not gemm:  # the tap sums of the raw input (convolution.fold_input_zero_point)
        folded_bias, reach = convolution.fold_input_zero_point(data.weights, -1, data.bias, zero_point, x.dtype)
        folded = convolution.FloatOutputStage.make(data.stage, data.weights, -1, reach, folded_bias)
        if folded is not None:
            return _bind_taps(data, x, total, folded.bind(total, y.reshape(rows, out_c)), pad=zero_point)
    float_stage = convolution.FloatOutputStage.make(data.stage, data.weights, -1, convolution.max_abs_input(
        x.dtype, zero_point), data.bias)
    if float_stage is not None:
        finish = float_stage.bind(total, y.reshape(rows, out_c))
    else:
        acc, bias, stage = np.empty((rows, out_c), np.int64), data.bias, data.stage

        def finish() -> None:
            np.copyto(acc, total, casting="unsafe")
            if bias is not None:
                np.add(acc, bias, out=acc)
            stage.apply(acc, y)  # type: ignore[union-attr]

    if gemm:
        return _bind_gemm(data, x, total, finish)
    return _bind_taps(data, x, total, finish)


def _bind_taps(data: OpData, x: np.ndarray, total: np.ndarray, finish: Callable[[], None],
               pad: int | None = None) -> Callable[[], None]:
    """The tap sums on ``taps.TapPlanes`` views into ``total`` (rows x channels), then ``finish``:
    the float path in TFLM's order, tap by tap; the integer paths one ``numpy.einsum`` per
    plane's group of taps (see below). With ``pad``, the planes hold the raw input and
    their padding ``pad`` (the input zero point, folded into ``finish``'s bias); else
    ``x - zp``, padded with zeros."""
    win, dtype = data.window, data.buffer.dtype.type
    out_c = data.weights.shape[-1]
    planes = TapPlanes(win, x.shape[0], x.shape[-1], dtype, repeat=out_c // x.shape[-1])
    if pad is not None:
        planes.buffer.fill(pad)
    tiled = [np.tile(data.weights[fy, fx], win.out_w) for fy in range(win.filter_h) for fx in range(win.filter_w)]
    taps = planes.taps
    acc = total.reshape(taps[0].shape)
    prod = np.empty_like(acc)
    rest = list(zip(taps[1:], tiled[1:]))
    zero_point = None if data.mode == "float32" or pad is not None or not data.input_zero_point \
        else dtype(data.input_zero_point)  # (None: a plain cast)
    first_tap, first_weights, multiply, add, load = taps[0], tiled[0], np.multiply, np.add, planes.load
    if data.mode == "float32":
        zero = np.float32(0.0)

        def run_float() -> None:
            load(x, None)
            buffer = set_tap_buffer()
            try:
                multiply(first_tap, first_weights, out=prod)
                add(prod, zero, out=acc)  # TFLM's running sum starts at +0.0 (a -0.0 product becomes +0.0)
                for tap, w in rest:
                    multiply(tap, w, out=prod)
                    add(acc, prod, out=acc)
            finally:
                np.setbufsize(buffer)
            finish()

        return run_float

    # Integer paths: one einsum per plane's group of taps (TapPlanes.groups), which
    # multiplies and adds in one pass where the loop above takes two per tap. einsum adds
    # in an order of its own, which changes nothing here: every product and every partial
    # sum is an integer below 2**24 in float32 (2**53 in float64), the bound
    # convolution.exact_float_dtype chose the buffer's type by, so each is exact.
    groups = [(view, np.stack([tiled[t] for t in indices]).reshape(*view.shape[:2], -1))
              for view, indices in planes.groups()]
    (first_view, first_group), later = groups[0], groups[1:]
    einsum, spec = np.einsum, "abnyl,abl->nyl"

    def run() -> None:
        load(x, zero_point)
        einsum(spec, first_view, first_group, out=acc)
        for view, w in later:
            einsum(spec, view, w, out=prod)
            add(acc, prod, out=acc)
        finish()

    return run


def _bind_gemm(data: OpData, x: np.ndarray, sums: np.ndarray, finish: Callable[[], None]) -> Callable[[], None]:
    """One GEMM per input channel: the im2col rows of channel ``ic`` (every copy of it in the
    buffer holds the same values) times the (taps, multiplier) weights of its outputs.
    Integer sums are exact in the buffer's float type in any order
    (``convolution.exact_float_dtype`` bounds every partial sum), so BLAS may add as it
    likes."""
    in_c, out_c, win = x.shape[-1], data.weights.shape[-1], data.window
    mult = out_c // in_c
    patches = win.patches(data.buffer)  # (N, OH, OW, KH, KW, out_c)
    rows, taps = patches.shape[0] * win.out_h * win.out_w, win.filter_h * win.filter_w
    columns = [np.empty((rows, taps), data.buffer.dtype) for _ in range(in_c)]
    shaped = [c.reshape(patches.shape[:5]) for c in columns]
    weights = [np.ascontiguousarray(data.weights[:, :, ic * mult:(ic + 1) * mult].reshape(taps, mult))
               for ic in range(in_c)]
    interior, zero_point = data.interior, data.input_zero_point
    x5 = x[..., None]

    def run() -> None:
        np.subtract(x5, zero_point, out=interior)
        for ic in range(in_c):
            np.copyto(shaped[ic], patches[..., ic * mult])
            np.matmul(columns[ic], weights[ic], out=sums[:, ic * mult:(ic + 1) * mult])
        finish()

    return run


def memory(node: Node, pointer_bytes: int) -> OpMemory:
    """See ``convolution.conv_memory``; the output channels are filter dimension -1."""
    return convolution.conv_memory(node, -1)


MEMORY = KernelMemory(tflm_params="TfLiteDepthwiseConvParams", tflm_op_data="OpDataConv", c_op_data=c_struct(p=4, w=24, b=3), needs=memory)
REGISTRATION = Registration("DEPTHWISE_CONV_2D", prepare, invoke, memory=MEMORY, bind=bind)
