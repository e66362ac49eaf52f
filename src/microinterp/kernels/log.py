"""LOG (TFLM: kernels/elementwise.cc (``LogEval``); C twin: firmware/src/kernels/mi_log.c).

float32 only: ``std::log(float)``, i.e. glibc's ``logf`` (``quant.libm_logf``);
negative inputs give NaN, zeros -inf, as in C.
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
    out[...] = quant.libm_logf(x)


MEMORY = KernelMemory(c_op_data=unary.C_OP_DATA, modelled=False)
REGISTRATION = Registration("LOG", prepare, invoke, memory=MEMORY)
