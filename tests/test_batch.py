"""``Interpreter.invoke_batch`` against per-sample ``invoke()``, bit for bit, for every
kernel family: convolutions (CONV_2D, DEPTHWISE_CONV_2D), FULLY_CONNECTED, pooling,
element-wise binary ops with a broadcast constant, activations and softmax, shape
ops (RESHAPE, CONCATENATION, PAD), reductions (MEAN), quantize/dequantize, in int8,
int16 and float32 where the kernel has them; ops that run sample by sample
(TRANSPOSE); and the stateful SVDF, whose samples are independent sequences. A second
test covers ``MORE_FAMILIES``: TANH, RELU, LEAKY_RELU, HARD_SWISH, SUB, MAXIMUM, SUM,
REDUCE_MAX, ARG_MAX, RESIZE_NEAREST_NEIGHBOR, STRIDED_SLICE (sample by sample), int8 SVDF
and the int8/float32 LSTM (batch-major batched with one state row per sample, time-major
sample by sample).

Each model is drawn small (hypothesis draws the family, dtype, shapes, scales and
values; 60 examples) and checked through both batch paths, batched and per sample.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import model_path, random_input
from strategies import int_array, scales, seeds, zero_points

from microinterp import Interpreter
from microinterp.batch import BatchRunner, batchable
from microinterp.builder import ModelBuilder
from microinterp.errors import InputError

FAMILIES = ["conv", "depthwise", "fc", "avg_pool", "max_pool", "add", "mul", "logistic", "softmax", "reshape",
            "concat", "pad", "mean", "quantize", "dequantize", "transpose", "svdf"]


def _q(draw, dtype: str) -> dict:
    if dtype == "float32":
        return {}
    zp = 0 if dtype == "int16" else draw(zero_points(dtype))
    return dict(scale=draw(scales(-8, -2)), zero_point=zp)


@st.composite
def single_op_models(draw) -> tuple[str, bytes]:
    """(family, model bytes) of a one-op model whose activations have a batch dimension of 1."""
    family = draw(st.sampled_from(FAMILIES))
    rng = np.random.default_rng(draw(seeds))
    b = ModelBuilder()
    h, w, c = draw(st.integers(1, 6)), draw(st.integers(1, 6)), draw(st.integers(1, 5))
    if family in ("conv", "depthwise", "fc"):
        dtype = draw(st.sampled_from(["int8", "int16", "float32"] if family == "fc" else ["int8", "float32"]))
        qx, qy = _q(draw, dtype), _q(draw, dtype)
        oc = draw(st.integers(1, 6))
        if dtype == "float32":
            qw, qb, bias = {}, {}, rng.uniform(-1, 1, oc).astype(np.float32)
        else:
            qw = dict(scale=float(np.float32(rng.uniform(0.002, 0.05))), zero_point=0)
            qb = dict(scale=qx["scale"] * qw["scale"], zero_point=0)
            bias = rng.integers(-5000, 5000, oc).astype(np.int64 if dtype == "int16" else np.int32)
        wdt = "float32" if dtype == "float32" else "int8"
        rand_w = (lambda shape: rng.uniform(-1, 1, shape).astype(np.float32)) if dtype == "float32" \
            else (lambda shape: int_array(rng, shape, "int8"))
        if family == "fc":
            x = b.add_input("x", (1, h * c), dtype, **qx)
            y = b.add_output("y", (1, oc), dtype, **qy)
            b.add_operator("FULLY_CONNECTED", [x, b.add_constant("w", rand_w((oc, h * c)), wdt, **qw),
                                               b.add_constant("b", bias, **qb)], [y])
            return family, b.build()
        padding = draw(st.sampled_from(["SAME", "VALID"]))
        k = draw(st.integers(1, 3))
        stride, dilation = draw(st.integers(1, 3)), draw(st.integers(1, 2))  # kernels' tap-plane views
        if padding == "VALID" and min(h, w) < (k - 1) * dilation + 1:
            k = dilation = 1
        if padding == "SAME":
            oh, ow = -(-h // stride), -(-w // stride)
        else:
            oh, ow = (h - (k - 1) * dilation - 1) // stride + 1, (w - (k - 1) * dilation - 1) // stride + 1
        x = b.add_input("x", (1, h, w, c), dtype, **qx)
        opts = dict(padding=padding, stride_h=stride, stride_w=stride, dilation_h_factor=dilation,
                    dilation_w_factor=dilation, fused_activation_function=draw(st.sampled_from(["NONE", "RELU"])))
        if family == "conv":
            y = b.add_output("y", (1, oh, ow, oc), dtype, **qy)
            wt = b.add_constant("w", rand_w((oc, k, k, c)), wdt, **qw)
        else:
            mult = draw(st.integers(1, 2))
            oc = c * mult
            bias = bias[:1].repeat(oc)
            y = b.add_output("y", (1, oh, ow, oc), dtype, **qy)
            wt = b.add_constant("w", rand_w((1, k, k, oc)), wdt, **qw)
            opts["depth_multiplier"] = mult
        b.add_operator("CONV_2D" if family == "conv" else "DEPTHWISE_CONV_2D",
                       [x, wt, b.add_constant("b", bias, **qb)], [y], **opts)
        return family, b.build()

    dtype = draw(st.sampled_from(["int8", "float32"]))
    q = _q(draw, dtype)
    if family in ("avg_pool", "max_pool"):
        x = b.add_input("x", (1, h, w, c), dtype, **q)
        y = b.add_output("y", (1, h, w, c), dtype, **q)
        b.add_operator("AVERAGE_POOL_2D" if family == "avg_pool" else "MAX_POOL_2D", [x], [y], padding="SAME",
                       stride_h=1, stride_w=1, filter_height=2, filter_width=2)
    elif family in ("add", "mul"):
        x = b.add_input("x", (1, h, w, c), dtype, **q)
        qc, qy = _q(draw, dtype), _q(draw, dtype)
        const = rng.uniform(-2, 2, (1, 1, 1, c)).astype(np.float32) if dtype == "float32" \
            else int_array(rng, (1, 1, 1, c), dtype)
        y = b.add_output("y", (1, h, w, c), dtype, **qy)
        b.add_operator(family.upper(), [x, b.add_constant("c", const, dtype, **qc)], [y])
    elif family in ("logistic", "softmax"):
        x = b.add_input("x", (1, h * c), dtype, **q)
        if dtype == "float32":
            qy = {}
        else:
            qy = dict(scale=1 / 256, zero_point=-128)
        y = b.add_output("y", (1, h * c), dtype, **qy)
        b.add_operator(family.upper(), [x], [y], **({"beta": 1.0} if family == "softmax" else {}))
    elif family == "reshape":
        x = b.add_input("x", (1, h, w, c), dtype, **q)
        y = b.add_output("y", (1, h * w * c), dtype, **q)
        b.add_operator("RESHAPE", [x, b.add_constant("s", np.array([1, h * w * c], np.int32))], [y])
    elif family == "concat":
        x = b.add_input("x", (1, h, w, c), dtype, **q)
        x2 = b.add_input("x2", (1, h, w, 2), dtype, **q)
        y = b.add_output("y", (1, h, w, c + 2), dtype, **q)
        b.add_operator("CONCATENATION", [x, x2], [y], axis=3)
    elif family == "pad":
        x = b.add_input("x", (1, h, w, c), dtype, **q)
        y = b.add_output("y", (1, h + 1, w + 2, c), dtype, **q)
        b.add_operator("PAD", [x, b.add_constant("p", np.array([[0, 0], [1, 0], [1, 1], [0, 0]], np.int32))], [y])
    elif family == "mean":
        x = b.add_input("x", (1, h, w, c), dtype, **q)
        y = b.add_output("y", (1, 1, 1, c), dtype, **_q(draw, dtype))
        b.add_operator("MEAN", [x, b.add_constant("a", np.array([1, 2], np.int32))], [y], keep_dims=True)
    elif family == "quantize":
        qy = _q(draw, "int8")
        x = b.add_input("x", (1, h, c), "float32")
        y = b.add_output("y", (1, h, c), "int8", **qy)
        b.add_operator("QUANTIZE", [x], [y])
    elif family == "dequantize":
        qx = _q(draw, "int8")
        x = b.add_input("x", (1, h, c), "int8", **qx)
        y = b.add_output("y", (1, h, c), "float32")
        b.add_operator("DEQUANTIZE", [x], [y])
    elif family == "transpose":
        x = b.add_input("x", (1, h, c), dtype, **q)
        y = b.add_output("y", (c, h, 1), dtype, **q)
        b.add_operator("TRANSPOSE", [x, b.add_constant("p", np.array([2, 1, 0], np.int32))], [y])
    else:  # svdf: float32, state carried between invokes
        units, rank, memory, n_in = 2, 1, 3, h + 1
        x = b.add_input("x", (1, n_in), "float32")
        wf = b.add_constant("wf", rng.uniform(-1, 1, (units * rank, n_in)).astype(np.float32))
        wt = b.add_constant("wt", rng.uniform(-1, 1, (units * rank, memory)).astype(np.float32))
        state = b.add_tensor("state", (1, memory * units * rank), "float32", is_variable=True)
        y = b.add_output("y", (1, units), "float32")
        bias = b.add_constant("b", rng.uniform(-1, 1, units).astype(np.float32))
        b.add_operator("SVDF", [x, wf, wt, bias, state], [y], rank=rank)
    return family, b.build()


def _random_batch(it: Interpreter, n: int, rng: np.random.Generator) -> list[np.ndarray]:
    out = []
    for i in range(it.num_inputs):
        d = it.get_input_details(i)
        shape = (n, *d["shape"])
        if np.dtype(d["dtype"]).kind == "f":
            out.append(rng.uniform(-4, 4, shape).astype(d["dtype"]))
        else:
            out.append(int_array(rng, shape, np.dtype(d["dtype"]).name))
    return out


def _per_sample(model: bytes, batch: list[np.ndarray]) -> list[list[np.ndarray]]:
    it = Interpreter.from_bytes(model)
    results = []
    for s in range(batch[0].shape[0]):
        it.reset()
        for i, x in enumerate(batch):
            it.set_input(x[s], i)
        it.invoke()
        results.append([it.get_output(k) for k in range(it.num_outputs)])
    return results


@settings(max_examples=60, deadline=None)
@given(case=single_op_models(), n=st.integers(1, 9), seed=seeds)
def test_invoke_batch_equals_per_sample_invoke(case, n, seed):
    family, model = case
    it = Interpreter.from_bytes(model)
    batch = _random_batch(it, n, np.random.default_rng(seed))
    got = it.invoke_batch(*batch)
    again = it.invoke_batch(*batch)  # a prepared batched model is reused, and gives the same
    want = _per_sample(model, batch)
    assert len(got) == it.num_outputs
    for k, out in enumerate(got):
        assert out.shape == (n, *it.get_output_details(k)["shape"])
        for s in range(n):
            assert np.array_equal(out[s], want[s][k], equal_nan=True), (family, k, s)
        assert np.array_equal(out, again[k], equal_nan=True)
    expected_batched = family != "transpose"
    assert (batchable(it.model) is None) == expected_batched, batchable(it.model)
    if n > 1:
        assert (it._batch_runner.reason is None) == expected_batched


def test_batched_chunks_and_short_last_chunk(monkeypatch):
    """More samples than one chunk holds: full chunks and a padded last chunk."""
    from microinterp import batch as batch_mod

    monkeypatch.setattr(batch_mod, "MAX_CHUNK", 4)
    b = ModelBuilder()
    x = b.add_input("x", (1, 3), "int8", scale=0.05, zero_point=3)
    w = b.add_constant("w", np.arange(-6, 6, dtype=np.int8).reshape(4, 3), scale=0.01, zero_point=0)
    y = b.add_output("y", (1, 4), "int8", scale=0.02, zero_point=-1)
    b.add_operator("FULLY_CONNECTED", [x, w, -1], [y])
    model = b.build()
    it = Interpreter.from_bytes(model)
    xs = int_array(np.random.default_rng(1), (11, 3), "int8")  # the (N, *shape[1:]) form
    got = it.invoke_batch(xs)[0]
    assert it._batch_runner.chunk == 4 and it._batch_runner.reason is None
    want = _per_sample(model, [xs.reshape(11, 1, 3)])
    assert all(np.array_equal(got[s], want[s][0]) for s in range(11))


REAL_MODELS = [
    "mlperf-tiny/kws_ref_model.tflite",  # int8 CONV_2D, DEPTHWISE_CONV_2D (stride 1), pooling, FC, softmax
    "mlperf-tiny/vww_96_int8.tflite",  # int8 strided depthwise (tap planes), 1x1 convs
    "mlperf-tiny/pretrainedResnet_quant.tflite",  # int8 3x3 convs (strided), ADD
    "mlperf-tiny/ad01_int8.tflite",  # int8 FULLY_CONNECTED (float32 BLAS sums)
    "mlperf-tiny/pretrainedResnet.tflite",  # float32 CONV_2D (channel planes)
    "mlperf-tiny/vww_96_float.tflite",  # float32 depthwise (tap planes)
]


@pytest.mark.parametrize("rel", REAL_MODELS)
def test_real_models_batched_equal_per_sample(rel):
    """The MLPerf models run batched (full chunks and a short last one), every sample bit
    for bit a single invoke."""
    data = model_path(rel).read_bytes()
    it = Interpreter.from_bytes(data)
    n = min(BatchRunner(it).chunk, 32) + 3  # full chunks and a short one in every segment of 2-32 samples
    rng = np.random.default_rng(len(rel))
    d = it.get_input_details(0)
    batch = np.stack([random_input(d, rng) for _ in range(n)])
    got = it.invoke_batch(batch)
    assert it._batch_runner.reason is None
    want = _per_sample(data, [batch])
    for s in range(n):
        assert all(np.array_equal(got[k][s], want[s][k], equal_nan=True) for k in range(len(got))), s


@settings(max_examples=25, deadline=None)
@given(st.integers(2, 4), st.integers(1, 3), st.integers(5, 23), seeds, st.sampled_from(["int8", "float32"]))
def test_segments_with_their_own_chunks_equal_per_sample(side, channels, n, seed, dtype):
    """A model cut into segments of different chunk sizes (``batch.segments``; a small
    ``CHUNK_ELEMENTS`` makes the cuts): CONV_2D on the full image, MAX_POOL_2D halving it,
    CONV_2D on the pooled image and an ADD of the pooled image (made in the first segment,
    read in the second) to that, with the first convolution's output a graph output too.
    Every sample equals a single invoke, bit for bit."""
    from microinterp import batch as batch_mod

    rng = np.random.default_rng(seed)
    b = ModelBuilder()
    h = 2 * side
    q = {} if dtype == "float32" else dict(scale=0.05, zero_point=-3)
    qw = {} if dtype == "float32" else dict(scale=0.02, zero_point=0)
    weights = (lambda shape: rng.uniform(-1, 1, shape).astype(np.float32)) if dtype == "float32" \
        else (lambda shape: int_array(rng, shape, "int8"))
    x = b.add_input("x", (1, h, h, channels), dtype, **q)
    a = b.add_output("a", (1, h, h, channels), dtype, **q)
    p = b.add_tensor("p", (1, side, side, channels), dtype, **q)
    c = b.add_tensor("c", (1, side, side, channels), dtype, **q)
    y = b.add_output("y", (1, side, side, channels), dtype, **q)
    for src, dst, name in ((x, a, "w1"), (p, c, "w2")):
        b.add_operator("CONV_2D", [src, b.add_constant(name, weights((channels, 3, 3, channels)),
                                                       "float32" if dtype == "float32" else "int8", **qw), -1],
                       [dst], padding="SAME", stride_h=1, stride_w=1)
        if name == "w1":
            b.add_operator("MAX_POOL_2D", [a], [p], padding="VALID", stride_h=2, stride_w=2, filter_height=2,
                           filter_width=2)
    b.add_operator("ADD", [p, c], [y])
    model = b.build()
    elements = h * h * channels
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(batch_mod, "CHUNK_ELEMENTS", 4 * elements)  # 4 samples for the full image, 16 pooled
        it = Interpreter.from_bytes(model)
        xs = _random_batch(it, n, rng)
        got = it.invoke_batch(*xs)
        runner = it._batch_runner
    assert runner.reason is None
    assert [seg.chunk for seg in runner.segments] == [4, 16]
    assert runner.segments[0].outputs == (a, p) and runner.segments[1].inputs == (p,)
    want = _per_sample(model, xs)
    for k, out in enumerate(got):
        for s in range(n):
            assert np.array_equal(out[s], want[s][k], equal_nan=True), (k, s)


def test_stateful_samples_are_independent_sequences():
    """SVDF: sample i equals invoke() right after reset(); the state is reset afterwards."""
    b = ModelBuilder()
    x = b.add_input("x", (1, 2), "float32")
    wf = b.add_constant("wf", np.array([[0.5, -1.0]], np.float32))
    wt = b.add_constant("wt", np.array([[1.0, 0.25, 2.0]], np.float32))
    state = b.add_tensor("state", (1, 3), "float32", is_variable=True)
    y = b.add_output("y", (1, 1), "float32")
    b.add_operator("SVDF", [x, wf, wt, b.add_constant("b", np.array([0.5], np.float32)), state], [y], rank=1)
    it = Interpreter.from_bytes(b.build())
    xs = np.array([[1.0, 2.0], [1.0, 2.0], [3.0, -1.0]], np.float32)
    got = it.invoke_batch(xs)[0]
    assert np.array_equal(got[0], got[1])  # the same sample twice: no state carried over
    it.set_input(xs[2:3])
    it.invoke()
    assert np.array_equal(it.get_output(0), got[2])  # state was reset after the batch


def test_invoke_batch_rejects_bad_inputs():
    b = ModelBuilder()
    x = b.add_input("x", (1, 3), "float32")
    y = b.add_output("y", (1, 3), "float32")
    b.add_operator("RELU", [x], [y])
    it = Interpreter.from_bytes(b.build())
    with pytest.raises(InputError, match="expects dtype float32"):
        it.invoke_batch(np.zeros((2, 3), np.int8))
    with pytest.raises(InputError, match=r"expects a batch shaped \(N, 1, 3\) or \(N, 3\)"):
        it.invoke_batch(np.zeros((2, 4), np.float32))
    with pytest.raises(InputError, match="needs 1 input batch"):
        it.invoke_batch()
    assert it.invoke_batch(np.zeros((0, 3), np.float32))[0].shape == (0, 1, 3)


# --------------------------------------------------------------------------- more families
# The families above, continued: the rest of the activations, binary ops and reductions,
# reshape-like ops that keep rows apart (RESIZE_NEAREST_NEIGHBOR) and one that does not
# (STRIDED_SLICE, run sample by sample), and the stateful policy of both recurrent ops:
# SVDF in int8 and UNIDIRECTIONAL_SEQUENCE_LSTM in int8 and float32, batch-major (batched,
# one state row per sample) and time-major (sample by sample).

MORE_FAMILIES = ["tanh", "relu", "leaky_relu", "hard_swish", "sub", "maximum", "sum", "reduce_max", "arg_max",
                 "resize_nearest", "strided_slice", "svdf_int8", "lstm"]
#: families that must run sample by sample
PER_SAMPLE = {"strided_slice"}


def _lstm(b: ModelBuilder, rng: np.random.Generator, dtype: str, steps: int, n_in: int, n_state: int,
          time_major: bool) -> None:
    """One UNIDIRECTIONAL_SEQUENCE_LSTM (no peephole, projection or layer norm) on a batch of 1."""
    q = {} if dtype == "float32" else {"x": dict(scale=0.02, zero_point=3), "h": dict(scale=2.0**-7, zero_point=-2),
                                       "c": dict(scale=2.0**-11, zero_point=0)}
    shape = (steps, 1, n_in) if time_major else (1, steps, n_in)
    x = b.add_input("x", shape, dtype, **q.get("x", {}))
    ins, w_scales = [x], []
    for k in range(8):
        cols = n_in if k < 4 else n_state
        if dtype == "float32":
            ins.append(b.add_constant(f"w{k}", (rng.standard_normal((n_state, cols)) / np.sqrt(cols)).astype(np.float32)))
        else:
            scale = float(np.float32(rng.uniform(0.5, 3.0) / (127 * np.sqrt(cols))))
            ins.append(b.add_constant(f"w{k}", int_array(rng, (n_state, cols), "int8"), scale=scale, zero_point=0))
            w_scales.append(scale)
    ins += [-1, -1, -1]
    for k in range(4):
        if dtype == "float32":
            ins.append(b.add_constant(f"bias{k}", rng.standard_normal(n_state).astype(np.float32)))
        else:
            ins.append(b.add_constant(f"bias{k}", rng.integers(-3000, 3000, n_state).astype(np.int32),
                                      scale=float(np.float32(0.02) * np.float32(w_scales[k])), zero_point=0))
    ins += [-1, -1]
    ins.append(b.add_tensor("h", (1, n_state), dtype, is_variable=True, **q.get("h", {})))
    ins.append(b.add_tensor("c", (1, n_state), "float32" if dtype == "float32" else "int16", is_variable=True,
                            **q.get("c", {})))
    ins += [-1, -1, -1, -1]
    y = b.add_output("y", (steps, 1, n_state) if time_major else (1, steps, n_state), dtype, **q.get("h", {}))
    b.add_operator("UNIDIRECTIONAL_SEQUENCE_LSTM", ins, [y], fused_activation_function="TANH", cell_clip=3.0,
                   time_major=time_major)


@st.composite
def more_single_op_models(draw) -> tuple[str, bytes]:
    """(family, model bytes) for ``MORE_FAMILIES``, activations with a batch dimension of 1."""
    family = draw(st.sampled_from(MORE_FAMILIES))
    rng = np.random.default_rng(draw(seeds))
    b = ModelBuilder()
    h, w, c = draw(st.integers(1, 5)), draw(st.integers(1, 5)), draw(st.integers(1, 4))
    dtype = draw(st.sampled_from(["int8", "float32"]))
    q = _q(draw, dtype)
    if family in ("tanh", "relu", "leaky_relu", "hard_swish"):
        x = b.add_input("x", (1, h, w, c), dtype, **q)
        qy = (dict(scale=1 / 128, zero_point=0) if family == "tanh" else _q(draw, dtype)) if dtype == "int8" else {}
        y = b.add_output("y", (1, h, w, c), dtype, **qy)
        b.add_operator(family.upper(), [x], [y], **({"alpha": 0.2} if family == "leaky_relu" else {}))
    elif family in ("sub", "maximum"):
        x = b.add_input("x", (1, h, w, c), dtype, **q)
        qc, qy = (_q(draw, dtype), _q(draw, dtype)) if family == "sub" else (q, q)
        const = rng.uniform(-2, 2, (1, 1, w, c)).astype(np.float32) if dtype == "float32" \
            else int_array(rng, (1, 1, w, c), dtype)
        y = b.add_output("y", (1, h, w, c), dtype, **qy)
        b.add_operator(family.upper(), [x, b.add_constant("c", const, dtype, **qc)], [y])
    elif family in ("sum", "reduce_max"):
        x = b.add_input("x", (1, h, w, c), dtype, **q)
        y = b.add_output("y", (1, 1, w, 1), dtype, **(_q(draw, dtype) if family == "sum" else q))
        b.add_operator(family.upper(), [x, b.add_constant("a", np.array([1, 3], np.int32))], [y], keep_dims=True)
    elif family == "arg_max":
        x = b.add_input("x", (1, h, w, c), dtype, **q)
        y = b.add_output("y", (1, h, w), "int32")
        b.add_operator("ARG_MAX", [x, b.add_constant("a", np.array([3], np.int32))], [y], output_type=2)
    elif family == "resize_nearest":
        x = b.add_input("x", (1, h, w, c), dtype, **q)
        y = b.add_output("y", (1, 2 * h, w + 1, c), dtype, **q)
        b.add_operator("RESIZE_NEAREST_NEIGHBOR", [x, b.add_constant("s", np.array([2 * h, w + 1], np.int32))], [y],
                       align_corners=False, half_pixel_centers=draw(st.booleans()))
    elif family == "strided_slice":  # slices the batch axis too: rows are not kept apart
        x = b.add_input("x", (1, h, c), dtype, **q)
        y = b.add_output("y", (1, (h + 1) // 2, c), dtype, **q)
        consts = [b.add_constant(n, np.array(v, np.int32)) for n, v in
                  (("begin", [0, 0, 0]), ("end", [1, h, c]), ("strides", [1, 2, 1]))]
        b.add_operator("STRIDED_SLICE", [x, *consts], [y], begin_mask=0, end_mask=0, ellipsis_mask=0,
                       new_axis_mask=0, shrink_axis_mask=0, offset=False)
    elif family == "svdf_int8":  # int16 state, carried between invokes
        units, rank, memory, n_in = 2, 1, 3, h + 1
        x = b.add_input("x", (1, n_in), "int8", scale=0.05, zero_point=-5)
        wf = b.add_constant("wf", int_array(rng, (units * rank, n_in), "int8"), scale=0.01, zero_point=0)
        wt = b.add_constant("wt", rng.integers(-3000, 3000, (units * rank, memory)).astype(np.int16),
                            scale=0.002, zero_point=0)
        state = b.add_tensor("state", (1, memory * units * rank), "int16", is_variable=True, scale=0.0004,
                             zero_point=0)
        bias = b.add_constant("b", rng.integers(-2000, 2000, units).astype(np.int32),
                              scale=float(np.float32(0.0004) * np.float32(0.002)), zero_point=0)
        y = b.add_output("y", (1, units), "int8", scale=0.02, zero_point=1)
        b.add_operator("SVDF", [x, wf, wt, bias, state], [y], rank=rank, fused_activation_function="RELU")
    else:  # lstm
        time_major = draw(st.booleans())
        _lstm(b, rng, dtype, draw(st.integers(1, 4)), draw(st.integers(1, 4)), draw(st.integers(1, 4)), time_major)
        return ("lstm_time_major" if time_major else "lstm"), b.build()
    return family, b.build()


@settings(max_examples=60, deadline=None)
@given(case=more_single_op_models(), n=st.integers(2, 9), seed=seeds)
def test_invoke_batch_equals_per_sample_invoke_more_families(case, n, seed):
    """As above for ``MORE_FAMILIES``: every sample of ``invoke_batch`` equals ``invoke()``
    right after ``reset()`` on that sample, bit for bit; the stateful ones leave the
    interpreter reset; each family takes the path it should (batched, or per sample)."""
    family, model = case
    it = Interpreter.from_bytes(model)
    batch = _random_batch(it, n, np.random.default_rng(seed))
    got = it.invoke_batch(*batch)
    want = _per_sample(model, batch)
    for k, out in enumerate(got):
        assert out.shape == (n, *it.get_output_details(k)["shape"])
        for s in range(n):
            assert np.array_equal(out[s], want[s][k], equal_nan=True), (family, k, s)
    expected_batched = family not in PER_SAMPLE and family != "lstm_time_major"
    assert (batchable(it.model) is None) == expected_batched, (family, batchable(it.model))
    assert (it._batch_runner.reason is None) == expected_batched, (family, it._batch_runner.reason)
    for i, x in enumerate(batch):  # after a batch, a stateful model starts from its reset state again
        it.set_input(x[n - 1], i)
    it.invoke()
    assert all(np.array_equal(it.get_output(k), want[n - 1][k], equal_nan=True) for k in range(it.num_outputs))
