"""UNIDIRECTIONAL_SEQUENCE_LSTM vs TFLM: int8 (int8 weights, int32 bias, int16 cell),
16x8 (int16 activations, int64 bias) and float32; batch-major and time-major; with
and without cell clipping; power-of-two and other cell scales; several invocations
carrying the hidden/cell variable tensors, with a reset in between (outputs, states
and every intermediate compared, tolerance 0). The float bound step runs with its
recurrent product as numpy's sequential matmul (where this numpy's loop passes the
probe) and as multiply-then-reduce (the fallback), drawn per example."""

import contextlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import seeds, zero_points

from microinterp.builder import ModelBuilder
from microinterp.kernels import unidirectional_sequence_lstm as lstm

INVOKES = 4


@st.composite
def lstm_dims(draw):
    return dict(batch=draw(st.integers(1, 3)), steps=draw(st.integers(1, 5)), n_input=draw(st.integers(1, 8)),
                n_state=draw(st.integers(1, 8)), time_major=draw(st.booleans()),
                cell_clip=draw(st.sampled_from([0.0, 0.75, 3.0, 10.0])))


def _build(d, act_dtype, w_dtype, bias_dtype, cell_dtype, rng, q) -> bytes:
    """An LSTM op with random weights; ``q`` holds the quantization of x/h/c and the
    weight scale multiplier (empty for float)."""
    b = ModelBuilder()
    n_b, n_t, n_i, n_s = d["batch"], d["steps"], d["n_input"], d["n_state"]
    in_shape = (n_t, n_b, n_i) if d["time_major"] else (n_b, n_t, n_i)
    x = b.add_input("x", in_shape, act_dtype, **q.get("x", {}))
    ins = [x]
    weights_scales = []
    for k in range(8):
        cols = n_i if k < 4 else n_s
        if w_dtype == "float32":
            w = (rng.standard_normal((n_s, cols)) / np.sqrt(cols)).astype(np.float32)
            ins.append(b.add_constant(f"w{k}", w))
        else:
            scale = float(np.float32(q["w_gain"] * rng.uniform(0.3, 1.5) / (127 * np.sqrt(cols))))
            w = rng.integers(-127, 127, size=(n_s, cols), endpoint=True).astype(np.int8)
            ins.append(b.add_constant(f"w{k}", w, scale=scale, zero_point=0))
            weights_scales.append(scale)
    ins += [-1, -1, -1]  # no peephole
    for k in range(4):
        if bias_dtype == "float32":
            ins.append(b.add_constant(f"bias{k}", rng.standard_normal(n_s).astype(np.float32)))
        else:
            bscale = float(np.float32(q["x"]["scale"]) * np.float32(weights_scales[k]))
            bias = rng.integers(-3000, 3000, size=n_s) * (1 if bias_dtype == "int32" else 16)
            ins.append(b.add_constant(f"bias{k}", bias.astype(bias_dtype), scale=bscale, zero_point=0))
    ins += [-1, -1]  # no projection
    ins.append(b.add_tensor("h", (n_b, n_s), act_dtype, is_variable=True, **q.get("h", {})))
    ins.append(b.add_tensor("c", (n_b, n_s), cell_dtype, is_variable=True, **q.get("c", {})))
    ins += [-1, -1, -1, -1]  # no layer norm
    out_shape = (n_t, n_b, n_s) if d["time_major"] else (n_b, n_t, n_s)
    y = b.add_output("y", out_shape, act_dtype, **q.get("h", {}))
    b.add_operator("UNIDIRECTIONAL_SEQUENCE_LSTM", ins, [y], fused_activation_function="TANH",
                   cell_clip=d["cell_clip"], time_major=d["time_major"])
    return b.build()


def _inputs(d, dtype, rng):
    shape = (d["steps"], d["batch"], d["n_input"]) if d["time_major"] else (d["batch"], d["steps"], d["n_input"])
    if dtype == "float32":
        return [[(rng.standard_normal(shape) * 1.5).astype(np.float32)] for _ in range(INVOKES)]
    info = np.iinfo(dtype)
    return [[rng.integers(info.min, info.max, size=shape, endpoint=True).astype(dtype)] for _ in range(INVOKES)]


CELL_SCALES = st.one_of(st.sampled_from([2.0**-11, 2.0**-12, 2.0**-10, 2.0**-9, 2.0**-15]),
                        st.floats(2.0**-14, 2.0**-8))


@requires_tflm
@settings(max_examples=30, deadline=None)
@given(d=lstm_dims(), x_zp=zero_points("int8"), h_zp=zero_points("int8"), h_scale=st.floats(2.0**-9, 2.0**-6),
       cell_scale=CELL_SCALES, w_gain=st.floats(0.5, 6.0), seed=seeds)
def test_lstm_int8_matches_tflm(d, x_zp, h_zp, h_scale, cell_scale, w_gain, seed):
    rng = np.random.default_rng(seed)
    q = {"x": {"scale": float(np.float32(rng.uniform(0.004, 0.03))), "zero_point": x_zp},
         "h": {"scale": float(np.float32(h_scale)), "zero_point": h_zp},
         "c": {"scale": float(np.float32(cell_scale)), "zero_point": 0}, "w_gain": w_gain}
    model = _build(d, "int8", "int8", "int32", "int16", rng, q)
    compare_with_tflm(model, _inputs(d, "int8", rng), reset_after=INVOKES // 2)


@requires_tflm
@settings(max_examples=20, deadline=None)
@given(d=lstm_dims(), cell_scale=CELL_SCALES, w_gain=st.floats(0.5, 6.0), seed=seeds)
def test_lstm_int16x8_matches_tflm(d, cell_scale, w_gain, seed):
    rng = np.random.default_rng(seed)
    q = {"x": {"scale": float(np.float32(rng.uniform(2.0**-14, 2.0**-11))), "zero_point": 0},
         "h": {"scale": float(np.float32(rng.uniform(2.0**-15, 2.0**-13))), "zero_point": 0},
         "c": {"scale": float(np.float32(cell_scale)), "zero_point": 0}, "w_gain": w_gain}
    model = _build(d, "int16", "int8", "int64", "int16", rng, q)
    compare_with_tflm(model, _inputs(d, "int16", rng), reset_after=INVOKES // 2)


@contextlib.contextmanager
def _recurrent_product(kind: str):
    """``"reduce"``: the float bound step without the sequential matmul (as where its probe fails)."""
    saved = lstm._sequential_matmul_view
    if kind == "reduce":
        lstm._sequential_matmul_view = lambda w, rows: None
    try:
        yield
    finally:
        lstm._sequential_matmul_view = saved


@requires_tflm
@settings(max_examples=20, deadline=None)
@given(d=lstm_dims(), seed=seeds, product=st.sampled_from(["matmul", "reduce"]))
def test_lstm_float_matches_tflm(d, seed, product):
    rng = np.random.default_rng(seed)
    model = _build(d, "float32", "float32", "float32", "float32", rng, {})
    with _recurrent_product(product):
        compare_with_tflm(model, _inputs(d, "float32", rng), reset_after=INVOKES // 2)


def test_sequential_matmul_view_sums_in_order():
    """Where the probe accepts numpy's matmul loop, it sums from +0.0 in k order without a
    fused multiply-add, on values where any other order or an FMA shows."""
    rng = np.random.default_rng(7)
    for rows, k, n in ((1, 20, 80), (3, 5, 12), (2, 1, 4)):
        w = (rng.standard_normal((k, n)) * 2.0 ** rng.integers(-20, 20, (k, n))).astype(np.float32)
        view = lstm._sequential_matmul_view(w, rows)
        if view is None:  # this numpy's loop is not TFLM's sum: the step multiplies and reduces
            continue
        assert np.array_equal(view, w)
        for _ in range(50):
            h = (rng.standard_normal((rows, k)) * 2.0 ** rng.integers(-20, 20, (rows, k))).astype(np.float32)
            out = np.empty((rows, n), np.float32)
            np.matmul(h, view, out)
            expected = np.zeros((rows, n), np.float32)
            for i in range(k):  # TFLM's reference FullyConnected: total += x[i] * w[i], from 0.0f
                expected += h[:, i:i + 1] * w[i]
            assert np.array_equal(out.view(np.uint32), expected.view(np.uint32))


@requires_tflm
@settings(max_examples=15, deadline=None)
@given(d=lstm_dims(), seed=seeds, gain=st.sampled_from([4.0, 20.0, 300.0]),
       special=st.sampled_from([None, np.inf, -np.inf, 3e38, np.nan]))
def test_lstm_float_saturated_and_nonfinite_match_tflm(d, seed, gain, special):
    """Gate inputs beyond Logistic's cut-offs (-9, 16.619) and non-finite or huge inputs: the
    bound step's fast sigmoid hands the first to libm lane by lane and the second to the
    step with every TFLM clamp, both giving TFLM's values."""
    rng = np.random.default_rng(seed)
    model = _build(d, "float32", "float32", "float32", "float32", rng, {})
    inputs = [[x * np.float32(gain)] for [x] in _inputs(d, "float32", rng)]
    if special is not None:
        inputs[1][0].reshape(-1)[rng.integers(inputs[1][0].size)] = special
    compare_with_tflm(model, inputs, reset_after=INVOKES // 2)


@requires_tflm
@pytest.mark.parametrize("cell_clip", [0.75, 3.0])
@pytest.mark.parametrize("time_major", [False, True])
def test_lstm_float_nan_cell_with_clip_matches_tflm(cell_clip, time_major):
    """A NaN input, or +inf and -inf side by side, makes cells NaN; TFLM's clipping leaves them
    NaN rather than +-clip."""
    rng = np.random.default_rng(1)
    d = dict(batch=2, steps=3, n_input=3, n_state=4, time_major=time_major, cell_clip=cell_clip)
    model = _build(d, "float32", "float32", "float32", "float32", rng, {})
    inputs = _inputs(d, "float32", rng)
    inputs[1][0].reshape(-1)[5] = np.nan
    inputs[3][0][0, 0, :2] = np.inf, -np.inf  # NaN cells where the output gate may stay finite
    compare_with_tflm(model, inputs, reset_after=INVOKES // 2)
