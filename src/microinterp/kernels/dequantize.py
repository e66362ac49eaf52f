"""DEQUANTIZE (TFLM: kernels/dequantize.cc + dequantize_common.cc, reference
``Dequantize``; C twin: firmware/src/kernels/mi_dequantize.c).

int8, int16 and uint8 inputs to float32, per tensor as in TFLM:
``float(double(scale) * (q - zero_point))`` -- the product is taken in double
and rounded to float32 once, which float64 numpy reproduces exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..context import Node, Registration
from ..memory.declaration import KernelMemory, c_struct

INPUT, OUTPUT = 0, 0


@dataclass(frozen=True)
class OpData:
    scale: float  # double(float scale)
    zero_point: int


def prepare(node: Node) -> OpData:
    if len(node.inputs) != 1 or len(node.outputs) != 1:
        raise node.fail("DEQUANTIZE takes exactly one input and one output")
    inp, out = node.input(INPUT), node.output(OUTPUT)
    if inp.type_name not in ("INT8", "INT16", "UINT8"):
        raise node.unsupported(f"DEQUANTIZE of {inp.type_name} is not supported (int8, int16 and uint8 are)")
    if out.type_name != "FLOAT32":
        raise node.unsupported(f"DEQUANTIZE to {out.type_name} is not supported (TFLM outputs float32)")
    if inp.size != out.size:
        raise node.fail(f"input {list(inp.shape)} and output {list(out.shape)} differ in size")
    # Without quantization parameters TFLM reads scale 0 and zero point 0: the output is all zeros.
    return OpData(float(inp.scale), inp.zero_point)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    centred = inputs[INPUT].astype(np.float64) - data.zero_point  # exact: small integers
    outputs[OUTPUT].reshape(-1)[...] = (data.scale * centred).astype(np.float32).reshape(-1)


MEMORY = KernelMemory(tflm_op_data="DequantizeOpData", c_op_data=c_struct(w=2, b=1))
REGISTRATION = Registration("DEQUANTIZE", prepare, invoke, memory=MEMORY)
