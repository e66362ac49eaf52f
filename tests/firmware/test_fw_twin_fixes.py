"""Twin agreements fixed by hand, C port (host, ASan/UBSan) against the Python interpreter:

* DIV and ABS with a zero scale that makes their rescaling infinite, ADD, SUB, MUL and
  SQUARED_DIFFERENCE with a zero output scale, ADD/SUB/SQUARED_DIFFERENCE with zero
  input scales: both refuse at allocation (Python a ``MicrointerpError``, C a status);
  TFLM has no check (undefined behaviour) or aborts.
* PRELU and int8 MUL with zero points far outside the type's range (hostile models):
  both compute TFLM's int32 arithmetic, wraps included (kernels/prelu.py, kernels/mul.py),
  on every input value; int8 SQUARED_DIFFERENCE refuses them, as TFLM's prepare does.

``MI_FW_EXAMPLES`` raises the hypothesis examples (fw_batch.EXAMPLES batches each).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from fw_batch import SETTINGS, Case, assert_both_refuse, batches, run_cases
from fw_helpers import requires_host_cc
from hypothesis import given
from hypothesis import strategies as st

from microinterp.builder import ModelBuilder

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "kernels"))
from broadcast_cases import binary_model  # noqa: E402
from elementwise_math_cases import unary_model  # noqa: E402
from strategies import ACTIVATIONS, scales, wide_zero_points  # noqa: E402

pytestmark = requires_host_cc


@pytest.mark.parametrize(("s2", "so"), [(0.0, 0.1), (0.1, 0.0)])
def test_div_zero_scale_refused_by_both(s2: float, so: float) -> None:
    qs = [{"scale": 0.1, "zero_point": 1}, {"scale": s2, "zero_point": 0}, {"scale": so, "zero_point": -3}]
    assert_both_refuse(binary_model("DIV", ((4,), (4,), (4,)), "int8", qs))


ZERO_SCALE_CASES = [(op, (0.1, 0.2, 0.0)) for op in ("ADD", "SUB", "MUL", "SQUARED_DIFFERENCE")] + [
    ("ADD", (0.0, 0.0, 0.1)), ("SUB", (0.0, 0.0, 0.1)), ("SQUARED_DIFFERENCE", (0.0, 0.1, 0.1))]


@pytest.mark.parametrize(("op", "scales_"), ZERO_SCALE_CASES)
def test_zero_scales_refused_by_both(op: str, scales_: tuple[float, float, float]) -> None:
    """A zero output scale (every op divides by it) and zero input scales that make ADD/SUB's
    common scale or a SQUARED_DIFFERENCE input multiplier 0 (TFLM aborts on them)."""
    qs = [{"scale": s, "zero_point": 0} for s in scales_]
    assert_both_refuse(binary_model(op, ((4,), (4,), (4,)), "int8", qs))


@pytest.mark.parametrize("dtype", ["int8", "int16"])
def test_abs_zero_output_scale_refused_by_both(dtype: str) -> None:
    assert_both_refuse(unary_model("ABS", (4,), dtype, {"scale": 0.1, "zero_point": 0},
                                   {"scale": 0.0, "zero_point": 0}))


@st.composite
def wide_prelu_cases(draw: st.DrawFn) -> Case:
    """An int8 or int16 PRELU over every input value, alpha a graph input or a constant."""
    dtype = draw(st.sampled_from(["int8", "int16"]))
    n = 256 if dtype == "int8" else 1024
    s_in = draw(scales(-12, 0))
    quants = [{"scale": s_in, "zero_point": draw(wide_zero_points())},
              {"scale": draw(scales(-10, -2)), "zero_point": draw(wide_zero_points())},
              {"scale": float(np.float32(s_in * 2.0 ** draw(st.floats(-6, 6)))),
               "zero_point": draw(wide_zero_points())}]
    const = draw(st.booleans())
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    alpha = rng.integers(-128, 127, size=(n,), endpoint=True).astype(np.int8)

    def add(b: ModelBuilder, p: str) -> None:
        x = b.add_input(p + "x", (n,), dtype, **quants[0])
        a = (b.add_constant(p + "alpha", alpha, **quants[1]) if const
             else b.add_input(p + "alpha", (n,), "int8", **quants[1]))
        b.add_operator("PRELU", [x, a], [b.add_output(p + "y", (n,), dtype, **quants[2])])
    return add


@SETTINGS
@given(batches(wide_prelu_cases()))
def test_prelu_wide_zero_points(cases: list[Case]) -> None:
    run_cases(cases, vectors=3)


@st.composite
def wide_mul_cases(draw: st.DrawFn) -> Case:
    """An int8 MUL over every pair of values, zero points across int32."""
    s1, s2 = draw(scales(-12, 2)), draw(scales(-12, 2))
    so = float(np.float32(s1 * s2 * 2.0 ** draw(st.floats(-4, 12))))
    qs = [{"scale": s, "zero_point": draw(wide_zero_points())} for s in (s1, s2, so)]
    act = draw(st.sampled_from(ACTIVATIONS))  # both twins share quant's activation range

    def add(b: ModelBuilder, p: str) -> None:
        x1 = b.add_input(p + "x1", (256, 1), "int8", **qs[0])
        x2 = b.add_input(p + "x2", (1, 256), "int8", **qs[1])
        b.add_operator("MUL", [x1, x2], [b.add_output(p + "y", (256, 256), "int8", **qs[2])],
                       fused_activation_function=act)
    return add


@SETTINGS
@given(batches(wide_mul_cases()))
def test_mul_wide_zero_points(cases: list[Case]) -> None:
    run_cases(cases, vectors=2)


@pytest.mark.parametrize("which", [0, 1, 2])
def test_squared_difference_int8_zero_points_outside_int8_refused_by_both(which: int) -> None:
    qs = [{"scale": 0.1, "zero_point": 0} for _ in range(3)]
    qs[which]["zero_point"] = 128 if which != 1 else -129
    assert_both_refuse(binary_model("SQUARED_DIFFERENCE", ((4,), (4,), (4,)), "int8", qs))
