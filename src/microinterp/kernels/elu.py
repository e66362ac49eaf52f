"""ELU (TFLM: kernels/elu.cc; C twin: firmware/src/kernels/mi_elu.c).

* float32: ``reference_ops::Elu``, ``x < 0 ? expm1f(x) : x`` with the C
  library's ``expm1f`` (so -0.0 stays -0.0).
* int8: a 256-entry table built in prepare exactly as TFLM's
  ``PopulateLookupTable``, all in float32: ``d = s_in * (q - zp_in)``,
  ``t = d < 0 ? expf(d) - 1 : d``, ``roundf(t * (1 / s_out))``, plus ``zp_out``
  (a float32 addition), converted to int32 and clamped to [-128, 127].
  The conversion is C's ``static_cast<int32_t>``: out of range it is undefined,
  and x86's ``cvttss2si`` -- which the oracle build uses -- gives INT32_MIN, so
  a huge positive value lands on -128, not 127. Reproduced on purpose.

An int8 tensor without quantization runs in TFLM with a zero output scale
(every entry degenerate); it is refused here. Other types fail in TFLM's eval.
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
    type_name: str
    table: np.ndarray | None = None  # int8 result for q = -128 .. 127


def float_to_int32_x86(x: np.ndarray) -> np.ndarray:
    """``static_cast<int32_t>(float)`` as x86-64 computes it (``cvttss2si``):
    truncation toward zero, and INT32_MIN for NaN or anything out of range."""
    x = np.asarray(x, np.float32).astype(np.float64)
    inside = (x > -2147483649.0) & (x < 2147483648.0)
    return np.where(inside, np.trunc(np.where(inside, x, 0.0)), quant.INT32_MIN).astype(np.int64)


def int8_table(input_scale: float, input_zero_point: int, output_scale: float, output_zero_point: int) -> np.ndarray:
    f32 = np.float32
    inverse_scale = f32(1.0) / f32(output_scale)
    dequantized = f32(input_scale) * (np.arange(-128, 128) - int(input_zero_point)).astype(f32)
    with np.errstate(over="ignore", invalid="ignore"):
        transformed = np.where(dequantized < 0, quant.libm_expf(dequantized) - f32(1.0), dequantized).astype(f32)
        rescaled = quant.roundf(transformed * inverse_scale)
        quantized = float_to_int32_x86(rescaled + f32(output_zero_point))
    return np.clip(quantized, -128, 127).astype(np.int8)


def prepare(node: Node) -> OpData:
    type_name = unary.check_same_type(node, ("FLOAT32", "INT8"))
    if type_name == "FLOAT32":
        return OpData(type_name)
    src, dst = node.input(INPUT), node.output(OUTPUT)
    if src.quant is None or dst.quant is None:
        raise node.unsupported("int8 ELU needs quantized input and output")
    return OpData(type_name, int8_table(src.scale, src.zero_point, dst.scale, dst.zero_point))


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    x, out = inputs[INPUT].reshape(-1), outputs[OUTPUT].reshape(-1)
    if data.type_name == "FLOAT32":
        negative = x < 0
        result = x.copy()
        if negative.any():
            result[negative] = quant.libm_float("expm1f", x[negative])
        out[...] = result
        return
    out[...] = data.table[x.astype(np.int64) + 128]


MEMORY = KernelMemory(c_op_data=c_struct(w=1, b=257), modelled=False)
REGISTRATION = Registration("ELU", prepare, invoke, memory=MEMORY)
