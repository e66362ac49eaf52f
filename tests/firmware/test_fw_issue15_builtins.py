"""Issue 15's builtins in C against their Python twins on hypothesis-drawn
single-op models: DYNAMIC_UPDATE_SLICE and REDUCE_ALL
(firmware/src/kernels/mi_dynamic_update_slice.c, mi_reduce_all.c).

Models and inputs come from the Python kernel tests' strategies and makers
(tests/kernels/test_dynamic_update_slice.py, test_reduce_all.py and the
reductions' shared reduce_case/reduce_model). Start indices given as graph
inputs get several vectors per model, past either end of the operand, so the
clamping runs on each. Every output byte and the arena must match; Python's
refusals must be C statuses.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

# the kernel tests' shared case modules (batch_d_models, broadcast_cases) import each other by name
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "kernels"))
from batch_d_models import quant_params, reduce_case, reduce_model  # noqa: E402
from fw_helpers import requires_host_cc
from fw_twins import SETTINGS, assert_both_refuse, run_both_on
from hypothesis import given
from hypothesis import strategies as st
from kernels import test_dynamic_update_slice as dus_cases
from kernels import test_reduce_all as all_cases
from strategies import seeds

pytestmark = requires_host_cc


@SETTINGS
@given(case=dus_cases.update_case(), dtype=st.sampled_from(dus_cases.TYPES),
       index_dtype=st.sampled_from(["int32", "int64"]), const=st.booleans(), seed=seeds, data_=st.data())
def test_dynamic_update_slice(case, dtype, index_dtype, const, seed, data_) -> None:  # type: ignore[no-untyped-def]
    shape, update, start = case
    q_operand, q_update = data_.draw(quant_params(dtype)), data_.draw(quant_params(dtype))
    model = dus_cases.update_model(shape, update, start, dtype, q_operand, q_update, index_dtype, const)
    vectors = [dus_cases.update_feeds(shape, update, start, dtype, index_dtype, const, seed)]
    if not const:  # the same model with starts far before, far past and inside the operand
        for far in (-(2**31) if index_dtype == "int32" else -(2**40), 2**31 - 1, 1):
            vectors.append([*vectors[0][:2], np.full(len(shape), far, index_dtype)])
    run_both_on(model, vectors)


def test_dynamic_update_slice_refusals() -> None:
    for shape, update, start in [((3, 4), (4, 1), [0, 0]), ((3, 4), (2, 2), [0, 0, 0]), ((3, 4), (2,), [0, 0]),
                                 ((), (), [])]:
        assert_both_refuse(dus_cases.update_model(shape, update, start, "float32", {}, {}, "int32", False))


@SETTINGS
@given(case=reduce_case(), const_axis=st.booleans(), seed=seeds)
def test_reduce_all(case, const_axis: bool, seed: int) -> None:
    shape, axes, keep_dims, out = case
    model = reduce_model("REDUCE_ALL", shape, axes, keep_dims, out, "bool", {}, {}, const_axis)
    vectors = []
    for k in range(3):
        x = all_cases.mostly_true(shape, seed + k)
        vectors.append([x] if const_axis else [x, np.array(axes, np.int32)])
    if not const_axis:  # an axis out of range, read at invoke: both fail there
        vectors.append([vectors[0][0], np.full(len(axes), len(shape), np.int32)])
    run_both_on(model, vectors)


def test_reduce_all_refuses_other_types() -> None:
    assert_both_refuse(reduce_model("REDUCE_ALL", (2, 3), [1], False, (2,), "float32", {}, {}))
