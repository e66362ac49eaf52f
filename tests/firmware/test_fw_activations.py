"""C twins of the activation kernels against their Python twins: LEAKY_RELU
(firmware/src/kernels/mi_<stem>.c vs kernels/<stem>.py).

Parameters (alphas, scales, zero points) come from the strategies of the
Python kernel tests (tests/kernels/test_<op>.py, themselves checked against
TFLM); each hypothesis example is a batch of cases in one model, run in the
C port under ASan/UBSan and in the Python interpreter with full-range random
inputs: every output byte and the arena prediction must match (fw_batch).
Examples per test: fw_batch.EXAMPLES batches of up to fw_batch.MAX_CASES cases.
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
from strategies import scales, zero_points  # noqa: E402
from test_leaky_relu import ALPHAS, SHAPES  # noqa: E402

pytestmark = requires_host_cc


def unary(op: str, shape: tuple[int, ...], dtype: str, in_q: dict, out_q: dict, **options: object) -> Case:
    def add(b: ModelBuilder, p: str) -> None:
        x = b.add_input(p + "x", shape, dtype, **in_q)
        y = b.add_output(p + "y", shape, dtype, **out_q)
        b.add_operator(op, [x], [y], **options)
    return add


@st.composite
def leaky_relu_cases(draw: st.DrawFn) -> Case:
    dtype = draw(st.sampled_from(["float32", "int8", "int16"]))
    in_q: dict = {}
    out_q: dict = {}
    if dtype != "float32":
        s_in = draw(scales(-12, 0))
        s_out = float(np.float32(s_in * 2.0 ** draw(st.floats(-6, 6))))
        in_q = {"scale": s_in, "zero_point": draw(zero_points(dtype))}
        out_q = {"scale": s_out, "zero_point": draw(zero_points(dtype))}
    return unary("LEAKY_RELU", draw(SHAPES), dtype, in_q, out_q, alpha=draw(ALPHAS))


@SETTINGS
@given(batches(leaky_relu_cases()))
def test_leaky_relu(cases: list[Case]) -> None:
    run_cases(cases)


def _one(op: str, dtype: str, q: dict | None = None, **options: object) -> bytes:
    b = ModelBuilder()
    unary(op, (2, 3), dtype, q or {}, q or {}, **options)(b, "")
    return b.build()


REFUSED = {
    "leaky_relu int32": lambda: _one("LEAKY_RELU", "int32", alpha=0.5),
    "leaky_relu huge multiplier": lambda: _one("LEAKY_RELU", "int8", q={"scale": 1.0, "zero_point": 0},
                                               alpha=1e10),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refusals(name: str) -> None:
    assert_both_refuse(REFUSED[name]())
