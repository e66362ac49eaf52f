"""C twins of SUB and MUL against their Python twins (firmware/src/kernels/mi_<stem>.c
vs kernels/<stem>.py, sharing mi_elementwise.c / elementwise.py).

Shapes (numpy/TFLM broadcasting up to rank 5, TFLM's flat path included) and
quantization come from the Python kernel tests' strategies
(broadcast_cases.broadcast_shapes, tests/kernels/test_sub.py and test_mul.py
quant_params, themselves checked against TFLM): float32, int32 (wrapping),
int8 and int16, every fused activation, the second operand a constant or a
graph input. Each hypothesis example is a batch of cases in one model, run in
the C port under ASan/UBSan and in the Python interpreter: every output byte
and the arena prediction must match (fw_batch); the seanet SUB models run too.
Examples per test: fw_batch.EXAMPLES batches of up to fw_batch.MAX_CASES cases.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from fw_batch import SETTINGS, Case, assert_both_refuse, batches, build, run_cases
from fw_helpers import requires_host_cc
from hypothesis import given
from hypothesis import strategies as st
from oracle import model_path

from microinterp.builder import ModelBuilder
from microinterp.fw import check as fwcheck

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "kernels"))
from broadcast_cases import broadcast_shapes  # noqa: E402
from strategies import ACTIVATIONS  # noqa: E402
from test_mul import quant_params as mul_quant_params  # noqa: E402
from test_sub import quant_params as sub_quant_params  # noqa: E402

pytestmark = requires_host_cc


def binary(op: str, shapes: tuple, dtype: str, qs: list[dict], act: str, const2: np.ndarray | None) -> Case:
    s1, s2, so = shapes

    def add(b: ModelBuilder, p: str) -> None:
        x1 = b.add_input(p + "a", s1, dtype, **qs[0])
        x2 = b.add_constant(p + "b", const2, dtype, **qs[1]) if const2 is not None else b.add_input(
            p + "b", s2, dtype, **qs[1])
        b.add_operator(op, [x1, x2], [b.add_output(p + "y", so, dtype, **qs[2])], fused_activation_function=act)
    return add


@st.composite
def binary_cases(draw: st.DrawFn) -> Case:
    op = draw(st.sampled_from(["SUB", "MUL"]))
    dtype = draw(st.sampled_from(["float32", "int32", "int8", "int16"]))
    shapes = draw(broadcast_shapes())
    act = draw(st.sampled_from(ACTIVATIONS))
    qs: list[dict] = [{}, {}, {}]
    if dtype in ("int8", "int16"):
        qs = draw((sub_quant_params if op == "SUB" else mul_quant_params)(dtype))
        if dtype == "int16" and op == "MUL":  # TFLM: int16 MUL needs zero points of 0
            qs = [dict(q, zero_point=0) for q in qs]
    const2 = None
    if draw(st.booleans()):
        rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
        const2 = (rng.uniform(-4, 4, size=shapes[1]).astype(np.float32) if dtype == "float32" else
                  rng.integers(np.iinfo(dtype).min, np.iinfo(dtype).max, size=shapes[1], endpoint=True).astype(dtype))
    return binary(op, shapes, dtype, qs, act, const2)


@SETTINGS
@given(batches(binary_cases()))
def test_sub_and_mul(cases: list[Case]) -> None:
    run_cases(cases)


@pytest.mark.parametrize("name", ["sub0", "sub2", "sub4"])
def test_seanet_sub_models(name: str) -> None:
    report = fwcheck.check(model_path(f"tflite-micro-seanet/{name}.tflite"), "host-asan", vectors=2, seed=3,
                           layers=True)
    assert report.ok, "\n".join(report.lines())


Q = {"scale": 0.5, "zero_point": 1}
REFUSED = {
    "sub output multiplier above one": lambda: build([binary("SUB", ((4,), (4,), (4,)), "int8",
                                                             [Q, Q, {"scale": 1e-9, "zero_point": 0}], "NONE", None)]),
    "sub quantized int32": lambda: build([binary("SUB", ((4,), (4,), (4,)), "int32", [Q, Q, Q], "NONE", None)]),
    "sub no broadcast": lambda: build([binary("SUB", ((4,), (3,), (4,)), "float32", [{}, {}, {}], "NONE", None)]),
    "mul int16 zero point": lambda: build([binary("MUL", ((4,), (4,), (4,)), "int16", [Q, Q, Q], "NONE", None)]),
    "mul uint8": lambda: build([binary("MUL", ((4,), (4,), (4,)), "uint8", [Q, Q, Q], "NONE", None)]),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refusals(name: str) -> None:
    assert_both_refuse(REFUSED[name]())
