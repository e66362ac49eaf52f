"""ABS (TFLM: kernels/elementwise.cc, ``AbsEval``/``AbsEvalQuantized``;
C twin: firmware/src/kernels/mi_abs.c).

* float32: ``std::abs`` (clears the sign bit, of -0.0 and NaN too).
* int16 without quantization: ``std::abs`` on the promoted int, cast back, so
  -32768 stays -32768.
* int8, and int16 with quantization (zero points 0): ``v = |x - zp_in|``; when
  the two scales are equal (compared as float32) the result is ``v + zp_out``,
  otherwise ``MultiplyByQuantizedMultiplier(v, s_in / s_out) + zp_out``; both
  clamped to the type's range. An int8 tensor without quantization is
  rejected, as TFLM's prepare does. An output scale of 0 under a non-zero
  input scale is refused in prepare (``KernelError``, a status in the C twin):
  ``s_in / s_out`` is infinite, and TFLM's ``QuantizeMultiplier`` converts it
  to int64 (undefined behaviour; measured on the x86-64 oracle: the output zero
  point everywhere), so there is no defined TFLM result to be exact with.

Measured quirk: the mirrored source divides the scales in float32
(``static_cast<double>(s_in / s_out)``), but the oracle matches the division
done in double from the float32 scales: over 15 int16 scale pairs where the
two recipes give different multipliers, each run over all 65536 inputs, the
float32 recipe differed from TFLM in all 15 and the double recipe in none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .. import quant
from ..context import Node, Registration
from ..memory.declaration import KernelMemory, c_struct
from . import unary

INPUT, OUTPUT = 0, 0


@dataclass(frozen=True)
class OpData:
    type_name: str
    quantized: bool = False
    needs_rescale: bool = False
    input_zero_point: int = 0
    output_zero_point: int = 0
    multiplier: int = 0
    shift: int = 0


def rescale_multiplier(input_scale: float, output_scale: float) -> tuple[int, int]:
    """``QuantizeMultiplier(s_in / s_out)``, divided in double (see the docstring)."""
    return quant.quantize_multiplier(float(np.float32(input_scale)) / float(np.float32(output_scale)))


def prepare(node: Node) -> OpData:
    type_name = unary.check_same_type(node, ("FLOAT32", "INT8", "INT16"))
    src, dst = node.input(INPUT), node.output(OUTPUT)
    if type_name == "FLOAT32" or (type_name == "INT16" and src.quant is None):
        return OpData(type_name)
    if src.quant is None or dst.quant is None:
        raise node.fail("quantized ABS needs quantized input and output")
    if type_name == "INT16" and (src.zero_point != 0 or dst.zero_point != 0):
        raise node.fail("int16 input and output must have zero point 0")
    needs_rescale = bool(np.float32(src.scale) != np.float32(dst.scale))
    if needs_rescale and np.float32(dst.scale) == 0:
        raise node.fail(f"quantized ABS needs a non-zero output scale, got 0 under an input scale of "
                        f"{float(src.scale)!r} (the rescaling s_in / s_out would be infinite)")
    mult, shift = 0, 0
    if needs_rescale:
        try:
            mult, shift = rescale_multiplier(src.scale, dst.scale)
        except ValueError as e:
            raise node.unsupported(str(e)) from None
    return OpData(type_name, True, needs_rescale, src.zero_point, dst.zero_point, mult, shift)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    x, out = inputs[INPUT].reshape(-1), outputs[OUTPUT].reshape(-1)
    if data.type_name == "FLOAT32":
        out[...] = np.abs(x)
        return
    if not data.quantized:  # int16: abs in int, truncated back to int16
        out[...] = np.abs(x.astype(np.int64)).astype(np.int16)
        return
    v = np.abs(x.astype(np.int64) - data.input_zero_point)
    if data.needs_rescale:
        v = quant.multiply_by_quantized_multiplier(v, data.multiplier, data.shift)
    qmin, qmax = quant.dtype_range(out.dtype)
    out[...] = np.clip(v + data.output_zero_point, qmin, qmax)


MEMORY = KernelMemory(c_op_data=c_struct(w=7, b=2), modelled=False)
REGISTRATION = Registration("ABS", prepare, invoke, memory=MEMORY)
