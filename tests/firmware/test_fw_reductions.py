"""C twins of the reductions against their Python twins: MEAN, SUM, REDUCE_MAX,
REDUCE_MIN (firmware/src/kernels/mi_<stem>.c vs kernels/<stem>.py, sharing
mi_reduction.c / reduction.py).

Shapes, axis lists (negative, duplicate and empty ones) and keep_dims come
from the strategies of the Python kernel tests (tests/kernels/test_mean.py,
batch_d_models.reduce_case, themselves checked against TFLM). The axis list
is a constant, or -- for the ops that read it at invoke -- the output of a
RESHAPE of a constant, so the kernel reads it from the arena at invoke time
(random graph inputs would almost never be valid axes). Each hypothesis
example is a batch of cases in one model, run in the C port under ASan/UBSan
and in the Python interpreter: every output byte and the arena prediction
must match (fw_batch). Examples per test: fw_batch.EXAMPLES batches of up to
fw_batch.MAX_CASES cases.
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
from batch_d_models import reduce_case  # noqa: E402
from strategies import scales, zero_points  # noqa: E402
from test_mean import mean_case  # noqa: E402

pytestmark = requires_host_cc


def reduction(op: str, shape: tuple[int, ...], axes: list[int], keep_dims: bool, out: tuple[int, ...], dtype: str,
              in_q: dict, out_q: dict, axis_at_invoke: bool) -> Case:
    def add(b: ModelBuilder, p: str) -> None:
        x = b.add_input(p + "x", shape, dtype, **in_q)
        ax = b.add_constant(p + "axis", np.array(axes, np.int32))
        if axis_at_invoke:  # a planned tensor holding the axes: read at invoke
            flat = b.add_tensor(p + "axis_now", (len(axes),), "int32")
            b.add_operator("RESHAPE", [ax], [flat])
            ax = flat
        y = b.add_output(p + "y", out, dtype, **out_q)
        b.add_operator(op, [x, ax], [y], keep_dims=keep_dims)
    return add


@st.composite
def mean_cases(draw: st.DrawFn) -> Case:
    shape, axes, keep_dims = draw(mean_case())
    rank = len(shape)
    reduced = {a % rank for a in axes}
    out = tuple(1 if d in reduced else n for d, n in enumerate(shape) if keep_dims or d not in reduced)
    dtype = draw(st.sampled_from(["float32", "int8", "int16"]))
    in_q: dict = {}
    out_q: dict = {}
    if dtype != "float32":
        s_in = draw(scales(-12, 0))
        s_out = float(np.float32(s_in * 2.0 ** draw(st.floats(-4, 4))))
        in_q = {"scale": s_in, "zero_point": draw(zero_points(dtype))}
        out_q = {"scale": s_out, "zero_point": draw(zero_points(dtype))}
    return reduction("MEAN", shape, axes, keep_dims, out, dtype, in_q, out_q, False)


@st.composite
def sum_cases(draw: st.DrawFn) -> Case:
    shape, axes, keep_dims, out = draw(reduce_case())
    dtype = draw(st.sampled_from(["float32", "int8", "int16"]))
    in_q: dict = {}
    out_q: dict = {}
    if dtype != "float32":
        s_in = draw(scales(-12, 0))
        s_out = float(np.float32(s_in * 2.0 ** draw(st.floats(-6, 10))))
        in_q = {"scale": s_in, "zero_point": draw(zero_points(dtype))}
        out_q = {"scale": s_out, "zero_point": draw(zero_points(dtype))}
    return reduction("SUM", shape, axes, keep_dims, out, dtype, in_q, out_q, draw(st.booleans()))


@st.composite
def min_max_cases(draw: st.DrawFn) -> Case:
    shape, axes, keep_dims, out = draw(reduce_case())
    op = draw(st.sampled_from(["REDUCE_MAX", "REDUCE_MIN"]))
    dtype = draw(st.sampled_from(["float32", "int8"]))
    q = {"scale": draw(scales()), "zero_point": draw(zero_points())} if dtype == "int8" else {}
    return reduction(op, shape, axes, keep_dims, out, dtype, q, q, draw(st.booleans()))


@SETTINGS
@given(batches(mean_cases()))
def test_mean(cases: list[Case]) -> None:
    run_cases(cases)


@SETTINGS
@given(batches(sum_cases()))
def test_sum(cases: list[Case]) -> None:
    run_cases(cases)


@SETTINGS
@given(batches(min_max_cases()))
def test_reduce_max_and_min(cases: list[Case]) -> None:
    run_cases(cases)


def _one(op: str, shape: tuple[int, ...], axes: list[int], out: tuple[int, ...], dtype: str = "int8",
         in_q: dict | None = None, out_q: dict | None = None, axis_dtype: str = "int32",
         axis_input: bool = False) -> bytes:
    q = {"scale": 0.5, "zero_point": 1} if dtype in ("int8", "int16") else {}
    b = ModelBuilder()
    x = b.add_input("x", shape, dtype, **(in_q if in_q is not None else q))
    ax = (b.add_input("axis", (len(axes),), axis_dtype) if axis_input
          else b.add_constant("axis", np.array(axes, axis_dtype)))
    y = b.add_output("y", out, dtype, **(out_q if out_q is not None else q))
    b.add_operator(op, [x, ax], [y])
    return b.build()


REFUSED = {
    "mean axis out of range": lambda: _one("MEAN", (2, 3), [2], (2,)),
    "mean wrong output size": lambda: _one("MEAN", (2, 3), [1], (3,)),
    "mean axis not constant": lambda: _one("MEAN", (2, 3), [1], (2,), axis_input=True),
    "mean int32": lambda: _one("MEAN", (2, 3), [1], (2,), dtype="int32"),
    "sum int64 axis": lambda: _one("SUM", (2, 3), [1], (2,), axis_dtype="int64"),
    "sum uint8": lambda: _one("SUM", (2, 3), [1], (2,), dtype="uint8"),
    "sum huge multiplier": lambda: _one("SUM", (2, 3), [1], (2,), in_q={"scale": 1e6, "zero_point": 0},
                                        out_q={"scale": 1e-6, "zero_point": 0}),
    "reduce_max int16": lambda: _one("REDUCE_MAX", (2, 3), [1], (2,), dtype="int16"),
    "reduce_min int8 requantizing": lambda: _one("REDUCE_MIN", (2, 3), [1], (2,), out_q={"scale": 0.25,
                                                                                          "zero_point": 1}),
    "reduce_max axis out of range": lambda: _one("REDUCE_MAX", (2, 3), [-3], (2,), dtype="float32"),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refusals(name: str) -> None:
    assert_both_refuse(REFUSED[name]())
