"""CAST (TFLM: kernels/cast.cc; C twin: firmware/src/kernels/mi_cast.c).

TFLM's ``static_cast`` between int8, int16, int32, uint32, float32 and bool
inputs and int8, int16, int32, uint32 and float32 outputs; quantization is
ignored (values are converted, not requantized).

* integer -> integer: two's-complement wrap to the target width;
* integer -> float32: round to nearest even;
* float32 -> integer: truncate toward zero. Out-of-range floats are undefined
  in C; the x86-64 oracle build *saturates* them to the target's range and
  maps NaN to 0 (measured for every target type), which is reproduced.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..context import Node, Registration
from ..memory.declaration import KernelMemory, c_struct

INPUT, OUTPUT = 0, 0
INPUT_TYPES = ("INT8", "INT16", "INT32", "UINT32", "FLOAT32", "BOOL")
OUTPUT_TYPES = ("INT8", "INT16", "INT32", "UINT32", "FLOAT32")


@dataclass(frozen=True)
class OpData:
    from_float: bool
    to_float: bool


def prepare(node: Node) -> OpData:
    src, dst = node.input(INPUT), node.output(OUTPUT)
    if src.type_name not in INPUT_TYPES:
        raise node.unsupported(f"input type {src.type_name} is not supported ({', '.join(INPUT_TYPES).lower()})")
    if dst.type_name not in OUTPUT_TYPES:
        raise node.unsupported(f"output type {dst.type_name} is not supported ({', '.join(OUTPUT_TYPES).lower()})")
    if src.size != dst.size:
        raise node.fail(f"input {list(src.shape)} and output {list(dst.shape)} differ in size")
    return OpData(src.type_name == "FLOAT32", dst.type_name == "FLOAT32")


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    x, out = inputs[INPUT].reshape(-1), outputs[OUTPUT].reshape(-1)
    if data.to_float or not data.from_float:
        # int -> int wraps (via int64, exact); anything -> float32 rounds to nearest even
        out[...] = x.astype(out.dtype) if data.to_float else x.astype(np.int64).astype(out.dtype)
        return
    info = np.iinfo(out.dtype)
    with np.errstate(invalid="ignore"):
        t = np.trunc(x.astype(np.float64))
        t = np.where(np.isnan(t), 0.0, np.clip(t, info.min, info.max))
    out[...] = t.astype(np.int64).astype(out.dtype)


def bind(node: Node, data: OpData, inputs: Sequence[np.ndarray | None],
         outputs: Sequence[np.ndarray]) -> Callable[[], None]:
    """Integer or bool inputs, and float32 outputs: one ``copyto`` with unsafe casting,
    which is numpy's C conversion -- modulo the target width between integers (what the
    int64 detour of ``invoke`` gives), round to nearest even to float32. float32 to
    integer keeps ``invoke`` (TFLM's saturation and NaN)."""
    x, out = inputs[INPUT].reshape(-1), outputs[OUTPUT].reshape(-1)
    if (data.from_float and not data.to_float) or not (np.shares_memory(x, inputs[INPUT])
                                                        and np.shares_memory(out, outputs[OUTPUT])):
        return functools.partial(invoke, node, data, inputs, outputs)
    return functools.partial(np.copyto, out, x, casting="unsafe")


MEMORY = KernelMemory(tflm_params="TfLiteCastParams", c_op_data=c_struct(w=1, b=2))
REGISTRATION = Registration("CAST", prepare, invoke, memory=MEMORY, bind=bind)
