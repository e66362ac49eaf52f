"""SVDF vs TFLM over sequences of invocations (the state is a variable tensor carried
between invokes and compared after each one), with a reset in the middle: int8 with
int16 state/time weights and with int8 state (non-zero state zero point), float32 with
every fused activation; ranks 1-3, batches 1-3. The int8 bound step's output stages as
step functions (``svdf.stage_levels``) are checked against ``OutputStage.apply`` on
their own, at every threshold and around it (60 examples)."""

import contextlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import scales, seeds, zero_points

from microinterp import Interpreter, quant
from microinterp.builder import ModelBuilder
from microinterp.errors import UnsupportedOpError
from microinterp.kernels import svdf

STEPS = 6


@st.composite
def dims(draw):
    return dict(batch=draw(st.integers(1, 3)), n_input=draw(st.integers(1, 10)), rank=draw(st.integers(1, 3)),
                units=draw(st.integers(1, 5)), memory=draw(st.integers(1, 6)))


def _build(d, dtype, state_dtype, wf, wt, bias, activation, q):
    b = ModelBuilder()
    filters = d["units"] * d["rank"]
    x = b.add_input("x", (d["batch"], d["n_input"]), dtype, **q.get("x", {}))
    wf_t = b.add_constant("weights_feature", wf, **q.get("wf", {}))
    wt_t = b.add_constant("weights_time", wt, **q.get("wt", {}))
    bias_t = b.add_constant("bias", bias, **q.get("b", {})) if bias is not None else -1
    state = b.add_tensor("state", (d["batch"], d["memory"] * filters), state_dtype, is_variable=True,
                         **q.get("s", {}))
    y = b.add_output("y", (d["batch"], d["units"]), dtype, **q.get("y", {}))
    b.add_operator("SVDF", [x, wf_t, wt_t, bias_t, state], [y], rank=d["rank"],
                   fused_activation_function=activation)
    return b.build()


@contextlib.contextmanager
def _bound_variant(variant: str):
    """The int8 bound step's float64 feature product and numpy-1 time product (a stack
    of matmuls) on the small models drawn here, which would take float32 and vecdot."""
    saved = svdf.EXACT_FLOAT32, svdf.VECDOT
    if variant == "float64_matmul":
        svdf.EXACT_FLOAT32, svdf.VECDOT = 0, None
    try:
        yield
    finally:
        svdf.EXACT_FLOAT32, svdf.VECDOT = saved


@requires_tflm
@settings(max_examples=30, deadline=None)
@given(d=dims(), state_dtype=st.sampled_from(["int16", "int8"]), in_scale=scales(-8, 0), in_zp=zero_points("int8"),
       out_zp=zero_points("int8"), state_zp=zero_points("int8"), seed=seeds, big_bias=st.booleans(),
       variant=st.sampled_from(["default", "float64_matmul"]))
def test_svdf_int8_matches_tflm(d, state_dtype, in_scale, in_zp, out_zp, state_zp, seed, big_bias, variant):
    """``big_bias``: biases near the int32 limits (as keyword_scrambled's), where TFLM's int32
    accumulators wrap around and the bound step takes its wrapping output stage."""
    rng = np.random.default_rng(seed)
    filters = d["units"] * d["rank"]
    wf = rng.integers(-127, 127, size=(filters, d["n_input"]), endpoint=True).astype(np.int8)
    wf_scale = float(np.float32(rng.uniform(0.002, 0.02)))
    tinfo = np.iinfo(state_dtype)
    wt = rng.integers(tinfo.min + 1, tinfo.max, size=(filters, d["memory"]), endpoint=True).astype(state_dtype)
    wt_scale = float(np.float32(rng.uniform(0.001, 0.01)))
    # scales that keep the state and the output mostly inside their ranges (with some
    # saturation), derived from the typical magnitude of the dot products
    dot_std = 75.0 * 110.0 * np.sqrt(d["n_input"])
    state_scale = float(np.float32(in_scale * wf_scale * dot_std / (0.3 * tinfo.max) * 2.0 ** rng.uniform(-1.5, 1.5)))
    acc_std = (tinfo.max / 1.7) * (0.3 * tinfo.max) * np.sqrt(d["memory"] * d["rank"])
    out_scale = float(np.float32(acc_std * state_scale * wt_scale / 50.0 * 2.0 ** rng.uniform(-2, 2)))
    bias_scale = float(np.float32(state_scale) * np.float32(wt_scale))
    bias = rng.integers(-20000, 20000, size=d["units"]).astype(np.int32)
    if big_bias:
        bias = (rng.choice([-1, 1], size=d["units"]) * rng.integers(2**31 - 2**27, 2**31 - 1, size=d["units"])).astype(np.int32)
    q = {"x": {"scale": in_scale, "zero_point": in_zp}, "wf": {"scale": wf_scale, "zero_point": 0},
         "wt": {"scale": wt_scale, "zero_point": 0}, "b": {"scale": bias_scale, "zero_point": 0},
         "s": {"scale": state_scale, "zero_point": state_zp if state_dtype == "int8" else 0},
         "y": {"scale": out_scale, "zero_point": out_zp}}
    model = _build(d, "int8", state_dtype, wf, wt, bias, "RELU", q)
    xs = [[rng.integers(-128, 127, size=(d["batch"], d["n_input"]), endpoint=True).astype(np.int8)]
          for _ in range(STEPS)]
    with _bound_variant(variant):
        compare_with_tflm(model, xs, reset_after=STEPS // 2)


@settings(max_examples=60, deadline=None)
@given(scale=scales(-14, 3), out_dtype=st.sampled_from(["int8", "int16"]), zp=zero_points("int8"),
       wrap=st.booleans(), bound=st.integers(0, 2**31 - 1), seed=seeds)
def test_stage_levels_equal_the_stage(scale, out_dtype, zp, wrap, bound, seed):
    """``stage_levels``: base + the number of thresholds <= v is ``OutputStage.apply(v)``
    at every threshold, one below it, the domain's ends and random values in between
    (the whole int32 range when the stage wraps, as SVDF's output stage)."""
    lo, hi = quant.dtype_range(np.dtype(out_dtype))
    zp = zp if out_dtype == "int8" else 0
    stage = quant.OutputStage(*quant.quantize_multiplier(scale), zp, lo, hi, wrap=wrap)
    first, last = (-2**31, 2**31 - 1) if wrap else (-bound, bound)
    levels = svdf.stage_levels(stage, first, last)
    if levels is None:  # only a left shift that leaves int32 on this domain is refused
        assert stage.any_left and (max(-first, last) << int(stage.left)) >= 2**31
        return
    base, thresholds = levels
    assert np.all(np.diff(thresholds) >= 0) and thresholds.size <= hi - lo
    rng = np.random.default_rng(seed)
    v = np.concatenate([[first, last], thresholds, thresholds - 1, rng.integers(first, last, 4000, endpoint=True)])
    v = np.clip(v, first, last)
    expected = np.empty(v.shape, np.int64)
    stage.apply(v.copy(), expected)
    assert np.array_equal(base + np.searchsorted(thresholds, v, side="right"), expected)


@requires_tflm
@settings(max_examples=25, deadline=None)
@given(d=dims(), activation=st.sampled_from(["NONE", "RELU", "RELU6", "RELU_N1_TO_1", "TANH", "SIGN_BIT"]),
       seed=seeds)
def test_svdf_float_matches_tflm(d, activation, seed):
    rng = np.random.default_rng(seed)
    filters = d["units"] * d["rank"]
    wf = rng.standard_normal((filters, d["n_input"])).astype(np.float32)
    wt = rng.standard_normal((filters, d["memory"])).astype(np.float32)
    bias = rng.standard_normal(d["units"]).astype(np.float32)
    model = _build(d, "float32", "float32", wf, wt, bias, activation, {})
    xs = [[rng.standard_normal((d["batch"], d["n_input"])).astype(np.float32)] for _ in range(STEPS)]
    compare_with_tflm(model, xs, reset_after=STEPS // 2)


def test_svdf_without_bias_is_refused():
    """TFLM segfaults on an SVDF without bias (it dereferences the missing tensor);
    microinterp refuses it at allocation with a clear error instead."""
    d = dict(batch=1, n_input=3, rank=1, units=2, memory=2)
    rng = np.random.default_rng(0)
    model = _build(d, "float32", "float32", rng.standard_normal((2, 3)).astype(np.float32),
                   rng.standard_normal((2, 2)).astype(np.float32), None, "NONE", {})
    with pytest.raises(UnsupportedOpError, match="without a bias"):
        Interpreter.from_bytes(model)
