"""LOG_SOFTMAX (TFLM: kernels/log_softmax.cc + reference_ops::LogSoftmax /
LogSoftmaxQuantized; C twin: firmware/src/kernels/mi_log_softmax.c).

Along the last dimension of a float32 or int8 tensor (same shape in and out).

* float32: the row maximum is TFLM's ``std::max`` fold from ``-FLT_MAX`` (NaN
  ignored, the first of equal values kept, never below -FLT_MAX); then
  ``sum += expf(x - max)`` sequentially from +0.0f with glibc's ``expf``,
  ``log_sum = logf(sum)``, and ``(x - max) - log_sum``.
* int8: the output must have scale 16/256 and zero point 127 (TFLM checks).
  Differences to the row maximum at or above ``diff_min`` (minus TFLM's input
  radius) are rescaled to Q5.26, exponentiated with gemmlowp's
  ``exp_on_negative_values`` and summed in Q12.19; gemmlowp's fixed-point log
  of the sum (Q5.26) is subtracted from every rescaled difference above the
  adjusted cut-off, divided by 2^22 with rounding, and offset by 127; the rest
  get -128. The multipliers come from TFLM's ``PreprocessLogSoftmaxScalingExp``
  (beta 1, 5 integer bits).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .. import quant
from ..context import Node, Registration
from ..memory.declaration import KernelMemory, c_struct

INPUT, OUTPUT = 0, 0
SCALED_DIFF_INTEGER_BITS = 5  # kScaledDiffIntegerBits / kInputIntegerBits
ACCUMULATION_INTEGER_BITS = 12
OUTPUT_INTEGER_BITS = 4
OUTPUT_SCALE = np.float32(16.0 / 256)
OUTPUT_ZERO_POINT = 127


@dataclass(frozen=True)
class OpData:
    is_float: bool
    input_multiplier: int = 0
    input_left_shift: int = 0
    reverse_scaling_divisor: int = 0
    reverse_scaling_left_shift: int = 0
    diff_min: int = 0


def prepare(node: Node) -> OpData:
    src, dst = node.input(INPUT), node.output(OUTPUT)
    if src.type_name != dst.type_name:
        raise node.fail(f"input {src.type_name} and output {dst.type_name} must have the same type")
    if src.shape != dst.shape or not src.shape:
        raise node.fail(f"input {list(src.shape)} and output {list(dst.shape)} must have the same shape (rank >= 1)")
    if src.type_name == "FLOAT32":
        return OpData(True)
    if src.type_name != "INT8":
        raise node.unsupported(f"type {src.type_name} is not supported (float32, int8)")
    if np.float32(dst.scale) != OUTPUT_SCALE or dst.zero_point != OUTPUT_ZERO_POINT:
        raise node.fail(f"int8 output must have scale 16/256 and zero point 127 (TFLM requires it), "
                        f"got {dst.scale} and {dst.zero_point}")
    try:
        mult, shift, rev_mult, rev_shift = quant.preprocess_log_softmax_scaling_exp(
            1.0, float(src.scale), SCALED_DIFF_INTEGER_BITS)
    except ValueError as e:
        raise node.unsupported(f"input scale {src.scale}: {e}") from None
    diff_min = -quant.calculate_input_radius(SCALED_DIFF_INTEGER_BITS, shift, 31)
    return OpData(False, mult, shift, rev_mult, rev_shift, diff_min)


def _row_max(x: np.ndarray) -> np.ndarray:
    """TFLM's ``max = std::max(max, x)`` from -FLT_MAX, per row (keepdims)."""
    picked = np.take_along_axis(x, np.argmax(np.where(np.isnan(x), -np.inf, x), axis=-1)[..., None], axis=-1)
    lowest = np.float32(-np.finfo(np.float32).max)
    return np.where(np.isnan(picked) | (picked < lowest), lowest, picked)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    x, out = inputs[INPUT], outputs[OUTPUT]
    if data.is_float:
        with np.errstate(over="ignore", invalid="ignore"):  # IEEE inf/NaN as in C
            diff = x - _row_max(x)
            exps = quant.libm_expf(diff)
            padded = np.concatenate([np.zeros(x.shape[:-1] + (1,), np.float32), exps], axis=-1)
            total = np.add.accumulate(padded, axis=-1, dtype=np.float32)[..., -1:]
            out[...] = diff - quant.libm_logf(total)
        return
    diff = x.astype(np.int64) - x.max(axis=-1, keepdims=True)
    scaled = quant.multiply_by_quantized_multiplier(diff, data.input_multiplier, data.input_left_shift)
    exps = quant.gemmlowp_exp_on_negative_values(scaled, SCALED_DIFF_INTEGER_BITS)
    terms = quant.rounding_divide_by_pot(exps, ACCUMULATION_INTEGER_BITS)  # Rescale<12> of a Q0.31
    total = quant.wrap_int32(np.sum(np.where(diff >= data.diff_min, terms, 0), axis=-1, keepdims=True))
    log_sum = quant.gemmlowp_log_x_for_x_greater_than_or_equal_to_1(
        total, SCALED_DIFF_INTEGER_BITS, ACCUMULATION_INTEGER_BITS)
    shifted_log_sum = quant.wrap_int32(log_sum + quant.INT32_MIN)
    adjusted_diff_min = np.maximum(data.diff_min - 1, quant.multiply_by_quantized_multiplier(
        shifted_log_sum, data.reverse_scaling_divisor, data.reverse_scaling_left_shift))
    result = quant.rounding_divide_by_pot(quant.wrap_int32(scaled - log_sum),
                                          31 - SCALED_DIFF_INTEGER_BITS - OUTPUT_INTEGER_BITS) + 127
    out[...] = np.where(diff > adjusted_diff_min, np.clip(result, -128, 127), -128)


#: TFLM's side is not modelled (sizes of models with LOG_SOFTMAX stay approximate); the C twin's op data is
MEMORY = KernelMemory(c_op_data=c_struct(w=7, b=1), modelled=False)
REGISTRATION = Registration("LOG_SOFTMAX", prepare, invoke, memory=MEMORY)
