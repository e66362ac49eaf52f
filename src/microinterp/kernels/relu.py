"""RELU (TFLM: kernels/activations.cc + activations_common.cc; C twin: firmware/src/kernels/mi_relu.c).

Quantized RELU in TFLM is a *requantization*: every value is rescaled from the
input to the output scale with ``MultiplyByQuantizedMultiplier`` (multiplier
from ``input_scale / output_scale`` divided in double), then clamped below at
the output zero point. int16 requires zero points of 0. float32 keeps -0.0 and
NaN as TFLM's ``val < 0 ? 0 : val`` does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .. import quant
from ..context import Node, Registration
from ..memory.declaration import KernelMemory, c_struct
from . import unary

INPUT, OUTPUT = 0, 0


@dataclass(frozen=True)
class OpData:
    dtype: str
    output_multiplier: int = 0
    output_shift: int = 0
    input_offset: int = 0
    output_offset: int = 0
    activation_min: int = 0
    activation_max: int = 0


def prepare(node: Node) -> OpData:
    src, dst = node.input(INPUT), node.output(OUTPUT)
    if unary.check_float_or(node, ("INT8", "INT16")) == "FLOAT32":
        return OpData("float32")
    if src.type_name == "INT16" and (src.zero_point != 0 or dst.zero_point != 0):
        raise node.fail("int16 input and output must be symmetric (zero point 0)")
    qmin, qmax = quant.dtype_range(dst.dtype)
    # double division of the float32 scales: the tflite-micro wheel (our oracle) compiles
    # this as cvtss2sd + divsd, although the older source reads static_cast<double>(a / b)
    real = float(np.float32(src.scale)) / float(np.float32(dst.scale))
    mult, shift = quant.quantize_multiplier(real)
    act_min = max(qmin, dst.zero_point + quant.round_half_away(float(np.float32(0.0) / np.float32(dst.scale))))
    return OpData(src.type_name.lower(), mult, shift, src.zero_point, dst.zero_point, act_min, qmax)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    out = outputs[OUTPUT]
    x = inputs[INPUT].reshape(out.shape)  # same element count (prepare), any shape: TFLM's flat loop
    if data.dtype == "float32":
        out[...] = np.where(x < np.float32(0.0), np.float32(0.0), x)
        return
    v = quant.multiply_by_quantized_multiplier(x.astype(np.int64) - data.input_offset,
                                               data.output_multiplier, data.output_shift)
    out[...] = np.clip(v + data.output_offset, data.activation_min, data.activation_max).astype(out.dtype)


MEMORY = KernelMemory(tflm_op_data="ReluOpData", c_op_data=c_struct(w=7, b=1))
REGISTRATION = Registration("RELU", prepare, invoke, memory=MEMORY)
