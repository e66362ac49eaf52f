"""The element-wise, unary, comparison and logical C kernels on emulated
Cortex-M0+ (a real ARMv6-M core: no divider, no unaligned word access) and
Cortex-M4 (soft-float), against the Python interpreter byte for byte.

One model per kernel and type path, with the drawn values of the kernel tests
(NaNs, infinities, signed zeros, integer extremes). Left out on purpose: float
EXP, LOG, SIN, COS and ELU, which call the C library's expf/logf/sinf/cosf/
expm1f -- newlib's on the MCU, not glibc's, so their last bits may differ from
TFLM's x86 build (firmware/src/kernels/mi_unary.h); the host tests
(test_fw_elementwise.py) check them bit for bit against glibc.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "kernels"))  # the kernel tests' shared helpers

from elementwise_math_cases import binary_model, unary_model, values  # noqa: E402
from test_add_n import _model as add_n_model  # noqa: E402
from test_fill import _model as fill_model  # noqa: E402
from test_select_v2 import _model as select_v2_model  # noqa: E402
from test_shape import _model as shape_model  # noqa: E402

from microinterp.fw import check as fwcheck  # noqa: E402
from microinterp.fw.toolchain import toolchain_missing  # noqa: E402

_missing = toolchain_missing()
pytestmark = pytest.mark.skipif(_missing is not None, reason=f"Cortex-M toolchain/emulator absent: {_missing}")

Q8 = [{"scale": 0.05, "zero_point": 3}, {"scale": 0.02, "zero_point": -5}, {"scale": 0.3, "zero_point": 1}]
Q16 = [{"scale": 0.01, "zero_point": 0}, {"scale": 0.004, "zero_point": 0}, {"scale": 0.02, "zero_point": 0}]


def _cases() -> list[tuple[str, bytes, list[tuple[tuple, str]]]]:
    """(name, model, input (shape, dtype) list)."""
    b = (3, 4), (4,), (3, 4)
    out: list[tuple[str, bytes, list[tuple[tuple, str]]]] = []
    for op in ("NEG", "SQUARE", "SQRT", "RSQRT", "FLOOR", "CEIL", "ROUND", "ABS"):
        out.append((f"{op}-float32", unary_model(op, (64,), "float32"), [((64,), "float32")]))
    out += [
        ("ABS-int8", unary_model("ABS", (16,), "int8", Q8[0], Q8[2]), [((16,), "int8")]),
        ("ABS-int16", unary_model("ABS", (16,), "int16"), [((16,), "int16")]),
        ("RSQRT-int16", unary_model("RSQRT", (16,), "int16", Q16[0], Q16[2]), [((16,), "uint15")]),
        ("ELU-int8", unary_model("ELU", (16,), "int8", Q8[0], Q8[2]), [((16,), "int8")]),
        ("LOGICAL_NOT", unary_model("LOGICAL_NOT", (9,), "bool"), [((9,), "bool")]),
        ("ZEROS_LIKE-int64", unary_model("ZEROS_LIKE", (5,), "int64"), [((5,), "int64")]),
        ("DIV-int8", binary_model("DIV", *b, "int8", qs=Q8), [(b[0], "int8"), (b[1], "int8")]),
        ("DIV-float32", binary_model("DIV", *b, "float32"), [(b[0], "float32"), (b[1], "float32")]),
        ("DIV-int32", binary_model("DIV", *b, "int32"), [(b[0], "int32"), (b[1], "int32")]),
        ("FLOOR_MOD", binary_model("FLOOR_MOD", *b, "float32"), [(b[0], "float32"), (b[1], "float32")]),
        ("FLOOR_DIV", binary_model("FLOOR_DIV", *b, "float32"), [(b[0], "float32"), (b[1], "nonzero")]),
        ("MAXIMUM-int64", binary_model("MAXIMUM", *b, "int64"), [(b[0], "int64"), (b[1], "int64")]),
        ("MINIMUM-int16", binary_model("MINIMUM", *b, "int16"), [(b[0], "int16"), (b[1], "int16")]),
        ("SQUARED_DIFFERENCE-int8", binary_model("SQUARED_DIFFERENCE", *b, "int8", qs=Q8),
         [(b[0], "int8"), (b[1], "int8")]),
        ("SQUARED_DIFFERENCE-int16", binary_model("SQUARED_DIFFERENCE", *b, "int16", qs=Q16),
         [(b[0], "int16"), (b[1], "int16")]),
        ("LESS-int8", binary_model("LESS", *b, "int8", "bool", [Q8[0], Q8[1], {}]), [(b[0], "int8"), (b[1], "int8")]),
        ("NOT_EQUAL-int64", binary_model("NOT_EQUAL", *b, "int64", "bool"), [(b[0], "int64"), (b[1], "int64")]),
        ("GREATER_EQUAL-float32", binary_model("GREATER_EQUAL", *b, "float32", "bool"),
         [(b[0], "float32"), (b[1], "float32")]),
        ("LOGICAL_OR", binary_model("LOGICAL_OR", *b, "bool"), [(b[0], "bool"), (b[1], "bool")]),
        ("SELECT_V2-int16", select_v2_model(((3, 1), (4,), (3, 4), (3, 4)), "int16", [Q16[0], Q16[0], Q16[0]]),
         [((3, 1), "bool"), ((4,), "int16"), ((3, 4), "int16")]),
        ("ADD_N-int8", add_n_model((2, 5), "int8", 3, Q8[0], Q8[2]), [((2, 5), "int8")] * 3),
        ("ADD_N-float32", add_n_model((2, 5), "float32", 3, {}, {}), [((2, 5), "float32")] * 3),
        ("FILL-int8", fill_model((2, 3), "int8", "int64", quant=Q8[0]), [((), "int8")]),
        ("SHAPE", shape_model((2, 1, 3), "float32"), [((2, 1, 3), "float32")]),
    ]
    return out


def _draw(rng: np.random.Generator, shape: tuple, kind: str) -> np.ndarray:
    if kind == "uint15":  # RSQRT: at or above the zero point 0
        return np.abs(values(rng, shape, "int16").astype(np.int32)).clip(0, 32767).astype(np.int16)
    if kind == "nonzero":  # FLOOR_DIV: no zero divisor
        x = values(rng, shape, "float32")
        return np.where(x == 0, np.float32(1.5), x).astype(np.float32)
    return values(rng, shape, kind)


@pytest.mark.parametrize("target", ["cortex-m0plus", "cortex-m4"])
def test_exact_kernels_on_cortex_m(target: str) -> None:
    rng = np.random.default_rng(11)
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, model, specs in _cases():
            path = Path(tmp) / f"{name}.tflite"
            path.write_bytes(model)
            rows = [[_draw(rng, shape, kind) for shape, kind in specs] for _ in range(2)]
            report = fwcheck.check(path, target, inputs=rows, timeout=120)
            if not report.ok:
                failures.append(f"{name}: " + " | ".join(report.lines()[-3:]))
    assert not failures, "\n".join(failures)
