"""PADV2 (TFLM: kernels/pad.cc, registered as PadV2 with the same kernel;
C twin: firmware/src/kernels/mi_padv2.c).

PAD with a third input holding the pad value: a scalar of the input's type,
read at invoke time (it may be a variable tensor); for int8 it must share the
output's scale and zero point. Without the third input it is exactly PAD.
"""

from __future__ import annotations

from ..context import Registration
from ..memory.declaration import KernelMemory, c_struct
from .pad import bind, invoke, prepare

MEMORY = KernelMemory(tflm_op_data="PadOpData", c_op_data=c_struct(w=17, b=1))
REGISTRATION = Registration("PADV2", prepare, invoke, memory=MEMORY, bind=bind)
