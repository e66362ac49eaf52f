"""BATCH_MATMUL (TFLM: kernels/batch_matmul.cc + batch_matmul_common.cc,
reference_ops::BatchMatMul; C twin: firmware/src/kernels/mi_batch_matmul.c).

``out[..., a, c] = sum_k L[..., a, k] * R[..., k, c]`` where ``L`` is the LHS
(its last two axes swapped with adj_x) and ``R`` the RHS (swapped with adj_y),
for float32, int8 or int16 operands of rank 2..5 whose batch dimensions
broadcast (a dimension of 1 against any). TFLM internally transposes the RHS
(once, if constant), runs an RHS-major GEMM and may fold the LHS batch into its
rows (``ReshapeToFlattenBatchDimsIfPossible``); none of that changes which
products are summed or their order, which is k = 0, 1, ... for every output.

* float32: ``total`` starts at +0.0f and adds each product in k order, every
  multiply and add rounded to float32 (no FMA), reproduced with a loop over k
  vectorised over all outputs.
* int8: ``sum (l - zp_l) * (r - zp_r)`` in int32, ``MultiplyByQuantizedMultiplier``
  with the multiplier of ``s_l * s_r / s_out`` computed in double, plus the
  output zero point, clamped. Measured quirk: the mirrored source's no-bias
  ``GetQuantizedConvolutionMultipler`` rounds ``s_l * s_r`` to float first, but
  the oracle wheel multiplies in double: on 213 models built so that the two
  multipliers round one accumulator differently, the oracle agreed with the
  double product every time and with the float product never.
* int16: zero points must be 0; the sum is int64 and TFLM's int64
  ``MultiplyByQuantizedMultiplier`` overload (16-bit reduced multiplier) is used.

No fused activation exists. TFLM rewrites the output shape to the broadcast
batch dimensions plus (rows, cols), so the model's must agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .. import quant
from ..context import Node, Registration
from ..memory.declaration import KernelMemory, c_struct

LHS, RHS, OUTPUT = 0, 1, 0
TYPES = ("FLOAT32", "INT8", "INT16")


@dataclass(frozen=True)
class OpData:
    type_name: str
    adj_x: bool
    adj_y: bool
    lhs_zero_point: int = 0
    rhs_zero_point: int = 0
    output_zero_point: int = 0
    multiplier: int = 0
    shift: int = 0


def prepare(node: Node) -> OpData:
    lhs, rhs, dst = node.input(LHS), node.input(RHS), node.output(OUTPUT)
    if lhs.type_name not in TYPES or rhs.type_name not in TYPES:
        raise node.unsupported(f"types {lhs.type_name} x {rhs.type_name} are not supported (float32, int8, int16)")
    if lhs.type_name != rhs.type_name or dst.type_name != lhs.type_name:
        raise node.unsupported(f"LHS, RHS and output must share one type (TFLM has no hybrid or int32 output), got "
                               f"{lhs.type_name}, {rhs.type_name}, {dst.type_name}")
    for name, t in (("LHS", lhs), ("RHS", rhs)):
        if not 2 <= len(t.shape) <= 5:
            raise node.unsupported(f"{name} of rank {len(t.shape)} is not supported (2 to 5)")
    o = node.options
    adj_x, adj_y = bool(getattr(o, "adj_x", False)), bool(getattr(o, "adj_y", False))
    rank = max(len(lhs.shape), len(rhs.shape))
    ext_l = (1,) * (rank - len(lhs.shape)) + lhs.shape
    ext_r = (1,) * (rank - len(rhs.shape)) + rhs.shape
    batch = []
    for dl, dr in zip(ext_l[:-2], ext_r[:-2]):
        if dl != dr and dl != 1 and dr != 1:
            raise node.fail(f"batch dimensions of {list(lhs.shape)} and {list(rhs.shape)} do not broadcast")
        batch.append(dr if dl == 1 else dl)
    rows, depth_l = (ext_l[-1], ext_l[-2]) if adj_x else (ext_l[-2], ext_l[-1])
    depth_r, cols = (ext_r[-1], ext_r[-2]) if adj_y else (ext_r[-2], ext_r[-1])
    if depth_l != depth_r:
        raise node.fail(f"accumulation depths differ: {depth_l} (LHS) vs {depth_r} (RHS)")
    expected = tuple(batch) + (rows, cols)
    if dst.shape != expected:
        raise node.fail(f"output shape {list(dst.shape)} is not {list(expected)}")
    if lhs.type_name == "FLOAT32":
        return OpData("FLOAT32", adj_x, adj_y)
    if lhs.type_name == "INT16" and (lhs.zero_point or rhs.zero_point or dst.zero_point):
        raise node.fail("int16 LHS, RHS and output must have zero point 0 (TFLM requires it)")
    product = float(lhs.scale) * float(rhs.scale)  # in double, as the oracle wheel computes it
    if product < 0:
        raise node.fail("LHS * RHS scale is negative")
    mult, shift = quant.quantize_multiplier(product / float(dst.scale))
    return OpData(lhs.type_name, adj_x, adj_y, lhs.zero_point, rhs.zero_point, dst.zero_point, mult, shift)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    lhs, rhs, out = inputs[LHS], inputs[RHS], outputs[OUTPUT]
    left = np.swapaxes(lhs, -1, -2) if data.adj_x else lhs
    right = np.swapaxes(rhs, -1, -2) if data.adj_y else rhs
    if data.type_name == "FLOAT32":
        total = np.zeros(out.shape, np.float32)
        with np.errstate(over="ignore", invalid="ignore"):  # IEEE inf/NaN as in C
            for k in range(left.shape[-1]):
                total += left[..., :, k:k + 1] * right[..., k:k + 1, :]
        out[...] = total
        return
    # Exact: every partial sum is an integer far below 2**53.
    acc = np.matmul(left.astype(np.float64) - data.lhs_zero_point, right.astype(np.float64) - data.rhs_zero_point)
    acc = acc.astype(np.int64).reshape(out.shape)
    if data.type_name == "INT8":
        scaled = quant.multiply_by_quantized_multiplier(quant.wrap_int32(acc), data.multiplier, data.shift)
    else:
        scaled = quant.multiply_by_quantized_multiplier_int64(acc, data.multiplier, data.shift)
    qmin, qmax = quant.dtype_range(out.dtype)
    out[...] = np.clip(scaled + data.output_zero_point, qmin, qmax)


MEMORY = KernelMemory(tflm_params="TfLiteBatchMatMulParams", modelled=False, c_op_data=c_struct(w=19, b=3))
REGISTRATION = Registration("BATCH_MATMUL", prepare, invoke, memory=MEMORY)
