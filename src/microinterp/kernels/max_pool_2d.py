"""MAX_POOL_2D (TFLM: kernels/pooling.cc ``MaxEval`` with pooling_common.cc,
reference ``MaxPool`` for float32 and ``integer_ops::MaxPool`` for int8/int16;
C twin: firmware/src/kernels/mi_max_pool_2d.c).

The geometry lives in ``pooling.py``: the running maximum starts at the
type's lowest value, taps outside the image are skipped, float NaN inputs
are ignored as ``std::max`` does, and the fused activation clamps last.
"""

from __future__ import annotations

from ..context import Node, Registration
from ..memory.declaration import KernelMemory, c_struct
from .pooling import INPUT, OUTPUT, PoolData, invoke_max, prepare_pool

__all__ = ["INPUT", "OUTPUT", "MEMORY", "REGISTRATION"]


def prepare(node: Node) -> PoolData:
    return prepare_pool(node, average=False)


MEMORY = KernelMemory(tflm_params="TfLitePoolParams", tflm_op_data="OpDataPooling", c_op_data=c_struct(w=16, b=1))
REGISTRATION = Registration("MAX_POOL_2D", prepare, invoke_max, memory=MEMORY)
