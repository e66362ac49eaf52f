"""AVERAGE_POOL_2D (TFLM: kernels/pooling.cc ``AverageEval`` with pooling_common.cc,
reference ``AveragePool`` for float32 and ``integer_ops::AveragePool`` for int8/int16;
C twin: firmware/src/kernels/mi_average_pool_2d.c).

The geometry and arithmetic live in ``pooling.py``: the divisor is the number
of in-bounds taps (padding is not counted), integers round half away from
zero with C truncating division, float32 sums the taps in TFLM's row-major
order starting from +0.0f and divides by the float count. ``bind_average`` reduces an
integer average over the whole image in one call.
"""

from __future__ import annotations

from ..context import Node, Registration
from ..memory.declaration import KernelMemory, c_struct
from .pooling import INPUT, OUTPUT, PoolData, bind_average, invoke_average, prepare_pool

__all__ = ["INPUT", "OUTPUT", "MEMORY", "REGISTRATION"]


def prepare(node: Node) -> PoolData:
    return prepare_pool(node, average=True)


MEMORY = KernelMemory(tflm_params="TfLitePoolParams", tflm_op_data="OpDataPooling", c_op_data=c_struct(w=16, b=1))
REGISTRATION = Registration("AVERAGE_POOL_2D", prepare, invoke_average, memory=MEMORY, bind=bind_average)
