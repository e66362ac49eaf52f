"""RELU6 (TFLM: kernels/activations.cc + activations_common.cc; C twin: firmware/src/kernels/mi_relu6.c).

Quirk reproduced: unlike RELU, quantized RELU6 does *not* requantize. It clamps
the raw input values to [input zero point, quantized 6.0] computed with the
*input's* scale and zero point (``FloatToQuantizedType``: ``round(6.0f / scale)``
in float, plus the zero point, clamped to the type) and ignores the output's
quantization entirely.
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
    zero: int = 0
    six: int = 0


def prepare(node: Node) -> OpData:
    src = node.input(INPUT)
    if unary.check_float_or(node, ("INT8", "INT16")) == "FLOAT32":
        return OpData("float32")
    qmin, qmax = quant.dtype_range(src.dtype)
    six = quant.round_half_away(float(np.float32(6.0) / np.float32(src.scale))) + src.zero_point
    return OpData(src.type_name.lower(), src.zero_point, min(max(six, qmin), qmax))


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    out = outputs[OUTPUT]
    x = inputs[INPUT].reshape(out.shape)  # same element count (prepare), any shape: TFLM's flat loop
    if data.dtype == "float32":
        six, zero = np.float32(6.0), np.float32(0.0)
        out[...] = np.where(x > six, six, np.where(x < zero, zero, x))
        return
    # val > upper ? upper : val < lower ? lower : val  (upper tested first)
    out[...] = np.where(x > data.six, data.six, np.where(x < data.zero, data.zero, x)).astype(out.dtype)


MEMORY = KernelMemory(tflm_op_data="Relu6OpData", c_op_data=c_struct(w=3, b=1))
REGISTRATION = Registration("RELU6", prepare, invoke, memory=MEMORY)
