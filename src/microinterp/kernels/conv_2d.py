"""CONV_2D (TFLM: kernels/conv.cc + conv_common.cc, reference/conv.h and
reference/integer_ops/conv.h; C twin: firmware/src/kernels/mi_conv_2d.c).

Three arithmetic paths, each bit-exact with TFLM's reference kernels:

* **int8** (int8 weights, int32 bias): ``acc = sum w * (x - input_zp)`` in
  int32, ``+ bias``, per-channel ``MultiplyByQuantizedMultiplier`` (double
  rounding), ``+ output_zp``, clamp. The *filter* zero point is ignored, as in
  TFLM's ``ConvPerChannel``.
* **int16x8** (int8 weights): no input/output offsets at all (TFLM ignores
  the zero points). With an int64 bias (or no bias and
  ``quantized_bias_type != INT32``) the accumulator is int64 and is rescaled by
  the int64 overload of ``MultiplyByQuantizedMultiplier`` (16-bit multiplier);
  with an int32 bias (or ``quantized_bias_type == INT32``) it is an int32
  accumulator rescaled by the 32-bit double-rounding overload.
* **float32**: TFLM sums ``input * filter`` over (filter_y, filter_x,
  in_channel) in that order in float32, then adds the bias and clamps. We run
  the same sequence of float32 roundings, vectorised over every output
  position and channel.

Integer sums are order-independent, so they run as one float64 matmul over an
im2col view (exact: every partial sum is an integer far below 2**53).
Grouped convolution (input channels = filter in-channels * groups) is
supported, as in TFLM's reference kernel. Fused activations other than
RELU/RELU6/RELU_N1_TO_1 (TANH, SIGN_BIT) are treated as NONE: TFLM's
``CalculateActivationRange*`` fall through to the full range for them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from .. import blas, quant
from ..context import Node, Registration
from ..memory.declaration import KernelMemory, OpMemory, c_struct
from . import convolution, float_dot
from .padding import Window
from .taps import ChannelPlanes, set_tap_buffer

INPUT, FILTER, BIAS = 0, 1, 2
OUTPUT = 0

_TENSOR_TYPE_INT32 = 2  # schema TensorType.INT32, for Conv2DOptions.quantized_bias_type


@dataclass(frozen=True)
class OpData:
    """Everything invoke needs, computed once in prepare."""

    mode: str  # "float32", "int8", "int16_acc64" or "int16_acc32"
    window: Window
    groups: int
    # Zero-bordered input buffer (integer paths: x - input_zp in float32 or float64, the type
    # in which the layer's sums are exact, see convolution.exact_float_dtype; float32 for the
    # float path); only its interior is rewritten per invoke.
    buffer: np.ndarray
    # Integer paths: (groups, KH*KW*Cg, Cout/groups) weights in the buffer's type. Float: (Cout, KH, KW, Cg).
    weights: np.ndarray
    bias: np.ndarray | None  # int64 (integer paths) or float32, shape (Cout,)
    multiplier: np.ndarray | None  # int64 (Cout,)
    shift: np.ndarray | None  # int64 (Cout,), TFLM convention: > 0 is a left shift
    input_zero_point: np.float64
    output_zero_point: int
    act_min: int | float
    act_max: int | float
    mask_padding: bool  # float path: weights not all finite, so padded taps must be skipped explicitly
    stage: quant.OutputStage | quant.Int64OutputStage | None = None  # prepared output stage (integer modes)
    # float path: per group the (KH*KW*Cg, Cout/groups) transposed float32 weights for float_dot
    float_weights_t: np.ndarray | None = None


def prepare(node: Node) -> OpData:
    x, w, y = node.input(INPUT), node.input(FILTER), node.output(OUTPUT)
    bias = node.optional_input(BIAS)
    opts = node.options
    mode = convolution.check_tensors(node, x, w, y, bias, "OHWI")
    n, in_h, in_w, in_c = x.shape
    out_c, kh, kw, filter_c = w.shape
    if y.shape[0] != n or y.shape[3] != out_c:
        raise node.fail(f"output shape {list(y.shape)} does not match input {list(x.shape)} / filter {list(w.shape)}")
    if filter_c <= 0 or in_c % filter_c:
        raise node.fail(f"input channels {in_c} are not a multiple of the filter's in-channels {filter_c}")
    groups = in_c // filter_c
    if out_c % groups:
        raise node.fail(f"output channels {out_c} are not divisible into {groups} groups")
    window = convolution.window(node, x, y, (kh, kw))
    activation = int(opts.fused_activation_function)
    filters_per_group = out_c // groups

    if bias is not None and bias.size != out_c:
        raise node.fail(f"bias has {bias.size} values for {out_c} output channels")

    if mode == "float32":
        if bias is not None and bias.type_name != "FLOAT32":
            raise node.unsupported(f"{bias.type_name} bias with float32 input is not supported")
        lo, hi = quant.activation_range_float(activation)
        weights = np.ascontiguousarray(w.data, np.float32)
        return OpData(
            mode=mode, window=window, groups=groups,
            buffer=window.new_buffer(n, in_c, np.float32), weights=weights,
            bias=None if bias is None else np.asarray(bias.data, np.float32).reshape(out_c),
            multiplier=None, shift=None, input_zero_point=np.float64(0), output_zero_point=0,
            act_min=lo, act_max=hi,
            mask_padding=not window.all_inside and not bool(np.all(np.isfinite(weights))),
            float_weights_t=np.ascontiguousarray(
                weights.reshape(groups, filters_per_group, kh * kw * filter_c).transpose(0, 2, 1)),
        )

    if mode == "int8":
        if bias is not None and bias.type_name != "INT32":
            raise node.unsupported(f"{bias.type_name} bias with int8 input is not supported (TFLM reads int32)")
        input_zp = x.zero_point
    else:
        if bias is not None:
            if bias.type_name not in ("INT32", "INT64"):
                raise node.unsupported(f"{bias.type_name} bias with int16 input is not supported (int32 or int64)")
            acc32 = bias.type_name == "INT32"
        else:
            acc32 = opts.quantized_bias_type == _TENSOR_TYPE_INT32
        mode = "int16_acc32" if acc32 else "int16_acc64"
        input_zp = 0  # the 16x8 kernels use no offsets
    mult, shift, act_min, act_max = convolution.quantized_output_params(node, x, w, y, out_c, activation)

    # (Cout, KH, KW, Cg) -> per group a (KH*KW*Cg, filters_per_group) matrix matching the
    # (KH, KW, Cg) order of an im2col row.
    exact = convolution.exact_float_dtype(w.data, 0, convolution.max_abs_input(x.dtype, input_zp))
    wg = np.asarray(w.data, exact).reshape(groups, filters_per_group, kh * kw * filter_c)
    weights = np.ascontiguousarray(wg.transpose(0, 2, 1))
    bias_values = None if bias is None else np.asarray(bias.data, np.int64).reshape(out_c)
    stage = convolution.output_stage(mode, mult, shift, y.zero_point if mode == "int8" else 0, act_min, act_max,
                                     w.data, bias_values, convolution.max_abs_input(x.dtype, input_zp), 0)
    return OpData(
        mode=mode, window=window, groups=groups,
        buffer=window.new_buffer(n, in_c, exact), weights=weights,
        bias=bias_values,
        multiplier=mult, shift=shift, input_zero_point=np.float64(input_zp),
        output_zero_point=y.zero_point if mode == "int8" else 0,
        act_min=act_min, act_max=act_max, mask_padding=False, stage=stage,
    )


# OpenBLAS runs a GEMM single-threaded when M*N*K <= 65536 * 4. Its threaded path
# gains nothing at these sizes and, on a busy machine, can be 15x slower (threads
# spin waiting for a core), so large products are split into row blocks below it.
_SINGLE_THREAD_GEMM = 1 << 18


def exact_matmul(a: np.ndarray, b: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """``a @ b`` for float operands holding small integers: exact (every partial sum is an
    integer below 2**53 in float64, below 2**24 in float32 -- ``convolution.exact_float_dtype``
    -- whatever order BLAS adds in), in row blocks small enough that BLAS stays on one thread;
    into ``out`` when given."""
    rows, depth = a.shape
    cols = b.shape[1]
    block = max(1, _SINGLE_THREAD_GEMM // max(1, depth * cols))
    if rows <= block or blas.pinned():  # one product where OpenBLAS is held to one thread (batch mode)
        return a @ b if out is None else np.matmul(a, b, out=out)
    if out is None:
        out = np.empty((rows, cols), a.dtype)
    for start in range(0, rows, block):
        np.matmul(a[start:start + block], b, out=out[start:start + block])
    return out


def _integer_accumulators(data: OpData, x: np.ndarray) -> np.ndarray:
    """(N*OH*OW, Cout) int64 sums of w * (x - input_zp) over the valid taps."""
    win = data.window
    np.subtract(x, data.input_zero_point, out=win.interior(data.buffer))
    patches = win.patches(data.buffer)  # (N, OH, OW, KH, KW, Cin)
    rows = patches.shape[0] * win.out_h * win.out_w
    if data.groups == 1:
        acc = exact_matmul(patches.reshape(rows, -1), data.weights[0])
    else:
        g = data.groups
        grouped = patches.reshape(rows, win.filter_h, win.filter_w, g, -1)
        acc = np.concatenate([exact_matmul(grouped[:, :, :, k, :].reshape(rows, -1), data.weights[k])
                              for k in range(g)], axis=1)
    return acc.astype(np.int64)


def _float_conv(data: OpData, x: np.ndarray) -> np.ndarray:
    """TFLM's float loop: total += input * filter over (fy, fx, ic), in float32 (no bias yet).

    The im2col row of an output position lists its taps in exactly that (fy, fx, ic)
    order, so ``float_dot.sequential_matmul`` over it is the C loop. A padded tap reads
    0.0, and adding its product (+-0.0) to a running sum that started at +0.0 changes
    nothing, so padding need not be skipped -- unless a weight is inf or NaN
    (0 * inf is NaN): then the tap-by-tap loop below masks the padded taps."""
    win, w = data.window, data.weights
    out_c, _, _, filter_c = w.shape
    g = data.groups
    per_group = out_c // g
    win.interior(data.buffer)[...] = x
    if not data.mask_padding and data.float_weights_t is not None:
        patches = win.patches(data.buffer)  # (N, OH, OW, KH, KW, Cin)
        rows = patches.shape[0] * win.out_h * win.out_w
        grouped = patches.reshape(rows, win.filter_h, win.filter_w, g, filter_c)
        total = np.concatenate([
            float_dot.sequential_matmul(grouped[:, :, :, k, :].reshape(rows, -1), data.float_weights_t[k])
            for k in range(g)], axis=1)
        return total.reshape(x.shape[0], win.out_h, win.out_w, out_c)
    total = np.zeros((x.shape[0], win.out_h, win.out_w, out_c), np.float32)
    for fy in range(win.filter_h):
        for fx in range(win.filter_w):
            tap = win.tap(data.buffer, fy, fx)  # (N, OH, OW, Cin)
            inside = win.inside_mask(fy, fx) if data.mask_padding else None
            for ic in range(filter_c):
                # channel ic of every group; each group feeds filters_per_group outputs
                xv = tap[..., ic::filter_c]
                if g > 1:
                    xv = np.repeat(xv, per_group, axis=-1)
                if inside is None:
                    prod = xv * w[:, fy, fx, ic]
                else:
                    with np.errstate(invalid="ignore"):  # 0 * inf in the padding, discarded next
                        prod = np.where(inside, xv * w[:, fy, fx, ic], np.float32(0.0))
                total += prod
    return total


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    x, y = inputs[INPUT], outputs[OUTPUT]
    if y.size == 0:
        return
    if data.mode == "float32":
        y[...] = convolution.add_bias_and_clamp(_float_conv(data, x), data.bias, data.act_min, data.act_max)
        return
    acc = _integer_accumulators(data, x)
    if data.stage is not None:
        if data.bias is not None:
            acc += data.bias
        data.stage.apply(acc, y)
        return
    y[...] = convolution.requantize(acc, data.bias, data.multiplier, data.shift,
                                    data.output_zero_point, data.act_min, data.act_max,
                                    acc64=data.mode == "int16_acc64").reshape(y.shape)


def bind(node: Node, data: OpData, inputs: Sequence[np.ndarray | None],
         outputs: Sequence[np.ndarray]) -> Callable[[], None]:
    """``invoke`` on views and buffers built here, by route:

    * float32 (one group, finite weights): ``_bind_float``, TFLM's summation order on
      channel planes;
    * integer (one group) with a ``convolution.FloatOutputStage``: shallow layers fold the
      stage into one float64 GEMM (``_bind_folded``); im2col copies of short runs (strided,
      few channels) go through channel planes (``_bind_planes``); the rest take the
      padded buffer's interior and the im2col matrix (a view of the buffer where the taps
      already are its rows, as for a 1x1 convolution without padding; else a buffer the
      patches are copied into), the float sums and the float64 stage;
    * other integer layers (one group): the same sums, then the prepared int64 stage.

    Every integer route sums exactly (``convolution.exact_float_dtype``), as
    ``_integer_accumulators`` does. The rest calls ``invoke``."""
    x, y = inputs[INPUT], outputs[OUTPUT]
    if data.mode == "float32" and data.groups == 1 and not data.mask_padding and y.size and x is not None:
        return _bind_float(data, x, y)
    if data.mode == "float32" or data.stage is None or data.groups != 1 or y.size == 0:
        return functools.partial(invoke, node, data, inputs, outputs)
    win, buffer, weights = data.window, data.buffer, data.weights[0]
    interior, patches = win.interior(buffer), win.patches(buffer)
    rows = patches.shape[0] * win.out_h * win.out_w
    columns = patches.reshape(rows, -1)
    copy_patches = not np.shares_memory(columns, buffer)
    zero_point, bias, stage = data.input_zero_point, data.bias, data.stage
    # The float stage routes sum the raw input where the zero point is not 0 (its fold into
    # the bias: convolution.fold_input_zero_point), else x - zp as invoke does.
    float_stage, load = None, Load(zero_point, 0.0)
    if zero_point != 0:
        folded_bias, reach = convolution.fold_input_zero_point(weights, 1, bias, int(zero_point), x.dtype)
        float_stage = convolution.FloatOutputStage.make(stage, weights, 1, reach, folded_bias)
        load = Load(None, float(zero_point))
    if float_stage is None:
        float_stage, load = convolution.FloatOutputStage.make(stage, weights, 1, convolution.max_abs_input(
            x.dtype, int(zero_point)), bias), Load(zero_point, 0.0)
    lifted = float_stage.lifted_offset(y.dtype) if float_stage is not None else None
    transposed = copy_patches and _short_runs(win, x.shape[-1])
    if float_stage is not None and lifted is not None and columns.shape[1] < FOLD_MAX_DEPTH:
        return _bind_folded(data, x, y, float_stage, lifted, transposed, load)
    if float_stage is not None and transposed:
        return _bind_planes(data, x, y, float_stage, load)
    if float_stage is not None:
        if load.pad:  # padded with the zero point: a buffer of its own (data.buffer stays invoke's)
            buffer = win.new_buffer(x.shape[0], x.shape[-1], buffer.dtype)
            buffer.fill(load.pad)
        interior, patches = win.interior(buffer), win.patches(buffer)
        columns = patches.reshape(rows, -1)
        if copy_patches:
            columns = np.empty(columns.shape, buffer.dtype)
        patch_shaped = columns.reshape(patches.shape)
        sums = np.empty((rows, weights.shape[1]), buffer.dtype)
        finish = float_stage.bind(sums, y.reshape(rows, -1))
        fill = load.into(interior, x)

        def run_float_stage() -> None:  # the stage in float64 (convolution.FloatOutputStage)
            fill()
            if copy_patches:
                np.copyto(patch_shaped, patches)
            exact_matmul(columns, weights, out=sums)
            finish()

        return run_float_stage
    if copy_patches:
        columns = np.empty(columns.shape, buffer.dtype)
    patch_shaped = columns.reshape(patches.shape)
    sums = np.empty((rows, weights.shape[1]), buffer.dtype)
    blocked = rows * columns.shape[1] * weights.shape[1] > _SINGLE_THREAD_GEMM
    acc = np.empty((rows, weights.shape[1]), np.int64)

    def run() -> None:
        np.subtract(x, zero_point, out=interior)
        if copy_patches:
            np.copyto(patch_shaped, patches)
        if blocked:
            np.copyto(acc, exact_matmul(columns, weights), casting="unsafe")
        else:
            np.matmul(columns, weights, out=sums)
            np.copyto(acc, sums, casting="unsafe")
        if bias is not None:
            np.add(acc, bias, out=acc)
        stage.apply(acc, y)

    return run


class Load:
    """How a bound integer route fills its input buffer: ``x - subtract`` (``subtract`` the
    zero point, as ``invoke``), or ``x`` itself (``subtract`` None) with the padding holding
    ``pad`` (the zero point folded into the bias, ``convolution.fold_input_zero_point``)."""

    def __init__(self, subtract: float | None, pad: float) -> None:
        self.subtract, self.pad = subtract, pad

    def into(self, dest: np.ndarray, x: np.ndarray) -> Callable[[], None]:
        """A call writing ``x`` (its shape, or broadcast to ``dest``) into ``dest``, as loaded."""
        if not self.subtract:  # (None, or a zero point of 0)
            return functools.partial(np.copyto, dest, x)
        zero_point = dest.dtype.type(self.subtract)  # a scalar of dest's type: no float64 pass into float32
        return functools.partial(np.subtract, x, zero_point, out=dest)


#: integer layers summing fewer products than this per output take ``_bind_folded``: one
#: float64 GEMM that also applies the output scale and offset, which beats float32 sums
#: plus two float64 passes while the GEMM is shallow (measured: 2x at depth 8 and 16 channels;
#: slower at depth 27 and 8 channels, where dgemm runs at a third of its speed)
FOLD_MAX_DEPTH = 20


#: im2col copies whose inner runs (the contiguous values of one patch row: ``KW * Cin`` at
#: stride 1, ``Cin`` otherwise) are shorter than this build the transposed matrix from
#: ``taps.ChannelPlanes`` instead, with inner loops as long as the output rows
SHORT_RUN = 32


def _short_runs(win: Window, in_c: int) -> bool:
    run = win.filter_w * in_c if win.stride_w == 1 and win.dilation_w == 1 else in_c
    return run < SHORT_RUN


def _planes_columns(win: Window, x: np.ndarray, dtype: type, extra_rows: int, load: Load
                    ) -> tuple[ChannelPlanes, np.ndarray, Callable[[], None]]:
    """The transposed im2col matrix of the loaded input (``load``) on ``taps.ChannelPlanes``
    (``KH*KW*Cin`` rows plus ``extra_rows`` rows of ones, ``N * OH * cols`` columns: every
    output row runs on over ``cols - OW`` discarded positions) and a call that refills it
    from ``x``."""
    n, in_c = x.shape[0], x.shape[-1]
    planes = ChannelPlanes(win, n, in_c, dtype)
    planes.buffer.fill(load.pad)
    depth = win.filter_h * win.filter_w * in_c
    matrix = np.ones((depth + extra_rows, n * planes.taps[0].shape[-1]), dtype)
    copies = planes.columns(matrix)
    subtract = dtype(load.subtract) if load.subtract else None  # (a zero point of 0: a plain cast)

    def fill() -> None:
        planes.load(x, subtract)
        for dest, tap in copies:
            np.copyto(dest, tap)

    return planes, matrix, fill


def _bind_planes(data: OpData, x: np.ndarray, y: np.ndarray, stage: convolution.FloatOutputStage, load: Load
                 ) -> Callable[[], None]:
    """The float32-sums route (``convolution.FloatOutputStage``) with the im2col matrix built
    transposed on ``taps.ChannelPlanes`` (``_short_runs``): BLAS reads it transposed, and the
    stage runs on the output rows' views of the sums, skipping the discarded positions."""
    win, weights = data.window, data.weights[0]
    out_c = weights.shape[1]
    planes, matrix, fill = _planes_columns(win, x, data.buffer.dtype.type, 0, load)
    n, cols = x.shape[0], planes.cols
    sums = np.empty((matrix.shape[1], out_c), matrix.dtype)
    valid = sums.reshape(n * win.out_h, cols * out_c)[:, :win.out_w * out_c]
    finish = stage.bind(valid, y.reshape(n * win.out_h, win.out_w * out_c), tile=win.out_w)

    def run() -> None:
        fill()
        exact_matmul(matrix.T, weights, out=sums)
        finish()

    return run


def _bind_folded(data: OpData, x: np.ndarray, y: np.ndarray, stage: convolution.FloatOutputStage,
                 lifted: np.ndarray, transposed: bool, load: Load) -> Callable[[], None]:
    """The integer path with the output stage folded into the GEMM: the im2col matrix gets a
    column of ones and the weights, in float64, become ``w * scale`` per output channel with
    the row ``lifted`` under them, so the product is ``sums * scale + offset + B`` of
    ``convolution.FloatOutputStage``, straight from BLAS; then its clamp into the output.

    Exact in any summation order: every term is a multiple of ``2**-(31+r)`` (``w * m``
    over a power of two, exact in float64 since ``|w * m| < 2**39``; the offset, an integer
    over the same power), and every partial sum is bounded by ``(sum |w| * reach * m
    + |T's constant + B * 2**(31+r)|) * 2**-(31+r)`` (``reach``: ``max|x - zp|``, or ``max|x|``
    where the buffer holds the raw input, ``load``), which ``lifted_offset`` checked is
    below ``2**53`` units; so each addition (or fused multiply-add) is exact."""
    win, weights = data.window, data.weights[0]
    depth, out_c = weights.shape
    folded = np.empty((depth + 1, out_c), np.float64)
    np.multiply(weights, stage.scale, out=folded[:depth])
    folded[depth] = lifted
    n = x.shape[0]
    rows = n * win.out_h * win.out_w
    in_c = x.shape[-1]
    one_by_one = win.filter_h == win.filter_w == 1 and win.all_inside and win.stride_h == win.stride_w == 1 \
        and (win.out_h, win.out_w) == (win.in_h, win.in_w)
    if transposed:  # the transposed matrix on channel planes, ones in its last row (see _bind_planes)
        planes, matrix, fill = _planes_columns(win, x, np.float64, 1, load)
        cols = planes.cols
        t = np.empty((matrix.shape[1], out_c), np.float64)
        finish = stage.bind_lifted_clamp(t.reshape(n, win.out_h, cols, out_c)[:, :, :win.out_w], y)

        def run_planes() -> None:
            fill()
            exact_matmul(matrix.T, folded, out=t)
            finish()

        return run_planes
    if one_by_one:  # the image itself is the im2col matrix: one channel more, of ones
        buffer = np.ones((n, win.in_h, win.in_w, in_c + 1), np.float64)
        interior, columns, patches, dest = buffer[..., :in_c], buffer.reshape(rows, in_c + 1), None, None
    else:
        buffer = win.new_buffer(n, in_c, np.float64)
        buffer.fill(load.pad)
        interior, patches = win.interior(buffer), win.patches(buffer)
        columns = np.ones((rows, depth + 1), np.float64)
        dest = columns[:, :depth].reshape(patches.shape)
        assert np.shares_memory(dest, columns)
    t = np.empty((rows, out_c), np.float64)
    finish = stage.bind_lifted_clamp(t, y.reshape(rows, out_c))
    fill = load.into(interior, x)

    def run() -> None:
        fill()
        if dest is not None:
            np.copyto(dest, patches)
        exact_matmul(columns, folded, out=t)
        finish()

    return run


#: elements of one float product block, (Cin + 1) x Cout x pixels: in the L2 cache
FLOAT_BLOCK = 1 << 18


def _bind_float(data: OpData, x: np.ndarray, y: np.ndarray) -> Callable[[], None]:
    """The float path (one group, finite weights) on ``taps.ChannelPlanes`` views.

    TFLM sums ``input * filter`` over (filter_y, filter_x, in_channel) in that order,
    from 0.0f, in float32. Here, per tap, the products of all input channels with all
    output channels over a block of output positions are one multiply into
    ``prod[1:]`` -- a (Cin, Cout, pixels) block whose inner loops run along the pixels
    with one weight each -- and ``np.add.reduce`` over its outer axis adds them, slice
    by slice in order (see ``float_dot``), to the running sums in ``prod[0]``, writing
    the new running sums into the other block's slot 0 (the first tap starts from
    ``initial=+0.0``, the last writes the result): each output is the C loop's sequence
    of float32 roundings. Padded taps add +-0.0 products (finite weights), which leave
    a running sum that started at +0.0 unchanged, as TFLM's skipping them does. Then
    ``+ bias`` (``+ 0.0f`` without one) and the clamp, in TFLM's order."""
    win, w = data.window, data.weights
    out_c, _, _, in_c = w.shape
    n = x.shape[0]
    planes = ChannelPlanes(win, n, in_c, np.float32)
    taps = planes.taps
    run_length = taps[0].shape[-1]
    if 2 * out_c >= run_length:
        return _bind_float_pixels(data, x, y, planes)
    pieces_count = -(-run_length // max(1, FLOAT_BLOCK // ((in_c + 1) * out_c)))
    block = -(-run_length // pieces_count)  # equal pieces: no short last one
    weights = [np.ascontiguousarray(w[:, fy, fx, :].T)[:, :, None]
               for fy in range(win.filter_h) for fx in range(win.filter_w)]  # (Cin, Cout, 1) per tap
    prods = [np.empty((in_c + 1, out_c, block), np.float32) for _ in range(2)]
    total = np.empty((n, out_c, run_length), np.float32)
    pieces = [(s, min(run_length, s + block)) for s in range(0, run_length, block)]
    steps = list(zip(taps, weights))
    last = len(steps) - 1
    zero = np.float32(0.0)
    multiply, reduce = np.multiply, np.add.reduce
    grid = total.reshape(n, out_c, win.out_h, planes.cols)[..., :win.out_w]  # (N, Cout, OH, OW) view
    values = np.empty(grid.shape, np.float32)
    finish = convolution.bind_bias_and_clamp(values, None if data.bias is None else data.bias[:, None, None],
                                             data.act_min, data.act_max, y.transpose(0, 3, 1, 2))

    def run() -> None:
        planes.load(x)
        buffer = set_tap_buffer()
        try:
            for i in range(n):
                for start, stop in pieces:
                    m = stop - start
                    src, dst = prods
                    for k, (tap, wk) in enumerate(steps):
                        multiply(wk, tap[i, :, None, start:stop], out=src[1:, :, :m])
                        into = total[i, :, start:stop] if k == last else dst[0, :, :m]
                        if k == 0:
                            reduce(src[1:, :, :m], axis=0, out=into, initial=zero)
                        else:
                            reduce(src[:, :, :m], axis=0, out=into)
                        src, dst = dst, src
        finally:
            np.setbufsize(buffer)
        np.copyto(values, grid)
        finish()

    return run


def _bind_float_pixels(data: OpData, x: np.ndarray, y: np.ndarray, planes: ChannelPlanes) -> Callable[[], None]:
    """``_bind_float`` for small images with many output channels (ResNet's 8x8x64 layers),
    where an output row is shorter than the channel count: the product blocks are laid out
    (Cin, OH, OW, Cout) instead, inner loops along the output channels with one input value
    each, no discarded positions, and the sums come out in the output's NHWC order. The
    same multiplies, the same chained outer-axis reductions, hence the same roundings."""
    win, w = data.window, data.weights
    out_c, _, _, in_c = w.shape
    n, out_h, out_w = x.shape[0], win.out_h, win.out_w
    rows = max(1, min(out_h, FLOAT_BLOCK // ((in_c + 1) * out_w * out_c)))
    rows = -(-out_h // -(-out_h // rows))  # equal pieces
    pieces = [(r, min(out_h, r + rows)) for r in range(0, out_h, rows)]
    weights = [np.ascontiguousarray(w[:, fy, fx, :].T)[:, None, None, :]
               for fy in range(win.filter_h) for fx in range(win.filter_w)]  # (Cin, 1, 1, Cout) per tap
    steps = [(view[..., None], wk) for view, wk in zip(planes.windows, weights)]  # (N, Cin, OH, OW, 1)
    prods = [np.empty((in_c + 1, rows, out_w, out_c), np.float32) for _ in range(2)]
    total = np.empty((n, out_h, out_w, out_c), np.float32)
    last = len(steps) - 1
    zero = np.float32(0.0)
    multiply, reduce = np.multiply, np.add.reduce
    finish = convolution.bind_bias_and_clamp(total, data.bias, data.act_min, data.act_max, y)

    def run() -> None:
        planes.load(x)
        buffer = set_tap_buffer()
        try:
            for i in range(n):
                for start, stop in pieces:
                    m = stop - start
                    src, dst = prods
                    for k, (view, wk) in enumerate(steps):
                        multiply(view[i, :, start:stop], wk, out=src[1:, :m])
                        into = total[i, start:stop] if k == last else dst[0, :m]
                        if k == 0:
                            reduce(src[1:, :m], axis=0, out=into, initial=zero)
                        else:
                            reduce(src[:, :m], axis=0, out=into)
                        src, dst = dst, src
        finally:
            np.setbufsize(buffer)
        finish()

    return run


#: mi_conv_2d.c COL_MAX: the largest im2col column (bytes) its fast path builds in scratch
C_COL_MAX = 576


def c_scratch(node: Node) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The scratch the C twin's prepare requests (``request_scratch`` in
    mi_conv_2d.c, its twin), as (plain cores, DSP cores): for int8 input and
    filter, one group and no width dilation, an im2col column of ``KH*KW*Cin``
    bytes when the window has several taps and fits ``C_COL_MAX``; on a DSP core
    also the packed pixel pair of that column (4 bytes per value, when the column
    is a multiple of 4 bytes), or, for a 1x1 stride-1 convolution keeping the
    image size with ``Cin`` a multiple of 4 up to ``C_COL_MAX``, the packed pair
    of two input pixels (``4 * Cin`` bytes). From the shapes alone, as C decides
    it, so no zero point or multiplier enters the prediction."""
    x, w, y = node.input(INPUT), node.input(FILTER), node.output(OUTPUT)
    if x.type_name != "INT8" or w.type_name != "INT8" or len(x.shape) != 4 or len(w.shape) != 4 or len(y.shape) != 4:
        return (), ()
    _, in_h, in_w, in_c = x.shape
    _, kh, kw, filter_c = w.shape
    opts = node.options
    if filter_c <= 0 or in_c != filter_c or opts.dilation_w_factor != 1:
        return (), ()
    col = kh * kw * in_c
    if kh * kw > 1 and col <= C_COL_MAX:
        return (col,), ((col, 4 * col) if col % 4 == 0 else (col,))
    if (kh == kw == 1 and opts.stride_h == opts.stride_w == 1 and tuple(y.shape[1:3]) == (in_h, in_w)
            and in_c % 4 == 0 and in_c <= C_COL_MAX):
        return (), (4 * in_c,)
    return (), ()


def memory(node: Node, pointer_bytes: int) -> OpMemory:
    """See ``convolution.conv_memory`` (the output channels are filter dimension 0)
    and ``c_scratch``."""
    plain, dsp = c_scratch(node)
    return replace(convolution.conv_memory(node, 0), c_scratch=plain, c_scratch_dsp=dsp)


MEMORY = KernelMemory(tflm_params="TfLiteConvParams", tflm_op_data="OpDataConv", c_op_data=c_struct(p=4, w=24, b=3), needs=memory)
REGISTRATION = Registration("CONV_2D", prepare, invoke, memory=MEMORY, bind=bind)
