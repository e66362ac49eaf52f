"""LOGISTIC (TFLM: kernels/logistic.cc + logistic_common.cc; C twin: firmware/src/kernels/mi_logistic.c).

Three TFLM paths, reproduced exactly:

* float32: ``reference_ops::Logistic`` -- not a plain ``1/(1+exp(-x))``: inputs
  above 16.619047f give exactly 1.0f, inputs below -9 give ``expf(x)``, the rest
  ``1.f / (1.f + expf(-x))``, with the C library's ``expf`` (see ``quant.libm_expf``).
* int8: the input is rescaled to Q4.27 with a multiplier built from ``frexp`` (not
  ``QuantizeMultiplier``), inputs beyond the "input radius" saturate, the rest go
  through gemmlowp's fixed-point logistic; the output must have zero point -128
  (TFLM enforces it) and its scale is *assumed* to be 1/256 (never read).
* int16: the table-interpolated sigmoid of ``reference_integer_ops::Logistic``
  with symmetric input/output and an output scale of exactly 2^-15.

The prepare step and the int8 path are shared with TANH (``sigmoid_tanh.py``).
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

# float cut-offs of reference_ops::Logistic
_CUTOFF_UPPER = np.float32(16.619047164916992188)
_CUTOFF_LOWER = np.float32(-9.0)
_ONE = np.float32(1.0)


def prepare(node: Node) -> OpData:
    return sigmoid_tanh.prepare(node, node.input(INPUT), node.output(OUTPUT), int8_output_zero_point=-128,
                                int16_pot_shifts=(0,))


def logistic_float(x: np.ndarray) -> np.ndarray:
    """``reference_ops::Logistic`` on float32 (also used by the float LSTM)."""
    x = np.asarray(x, np.float32)
    low = x < _CUTOFF_LOWER
    high = x > _CUTOFF_UPPER
    if not (low.any() or high.any()):  # the usual case (LSTM gates): every element is mid-range or NaN
        return _ONE / (_ONE + quant.libm_expf(-x))
    out = np.ones(x.shape, np.float32)
    mid = ~low & ~high
    if low.any():
        out[low] = quant.libm_expf(x[low])
    if mid.any():
        out[mid] = np.float32(1.0) / (np.float32(1.0) + quant.libm_expf(-x[mid]))
    return out


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    out = outputs[OUTPUT]
    x = inputs[INPUT].reshape(out.shape)  # same element count (prepare), any shape: TFLM's flat loop
    if data.dtype == "float32":
        out[...] = logistic_float(x)
    elif data.dtype == "int16":
        out[...] = quant.lut_logistic_int16(x, data.input_multiplier, data.input_left_shift)
    else:  # Q0.31 -> Q0.8, zero point -128 (scale 1/256)
        out[...] = sigmoid_tanh.int8_invoke(x, data, quant.gemmlowp_logistic, 8, -128)


MEMORY = KernelMemory(tflm_op_data="OpDataLogistic", c_op_data=c_struct(w=5, b=1))
REGISTRATION = Registration("LOGISTIC", prepare, invoke, memory=MEMORY)
