"""COS (TFLM: kernels/elementwise.cc (``CosEval``); C twin: firmware/src/kernels/mi_cos.c).

float32 only: ``std::cos(float)``, i.e. glibc's ``cosf``, called through
``quant.libm_float`` (numpy's float32 cosine differs in the last bit).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .. import quant
from ..context import Node, Registration
from ..memory.declaration import KernelMemory
from . import unary

INPUT, OUTPUT = 0, 0

OpData = unary.UnaryOpData


def prepare(node: Node) -> OpData:
    return unary.prepare_float(node)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    x, out = inputs[INPUT].reshape(-1), outputs[OUTPUT].reshape(-1)
    out[...] = quant.libm_float("cosf", x)


MEMORY = KernelMemory(c_op_data=unary.C_OP_DATA, modelled=False)
REGISTRATION = Registration("COS", prepare, invoke, memory=MEMORY)
