"""The stateful C kernels (mi_svdf.c, mi_unidirectional_sequence_lstm.c)
against their Python twins on hypothesis-drawn single-op models.

The models come from the Python kernel tests' own builders and dimension
strategies (tests/kernels/test_svdf.py, test_unidirectional_sequence_lstm.py),
so the C port meets what TFLM was checked on: int8 SVDF with int16 and int8
state, float SVDF with every activation; int8, int16x8 and float LSTMs,
batch- and time-major, with and without cell clipping, several cell scales.
Three invokes carry the variable tensors in the persistent arena; every
output byte and the arena must match. Refusals are checked too: what Python
refuses, C refuses with a status.
"""

from __future__ import annotations

import numpy as np
from fw_helpers import assert_twins_agree, requires_host_cc
from fw_twins import SETTINGS, assert_both_refuse, run_both
from hypothesis import given
from hypothesis import strategies as st
from kernels import test_svdf as svdf_cases
from kernels import test_unidirectional_sequence_lstm as lstm_cases
from strategies import scales, seeds, zero_points

pytestmark = requires_host_cc


def _svdf_int8(draw: st.DrawFn, d: dict, state_dtype: str, rng: np.random.Generator, bias: bool = True) -> bytes:
    filters = d["units"] * d["rank"]
    tinfo = np.iinfo(state_dtype)
    wf = rng.integers(-127, 127, size=(filters, d["n_input"]), endpoint=True).astype(np.int8)
    wt = rng.integers(tinfo.min + 1, tinfo.max, size=(filters, d["memory"]), endpoint=True).astype(state_dtype)
    in_scale, wf_scale, wt_scale = draw(scales(-8, 0)), draw(scales(-9, -6)), draw(scales(-10, -6))
    state_scale, out_scale = draw(scales(-8, 0)), draw(scales(-6, 2))
    q = {"x": {"scale": in_scale, "zero_point": draw(zero_points("int8"))},
         "wf": {"scale": wf_scale, "zero_point": 0}, "wt": {"scale": wt_scale, "zero_point": 0},
         "b": {"scale": float(np.float32(state_scale) * np.float32(wt_scale)), "zero_point": 0},
         "s": {"scale": state_scale, "zero_point": draw(zero_points("int8")) if state_dtype == "int8" else 0},
         "y": {"scale": out_scale, "zero_point": draw(zero_points("int8"))}}
    b = rng.integers(-20000, 20000, size=d["units"]).astype(np.int32) if bias else None
    return svdf_cases._build(d, "int8", state_dtype, wf, wt, b, "RELU", q)


@SETTINGS
@given(st.data())
def test_svdf(data: st.DataObject) -> None:
    draw = data.draw
    d = draw(svdf_cases.dims())
    rng = np.random.default_rng(draw(seeds))
    kind = draw(st.sampled_from(["int16", "int8", "float32"]))
    if kind == "float32":
        filters = d["units"] * d["rank"]
        act = draw(st.sampled_from(["NONE", "RELU", "RELU6", "RELU_N1_TO_1", "TANH", "SIGN_BIT"]))
        model = svdf_cases._build(d, "float32", "float32", rng.standard_normal((filters, d["n_input"])).astype(np.float32),
                                  rng.standard_normal((filters, d["memory"])).astype(np.float32),
                                  rng.standard_normal(d["units"]).astype(np.float32), act, {})
    else:
        model = _svdf_int8(draw, d, kind, rng)
    run_both(model, vectors=4)


def test_svdf_refusals() -> None:
    """No bias (TFLM crashes), mismatched state/time-weight types: both refuse."""
    rng = np.random.default_rng(3)
    d = dict(batch=1, n_input=3, rank=1, units=2, memory=2)
    no_bias = svdf_cases._build(d, "float32", "float32", rng.standard_normal((2, 3)).astype(np.float32),
                                rng.standard_normal((2, 2)).astype(np.float32), None, "NONE", {})
    assert_both_refuse(no_bias)
    q = {k: {"scale": 0.01, "zero_point": 0} for k in ("x", "wf", "wt", "s", "y")}
    q["b"] = {"scale": 1e-4, "zero_point": 0}
    mixed = svdf_cases._build(d, "int8", "int8", rng.integers(-9, 9, (2, 3)).astype(np.int8),
                              rng.integers(-9, 9, (2, 2)).astype(np.int16), np.zeros(2, np.int32), "NONE", q)
    assert_both_refuse(mixed)


@SETTINGS
@given(st.data())
def test_unidirectional_sequence_lstm(data: st.DataObject) -> None:
    draw = data.draw
    d = draw(lstm_cases.lstm_dims())
    rng = np.random.default_rng(draw(seeds))
    kind = draw(st.sampled_from(["int8", "int8", "int16", "float32"]))
    w_gain = draw(st.floats(0.5, 6.0))
    cell = {"scale": float(np.float32(draw(lstm_cases.CELL_SCALES))), "zero_point": 0}
    if kind == "int8":
        q = {"x": {"scale": float(np.float32(rng.uniform(0.004, 0.03))), "zero_point": draw(zero_points("int8"))},
             "h": {"scale": float(np.float32(draw(st.floats(2.0**-9, 2.0**-6)))),
                   "zero_point": draw(zero_points("int8"))}, "c": cell, "w_gain": w_gain}
        model = lstm_cases._build(d, "int8", "int8", "int32", "int16", rng, q)
    elif kind == "int16":
        q = {"x": {"scale": float(np.float32(rng.uniform(2.0**-14, 2.0**-11))), "zero_point": 0},
             "h": {"scale": float(np.float32(rng.uniform(2.0**-15, 2.0**-13))), "zero_point": 0},
             "c": cell, "w_gain": w_gain}
        model = lstm_cases._build(d, "int16", "int8", "int64", "int16", rng, q)
    else:
        model = lstm_cases._build(d, "float32", "float32", "float32", "float32", rng, {})
    run_both(model, vectors=3)


def test_lstm_nan_cell_with_clip() -> None:
    """Opposite infinite inputs make some float cells NaN while their output gate stays finite,
    and the cell clip leaves those cells NaN in both twins, so the outputs carry NaN where a
    clip to +-0.75 would give numbers (what the TFLM oracle does:
    tests/kernels/test_unidirectional_sequence_lstm.py)."""
    d = dict(batch=2, steps=3, n_input=3, n_state=4, time_major=False, cell_clip=0.75)
    rng = np.random.default_rng(1)
    model = lstm_cases._build(d, "float32", "float32", "float32", "float32", rng, {})
    x = rng.standard_normal((2, 3, 3)).astype(np.float32)
    x[0, 1, :2] = np.inf, -np.inf  # inf - inf: NaN gate sums in the units where both weights share a sign
    assert_twins_agree(model, [[x], [np.zeros_like(x)]])


def test_lstm_refusals() -> None:
    """A float32 cell with int8 activations and an int8 cell state: both refuse."""
    d = dict(batch=1, steps=2, n_input=3, n_state=2, time_major=False, cell_clip=0.0)
    q = {"x": {"scale": 0.01, "zero_point": 0}, "h": {"scale": 0.01, "zero_point": 0},
         "c": {"scale": 2.0**-11, "zero_point": 0}, "w_gain": 1.0}
    for cell_dtype in ("float32", "int8"):
        assert_both_refuse(lstm_cases._build(d, "int8", "int8", "int32", cell_dtype, np.random.default_rng(1), q))
