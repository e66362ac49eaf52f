"""SUB (TFLM: kernels/sub.cc + sub_common.cc; C twin: firmware/src/kernels/mi_sub.c).

float32 and int32 subtract directly (int32 wraps) and clamp to the fused
activation's range. int8 and int16 follow TFLM's general rescaling, shared
with ADD (``elementwise.general_rescaling``): both inputs are offset, shifted
left by ``left_shift`` (20 for int8, 15 for int16), scaled by their own
multiplier to a common scale of twice the larger input scale, subtracted, and
rescaled to the output. TFLM micro never uses the int16 power-of-two path
(``pot_scale_int16`` is ignored). Measured quirk: the scale ratios are divided
in double, not in float32 as the mirrored ``sub_common.cc`` reads (see
``elementwise``); the oracle wins.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .. import quant
from ..context import Node, Registration
from ..memory.declaration import KernelMemory, c_struct
from . import elementwise

INPUT1, INPUT2, OUTPUT = 0, 1, 0
TYPES = ("FLOAT32", "INT32", "INT8", "INT16")


@dataclass(frozen=True)
class OpData:
    type_name: str
    activation_min: float | int = 0
    activation_max: float | int = 0
    left_shift: int = 0
    input1_offset: int = 0
    input1_multiplier: int = 0
    input1_shift: int = 0
    input2_offset: int = 0
    input2_multiplier: int = 0
    input2_shift: int = 0
    output_offset: int = 0
    output_multiplier: int = 0
    output_shift: int = 0
    # int8/int16, prepared once: each input's rescaling as a table over every value
    # (elementwise.rescale_table) and the output rescale + zero point + clamp (a - b of
    # two rescaled inputs stays inside int32: no wrap)
    input1_table: np.ndarray | None = None
    input2_table: np.ndarray | None = None
    stage: quant.OutputStage | None = None


def prepare(node: Node) -> OpData:
    a, b, out, type_name = elementwise.tensors_of(node)
    elementwise.check_shapes(node, a, b, out)
    elementwise.require_type(node, type_name, TYPES)
    if type_name == "INT32" and any(t.quant is not None for t in (a, b, out)):
        raise node.unsupported("int32 SUB supports only unquantized tensors (as TFLM)")
    lo, hi = elementwise.activation_range(type_name, elementwise.activation_of(node), out)
    if type_name in ("FLOAT32", "INT32"):
        return OpData(type_name, lo, hi)
    left_shift, m1, sh1, m2, sh2, mo, sho = elementwise.general_rescaling(node, a, b, out)
    return OpData(type_name, lo, hi, left_shift, -a.zero_point, m1, sh1, -b.zero_point, m2, sh2,
                  out.zero_point, mo, sho,
                  elementwise.rescale_table(a.dtype, -a.zero_point, left_shift, m1, sh1),
                  elementwise.rescale_table(b.dtype, -b.zero_point, left_shift, m2, sh2),
                  quant.OutputStage(mo, sho, out.zero_point, lo, hi, wrap=False))


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    x1, x2, out = inputs[INPUT1], inputs[INPUT2], outputs[OUTPUT]
    if data.type_name == "FLOAT32":
        a, b = elementwise.operands(x1, x2, out.shape)
        with np.errstate(over="ignore", invalid="ignore"):  # IEEE inf/NaN, as in C
            result = quant.sse_nan_first(np.asarray(a - b, np.float32), a, b)
        out[...] = quant.clamp_float(result, data.activation_min, data.activation_max)
        return
    if data.type_name == "INT32":  # C int32 arithmetic wraps
        a, b = elementwise.operands(x1, x2, out.shape)
        diff = quant.wrap_int32(a.astype(np.int64) - b)
        out[...] = np.clip(diff, data.activation_min, data.activation_max)
        return
    # Each input is rescaled on its own, so do it before broadcasting.
    scaled1 = elementwise.rescaled_lookup(data.input1_table, x1)
    scaled2 = elementwise.rescaled_lookup(data.input2_table, x2)
    a, b = elementwise.operands(scaled1, scaled2, out.shape)
    diff = np.array(a - b, np.int64)  # a fresh array (0-d included) for the in-place stage
    data.stage.apply(diff, out)



bind = elementwise.rescaled_binder(np.subtract, invoke)


MEMORY = KernelMemory(tflm_params="TfLiteSubParams", tflm_op_data="OpDataSub", c_op_data=c_struct(w=33, b=1))
REGISTRATION = Registration("SUB", prepare, invoke, memory=MEMORY, bind=bind)
