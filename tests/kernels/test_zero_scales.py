"""Zero quantization scales of the binary arithmetic ops are refused in prepare with a
clear error, not 'prepare failed: float division by zero' (C twins: the same models are
refused in tests/firmware/test_fw_twin_fixes.py).

* A zero output scale (ADD, SUB, MUL, SQUARED_DIFFERENCE): each output multiplier divides
  by it; TFLM has no check (an infinite multiplier: a CHECK abort for ADD/SUB, undefined
  behaviour for MUL and SQUARED_DIFFERENCE). ``KernelError``.
* Zero input scales: ADD/SUB's common scale is then 0 and SQUARED_DIFFERENCE's input
  multiplier 0, on which TFLM CHECK-aborts (measured: the oracle process dies with
  SIGABRT). ``UnsupportedOpError``, as for the other multipliers TFLM aborts on. (MUL and
  DIV compute a zero input-1 scale: a zero multiplier, checked against TFLM in their files.)
"""

import pytest
from broadcast_cases import binary_model

from microinterp import Interpreter
from microinterp.errors import KernelError, UnsupportedOpError


def _model(op: str, scales: tuple[float, float, float]) -> bytes:
    qs = [{"scale": s, "zero_point": 0} for s in scales]
    return binary_model(op, ((4,), (4,), (4,)), "int8", qs)


@pytest.mark.parametrize("op", ["ADD", "SUB", "MUL", "SQUARED_DIFFERENCE"])
def test_zero_output_scale_is_a_kernel_error(op):
    with pytest.raises(KernelError, match="output scale is 0"):
        Interpreter.from_bytes(_model(op, (0.1, 0.2, 0.0)))


@pytest.mark.parametrize(("op", "scales", "match"), [
    ("ADD", (0.0, 0.0, 0.1), "both input scales are 0"),
    ("SUB", (0.0, 0.0, 0.1), "both input scales are 0"),
    ("SQUARED_DIFFERENCE", (0.0, 0.1, 0.1), "aborts on the zero input multiplier"),
    ("SQUARED_DIFFERENCE", (0.1, 0.0, 0.1), "aborts on the zero input multiplier"),
])
def test_zero_input_scales_tflm_aborts_on_are_unsupported(op, scales, match):
    with pytest.raises(UnsupportedOpError, match=match):
        Interpreter.from_bytes(_model(op, scales))
