"""The C twin of L2_POOL_2D against its Python twin
(firmware/src/kernels/mi_l2_pool_2d.c vs kernels/l2_pool_2d.py): SAME and
VALID padding, strides 1..3, filters 1..5 (larger than the image under SAME),
batches and every fused activation, as tests/kernels/test_l2_pool_2d.py draws
them (itself checked against TFLM). Each hypothesis example is a batch of
cases in one model, run in the C port under ASan/UBSan and in the Python
interpreter: every output byte and the arena prediction must match
(fw_batch). Examples: fw_batch.EXAMPLES batches of up to fw_batch.MAX_CASES.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from fw_batch import SETTINGS, Case, assert_both_refuse, batches, build, run_cases
from fw_helpers import requires_host_cc
from hypothesis import given
from hypothesis import strategies as st

from microinterp.builder import ModelBuilder

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "kernels"))
from test_l2_pool_2d import pool_case  # noqa: E402

pytestmark = requires_host_cc


def l2_pool(in_shape: tuple[int, ...], out_shape: tuple[int, ...], options: dict, dtype: str = "float32") -> Case:
    def add(b: ModelBuilder, p: str) -> None:
        x = b.add_input(p + "x", in_shape, dtype)
        b.add_operator("L2_POOL_2D", [x], [b.add_output(p + "y", out_shape, dtype)], **options)
    return add


@st.composite
def l2_pool_cases(draw: st.DrawFn) -> Case:
    return l2_pool(*draw(pool_case()))


@SETTINGS
@given(batches(l2_pool_cases()))
def test_l2_pool_2d(cases: list[Case]) -> None:
    run_cases(cases)


POOL = dict(padding="VALID", stride_h=1, stride_w=1, filter_height=2, filter_width=2)
REFUSED = {
    "int8": lambda: build([l2_pool((1, 3, 3, 1), (1, 2, 2, 1), POOL, "int8")]),
    "wrong output": lambda: build([l2_pool((1, 3, 3, 1), (1, 3, 3, 1), POOL)]),
    "stride 0": lambda: build([l2_pool((1, 3, 3, 1), (1, 2, 2, 1), dict(POOL, stride_h=0))]),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refusals(name: str) -> None:
    assert_both_refuse(REFUSED[name]())
