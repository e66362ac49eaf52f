"""TANH (TFLM: kernels/tanh.cc; C twin: firmware/src/kernels/mi_tanh.c).

* float32: ``std::tanh`` on floats, i.e. the C library's ``tanhf`` (``quant.libm_tanhf``).
* int8: input rescaled to Q4.27 (``frexp`` multiplier, saturation beyond the
  input radius), gemmlowp's fixed-point tanh, then a rounding shift to Q0.7. TFLM
  never reads the output's scale or zero point here: it assumes 1/128 and 0.
* int16: the table-interpolated tanh of ``reference_integer_ops::Tanh``;
  power-of-two input scales with shift 0 or 1 skip the multiplier.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .. import quant
from ..context import Node, Registration
from .logistic import check_int16_output_scale, int8_input_rescale, int16_lut_params

INPUT, OUTPUT = 0, 0


@dataclass(frozen=True)
class OpData:
    dtype: str
    input_zero_point: int = 0
    input_range_radius: int = 0
    input_multiplier: int = 0
    input_left_shift: int = 0


def prepare(node: Node) -> OpData:
    src, dst = node.input(INPUT), node.output(OUTPUT)
    if src.type_name != dst.type_name:
        raise node.fail(f"input {src.type_name} and output {dst.type_name} must have the same type")
    if src.type_name == "FLOAT32":
        return OpData("float32")
    if src.type_name == "INT8":
        mult, shift, radius = int8_input_rescale(src.scale, 4)
        return OpData("int8", src.zero_point, radius, mult, shift)
    if src.type_name == "INT16":
        if src.zero_point != 0 or dst.zero_point != 0:
            raise node.fail("int16 input and output must be symmetric (zero point 0)")
        mult, shift = int16_lut_params(src.scale, (0, 1))
        check_int16_output_scale(node, dst.scale)
        return OpData("int16", 0, 0, mult, shift)
    raise node.unsupported(f"input {src.type_name} is not supported (float32, int8, int16)")


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    x, out = inputs[INPUT], outputs[OUTPUT]
    if data.dtype == "float32":
        out[...] = quant.libm_tanhf(x)
        return
    if data.dtype == "int16":
        out[...] = quant.lut_tanh_int16(x, data.input_multiplier, data.input_left_shift)
        return
    v = x.astype(np.int64) - data.input_zero_point
    q4 = quant.multiply_by_quantized_multiplier(v, data.input_multiplier, data.input_left_shift)
    q0 = quant.gemmlowp_tanh(q4, 4)
    y = np.clip(quant.rounding_divide_by_pot(q0, 31 - 7), -128, 127)
    y = np.where(v <= -data.input_range_radius, -128, np.where(v >= data.input_range_radius, 127, y))
    out[...] = y.astype(np.int8)


REGISTRATION = Registration("TANH", prepare, invoke)
