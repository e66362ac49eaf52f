"""Float binary ops where both operands are NaN: TFLM (x86 SSE) returns the first
source operand, quieted, and which C operand comes first is fixed per kernel.
numpy does not promise an order, so kernels force it (quant.sse_nan_first).
Every pairing of quiet/signalling, positive/negative NaNs, both operand orders,
at several lengths and offsets (numpy picks SIMD loops by size and alignment)."""

import numpy as np
import pytest
from oracle import compare_with_tflm, requires_tflm

from microinterp.builder import ModelBuilder

NANS = np.array([0x7FC00000, 0xFFC00000, 0x7FA3B9E8, 0xFFA3B9E8, 0x7FC12345, 0xFF800001], np.uint32)


def _pairs(length: int, offset: int) -> tuple[np.ndarray, np.ndarray]:
    a = np.repeat(NANS, len(NANS))
    b = np.tile(NANS, len(NANS))
    a = np.resize(np.roll(a, offset), length)
    b = np.resize(np.roll(b, offset), length)
    return a.view(np.float32), b.view(np.float32)


@requires_tflm
@pytest.mark.parametrize("op", ["ADD", "SUB", "MUL", "DIV", "ADD_N"])
@pytest.mark.parametrize("length, offset", [(36, 0), (37, 5), (100, 3), (1000, 11)])
def test_both_nan_operands_pick_tflm_operand(op, length, offset):
    a, b = _pairs(length, offset)
    m = ModelBuilder()
    x = m.add_input("x", (length,), "float32")
    y = m.add_input("y", (length,), "float32")
    z = m.add_output("z", (length,), "float32")
    m.add_operator(op, [x, y], [z])
    compare_with_tflm(m.build(), [[a, b], [b, a]], nan_payloads=True)
