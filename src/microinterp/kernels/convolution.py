"""The prepare checks and the output stage shared by CONV_2D, DEPTHWISE_CONV_2D and
TRANSPOSE_CONV. Not a kernel: no registration.

TFLM counterparts: ``conv_common.cc`` / ``depthwise_conv_common.cc``
(``CalculateOpData*``), ``kernel_util.cc`` (``PopulateConvolutionQuantizationParams``)
and the per-channel output loop of ``reference_integer_ops::Conv*`` /
``DepthwiseConv*``. C twin: ``firmware/src/kernels/mi_convolution.c`` (the steps
CONV_2D and DEPTHWISE_CONV_2D share; their loops in ``mi_conv_2d.c`` and
``mi_depthwise_conv_2d.c``).

The output stage, as TFLM runs it: an integer accumulator gets the bias, is
rescaled per output channel (the 32-bit double-rounding
``MultiplyByQuantizedMultiplier`` on an int32 accumulator, or its int64 overload
with a 16-bit multiplier on an int64 one), gets the output zero point and is
clamped to the activation range. Fused activations other than RELU, RELU6 and
RELU_N1_TO_1 (TANH, SIGN_BIT) clamp to the full range, as TFLM's
``CalculateActivationRange*`` do (see ``quant.activation_range_*``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .. import quant
from ..context import Node
from ..memory.declaration import OpMemory, persist, temps
from ..memory.overlap import window_overlap
from ..model import Tensor
from .padding import Window, compute_padding_height_width

#: (input type, filter type) -> arithmetic path, the combinations TFLM's conv kernels evaluate
MODES = {("FLOAT32", "FLOAT32"): "float32", ("INT8", "INT8"): "int8", ("INT16", "INT8"): "int16"}


def check_tensors(node: Node, x: Tensor, w: Tensor, y: Tensor, bias: Tensor | None, filter_layout: str) -> str:
    """Arity, ranks, types and constant weights of a CONV_2D / DEPTHWISE_CONV_2D node;
    returns the arithmetic path (a value of ``MODES``)."""
    if len(node.inputs) not in (2, 3) or len(node.outputs) != 1:
        raise node.fail(f"expects 2 or 3 inputs and 1 output, got {len(node.inputs)} and {len(node.outputs)}")
    for t, what in ((x, "input"), (w, "filter"), (y, "output")):
        if len(t.shape) != 4:
            raise node.fail(f"{what} must be 4-D (NHWC / {filter_layout}), got shape {list(t.shape)}")
    if x.type_name != y.type_name:
        raise node.fail(f"input is {x.type_name} but output is {y.type_name}")
    mode = MODES.get((x.type_name, w.type_name))
    if mode is None:
        raise node.unsupported(
            f"{x.type_name} input with {w.type_name} filter is not supported "
            "(supported: float32/float32, int8/int8, int16/int8)"
        )
    if not w.is_constant:
        raise node.unsupported("the filter must be a constant tensor")
    if bias is not None and not bias.is_constant:
        raise node.unsupported("the bias must be a constant tensor")
    return mode


def window(node: Node, x: Tensor, y: Tensor, filter_hw: tuple[int, int]) -> Window:
    """The sliding window of the node's strides, dilations and padding mode, with
    TFLM's padding (derived from the output size TFLM computes, see ``padding.py``)."""
    opts = node.options
    stride = (int(opts.stride_h), int(opts.stride_w))
    dilation = (int(opts.dilation_h_factor), int(opts.dilation_w_factor))
    if min(stride) <= 0 or min(dilation) <= 0:
        raise node.fail(f"strides {stride} and dilations {dilation} must be positive")
    (in_h, in_w), (kh, kw) = x.shape[1:3], filter_hw
    pad, _, _ = compute_padding_height_width(*stride, *dilation, in_h, in_w, kh, kw, int(opts.padding))
    return Window.create((in_h, in_w), (y.shape[1], y.shape[2]), filter_hw, stride, dilation, pad)


def check_quantized(node: Node, *tensors: Tensor) -> None:
    for t in tensors:
        if t.quant is None:
            raise node.fail(f"tensor {t.name!r} needs quantization parameters")


def per_channel_multipliers(node: Node, input_scale: float, filter_scales: np.ndarray, output_scale: float,
                            channels: int) -> tuple[np.ndarray, np.ndarray]:
    """TFLM ``PopulateConvolutionQuantizationParams``: per output channel,
    ``double(input_scale) * double(filter_scale) / double(output_scale)`` through
    ``QuantizeMultiplier``; a single filter scale is broadcast to every channel."""
    scales = np.asarray(filter_scales, np.float32)
    if scales.size not in (1, channels):
        raise node.fail(f"filter has {scales.size} scales for {channels} output channels")
    if scales.size == 1:
        scales = np.repeat(scales, channels)
    effective = [float(input_scale) * float(s) / float(output_scale) for s in scales]
    return quant.quantize_multipliers(np.asarray(effective, np.float64))


def quantized_output_params(node: Node, x: Tensor, w: Tensor, y: Tensor, channels: int,
                            activation: int) -> tuple[np.ndarray, np.ndarray, int, int]:
    """(multiplier, shift, act_min, act_max) of a quantized conv: per-channel
    multipliers (filter scales along the output-channel dimension) and the
    activation range in the output's quantized domain."""
    check_quantized(node, x, w, y)
    qdim = w.quant.quantized_dimension
    if w.quant.scale.size > 1 and (qdim >= 4 or w.shape[qdim] != channels):
        raise node.fail("per-channel filter scales must run along the output-channel dimension")
    mult, shift = per_channel_multipliers(node, x.scale, w.quant.scale, y.scale, channels)
    why = quant.int64_multiplier_shift_error(shift) if x.type_name == "INT16" else None
    if why:
        raise node.fail(why)
    qmin, qmax = quant.dtype_range(y.dtype)
    act_min, act_max = quant.activation_range_quantized(activation, qmin, qmax, y.scale, y.zero_point)
    return mult, shift, act_min, act_max


def requantize(acc: np.ndarray, bias: np.ndarray | None, multiplier: np.ndarray, shift: np.ndarray,
               output_zero_point: int, act_min: int, act_max: int, *, acc64: bool) -> np.ndarray:
    """The integer output stage: ``acc + bias``, rescaled per channel (last axis),
    ``+ output_zero_point``, clamped; int64 values of the output type's range.

    ``acc64`` selects TFLM's int64 accumulator (16x8 kernels with an int64 bias);
    otherwise the accumulator is int32 in C and wraps (which never happens for
    converter-made models)."""
    if bias is not None:
        acc = acc + bias
    if acc64:
        scaled = quant.multiply_by_quantized_multiplier_int64(acc, multiplier, shift)
    else:
        scaled = quant.multiply_by_quantized_multiplier(quant.wrap_int32(acc), multiplier, shift)
    return np.clip(scaled + output_zero_point, act_min, act_max)


def output_stage(mode: str, multiplier: np.ndarray, shift: np.ndarray, output_zero_point: int, act_min: int,
                 act_max: int, weights: np.ndarray, bias: np.ndarray | None, max_abs_input: int,
                 channel_axis: int) -> quant.OutputStage | quant.Int64OutputStage | None:
    """The prepared output stage of a quantized conv: ``quant.OutputStage`` for an int32
    accumulator (int8, int16 with int32 accumulator), ``quant.Int64OutputStage`` for the
    16x8 int64 accumulator; None for float.

    The C accumulator is int32 and wraps; the wrap pass is skipped when this layer's
    own weights prove it cannot happen: per output channel,
    ``sum |w| * max|x - input_zp| + |bias| < 2**31``."""
    if mode not in ("int8", "int16_acc32", "int16_acc64", "int16"):
        return None
    w = np.abs(np.asarray(weights, np.float64))
    axes = tuple(a for a in range(w.ndim) if a != channel_axis % w.ndim)
    worst = w.sum(axis=axes) * float(max_abs_input)
    if bias is not None:
        worst = worst + np.abs(np.asarray(bias, np.float64)).reshape(-1)
    if mode in ("int16_acc64", "int16"):  # int64 accumulator (depthwise calls its 16x8 mode "int16")
        return quant.Int64OutputStage(multiplier, shift, output_zero_point, act_min, act_max,
                                      max_abs_acc=worst * (1 + 2.0**-40))  # + rounding slack of the float sums
    wrap = not bool(np.all(worst < 2.0**31))
    return quant.OutputStage(multiplier, shift, output_zero_point, act_min, act_max, wrap=wrap)


class FloatOutputStage:
    """An int32 ``quant.OutputStage`` computed in float64, exactly, as
    ``clip(floor(sums * scale + offset), act_min, act_max)`` straight from the GEMM's float
    sums: three passes (multiply, add, clamp into the output) and a cheap flip of the
    output bytes, two more where the clamp reaches below the zero point, where the int64
    route takes eleven (convert, + bias, the stage's nine), which is what large layers and
    batch mode pay.

    Why it is exact. With ``A = acc*m + 2**30`` (no left shift, no int32 wrap: checked),
    TFLM's result is ``floor((A - 2**31 [A < 0] [r >= 1] + 2**(r+30) [r >= 1]) / 2**(31+r)) + zp``
    (``quant.OutputStage``), that is ``floor(T / 2**(31+r))`` with the integer
    ``T = acc*m + 2**30 + 2**(30+r) [r >= 1] + zp * 2**(31+r)``, less ``2**31`` where
    ``A < 0`` and ``r >= 1``. Float64 holds ``T`` and every step towards it exactly when
    ``|T| < 2**53`` (bounded here from the layer's weights, bias and input range, in Python
    ints): ``sums * scale`` is an integer times a power of two, ``+ offset`` adds two
    multiples of ``2**-(31+r)`` whose exact sum fits, ``floor`` is exact. The ``A < 0``
    correction: ``t = T / 2**(31+r)`` is below ``zp + 1/2`` exactly when ``A < 0`` (r >= 1),
    and there ``2**-r`` is subtracted (exact, with ``2**31`` more in the bound). Where
    ``act_min >= zp`` it is skipped: there both TFLM's value and the uncorrected one are
    ``<= zp`` for ``A < 0`` (``t < zp + 1``), and the clamp takes both to ``act_min``.

    Channels whose ``T`` can reach ``2**53`` but whose every output is the same clamp end
    (``_constant_output``) get scale 0 and that value as offset.

    ``bind`` drops the ``floor``: it adds ``B = -(output dtype's minimum)`` (128 for int8)
    to the offset (exact under the same bound, checked there), so the clamp range
    ``[act_min + B, act_max + B]`` is non-negative, and clamps into the output's bytes
    read as unsigned, where the float-to-integer conversion truncates: past the range
    ends both ``floor`` and truncation give the end, inside it the value is not negative
    and truncation is ``floor``. Flipping the top bit of each output value then subtracts
    ``B`` (two's complement). Where that bound fails it keeps the ``floor``.
    """

    def __init__(self, scale: np.ndarray, offset: np.ndarray, act_min: int, act_max: int, zero_point: int,
                 constants: list[int], shifts: list[int], bounds: list[int], rights: list[int]) -> None:
        self.scale, self.offset, self.act_min, self.act_max = scale, offset, act_min, act_max
        self.zero_point = zero_point
        # per channel, in Python ints: T's constant part, the total right shift 31 + r, and
        # the bound on |acc * m| (plus 2**31 for the A < 0 correction); bind re-checks
        # |T| < 2**53 with its own added constant
        self.constants, self.shifts, self.bounds = constants, shifts, bounds
        # the A < 0 correction, where the clamp reaches below the zero point: 2**-r per channel
        self.corrects = act_min < zero_point and any(r >= 1 for r in rights)
        self.delta = np.array([2.0 ** -r if r >= 1 else 0.0 for r in rights], np.float64)

    @classmethod
    def make(cls, stage: quant.OutputStage | quant.Int64OutputStage | None, weights: np.ndarray, channel_axis: int,
             max_abs_input: int, bias: np.ndarray | None) -> FloatOutputStage | None:
        """None where the route does not apply (see the class docstring)."""
        if not isinstance(stage, quant.OutputStage) or stage.general:
            return None
        w = np.abs(np.asarray(weights, np.float64))
        axes = tuple(a for a in range(w.ndim) if a != channel_axis % w.ndim)
        sums = [int(v) for v in w.sum(axis=axes).reshape(-1).tolist()]  # integers, exact in float64
        n = len(sums)
        multipliers = [int(v) for v in np.broadcast_to(stage.multiplier, (n,)).tolist()]
        shifts = [int(v) for v in np.broadcast_to(stage.shift, (n,)).tolist()]
        biases = [0] * n if bias is None else [int(v) for v in np.asarray(bias).reshape(-1).tolist()]
        zp = stage.output_zero_point
        below = (1 << 31) if stage.act_min < zp else 0  # the A < 0 correction's reach
        scale, offset, constants, totals, bounds, rights = [], [], [], [], [], []
        for s, m, shift, b in zip(sums, multipliers, shifts, biases):
            r = -shift
            worst = s * max_abs_input + abs(b)
            constant = b * m + (1 << 30) + ((1 << (30 + r)) if r >= 1 else 0) + zp * (1 << (31 + r))
            if r < 0 or worst >= 2**31:
                return None
            if worst * m + below + abs(constant) >= 2**53:
                value = _constant_output(stage, s * max_abs_input, b, m, shift)
                if value is None:
                    return None
                scale.append(0.0)  # the channel's output is this value whatever the input
                offset.append(float(value))
                constants.append(value)
                totals.append(0)
                bounds.append(0)
                rights.append(0)
                continue
            scale.append(m * 2.0 ** -(31 + r))  # exact: m < 2**31
            offset.append(float(constant) * 2.0 ** -(31 + r))  # exact: |constant| < 2**53
            constants.append(constant)
            totals.append(31 + r)
            bounds.append(worst * m + below)
            rights.append(r)
        return cls(np.array(scale, np.float64), np.array(offset, np.float64), stage.act_min, stage.act_max, zp,
                   constants, totals, bounds, rights)

    def bind(self, sums: np.ndarray, out: np.ndarray, tile: int | None = None) -> Callable[[], None]:
        """A call taking the float sums (rows x channels, without bias; read at every call)
        to the clamped result in ``out`` (same shape, integer dtype).

        Both are viewed as rows of ``TILE`` values or so, whole pixels each, with the
        per-channel constants tiled to match: broadcast along rows of a few channels,
        numpy would run one short inner loop per pixel. With ``tile``, the caller's arrays
        are such rows already, ``tile`` pixels each (views whose rows need not be adjacent)."""
        if tile is None:
            rows, channels = sums.shape
            tile = _row_tile(rows, channels) if sums.flags.c_contiguous and out.flags.c_contiguous else 1
            shape = (rows // tile, tile * channels)
            sums, out = sums.reshape(shape), out.reshape(shape)
        shape = sums.shape
        t = np.empty(shape, np.float64)
        lifted = self.lifted_offset(out.dtype)
        multiply, add = np.multiply, np.add
        if lifted is not None:
            scale, offset = np.tile(self.scale, tile), np.tile(lifted, tile)
            finish = self.bind_lifted_clamp(t, out, tile)

            def run_lifted() -> None:
                multiply(sums, scale, out=t)
                add(t, offset, out=t)
                finish()

            return run_lifted
        scale, offset = np.tile(self.scale, tile), np.tile(self.offset, tile)
        correct = self._bind_correction(t, tile, 0)
        floor, clip, lo, hi = np.floor, quant._clip, self.act_min, self.act_max

        def run() -> None:
            multiply(sums, scale, out=t)
            add(t, offset, out=t)
            correct()
            floor(t, out=t)
            clip(t, lo, hi, out=out, casting="unsafe")

        return run

    def lifted_offset(self, dtype: np.dtype) -> np.ndarray | None:
        """Per channel ``offset + B`` (``B = -min`` of ``dtype``, see the class docstring), or
        None where ``|T + B * 2**(31+r)|`` could reach 2**53 and the sums would not be exact."""
        lift = -int(np.iinfo(dtype).min)
        if not all(abs(c + (lift << k)) + b < 2**53 for c, k, b in zip(self.constants, self.shifts, self.bounds)):
            return None
        return np.array([float(c + (lift << k)) * 2.0 ** -k for c, k in zip(self.constants, self.shifts)])

    def bind_lifted_clamp(self, t: np.ndarray, out: np.ndarray, tile: int = 1) -> Callable[[], None]:
        """A call taking ``t = sums * scale + lifted_offset`` (float64, read at every call,
        overwritten; ``tile`` pixels per row of channels) to the clamped result in ``out``
        (same shape): the ``A < 0`` correction where needed, the clamp into the output's
        bytes read as unsigned, which truncates (``floor`` there), then the flip of the top
        bit (``- B`` in two's complement)."""
        lift = -int(np.iinfo(out.dtype).min)
        lo, hi = self.act_min + lift, self.act_max + lift
        unsigned = out.view(np.dtype(f"u{out.dtype.itemsize}"))
        flip = unsigned.dtype.type(lift)
        clip, xor, copyto = quant._clip, np.bitwise_xor, np.copyto
        correct = self._bind_correction(t, tile, lift)
        if out.dtype.itemsize == 1 and self.lifted_reach(lift) < 2**15:
            # |t| < 2**15: converting to int16 truncates every value exactly (in range), and
            # truncation then the clamp to [lo, hi] (lo >= 0) is floor then the clamp, as above;
            # the int16 clamp moves a quarter of the bytes the float64 one reads
            narrow = np.empty(t.shape, np.int16)
            lo16, hi16 = np.int16(lo), np.int16(hi)

            def run_narrow() -> None:
                correct()
                copyto(narrow, t, casting="unsafe")
                clip(narrow, lo16, hi16, out=unsigned, casting="unsafe")
                xor(unsigned, flip, out=unsigned)  # - lift, in two's complement

            return run_narrow

        def run() -> None:
            correct()
            clip(t, lo, hi, out=unsigned, casting="unsafe")  # truncates: floor here
            xor(unsigned, flip, out=unsigned)  # - lift, in two's complement

        return run

    def lifted_reach(self, lift: int) -> int:
        """A bound on ``|t|`` (``t = sums * scale`` plus the offset lifted by ``lift``, and the
        ``A < 0`` correction, at most 1) over every input the layer can see, from the per-channel
        bounds in Python integers: ``(|acc * m| + |constant + lift * 2**(31+r)|) / 2**(31+r) + 1``."""
        return max((((b + abs(c + (lift << k))) >> k) + 2 for c, k, b in zip(self.constants, self.shifts, self.bounds)),
                   default=0)

    def _bind_correction(self, t: np.ndarray, tile: int, lift: int) -> Callable[[], None]:
        """The ``A < 0`` correction on ``t`` (offset lifted by ``lift``): ``- 2**-r`` where
        ``t < zp + lift + 1/2``; nothing where the clamp does not reach below the zero point."""
        if not self.corrects:
            return _nothing
        threshold = float(self.zero_point + lift) + 0.5
        delta = np.tile(self.delta, tile)
        negative = np.empty(t.shape, np.bool_)
        step = np.empty(t.shape, np.float64)
        less, multiply, subtract = np.less, np.multiply, np.subtract

        def run() -> None:  # (subtract's where= is ~20x slower than these three passes)
            less(t, threshold, out=negative)
            multiply(negative, delta, out=step)
            subtract(t, step, out=t)

        return run


def _nothing() -> None:
    pass


def _constant_output(stage: quant.OutputStage, reach: int, bias: int, multiplier: int, shift: int) -> int | None:
    """The clamped output of a channel whose accumulator stays within ``bias +- reach`` when
    that output is the same at both ends (TFLM's rescale is monotone in the accumulator,
    so it is then the same everywhere between), else None.

    Converter-made models have such channels: weights of almost nothing, a large bias and
    a shift of -31 (VWW's later layers), whose ``T`` of ``FloatOutputStage`` is far beyond
    2**53 though every output is the same clamp end."""
    ends = np.array([bias - reach, bias + reach], np.int64)
    scaled = quant.multiply_by_quantized_multiplier(ends, multiplier, shift) + stage.output_zero_point
    lo, hi = (int(v) for v in np.clip(scaled, stage.act_min, stage.act_max).tolist())
    return lo if lo == hi else None


#: values per row the output stages aim for: long enough that numpy's per-row cost is small,
#: short enough that the tiled constants stay in the L1 cache
TILE = 1024


def _row_tile(rows: int, channels: int) -> int:
    """The largest divisor of ``rows`` that keeps ``tile * channels`` within ``TILE`` (at least 1)."""
    best = 1
    for d in range(1, max(1, TILE // max(channels, 1)) + 1):
        if rows % d == 0:
            best = d
    return best


def exact_float_dtype(weights: np.ndarray, channel_axis: int, max_abs_input: int) -> type:
    """The float type in which this integer convolution's sums are exact, whatever order
    they are added in: float32 when every output channel's ``sum |w| * max|x - zp|``
    (a bound on every partial sum) is below 2**24, else float64 (exact below 2**53).

    float32 halves the memory the im2col buffer and the sums move, and BLAS's sgemm
    is faster than its dgemm; an FMA inside BLAS cannot round either, since every
    exact intermediate is an integer the type represents."""
    w = np.abs(np.asarray(weights, np.float64))
    axes = tuple(a for a in range(w.ndim) if a != channel_axis % w.ndim)
    worst = float(w.sum(axis=axes).max(initial=0.0)) * float(max_abs_input)
    return np.float32 if worst < 2.0**24 else np.float64


def fold_input_zero_point(weights: np.ndarray, channel_axis: int, bias: np.ndarray | None, zero_point: int,
                          dtype: np.dtype) -> tuple[np.ndarray, int]:
    """``(bias - zero_point * sum(w), max |x|)`` per output channel: what a convolution that
    sums the *raw* input against its weights (a buffer holding ``x`` itself, its padding
    holding ``zero_point``) adds and how far its input reaches.

    ``sum w * (x - zp) + bias`` is ``sum w * x + (bias - zp * sum w)`` over every tap, and a
    padded tap (``x = zp`` in the buffer) adds ``w * zp - w * zp = 0`` there, as TFLM's
    skipping it does: the same integer accumulator, so a stage fed ``sums + folded bias``
    rescales exactly what TFLM rescales. The buffer is then loaded with a plain cast of
    ``x`` (about a third of the cost of subtracting the zero point on the way). The raw
    sums stay exact in the buffer's float type: every value in the buffer (``x`` or ``zp``)
    is at most ``max |x|`` of the dtype (128 for int8), which is at most ``max |x - zp|``,
    the reach ``exact_float_dtype`` chose that type by."""
    w = np.asarray(weights, np.float64)
    axes = tuple(a for a in range(w.ndim) if a != channel_axis % w.ndim)
    sums = w.sum(axis=axes).reshape(-1).astype(np.int64)  # integers, exact in float64
    base = np.zeros(sums.shape, np.int64) if bias is None else np.asarray(bias, np.int64).reshape(-1)
    lo, hi = quant.dtype_range(dtype)
    return base - int(zero_point) * sums, max(abs(lo), abs(hi))


def max_abs_input(dtype: np.dtype, zero_point: int) -> int:
    """The largest ``|x - zero_point|`` an input of this integer dtype can hold."""
    lo, hi = quant.dtype_range(dtype)
    return max(abs(lo - zero_point), abs(hi - zero_point))


def add_bias_and_clamp(total: np.ndarray, bias: np.ndarray | None, act_min: float, act_max: float) -> np.ndarray:
    """The float32 output stage of CONV_2D and DEPTHWISE_CONV_2D: ``total + bias``
    (``+ 0.0f`` without a bias, as TFLM adds its zero default), then the clamp."""
    return quant.clamp_float(total + (bias if bias is not None else np.float32(0.0)), act_min, act_max)


def bind_bias_and_clamp(total: np.ndarray, bias: np.ndarray | None, act_min: float, act_max: float,
                        out: np.ndarray) -> Callable[[], None]:
    """``add_bias_and_clamp`` as a call on buffers allocated here: ``total`` (float32, read at
    every call, overwritten) ``+ bias`` (``+ 0.0f`` without one), the clamp, stored in
    ``out`` (same shape).

    The clamp is ``np.maximum`` / ``np.minimum``, which agree with TFLM's
    ``std::min(std::max(v, lo), hi)`` on every value but -0.0 (numpy's SIMD maximum may
    return +0.0 for it; ``quant.clamp_float`` uses comparisons for that reason, at many
    times the cost): NaN passes through both, an infinity becomes the bound. -0.0 cannot
    occur here: ``total`` is a running float sum that started at +0.0 (TFLM's loops;
    ``float_dot``, the tap loops), and a round-to-nearest sum is -0.0 only when both terms
    are, so neither ``total`` nor ``total + bias`` is -0.0."""
    add_on = bias if bias is not None else np.float32(0.0)
    lo, hi = np.float32(act_min), np.float32(act_max)

    def run() -> None:  # (the full range of NONE is +-FLT_MAX: an inf is clamped too, as in TFLM)
        np.add(total, add_on, out=total)
        np.maximum(total, lo, out=total)
        np.minimum(total, hi, out=out)

    return run


def conv_memory(node: Node, channel_dim: int) -> OpMemory:
    """CONV_2D's and DEPTHWISE_CONV_2D's memory (TFLM conv.cc / depthwise_conv.cc
    Prepare): temporaries for output, input and filter, per-channel multiplier and
    shift arrays, temporaries again for the common prepare, a scratch buffer to unpack
    int4 filters. The C twin keeps per-channel multiplier and shift arrays for
    quantized 4-D filters. ``channel_dim``: the filter's output-channel dimension."""
    x, w = node.inputs[0], node.input(1)
    channels = w.shape[channel_dim]
    tflm = (*temps(node, (), (0,)), *temps(node, (0, 1)), *persist(4 * channels, 4 * channels),
            *temps(node, (0, 1, 2), (0,)))
    quantized = x is not None and x.type_name != "FLOAT32" and len(w.shape) == 4
    return OpMemory(scratch=(w.size,) if w.type_name == "INT4" else (), tflm_prepare=tflm,
                    c_arrays=(4 * channels, 4 * channels) if quantized else (), c_overlap=c_overlap(node))


def c_overlap(node: Node) -> tuple[int, int] | None:
    """The C twins' ``mi_allow_overlap`` (``mi_conv_overlap`` in mi_convolution.c):
    every path of mi_conv_2d.c and mi_depthwise_conv_2d.c writes output pixels in
    row-major order from the taps inside the image, so the output may start
    ``overlap.window_overlap`` bytes before input 0 (when that is less than its
    size). ``None`` where the C prepare would refuse the shapes (nothing to size
    then)."""
    x, w, y = node.inputs[0], node.input(1), node.output(0)
    if node.op.inputs[0] in node.op.inputs[1:3]:
        return None  # the filter or bias (read throughout) is the input itself
    if x is None or len(x.shape) != 4 or len(w.shape) != 4 or len(y.shape) != 4 or x.size == 0 or y.size == 0:
        return None
    opts = node.options
    stride = (int(opts.stride_h), int(opts.stride_w))
    dilation = (int(opts.dilation_h_factor), int(opts.dilation_w_factor))
    if min(stride) <= 0 or min(dilation) <= 0:
        return None
    pad, _, _ = compute_padding_height_width(*stride, *dilation, x.shape[1], x.shape[2], w.shape[1], w.shape[2],
                                             int(opts.padding))
    batches, in_h, in_w, in_c = x.shape
    _, out_h, out_w, out_c = y.shape
    distance = window_overlap(batches, in_h, in_w, in_c * x.dtype.itemsize, out_h, out_w, out_c * y.dtype.itemsize,
                              *stride, pad.height, pad.width)
    # (an output that must start its whole size before the input gains nothing)
    return None if distance is None or distance >= y.nbytes else (0, distance)
