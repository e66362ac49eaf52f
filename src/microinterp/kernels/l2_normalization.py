"""L2_NORMALIZATION (TFLM: kernels/l2norm.cc + reference_ops / reference_integer_ops
L2Normalization; C twin: firmware/src/kernels/mi_l2_normalization.c).

Normalises every row along the last dimension of a float32 or int8 tensor of
rank <= 4. TFLM accepts no fused activation (only NONE).

* float32: ``sum(val * val)`` sequentially from +0.0f, ``sqrt``, then
  ``std::max(norm, 1e-6f)`` (a NaN norm stays NaN), and ``x / norm``.
* int8: the int32 sum of squared ``x - zp_in`` goes through TFLM's
  ``GetInvSqrtQuantizedMultiplierExp`` (``quant.inv_sqrt_quantized_multiplier_exp``)
  and every ``x - zp_in`` is scaled by ``MultiplyByQuantizedMultiplier`` with
  shift + 7, i.e. to an output in 1/128 units, clamped to int8. The output's
  own scale and zero point are never read (TFLM micro does not check them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .. import quant
from ..context import Node, Registration
from ..memory.declaration import KernelMemory, c_struct

INPUT, OUTPUT = 0, 0
TYPES = ("FLOAT32", "INT8")
EPSILON = np.float32(1e-6)
OUTPUT_SCALE_BITS = 7  # kOutputScale: the int8 output is in 1/128 units


@dataclass(frozen=True)
class OpData:
    is_float: bool
    input_zero_point: int


def prepare(node: Node) -> OpData:
    src, dst = node.input(INPUT), node.output(OUTPUT)
    if len(src.shape) > 4 or not src.shape:
        raise node.unsupported(f"inputs of rank {len(src.shape)} are not supported (1 to 4)")
    if dst.type_name not in TYPES:
        raise node.unsupported(f"type {dst.type_name} is not supported ({', '.join(t.lower() for t in TYPES)})")
    if src.type_name != dst.type_name:
        raise node.fail(f"input {src.type_name} and output {dst.type_name} must have the same type")
    if src.shape != dst.shape:
        raise node.fail(f"input {list(src.shape)} and output {list(dst.shape)} must have the same shape")
    act = node.options.fused_activation_function
    if act != quant.ACT_NONE:
        raise node.unsupported("fused activations are not supported (TFLM accepts only NONE)")
    return OpData(src.type_name == "FLOAT32", src.zero_point if src.type_name == "INT8" else 0)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    x, out = inputs[INPUT], outputs[OUTPUT]
    if data.is_float:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # IEEE inf/NaN as in C
            squares = x * x
            padded = np.concatenate([np.zeros(x.shape[:-1] + (1,), np.float32), squares], axis=-1)
            norm = np.sqrt(np.add.accumulate(padded, axis=-1, dtype=np.float32)[..., -1:])
            norm = np.where(norm < EPSILON, EPSILON, norm)
            out[...] = x / norm
        return
    diff = x.astype(np.int64) - data.input_zero_point
    acc = quant.wrap_int32(np.sum(diff * diff, axis=-1, keepdims=True))
    mult, shift = quant.inv_sqrt_quantized_multiplier_exp(acc, -1)
    scaled = quant.multiply_by_quantized_multiplier(diff, mult, shift + OUTPUT_SCALE_BITS)
    out[...] = np.clip(scaled, -128, 127)


MEMORY = KernelMemory(tflm_params="TfLiteL2NormParams", modelled=False, c_op_data=c_struct(w=3, b=1))
REGISTRATION = Registration("L2_NORMALIZATION", prepare, invoke, memory=MEMORY)
