"""TANH (TFLM: kernels/tanh.cc; C twin: firmware/src/kernels/mi_tanh.c).

* float32: ``std::tanh`` on floats, i.e. the C library's ``tanhf`` (``quant.libm_tanhf``).
* int8: input rescaled to Q4.27 (``frexp`` multiplier, saturation beyond the
  input radius), gemmlowp's fixed-point tanh, then a rounding shift to Q0.7. TFLM
  never reads the output's scale or zero point here: it assumes 1/128 and 0.
* int16: the table-interpolated tanh of ``reference_integer_ops::Tanh``;
  power-of-two input scales with shift 0 or 1 skip the multiplier.

The prepare step and the int8 path are shared with LOGISTIC (``sigmoid_tanh.py``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .. import quant
from ..context import Node, Registration
from ..memory.declaration import KernelMemory, c_struct
from . import sigmoid_tanh
from .sigmoid_tanh import OpData

INPUT, OUTPUT = 0, 0


def prepare(node: Node) -> OpData:
    return sigmoid_tanh.prepare(node, node.input(INPUT), node.output(OUTPUT), int8_output_zero_point=None,
                                int16_pot_shifts=(0, 1))


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    out = outputs[OUTPUT]
    x = inputs[INPUT].reshape(out.shape)  # same element count (prepare), any shape: TFLM's flat loop
    if data.dtype == "float32":
        out[...] = quant.libm_tanhf(x)
    elif data.dtype == "int16":
        out[...] = quant.lut_tanh_int16(x, data.input_multiplier, data.input_left_shift)
    else:  # Q0.31 -> Q0.7, zero point 0 (scale 1/128)
        out[...] = sigmoid_tanh.int8_invoke(x, data, quant.gemmlowp_tanh, 7, 0)


MEMORY = KernelMemory(tflm_op_data="TanhOpData", c_op_data=c_struct(w=5, b=1))
REGISTRATION = Registration("TANH", prepare, invoke, memory=MEMORY)
