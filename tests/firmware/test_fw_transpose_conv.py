"""The C twin of TRANSPOSE_CONV against its Python twin
(firmware/src/kernels/mi_transpose_conv.c vs kernels/transpose_conv.py).

Geometries (every output size a converter may declare, SAME/VALID, strides
1-3) come from tests/kernels/test_transpose_conv.py's strategy, itself checked
against TFLM; int8 (per-channel and per-tensor filters, with and without
bias), int16x8 (int64, int16 or no bias) and float32 (TFLM's scatter order,
replayed by the C gather) with every fused activation. Each hypothesis example
is a batch of cases in one model, run in the C port under ASan/UBSan and in
the Python interpreter: every output byte and the arena prediction (including
the per-channel multiplier arrays) must match (fw_batch). Examples per test:
fw_batch.EXAMPLES batches of up to fw_batch.MAX_CASES cases.
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

from microinterp.builder import ModelBuilder

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "kernels"))
from strategies import ACTIVATIONS, scales, zero_points  # noqa: E402
from test_transpose_conv import geometry  # noqa: E402

pytestmark = requires_host_cc


def transpose_conv(in_shape: tuple[int, ...], w_shape: tuple[int, ...], out_shape: tuple[int, ...],
                   strides: tuple[int, int], padding: str, act: str, dtype: str, wdata: np.ndarray,
                   bias: np.ndarray | None, q: dict) -> Case:
    def add(b: ModelBuilder, p: str) -> None:
        ins = [b.add_constant(p + "output_shape", np.array(out_shape, np.int32)),
               b.add_constant(p + "filter", wdata, **q.get("w", {})),
               b.add_input(p + "x", in_shape, dtype, **q.get("x", {}))]
        if bias is not None:
            ins.append(b.add_constant(p + "bias", bias, **q.get("b", {})))
        y = b.add_output(p + "y", out_shape, dtype, **q.get("y", {}))
        b.add_operator("TRANSPOSE_CONV", ins, [y], padding=padding, stride_h=strides[0], stride_w=strides[1],
                       fused_activation_function=act)
    return add


@st.composite
def transpose_conv_cases(draw: st.DrawFn) -> Case:
    in_shape, w_shape, out_shape, strides, padding = draw(geometry())
    act = draw(st.sampled_from(ACTIVATIONS))
    dtype = draw(st.sampled_from(["int8", "int16", "float32"]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    oc = w_shape[0]
    if dtype == "float32":
        wdata = rng.standard_normal(w_shape).astype(np.float32)
        bias = rng.standard_normal(oc).astype(np.float32) if draw(st.booleans()) else None
        return transpose_conv(in_shape, w_shape, out_shape, strides, padding, act, dtype, wdata, bias, {})
    wdata = rng.integers(-127, 127, size=w_shape, endpoint=True).astype(np.int8)
    if dtype == "int8":
        per_channel = draw(st.booleans())
        w_scale = rng.uniform(0.002, 0.05, oc if per_channel else 1).astype(np.float32)
        in_scale, out_scale = draw(scales(-10, 0)), draw(scales(-8, 2))
        bias = rng.integers(-5000, 5000, size=oc).astype(np.int32) if draw(st.booleans()) else None
        q = {"x": {"scale": in_scale, "zero_point": draw(zero_points("int8"))},
             "y": {"scale": out_scale, "zero_point": draw(zero_points("int8"))}}
    else:
        w_scale = rng.uniform(0.002, 0.05, oc).astype(np.float32)
        in_scale, out_scale = draw(scales(-14, -4)), draw(scales(-12, -2))
        kind = draw(st.sampled_from(["int64", "int16", None]))
        bias = (None if kind is None else rng.integers(-(2**20), 2**20, size=oc).astype(np.int64) if kind == "int64"
                else rng.integers(-32768, 32767, size=oc, endpoint=True).astype(np.int16))
        q = {"x": {"scale": in_scale, "zero_point": 0}, "y": {"scale": out_scale, "zero_point": 0}}
    q["w"] = {"scale": w_scale, "zero_point": 0, "quantized_dimension": 0}
    q["b"] = {"scale": in_scale * w_scale, "zero_point": 0}
    return transpose_conv(in_shape, w_shape, out_shape, strides, padding, act, dtype, wdata, bias, q)


@SETTINGS
@given(batches(transpose_conv_cases()))
def test_transpose_conv(cases: list[Case]) -> None:
    run_cases(cases)


def _one(dtype: str = "int8", wdtype: str = "int8", bias: np.ndarray | None = None,
         out_shape: tuple[int, ...] = (1, 4, 4, 2), filter_as_input: bool = False) -> bytes:
    q = {"scale": 0.1, "zero_point": 0} if dtype != "float32" else {}
    wq = {"scale": 0.01, "zero_point": 0} if wdtype == "int8" else {}
    wdata = np.ones((2, 2, 2, 3), wdtype)

    def add(b: ModelBuilder, p: str) -> None:
        ins = [b.add_constant("shape", np.array(out_shape, np.int32)),
               b.add_input("w", wdata.shape, wdtype, **wq) if filter_as_input else b.add_constant("w", wdata, **wq),
               b.add_input("x", (1, 2, 2, 3), dtype, **q)]
        if bias is not None:
            ins.append(b.add_constant("b", bias, scale=0.001, zero_point=0))
        b.add_operator("TRANSPOSE_CONV", ins, [b.add_output("y", out_shape, dtype, **q)], padding="VALID",
                       stride_h=2, stride_w=2)
    return build([add])


REFUSED = {
    "hybrid": lambda: _one("float32", "int8"),
    "int16 with int32 bias": lambda: _one("int16", bias=np.zeros(2, np.int32)),
    "int8 with int64 bias": lambda: _one("int8", bias=np.zeros(2, np.int64)),
    "wrong bias size": lambda: _one("int8", bias=np.zeros(3, np.int32)),
    "output channels differ": lambda: _one("int8", out_shape=(1, 4, 4, 3)),
    "filter not constant": lambda: _one("int8", filter_as_input=True),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refusals(name: str) -> None:
    assert_both_refuse(REFUSED[name]())
