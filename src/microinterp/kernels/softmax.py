"""SOFTMAX (TFLM: kernels/softmax.cc + softmax_common.cc, reference
``reference_ops::Softmax`` (float and int8 in) and ``SoftmaxInt16``;
C twin: firmware/src/kernels/mi_softmax.c).

Supported as TFLM supports it, over the last dimension:

* float32: ``max`` (NaN-ignoring ``std::max``), ``expf((x - max) * beta)``
  in float32 through the C library's ``expf``, a sequential float32 sum,
  then ``e / sum``.
* int8 -> int8 (output scale exactly 1/256, zero point -128) and int8 ->
  int16 (scale ~1/65536, zero point -32768): gemmlowp fixed point. The input
  difference to the row maximum is rescaled by ``PreprocessSoftmaxScaling``
  into Q5.26, differences below ``diff_min`` contribute nothing, exps are
  summed in Q12.19 and the sum is inverted with ``GetReciprocal``.
* int16 -> int16 (zero points 0, output scale ~1/32768): TFLM's two
  513-entry interpolation tables (exp on [-10, 0] and 1/(1+x) on [0, 1]),
  built in ``prepare`` with TFLM's float32 ``LUTPopulate``.

TFLM aborts (``TFLITE_CHECK``) when an int8 row's sum of exps needs a shift
outside [0, 31] (more than ~512 equal maxima for int8 output); microinterp
raises a ``KernelError`` in that case instead of returning garbage.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .. import fdlibm, quant
from ..context import Node, Registration
from ..errors import KernelError
from ..memory.declaration import KernelMemory, OpMemory, c_struct, persist, temps

INPUT, OUTPUT = 0, 0

#: Q-format integer bits of gemmlowp's softmax: scaled differences (Q5.26), sum of exps (Q12.19)
SCALED_DIFF_INTEGER_BITS = 5
ACCUMULATION_INTEGER_BITS = 12


@dataclass(frozen=True)
class OpData:
    kind: str  # "float32", "int8" (int8 or int16 output), "int16"
    depth: int
    beta: np.float32
    input_multiplier: int
    input_left_shift: int
    diff_min: int
    out_bits: int
    out_min: int
    out_max: int
    exp_lut: np.ndarray | None
    one_over_one_plus_x_lut: np.ndarray | None
    # int8 input: the row difference x - max takes only 256 values (0, -1, ..., -255), so
    # every per-element fixed-point step that depends on it alone is tabulated in
    # prepare, indexed by -diff: exp in Q0.31, and its Q12.19 summand (0 below diff_min).
    exp_q0_by_diff: np.ndarray | None = None
    exp_acc_by_diff: np.ndarray | None = None


def _int8_exp_tables(multiplier: int, left_shift: int, diff_min: int) -> tuple[np.ndarray, np.ndarray]:
    """The per-difference steps of the int8 softmax for every difference 0..-255, computed
    with the same ``quant`` functions the rows would run through."""
    diff = -np.arange(256, dtype=np.int64)
    rescaled = quant.multiply_by_quantized_multiplier_greater_than_one(diff, multiplier, left_shift)
    exp_q0 = quant.gemmlowp_exp_on_negative_values(rescaled, SCALED_DIFF_INTEGER_BITS)
    exp_acc = quant.saturating_rounding_multiply_by_pot(exp_q0, -ACCUMULATION_INTEGER_BITS)  # Rescale<12>
    return exp_q0, np.where(diff >= diff_min, exp_acc, 0)


def _near(value: float, target: np.float32, epsilon: np.float32) -> bool:
    """TFLM ``TF_LITE_ENSURE_NEAR`` on floats: |value - target| <= epsilon in float32."""
    v = np.float32(value)
    return bool((v - target if v > target else target - v) <= epsilon)


def _int16_luts() -> tuple[np.ndarray, np.ndarray]:
    """TFLM's ``InitializeLutForInt16``: exp on [-10, 0] and 1/(1+x) on [0, 1], int16 Q0.15."""
    f32 = np.float32
    value_range = f32(65535)  # int16 max - int16 min, converted to float as in C
    exp_lut = quant.lut_populate_int16(quant.libm_expf, f32(10.0) / value_range, 32767,
                                       f32(2.0) / value_range, 0)
    recip_lut = quant.lut_populate_int16(lambda v: f32(1.0) / (f32(1.0) + v), f32(1.0) / value_range, -32768,
                                         f32(2.0) / value_range, 0)
    return exp_lut, recip_lut


def prepare(node: Node) -> OpData:
    if len(node.inputs) != 1 or len(node.outputs) != 1:
        raise node.fail("SOFTMAX takes exactly one input and one output")
    inp, out = node.input(INPUT), node.output(OUTPUT)
    if len(inp.shape) < 1:
        raise node.fail("SOFTMAX needs an input of rank >= 1")
    if inp.shape != out.shape:
        raise node.fail(f"input {list(inp.shape)} and output {list(out.shape)} shapes differ")
    beta = float(node.options.beta) if node.options is not None else 0.0
    depth = int(inp.shape[-1])
    if inp.type_name == "FLOAT32" and out.type_name == "FLOAT32":
        return OpData("float32", depth, np.float32(beta), 0, 0, 0, 32, 0, 0, None, None)
    pair = (inp.type_name, out.type_name)
    if pair not in (("INT8", "INT8"), ("INT8", "INT16"), ("INT16", "INT16")):
        raise node.unsupported(f"{inp.type_name} -> {out.type_name} softmax is not supported "
                               "(float32, int8->int8, int8->int16 and int16->int16 are)")
    if inp.quant is None or out.quant is None:
        raise node.fail("quantized SOFTMAX needs quantization parameters on input and output")
    info = np.iinfo(out.dtype)
    if pair == ("INT16", "INT16"):
        if inp.zero_point != 0 or out.zero_point != 0:
            raise node.fail("int16 SOFTMAX needs zero points of 0 on input and output")
        if not _near(out.scale, np.float32(1.0) / np.float32(32768), np.float32(0.001) / np.float32(32768)):
            raise node.fail(f"int16 SOFTMAX needs an output scale of 1/32768, got {out.scale}")
        multiplier, shift = quant.quantize_multiplier(float(inp.scale) * beta / (10.0 / 65535.0))
        exp_lut, recip_lut = _int16_luts()
        return OpData("int16", depth, np.float32(beta), multiplier, shift, 0, 16, int(info.min), int(info.max),
                      exp_lut, recip_lut)
    if pair == ("INT8", "INT16"):
        if out.zero_point != -32768 or not _near(out.scale, np.float32(1.0) / np.float32(65536),
                                                 np.float32(0.001) / np.float32(65536)):
            raise node.fail("int8 -> int16 SOFTMAX needs output scale 1/65536 and zero point -32768")
    elif out.zero_point != -128 or np.float32(out.scale) != np.float32(1.0) / np.float32(256):
        raise node.fail("int8 SOFTMAX needs output scale exactly 1/256 and zero point -128")
    multiplier, left_shift = quant.preprocess_softmax_scaling(beta, float(inp.scale), SCALED_DIFF_INTEGER_BITS)
    if not 0 <= left_shift <= 31:  # beyond an int32 left shift (C twin: MI_ERR_BAD_PARAM)
        raise node.fail(f"beta x input scale {float(beta) * float(inp.scale):.4g} needs a left shift of {left_shift}")
    diff_min = -quant.calculate_input_radius(SCALED_DIFF_INTEGER_BITS, left_shift)
    exp_q0, exp_acc = _int8_exp_tables(multiplier, left_shift, diff_min)
    return OpData("int8", depth, np.float32(beta), multiplier, left_shift, diff_min, info.bits, int(info.min),
                  int(info.max), None, None, exp_q0, exp_acc)


def _softmax_float(x: np.ndarray, beta: np.float32) -> np.ndarray:
    row_max = np.fmax.reduce(x, axis=1, keepdims=True, initial=-np.finfo(np.float32).max)
    exps = quant.libm_expf((x - row_max) * beta)
    # Sequential running sum (np.sum is pairwise); 0.0f + e0 == e0 since exps are >= +0.
    total = np.add.accumulate(exps, axis=1)[:, -1:]
    return exps / total


#: int8 softmaxes with at most this many rows take ``quant.get_reciprocal_int`` row by row
#: (about 1 us a row, against about 50 us for the array version's passes: batch mode's
#: chunks of a classifier's rows gain; measured on KWS's 16-row chunks, 111 -> 63 us a call)
SCALAR_ROWS = 64


def _softmax_int8_in(node: Node, data: OpData, x: np.ndarray) -> np.ndarray:
    minus_diff = x.max(axis=1, keepdims=True) - x  # 0..255 for int8 input
    used = minus_diff <= -data.diff_min
    exp_q0 = data.exp_q0_by_diff[minus_diff]
    sum_of_exps = quant.wrap_int32(data.exp_acc_by_diff[minus_diff].sum(axis=1, keepdims=True))
    if sum_of_exps.shape[0] <= SCALAR_ROWS:  # a row's reciprocal is one number: Python ints are cheaper
        pairs = [quant.get_reciprocal_int(v, ACCUMULATION_INTEGER_BITS) for v in sum_of_exps.reshape(-1).tolist()]
        shifted_scale = np.array([p[0] for p in pairs], np.int64).reshape(-1, 1)
        num_bits_over_unit = np.array([p[1] for p in pairs], np.int64).reshape(-1, 1)
    else:
        shifted_scale, num_bits_over_unit = quant.get_reciprocal(sum_of_exps, ACCUMULATION_INTEGER_BITS)
    exponent = num_bits_over_unit + 31 - data.out_bits
    if np.any((exponent < 0) | (exponent > 31)):
        raise _row_error(node)
    unsat = quant.rounding_divide_by_pot(quant.saturating_rounding_doubling_high_mul(shifted_scale, exp_q0), exponent)
    result = np.clip(unsat + data.out_min, data.out_min, data.out_max)
    return np.where(used, result, data.out_min)


def _softmax_int16(data: OpData, x: np.ndarray) -> np.ndarray:
    diff = x - x.max(axis=1, keepdims=True)
    scaled = quant.multiply_by_quantized_multiplier(diff, data.input_multiplier, data.input_left_shift)
    exps = quant.lut_lookup_int16(np.clip(scaled + 32767, -32768, 32767), data.exp_lut)
    sum_of_exps = quant.wrap_int32(exps.sum(axis=1, keepdims=True))  # Q16.15
    headroom_plus_one = quant.count_leading_zeros_u32(sum_of_exps)
    shifted_sum = quant.wrap_int32(((sum_of_exps << (headroom_plus_one - 1)) + (1 << 13)) >> 14)
    # The 1/(1+x) table wants x = sum - 1, recentred from [0, 65535] to [-32768, 32767].
    recip_in = np.clip(shifted_sum - ((1 << 15) + (1 << 16)), -32768, 32767)
    reciprocal = quant.lut_lookup_int16(recip_in, data.one_over_one_plus_x_lut)
    right_shift = 31 - headroom_plus_one
    result = quant.wrap_int32((exps * reciprocal + (np.int64(1) << (right_shift - 1))) >> right_shift)
    return np.clip(result, 0, 32767)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    out = outputs[OUTPUT]
    if data.kind == "float32":
        x = inputs[INPUT].reshape(-1, data.depth)
        out.reshape(-1, data.depth)[...] = _softmax_float(x, data.beta)
        return
    x = inputs[INPUT].reshape(-1, data.depth).astype(np.int64)
    if data.kind == "int8":
        out.reshape(-1, data.depth)[...] = _softmax_int8_in(node, data, x)
    else:
        out.reshape(-1, data.depth)[...] = _softmax_int16(data, x)


#: int8-input softmaxes of at most this many elements (and ``SCALAR_ROWS`` rows) are bound to
#: Python-int arithmetic
SCALAR_ELEMENTS = 64


def _row_error(node: Node) -> KernelError:
    return KernelError(f"operator {node.index} (SOFTMAX): a row's sum of exps needs a shift outside [0, 31] "
                       "(TFLM aborts here: too many equal maxima for this output type)")


def bind(node: Node, data: OpData, inputs: Sequence[np.ndarray | None],
         outputs: Sequence[np.ndarray]) -> Callable[[], None]:
    """A small int8-input softmax (a classifier's last op: a few classes) in Python ints,
    element by element the steps of ``_softmax_int8_in`` -- the same prepared tables,
    ``get_reciprocal_int``, gemmlowp's high multiply and rounding shift on Python ints
    (``quant._int_srdhm`` / ``_int_srmpot``, each tested against its array version) --
    because a dozen numpy calls on a dozen values cost more than the arithmetic. A float32
    softmax of up to ``FLOAT_BOUND_ELEMENTS`` takes ``_bind_float``; the rest calls
    ``invoke``."""
    x, out = inputs[INPUT], outputs[OUTPUT]
    if data.kind == "float32" and x is not None and 0 < x.size <= FLOAT_BOUND_ELEMENTS and data.depth > 0:
        return _bind_float(node, data, inputs, outputs)
    if (data.kind != "int8" or x is None or x.size == 0 or data.depth <= 0 or x.size > SCALAR_ELEMENTS
            or x.size > SCALAR_ROWS * data.depth or data.exp_q0_by_diff is None):  # ~4 us a row
        return functools.partial(invoke, node, data, inputs, outputs)
    rows_in, rows_out = x.reshape(-1, data.depth), out.reshape(-1, data.depth)
    exp_q0, exp_acc = data.exp_q0_by_diff.tolist(), data.exp_acc_by_diff.tolist()
    limit, out_min, out_max, out_bits = -data.diff_min, data.out_min, data.out_max, data.out_bits
    srdhm, rdbpot, wrap, reciprocal = quant._int_srdhm, quant._int_srmpot, quant._int_wrap32, quant.get_reciprocal_int

    def run() -> None:
        result = []
        for row in rows_in.tolist():
            top = max(row)
            diffs = [top - v for v in row]
            scale, bits = reciprocal(wrap(sum(exp_acc[d] for d in diffs)), ACCUMULATION_INTEGER_BITS)
            exponent = bits + 31 - out_bits
            if not 0 <= exponent <= 31:
                raise _row_error(node)
            result.append([min(max(rdbpot(srdhm(scale, exp_q0[d]), -exponent) + out_min, out_min), out_max)
                           if d <= limit else out_min for d in diffs])
        rows_out[...] = result

    return run


#: float32 softmaxes of at most this many elements take ``_bind_float`` (its passes cost per
#: call; larger ones ``invoke``, whose ``quant.libm_expf`` costs per element)
FLOAT_BOUND_ELEMENTS = 4096


def _bind_float(node: Node, data: OpData, inputs: Sequence[np.ndarray | None],
                outputs: Sequence[np.ndarray]) -> Callable[[], None]:
    """``_softmax_float`` on buffers allocated here, a dozen numpy calls (a classifier's
    softmax of ten values cost ~15 us through ``invoke``'s temporaries):

    * ``expf`` as a float64 ``exp`` rounded to float32, glibc's value wherever
      ``fdlibm.expf_flags`` does not flag it and the result is a normal float32 (a test on
      the float64's bits: positive doubles order as their bits); the flagged elements (0.8 %
      of normal results, and every zero, subnormal, infinite or NaN one) are recomputed
      one by one with libm;
    * the rest as ``_softmax_float``: the NaN-ignoring row maximum from -FLT_MAX, ``(x -
      max) * beta`` in float32, the sum accumulated in order, the division."""
    expf = quant._libm_function("expf")
    if expf is None:  # pragma: no cover - every supported platform has a libm
        return functools.partial(invoke, node, data, inputs, outputs)
    rows_in = inputs[INPUT].reshape(-1, data.depth)
    rows_out = outputs[OUTPUT].reshape(-1, data.depth)
    shape = rows_in.shape
    lowest = np.float32(-np.finfo(np.float32).max)
    row_max, total = np.empty((shape[0], 1), np.float32), np.empty(shape, np.float32)
    last = total[:, -1:]
    diff, exps, e64 = np.empty(shape, np.float32), np.empty(shape, np.float32), np.empty(shape, np.float64)
    bits = e64.view(np.int64)
    low, flags, outside = np.empty(shape, np.int64), np.empty(shape, np.bool_), np.empty(shape, np.bool_)
    full = lambda value, dtype: np.full(shape, value, dtype)  # noqa: E731
    beta = full(data.beta, np.float32)
    mid_offset, low29, band = (full(v, np.int64) for v in (fdlibm.EXPF_MARGIN - (1 << 28), (1 << 29) - 1,
                                                           2 * fdlibm.EXPF_MARGIN))
    # results that are normal float32: float64 values in [FLT_MIN, FLT_MAX] rounded to float32
    # stay there, by their bits (NaNs with either sign fall outside)
    normal_lo = int(np.float64(np.finfo(np.float32).tiny).view(np.int64))
    normal_hi = int(np.float64(np.finfo(np.float32).max).view(np.int64))
    base, span = full(normal_lo, np.int64), full(normal_hi - normal_lo, np.uint64)
    flat_flags, flat_exps, flat_diff = flags.reshape(-1), exps.reshape(-1), diff.reshape(-1)
    fmax, subtract, multiply, copyto, exp, add = np.fmax, np.subtract, np.multiply, np.copyto, np.exp, np.add
    bitwise_and, less, greater, logical_or, divide = np.bitwise_and, np.less, np.greater, np.logical_or, np.divide

    def run() -> None:
        with np.errstate(all="ignore"):  # inf/NaN inputs: IEEE results, as TFLM's C float code
            fmax.reduce(rows_in, 1, None, row_max, True, lowest)  # std::max from lowest: NaN-ignoring
            subtract(rows_in, row_max, diff)
            multiply(diff, beta, diff)
            copyto(e64, diff)
            exp(e64, e64)
            copyto(exps, e64, casting="same_kind")
            add(bits, mid_offset, low)  # near a float32 rounding midpoint?
            bitwise_and(low, low29, low)
            less(low, band, flags)
            subtract(bits, base, low)  # not a normal float32?
            greater(low.view(np.uint64), span, outside)
            logical_or(flags, outside, flags)
            for j in flat_flags.nonzero()[0].tolist():
                flat_exps[j] = expf(flat_diff.item(j))
            add.accumulate(exps, 1, None, total)  # sum += exp_c in order, from 0.0f (exps >= +0)
            divide(exps, last, rows_out)

    return run


def memory(node: Node, pointer_bytes: int) -> OpMemory:
    """TFLM (softmax_common.cc): temporaries for input and output, and for int16 the
    exp and 1/(1+x) tables; the C twin keeps the same two tables for int16 -> int16."""
    x, y = node.input(0), node.output(0)
    table = 2 * quant.INT16_LUT_ENTRIES
    tflm = temps(node, (0,), (0,)) + (persist(table, table) if x.type_name == "INT16" else ())
    int16 = x.type_name == "INT16" and y.type_name == "INT16"
    return OpMemory(tflm_prepare=tflm, c_arrays=(table, table) if int16 else ())


MEMORY = KernelMemory(tflm_params="TfLiteSoftmaxParams", tflm_op_data="SoftmaxParams", c_op_data=c_struct(p=2, w=9, b=1), needs=memory)
REGISTRATION = Registration("SOFTMAX", prepare, invoke, memory=MEMORY, bind=bind)
