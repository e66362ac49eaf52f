"""The whole arithmetic of one output element of one op, step by step.

Why it exists: the question TFLM users ask most after "how big is my arena" is
"why does my output differ by one from TFLite's?". The answer is almost always
in the output stage: TFLM's reference kernels rescale the int32 accumulator
with *double rounding* (``SaturatingRoundingDoublingHighMul`` then
``RoundingDivideByPOT``), while LiteRT's optimized kernels and CMSIS-NN's
``CMSIS_NN_USE_SINGLE_ROUNDING`` mode round once. ``explain`` prints every value
an element goes through -- the inputs it reads (quantized and real), the
accumulation, the bias, the multiplier and shift with the real factor they
encode, each rounding step, the clamp -- and what single rounding would have
given, naming the TFLM and LiteRT functions that do each step.

The explanation is recomputed here from the model's quantization parameters
through the same shared helpers the kernels call (``convolution.window``,
``elementwise.general_rescaling``, ``quant.*``), and its final value is checked
against the interpreter's own output element, so a wrong explanation cannot
pass silently (``Explanation.matches``).

Explained: the int8 paths of CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, ADD,
MUL, AVERAGE_POOL_2D and SOFTMAX. Other ops and dtypes say so plainly.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from . import quant
from .context import Node
from .errors import InputError, MicrointerpError
from .interpreter import Interpreter
from .kernels import convolution, elementwise
from .kernels.softmax import ACCUMULATION_INTEGER_BITS, SCALED_DIFF_INTEGER_BITS

#: terms of a long sum listed one by one before "... and N more"
SHOWN_TERMS = 6


@dataclass(frozen=True)
class Step:
    """One value in the computation: what it is, the value, and who computes it."""

    what: str
    value: str
    tflm: str = ""
    litert: str = ""


@dataclass
class Explanation:
    """The steps of one output element, its final value and the interpreter's."""

    op_index: int
    op_name: str
    element: tuple[int, ...]
    steps: list[Step] = field(default_factory=list)
    result: int = 0
    single_rounding: int | None = None
    interpreter_value: int = 0

    @property
    def matches(self) -> bool:
        """The explained value is the value the interpreter computed (a self-check)."""
        return self.result == self.interpreter_value

    def add(self, what: str, value: object, tflm: str = "", litert: str = "") -> None:
        self.steps.append(Step(what, str(value), tflm, litert))

    def lines(self) -> list[str]:
        """The explanation as text, one step per line, functions in brackets."""
        out = [f"op #{self.op_index} {self.op_name}, output element {list(self.element)}"]
        width = max((len(s.what) for s in self.steps), default=0)
        for s in self.steps:
            who = " / ".join(x for x in (f"TFLM {s.tflm}" if s.tflm else "",
                                         f"LiteRT {s.litert}" if s.litert else "") if x)
            out.append(f"  {s.what.ljust(width)}  {s.value}" + (f"   [{who}]" if who else ""))
        verdict = "equals" if self.matches else "DIFFERS FROM"
        out.append(f"  result {self.result} {verdict} the interpreter's output element ({self.interpreter_value})")
        if self.single_rounding is not None:
            if self.single_rounding == self.result:
                out.append("  single rounding (CMSIS-NN CMSIS_NN_USE_SINGLE_ROUNDING, LiteRT optimized kernels) "
                           "gives the same value here")
            else:
                out.append(f"  single rounding would give {self.single_rounding} instead: this element is one of "
                           "those where TFLM and TFLite differ by one")
        return out


# --------------------------------------------------------------------------- the output stage


def _plus(v: int) -> str:
    """``+ 5`` or ``- 5``: how an offset reads inside a formula."""
    return f"+ {v}" if v >= 0 else f"- {-v}"


def _real(q: int, scale: float, zero_point: int) -> str:
    return f"{(q - zero_point) * scale:.6g}"


def single_rounding(x: int, multiplier: int, shift: int) -> int:
    """``MultiplyByQuantizedMultiplier`` with one rounding (TFLite's
    ``TFLITE_SINGLE_ROUNDING``, CMSIS-NN's ``CMSIS_NN_USE_SINGLE_ROUNDING``):
    ``(x * m + 2**(30 - shift)) >> (31 - shift)``, ``shift`` > 0 meaning left."""
    total = 31 - shift
    return (x * multiplier + (1 << (total - 1))) >> total


def _multiplier_steps(e: Explanation, real: float, multiplier: int, shift: int, source: str) -> None:
    m_real = multiplier / 2**31
    e.add("real multiplier", f"{source} = {real:.9g} = {m_real:.9f} * 2^{shift}",
          "QuantizeMultiplier (at prepare)", "QuantizeMultiplier")
    e.add("quantized multiplier, shift", f"{multiplier} (Q0.31 of {m_real:.9f}), shift {shift}")


def _rescale(e: Explanation, acc: int, multiplier: int, shift: int) -> int:
    """Double rounding step by step (TFLM's ``MultiplyByQuantizedMultiplier``)."""
    left, right = max(shift, 0), max(-shift, 0)
    x = int(quant.wrap_int32(np.int64(acc) << left)) if left else acc
    if left:
        e.add(f"x << {left} (wraps to int32)", x)
    high = int(quant.saturating_rounding_doubling_high_mul(np.int64(x), np.int64(multiplier)))
    e.add("high = (x*m + 2^30) >> 31", f"{high}   (x*m = {x * multiplier})",
          "SaturatingRoundingDoublingHighMul", "gemmlowp::SaturatingRoundingDoublingHighMul")
    if right:
        mask = (1 << right) - 1
        remainder = high & mask
        threshold = (mask >> 1) + (1 if high < 0 else 0)
        scaled = int(quant.rounding_divide_by_pot(np.int64(high), right))
        direction = "up" if remainder > threshold else "down"
        e.add(f"round(high / 2^{right})", f"{scaled}   (remainder {remainder}, threshold {threshold}: "
              f"rounds {direction}, ties away from zero)", "RoundingDivideByPOT", "gemmlowp::RoundingDivideByPOT")
    else:
        scaled = high
    check = int(quant.multiply_by_quantized_multiplier(np.int64(acc), multiplier, shift))
    if check != scaled:  # pragma: no cover - the steps above are the definition
        raise MicrointerpError(f"internal: step-by-step rescale {scaled} != quant's {check}")
    return scaled


def _output_stage(e: Explanation, acc: int, multiplier: int, shift: int, real: float, source: str,
                  out_zp: int, act_min: int, act_max: int, out_scale: float) -> None:
    _multiplier_steps(e, real, multiplier, shift, source)
    e.add("exact real product", f"{acc} * {real:.9g} = {acc * real:.6f} (what the rounding approximates)")
    scaled = _rescale(e, acc, multiplier, shift)
    e.single_rounding = int(np.clip(single_rounding(acc, multiplier, shift) + out_zp, act_min, act_max))
    e.add("+ output zero point", f"{scaled} {_plus(out_zp)} = {scaled + out_zp}")
    e.result = int(np.clip(scaled + out_zp, act_min, act_max))
    e.add("clamp to activation range", f"[{act_min}, {act_max}] -> {e.result}   "
          f"(real {_real(e.result, out_scale, out_zp)})", "CalculateActivationRangeQuantized")


# --------------------------------------------------------------------------- per op


def _conv_like(e: Explanation, node: Node, x: np.ndarray, depthwise: bool) -> None:
    xt, wt, yt = node.input(0), node.input(1), node.output(0)
    bias_t = node.optional_input(2)
    w = np.asarray(wt.data, np.int64)
    kh, kw = (w.shape[1], w.shape[2])
    win = convolution.window(node, xt, yt, (kh, kw))
    b, oy, ox, oc = e.element
    out_c = yt.shape[3]
    if depthwise:
        multiplier_dm = out_c // xt.shape[3]
        channels = [oc // multiplier_dm]
        weight = lambda fy, fx, k: w[0, fy, fx, oc]  # noqa: E731
    else:
        filter_c = w.shape[3]
        group = oc // (out_c // (xt.shape[3] // filter_c))
        channels = [group * filter_c + k for k in range(filter_c)]
        weight = lambda fy, fx, k: w[oc, fy, fx, k]  # noqa: E731
    in_zp, in_scale = xt.zero_point, float(xt.scale)
    w_scale = float(wt.quant.scale[oc if wt.quant.scale.size > 1 else 0])
    e.add("window", f"{kh}x{kw} filter, stride {win.stride_h}x{win.stride_w}, dilation "
          f"{win.dilation_h}x{win.dilation_w}, padding top {win.pad_top} left {win.pad_left}")
    e.add("input", f"scale {in_scale:.6g}, zero point {in_zp} (input offset {-in_zp})")
    e.add(f"filter channel {oc}", f"scale {w_scale:.6g} (its zero point is ignored, as in TFLM)")
    acc, terms, outside = 0, [], 0
    for fy in range(kh):
        for fx in range(kw):
            iy = oy * win.stride_h - win.pad_top + fy * win.dilation_h
            ix = ox * win.stride_w - win.pad_left + fx * win.dilation_w
            if not (0 <= iy < win.in_h and 0 <= ix < win.in_w):
                outside += len(channels)
                continue
            for k, ic in enumerate(channels):
                xv, wv = int(x[b, iy, ix, ic]), int(weight(fy, fx, k))
                acc += wv * (xv - in_zp)
                terms.append(f"w[{fy},{fx},{k}]={wv} * (x[{iy},{ix},{ic}]={xv} {_plus(-in_zp)})")
    _sum_steps(e, terms, outside, acc, "reference_integer_ops::" + ("DepthwiseConvPerChannel" if depthwise
                                                                   else "ConvPerChannel"),
               "optimized_integer_ops::" + ("DepthwiseConvPerChannel" if depthwise else "ConvPerChannel"))
    acc = _bias(e, acc, bias_t, oc)
    real = in_scale * w_scale / float(yt.scale)
    mult, shift, act_min, act_max = convolution.quantized_output_params(
        node, xt, wt, yt, out_c, int(node.options.fused_activation_function))
    _output_stage(e, acc, int(mult[oc]), int(shift[oc]), real, "s_in * s_filter / s_out", yt.zero_point,
                  act_min, act_max, float(yt.scale))


def _sum_steps(e: Explanation, terms: Sequence[str], outside: int, acc: int, tflm: str, litert: str) -> None:
    for t in terms[:SHOWN_TERMS]:
        e.add("  term", t)
    if len(terms) > SHOWN_TERMS:
        e.add("  ...", f"and {len(terms) - SHOWN_TERMS} more terms")
    if outside:
        e.add("  padding", f"{outside} taps fall outside the image and add nothing")
    e.add("accumulator (int32)", acc, tflm, litert)


def _bias(e: Explanation, acc: int, bias_t: object, index: int) -> int:
    if bias_t is None:
        e.add("bias", "none")
        return acc
    bias = int(np.asarray(bias_t.data, np.int64).reshape(-1)[index])  # type: ignore[attr-defined]
    e.add(f"+ bias[{index}]", f"{acc} {_plus(bias)} = {acc + bias}")
    return acc + bias


def _conv(e: Explanation, node: Node, ins: list[np.ndarray]) -> None:
    _conv_like(e, node, ins[0], depthwise=False)


def _depthwise(e: Explanation, node: Node, ins: list[np.ndarray]) -> None:
    _conv_like(e, node, ins[0], depthwise=True)


def _fully_connected(e: Explanation, node: Node, ins: list[np.ndarray]) -> None:
    xt, wt, yt = node.input(0), node.input(1), node.output(0)
    depth = int(wt.shape[-1])
    row = e.element[-1]
    batch = int(np.ravel_multi_index(e.element[:-1], yt.shape[:-1])) if len(e.element) > 1 else 0
    x = np.asarray(ins[0]).reshape(-1, depth)[batch]
    w = np.asarray(wt.data, np.int64).reshape(-1, depth)[row]
    per_channel = wt.quant.scale.size > 1
    w_zp = 0 if per_channel else wt.zero_point
    w_scale = float(wt.quant.scale[row if per_channel else 0])
    e.add("input", f"scale {float(xt.scale):.6g}, zero point {xt.zero_point} (input offset {-xt.zero_point})")
    e.add(f"weights row {row}", f"scale {w_scale:.6g}, zero point {w_zp} (weights offset {-w_zp})")
    terms, acc = [], 0
    for k in range(depth):
        acc += (int(w[k]) - w_zp) * (int(x[k]) - xt.zero_point)
        terms.append(f"(w[{k}]={int(w[k])} {_plus(-w_zp)}) * (x[{k}]={int(x[k])} {_plus(-xt.zero_point)})")
    _sum_steps(e, terms, 0, acc, "reference_integer_ops::FullyConnected", "optimized_integer_ops::FullyConnected")
    acc = _bias(e, acc, node.optional_input(2), row)
    real = float(xt.scale) * w_scale / float(yt.scale)
    mult, shift = quant.quantize_multiplier(real)
    qmin, qmax = quant.dtype_range(yt.dtype)
    act = int(node.options.fused_activation_function) if node.options is not None else quant.ACT_NONE
    act_min, act_max = quant.activation_range_quantized(act, qmin, qmax, yt.scale, yt.zero_point)
    _output_stage(e, acc, mult, shift, real, "s_in * s_weights / s_out", yt.zero_point, act_min, act_max,
                  float(yt.scale))


def _broadcast_value(a: np.ndarray, out_shape: tuple[int, ...], element: tuple[int, ...]) -> int:
    return int(np.broadcast_to(a.reshape((1,) * (len(out_shape) - a.ndim) + a.shape), out_shape)[element])


def _add(e: Explanation, node: Node, ins: list[np.ndarray]) -> None:
    a_t, b_t, y_t = node.input(0), node.input(1), node.output(0)
    left, m1, s1, m2, s2, mo, so = elementwise.general_rescaling(node, a_t, b_t, y_t)
    e.add("left shift of both inputs", f"{left} (headroom for the rescaled sum)", "PrepareGeneralSubOrAdd")
    scaled = []
    for k, (t, m, s) in enumerate(((a_t, m1, s1), (b_t, m2, s2))):
        q = _broadcast_value(np.asarray(ins[k]), y_t.shape, e.element)
        shifted = (q - t.zero_point) << left
        e.add(f"input {k + 1}", f"{q} (real {_real(q, float(t.scale), t.zero_point)}): ({q} {_plus(-t.zero_point)}) "
              f"<< {left} = {shifted}")
        v = int(quant.multiply_by_quantized_multiplier_smaller_than_one_exp(np.int64(shifted), m, s))
        e.add(f"  * multiplier {m} shift {s}", v, "MultiplyByQuantizedMultiplierSmallerThanOneExp")
        scaled.append(v)
    raw = scaled[0] + scaled[1]
    e.add("raw sum", f"{scaled[0]} + {scaled[1]} = {raw}", "reference_integer_ops::Add", "optimized_integer_ops::Add")
    act_min, act_max = elementwise.activation_range(y_t.type_name, elementwise.activation_of(node), y_t)
    real = 1.0 / ((1 << left) * float(y_t.scale) / (2 * max(float(a_t.scale), float(b_t.scale))))
    _output_stage(e, raw, mo, so, real, "2 * max(s1, s2) / (2^left_shift * s_out)", y_t.zero_point,
                  int(act_min), int(act_max), float(y_t.scale))


def _mul(e: Explanation, node: Node, ins: list[np.ndarray]) -> None:
    a_t, b_t, y_t = node.input(0), node.input(1), node.output(0)
    qa = _broadcast_value(np.asarray(ins[0]), y_t.shape, e.element)
    qb = _broadcast_value(np.asarray(ins[1]), y_t.shape, e.element)
    e.add("input 1", f"{qa} (real {_real(qa, float(a_t.scale), a_t.zero_point)}), offset {-a_t.zero_point}")
    e.add("input 2", f"{qb} (real {_real(qb, float(b_t.scale), b_t.zero_point)}), offset {-b_t.zero_point}")
    product = (qa - a_t.zero_point) * (qb - b_t.zero_point)
    e.add("product", f"({qa} {_plus(-a_t.zero_point)}) * ({qb} {_plus(-b_t.zero_point)}) = {product}",
          "reference_integer_ops::Mul", "optimized_integer_ops::Mul")
    real = float(a_t.scale) * float(b_t.scale) / float(y_t.scale)
    mult, shift = quant.quantize_multiplier(real)
    act_min, act_max = elementwise.activation_range(y_t.type_name, elementwise.activation_of(node), y_t)
    _output_stage(e, product, mult, shift, real, "s1 * s2 / s_out", y_t.zero_point, int(act_min), int(act_max),
                  float(y_t.scale))


def _average_pool(e: Explanation, node: Node, ins: list[np.ndarray]) -> None:
    xt, yt = node.input(0), node.output(0)
    opts = node.options
    b, oy, ox, c = e.element
    pad_h = int(max(0, ((yt.shape[1] - 1) * opts.stride_h + opts.filter_height - xt.shape[1]) // 2))
    pad_w = int(max(0, ((yt.shape[2] - 1) * opts.stride_w + opts.filter_width - xt.shape[2]) // 2))
    x = np.asarray(ins[0])
    total, count, terms = 0, 0, []
    for fy in range(opts.filter_height):
        for fx in range(opts.filter_width):
            iy, ix = oy * opts.stride_h - pad_h + fy, ox * opts.stride_w - pad_w + fx
            if 0 <= iy < xt.shape[1] and 0 <= ix < xt.shape[2]:
                total += int(x[b, iy, ix, c])
                count += 1
                terms.append(f"x[{iy},{ix},{c}]={int(x[b, iy, ix, c])}")
    _sum_steps(e, terms, opts.filter_height * opts.filter_width - count, total,
               "reference_integer_ops::AveragePool", "optimized_integer_ops::AveragePool")
    half = count // 2
    avg = (total + half) // count if total > 0 else -((-total + half) // count)
    e.add("rounded average", f"({total} {'+' if total > 0 else '-'} {half}) / {count} = {avg}   "
          "(C division truncates toward zero; no multiplier: input and output share scale and zero point)")
    qmin, qmax = quant.dtype_range(yt.dtype)
    act_min, act_max = quant.activation_range_quantized(int(opts.fused_activation_function), qmin, qmax,
                                                        yt.scale, yt.zero_point)
    e.result = int(np.clip(avg, act_min, act_max))
    e.add("clamp to activation range", f"[{act_min}, {act_max}] -> {e.result}   "
          f"(real {_real(e.result, float(yt.scale), yt.zero_point)})")


def _softmax(e: Explanation, node: Node, ins: list[np.ndarray]) -> None:
    xt, yt = node.input(0), node.output(0)
    if yt.type_name != "INT8":
        raise MicrointerpError("explain: SOFTMAX is explained for int8 -> int8 only")
    depth = int(xt.shape[-1])
    row_index = int(np.ravel_multi_index(e.element[:-1], xt.shape[:-1])) if len(e.element) > 1 else 0
    row = np.asarray(ins[0], np.int64).reshape(-1, depth)[row_index]
    beta = float(node.options.beta)
    mult, left = quant.preprocess_softmax_scaling(beta, float(xt.scale), SCALED_DIFF_INTEGER_BITS)
    diff_min = -quant.calculate_input_radius(SCALED_DIFF_INTEGER_BITS, left)
    e.add("input multiplier", f"beta * s_in * 2^(31-{SCALED_DIFF_INTEGER_BITS}) -> {mult}, left shift {left}",
          "PreprocessSoftmaxScaling")
    e.add("diff_min", f"{diff_min} (differences below it contribute nothing)", "CalculateInputRadius")
    diff = row - row.max()
    e.add("row maximum", int(row.max()))
    used = diff >= diff_min
    rescaled = quant.multiply_by_quantized_multiplier_greater_than_one(diff, mult, left)
    exp_q0 = quant.gemmlowp_exp_on_negative_values(rescaled, SCALED_DIFF_INTEGER_BITS)
    exp_acc = quant.saturating_rounding_multiply_by_pot(exp_q0, -ACCUMULATION_INTEGER_BITS)
    total = int(quant.wrap_int32(np.where(used, exp_acc, 0).sum()))
    k = e.element[-1]
    e.add(f"x[{k}] - max", f"{int(diff[k])} -> Q5.26 {int(rescaled[k])}",
          "MultiplyByQuantizedMultiplierGreaterThanOne")
    e.add("exp in Q0.31", int(exp_q0[k]), "gemmlowp::exp_on_negative_values")
    e.add("sum of exps in Q12.19", f"{total} (over {int(used.sum())} of {depth} values)")
    scale, bits = quant.get_reciprocal(np.array([total], np.int64), ACCUMULATION_INTEGER_BITS)
    e.add("1 / sum", f"{int(scale[0])}, num_bits_over_unit {int(bits[0])}", "GetReciprocal")
    exponent = int(bits[0]) + 31 - 8
    unsat = int(quant.rounding_divide_by_pot(
        quant.saturating_rounding_doubling_high_mul(np.int64(scale[0]), np.int64(exp_q0[k])), exponent))
    e.add("exp * (1/sum), / 2^" + str(exponent), unsat, "SaturatingRoundingDoublingHighMul + RoundingDivideByPOT")
    e.result = int(np.clip(unsat - 128, -128, 127)) if used[k] else -128
    e.add("+ output zero point -128, clamp", f"{e.result}   (real {_real(e.result, float(yt.scale), -128)})",
          "reference_ops::Softmax")


#: op name -> explainer; every one is for int8 tensors
EXPLAINERS: dict[str, Callable[[Explanation, Node, list[np.ndarray]], None]] = {
    "ADD": _add,
    "AVERAGE_POOL_2D": _average_pool,
    "CONV_2D": _conv,
    "DEPTHWISE_CONV_2D": _depthwise,
    "FULLY_CONNECTED": _fully_connected,
    "MUL": _mul,
    "SOFTMAX": _softmax,
}


def explain(it: Interpreter, op_index: int, element: Sequence[int] | None = None) -> Explanation:
    """Explain output ``element`` (default: the first) of operator ``op_index`` of an
    interpreter that ran with ``preserve_all_tensors=True`` and has been invoked."""
    if not 0 <= op_index < len(it.nodes):
        raise InputError(f"explain: op {op_index} is out of range: the model has {len(it.nodes)} operators "
                         f"(0..{len(it.nodes) - 1})")
    node = it.nodes[op_index]
    explainer = EXPLAINERS.get(node.name)
    out = node.output(0)
    if explainer is None or out.type_name != "INT8":
        raise MicrointerpError(f"explain has no explanation yet for op #{op_index} {node.name} "
                               f"({out.type_name} output); it explains the int8 paths of {', '.join(EXPLAINERS)}")
    element = tuple(int(v) for v in (element if element is not None else (0,) * len(out.shape)))
    if len(element) != len(out.shape) or any(not 0 <= v < d for v, d in zip(element, out.shape)):
        raise InputError(f"explain: element {list(element)} is not inside the output shape {list(out.shape)}")
    ins = [it.get_tensor(t.index) if t is not None else None for t in node.inputs]
    e = Explanation(op_index, node.name, element)
    explainer(e, node, ins)  # type: ignore[arg-type]
    e.interpreter_value = int(it.get_tensor(out.index)[element])
    return e
