"""EMBEDDING_LOOKUP (TFLM: kernels/embedding_lookup.cc; C twin: firmware/src/kernels/mi_embedding_lookup.c).

Copies the rows ``value[ids[i]]`` of a float32 or int8 table (rank >= 2) for a
1-D int32 ``ids`` tensor; the output shape is ``(len(ids),) + value.shape[1:]``,
which TFLM writes over the output's shape, so the model's must agree. An id
outside ``[0, rows)`` fails TFLM's invoke; here it is a KernelError.

Types: float32 -> float32 and int8 -> int8 copy raw rows; int8 -> float32 is
TFLM's hybrid path, which dequantizes each row as ``float(q) * scale`` in
float32 (one rounding) and requires a per-tensor zero point of 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..context import Node, Registration
from ..errors import KernelError
from ..memory.declaration import KernelMemory, c_struct

IDS, VALUE, OUTPUT = 0, 1, 0


@dataclass(frozen=True)
class OpData:
    dequantize: bool
    scale: np.float32


def prepare(node: Node) -> OpData:
    ids, value, dst = node.input(IDS), node.input(VALUE), node.output(OUTPUT)
    if ids.type_name != "INT32" or len(ids.shape) != 1:
        raise node.fail(f"ids must be a 1-D int32 tensor, got {ids.type_name} {list(ids.shape)}")
    if len(value.shape) < 2:
        raise node.fail(f"value must have rank >= 2, got {list(value.shape)}")
    if value.type_name not in ("FLOAT32", "INT8"):
        raise node.unsupported(f"value type {value.type_name} is not supported (float32, int8)")
    allowed = ("FLOAT32",) if value.type_name == "FLOAT32" else ("FLOAT32", "INT8")
    if dst.type_name not in allowed:
        raise node.unsupported(f"{value.type_name} values cannot give a {dst.type_name} output (TFLM: "
                               f"{', '.join(allowed)})")
    expected = (ids.shape[0],) + value.shape[1:]
    if dst.shape != expected:
        raise node.fail(f"output shape {list(dst.shape)} is not {list(expected)}")
    dequantize = value.type_name == "INT8" and dst.type_name == "FLOAT32"
    if dequantize:
        if value.quant is None or value.quant.per_channel:
            raise node.unsupported("int8 values need per-tensor quantization to be dequantized")
        if value.zero_point != 0:
            raise node.fail(f"int8 values dequantized to float32 need zero point 0 (TFLM), got {value.zero_point}")
    return OpData(dequantize, np.float32(value.scale if dequantize else 0.0))


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    ids, value, out = inputs[IDS], inputs[VALUE], outputs[OUTPUT]
    rows = value.shape[0]
    if rows == 0:
        return  # TFLM leaves the output untouched
    bad = (ids < 0) | (ids >= rows)
    if bad.any():
        raise KernelError(f"operator {node.index} (EMBEDDING_LOOKUP): id {int(ids[bad][0])} is outside "
                          f"[0, {rows - 1}]")
    picked = value[ids]
    if data.dequantize:
        out[...] = picked.astype(np.float32) * data.scale
    elif value.dtype.kind == "f":
        out.view(np.uint32)[...] = picked.view(np.uint32)  # raw row copies
    else:
        out[...] = picked


#: TFLM sizes are not modelled for this op (modelled=False); c_op_data: its C twin's op data
MEMORY = KernelMemory(c_op_data=c_struct(w=4, b=1), modelled=False)
REGISTRATION = Registration("EMBEDDING_LOOKUP", prepare, invoke, memory=MEMORY)
