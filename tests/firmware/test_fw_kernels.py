"""Every C kernel against its Python twin on hypothesis-drawn single-op models.

The reference models exercise only the parameter combinations they happen to
use; here each kernel (firmware/src/kernels/mi_<stem>.c) meets strides,
dilations, padding modes, groups, depth multipliers, per-tensor and
per-channel weights, absent biases, every fused activation, extreme zero
points, int16 and float32 paths and broadcasting, in the C port built with
ASan/UBSan. Python's kernels/<stem>.py (itself tested against TFLM) is the
reference: every output byte must match, and the arena must match firmware_arena.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
from fw_helpers import build_dir, requires_host_cc
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from microinterp import Interpreter
from microinterp.builder import ModelBuilder
from microinterp.fw import check as fwcheck
from microinterp.fw import runner as rp
from microinterp.fw import targets as tg
from microinterp.kernels.padding import compute_out_size
from microinterp.memory import firmware_arena

pytestmark = requires_host_cc

#: examples per kernel; raise MI_FW_EXAMPLES for a longer hunt (the default keeps the file under ~15 s)
SETTINGS = settings(max_examples=int(os.environ.get("MI_FW_EXAMPLES", "25")), deadline=None, suppress_health_check=[HealthCheck.too_slow])
ACTS = ["NONE", "RELU", "RELU6", "RELU_N1_TO_1", "TANH"]
QRANGE = {"int8": (-128, 127), "int16": (-32768, 32767), "uint8": (0, 255), "int32": (-(2**31), 2**31 - 1)}


def run_both(model: bytes, vectors: int = 2, seed: int = 0) -> None:
    """Run the model in the C port (host-asan) and in Python; identical bytes and arena."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "m.tflite"
        path.write_bytes(model)
        report = fwcheck.check(path, "host-asan", vectors=vectors, seed=seed, layers=False, timeout=60)
    assert report.ok, "\n".join(report.lines())


def scale(draw: st.DrawFn, lo: int = -10, hi: int = 0) -> float:
    return float(np.float32(draw(st.floats(1.0, 2.0)) * 2.0 ** draw(st.integers(lo, hi))))


def zero_point(draw: st.DrawFn, dtype: str) -> int:
    if dtype == "int16":
        return 0
    lo, hi = QRANGE[dtype]
    return draw(st.one_of(st.sampled_from([lo, 0, hi]), st.integers(lo, hi)))


def weights(rng: np.random.Generator, shape: tuple[int, ...], dtype: str) -> np.ndarray:
    if dtype == "float32":
        return rng.uniform(-1, 1, size=shape).astype(np.float32)
    return rng.integers(-127, 128, size=shape).astype(np.int8)


@requires_host_cc
def test_build_once() -> None:
    build_dir("host-asan")


def _conv_like(data: st.DataObject, depthwise: bool) -> bytes:
    draw = data.draw
    kind = draw(st.sampled_from(["int8", "int8", "float32", "int16"]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n, h, w = draw(st.integers(1, 2)), draw(st.integers(1, 8)), draw(st.integers(1, 8))
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    sh, sw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    dh, dw = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    padding = draw(st.sampled_from(["SAME", "VALID"]))
    pad_code = 0 if padding == "SAME" else 1
    oh, ow = compute_out_size(pad_code, h, kh, sh, dh), compute_out_size(pad_code, w, kw, sw, dw)
    assume(oh is not None and ow is not None and oh > 0 and ow > 0)
    if depthwise:
        cin, mult = draw(st.integers(1, 4)), draw(st.integers(1, 3))
        cout = cin * mult
        wshape = (1, kh, kw, cout)
    else:
        groups = draw(st.sampled_from([1, 1, 2]))
        fc = draw(st.integers(1, 3))
        cin, cout = fc * groups, groups * draw(st.integers(1, 3))
        wshape = (cout, kh, kw, fc)
    act = draw(st.sampled_from(ACTS))
    has_bias = draw(st.booleans())
    b = ModelBuilder()
    wdtype = "float32" if kind == "float32" else "int8"
    if kind == "float32":
        x = b.add_input("x", (n, h, w, cin), "float32")
        wt = b.add_constant("w", weights(rng, wshape, wdtype))
        bias = b.add_constant("b", rng.uniform(-2, 2, size=(cout,)).astype(np.float32)) if has_bias else -1
        y = b.add_output("y", (n, oh, ow, cout), "float32")
    else:
        s_in, s_out = scale(draw, -8, -2), scale(draw, -6, 0)
        per_channel = draw(st.booleans())
        s_w = [scale(draw, -9, -5) for _ in range(cout)] if per_channel else scale(draw, -9, -5)
        qdim = 3 if depthwise else 0
        x = b.add_input("x", (n, h, w, cin), kind, scale=s_in, zero_point=zero_point(draw, kind))
        wt = b.add_constant("w", weights(rng, wshape, "int8"), scale=s_w, zero_point=0, quantized_dimension=qdim)
        bias_dtype = np.int32 if kind == "int8" else (np.int64 if depthwise or draw(st.booleans()) else np.int32)
        bias = (b.add_constant("b", rng.integers(-3000, 3000, size=(cout,)).astype(bias_dtype), scale=1e-4,
                               zero_point=0) if has_bias else -1)
        y = b.add_output("y", (n, oh, ow, cout), kind, scale=s_out, zero_point=zero_point(draw, kind))
    opts = dict(padding=padding, stride_h=sh, stride_w=sw, dilation_h_factor=dh, dilation_w_factor=dw,
                fused_activation_function=act)
    if depthwise:
        opts["depth_multiplier"] = mult
    b.add_operator("DEPTHWISE_CONV_2D" if depthwise else "CONV_2D", [x, wt, bias], [y], **opts)
    return b.build()


@SETTINGS
@given(st.data())
def test_conv_2d(data: st.DataObject) -> None:
    run_both(_conv_like(data, depthwise=False))


@SETTINGS
@given(st.data())
def test_depthwise_conv_2d(data: st.DataObject) -> None:
    run_both(_conv_like(data, depthwise=True))


@SETTINGS
@given(st.data())
def test_fully_connected(data: st.DataObject) -> None:
    draw = data.draw
    kind = draw(st.sampled_from(["int8", "int8", "float32", "int16"]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    batches, depth, units = draw(st.integers(1, 3)), draw(st.integers(1, 24)), draw(st.integers(1, 8))
    act = draw(st.sampled_from(ACTS))
    has_bias = draw(st.booleans())
    b = ModelBuilder()
    if kind == "float32":
        x = b.add_input("x", (batches, depth), "float32")
        w = b.add_constant("w", weights(rng, (units, depth), "float32"))
        bias = b.add_constant("b", rng.uniform(-1, 1, size=(units,)).astype(np.float32)) if has_bias else -1
        y = b.add_output("y", (batches, units), "float32")
    else:
        s_in, s_out = scale(draw, -8, -2), scale(draw, -5, 0)
        per_channel = kind == "int8" and draw(st.booleans())
        s_w = [scale(draw, -9, -5) for _ in range(units)] if per_channel else scale(draw, -9, -5)
        x = b.add_input("x", (batches, depth), kind, scale=s_in, zero_point=zero_point(draw, kind))
        w = b.add_constant("w", weights(rng, (units, depth), "int8"), scale=s_w, zero_point=0)
        bias_dtype = np.int32 if kind == "int8" else draw(st.sampled_from([np.int32, np.int64]))
        bs = float(np.float32(s_in) * np.float32(s_w if not per_channel else s_w[0]))
        bias = (b.add_constant("b", rng.integers(-3000, 3000, size=(units,)).astype(bias_dtype), scale=bs,
                               zero_point=0) if has_bias else -1)
        y = b.add_output("y", (batches, units), kind, scale=s_out, zero_point=zero_point(draw, kind))
    b.add_operator("FULLY_CONNECTED", [x, w, bias], [y], fused_activation_function=act)
    run_both(b.build())


@SETTINGS
@given(st.data())
def test_pooling(data: st.DataObject) -> None:
    draw = data.draw
    op = draw(st.sampled_from(["AVERAGE_POOL_2D", "MAX_POOL_2D"]))
    kind = draw(st.sampled_from(["int8", "int8", "float32", "int16"]))
    n, h, w, c = draw(st.integers(1, 2)), draw(st.integers(1, 9)), draw(st.integers(1, 9)), draw(st.integers(1, 4))
    fh, fw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    sh, sw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    padding = draw(st.sampled_from(["SAME", "VALID"]))
    pad_code = 0 if padding == "SAME" else 1
    oh, ow = compute_out_size(pad_code, h, fh, sh), compute_out_size(pad_code, w, fw, sw)
    assume(oh is not None and ow is not None and oh > 0 and ow > 0)
    act = draw(st.sampled_from(ACTS))
    b = ModelBuilder()
    if kind == "float32":
        x = b.add_input("x", (n, h, w, c), "float32")
        y = b.add_output("y", (n, oh, ow, c), "float32")
    else:
        s, zp = scale(draw, -8, 0), zero_point(draw, kind)
        x = b.add_input("x", (n, h, w, c), kind, scale=s, zero_point=zp)
        y = b.add_output("y", (n, oh, ow, c), kind, scale=s, zero_point=zp)
    b.add_operator(op, [x], [y], padding=padding, stride_h=sh, stride_w=sw, filter_height=fh, filter_width=fw,
                   fused_activation_function=act)
    run_both(b.build())


@SETTINGS
@given(st.data())
def test_softmax(data: st.DataObject) -> None:
    draw = data.draw
    kind = draw(st.sampled_from(["int8", "int8_int16", "float32", "int16"]))
    shape = tuple(draw(st.lists(st.integers(1, 6), min_size=1, max_size=3)))
    beta = draw(st.sampled_from([1.0, 0.5, 2.0, 0.125]))
    b = ModelBuilder()
    if kind == "float32":
        x = b.add_input("x", shape, "float32")
        y = b.add_output("y", shape, "float32")
    elif kind == "int16":
        x = b.add_input("x", shape, "int16", scale=scale(draw, -12, -6), zero_point=0)
        y = b.add_output("y", shape, "int16", scale=1 / 32768, zero_point=0)
    else:
        x = b.add_input("x", shape, "int8", scale=scale(draw, -8, 0), zero_point=zero_point(draw, "int8"))
        if kind == "int8":
            y = b.add_output("y", shape, "int8", scale=1 / 256, zero_point=-128)
        else:
            y = b.add_output("y", shape, "int16", scale=1 / 65536, zero_point=-32768)
    b.add_operator("SOFTMAX", [x], [y], beta=beta)
    run_both(b.build())


@SETTINGS
@given(st.data())
def test_add(data: st.DataObject) -> None:
    draw = data.draw
    kind = draw(st.sampled_from(["int8", "int8", "int16", "float32", "int32"]))
    rank = draw(st.integers(1, 4))
    out_shape = tuple(draw(st.lists(st.integers(1, 4), min_size=rank, max_size=rank)))

    def broadcastable() -> tuple[int, ...]:
        dims = [d if draw(st.booleans()) else 1 for d in out_shape]
        drop = draw(st.integers(0, rank - 1))
        return tuple(dims[drop:])

    a_shape, b_shape = broadcastable(), broadcastable()
    if out_shape[-1] > 1 and (not a_shape or a_shape[-1] == 1) and (not b_shape or b_shape[-1] == 1):
        a_shape = a_shape[:-1] + (out_shape[-1],) if a_shape else (out_shape[-1],)
    rank_ab = max(len(a_shape), len(b_shape))
    ext_a, ext_b = (1,) * (rank_ab - len(a_shape)) + a_shape, (1,) * (rank_ab - len(b_shape)) + b_shape
    # equal input shapes with a larger output: TFLM aborts, both interpreters refuse it
    assume(ext_a != ext_b or int(np.prod(a_shape)) == int(np.prod(out_shape)))
    act = draw(st.sampled_from(ACTS))
    b = ModelBuilder()
    if kind in ("float32", "int32"):
        x1 = b.add_input("a", a_shape, kind)
        x2 = b.add_input("b", b_shape, kind)
        y = b.add_output("y", out_shape, kind)
    else:
        s1, s2 = scale(draw, -8, -1), scale(draw, -8, -1)
        so = float(np.float32(max(s1, s2) * draw(st.floats(0.6, 4.0))))
        x1 = b.add_input("a", a_shape, kind, scale=s1, zero_point=zero_point(draw, kind))
        x2 = b.add_input("b", b_shape, kind, scale=s2, zero_point=zero_point(draw, kind))
        y = b.add_output("y", out_shape, kind, scale=so, zero_point=zero_point(draw, kind))
    b.add_operator("ADD", [x1, x2], [y], fused_activation_function=act)
    run_both(b.build())


@SETTINGS
@given(st.data())
def test_quantize_and_dequantize(data: st.DataObject) -> None:
    draw = data.draw
    pairs = [("float32", "int8"), ("float32", "int16"), ("int8", "int8"), ("int8", "int16"), ("int16", "int8"),
             ("int16", "int16"), ("int8", "int32"), ("int16", "int32"), ("int8", "uint8"), ("uint8", "int8")]
    src, dst = draw(st.sampled_from(pairs))
    shape = tuple(draw(st.lists(st.integers(1, 5), min_size=1, max_size=3)))
    b = ModelBuilder()
    kw = {} if src == "float32" else {"scale": scale(draw, -8, 2), "zero_point": zero_point(draw, src)}
    x = b.add_input("x", shape, src, **kw)
    q = b.add_tensor("q", shape, dst, scale=scale(draw, -8, 2),
                     zero_point=0 if dst == "int32" else zero_point(draw, dst))
    b.add_operator("QUANTIZE", [x], [q])
    if dst in ("int8", "int16", "uint8"):
        y = b.add_output("y", shape, "float32")
        b.add_operator("DEQUANTIZE", [q], [y])
    else:
        b.outputs.append(q)
    run_both(b.build())


def test_reshape_and_variable_state(tmp_path: Path) -> None:
    """RESHAPE copies; a variable tensor (with initial buffer data, which TFLM
    ignores) lives in the persistent tail, is reset to its zero point, and its
    place in the tail matches firmware_arena."""
    b = ModelBuilder()
    x = b.add_input("x", (2, 3), "int8", scale=0.1, zero_point=4)
    state = b.add_tensor("state", (2, 3), "int8", scale=0.1, zero_point=-7, is_variable=True,
                         data=np.full((2, 3), 9, np.int8))
    s = b.add_tensor("s", (2, 3), "int8", scale=0.2, zero_point=1)
    y = b.add_output("y", (6,), "int8", scale=0.2, zero_point=1)
    b.add_operator("ADD", [x, state], [s])
    b.add_operator("RESHAPE", [s], [y])
    model = b.build()
    run_both(model, vectors=3)
    path = tmp_path / "state.tflite"
    path.write_bytes(model)
    pred = firmware_arena.firmware_arena_bytes(path, "host")
    assert pred["variable_bytes"] == 16
    it = Interpreter(model)
    assert it.memory.persistent_bytes == 16


def test_offline_plan_is_honoured(tmp_path: Path) -> None:
    """With an OfflineMemoryAllocation plan (microinterp's best planner written
    into the model) the C port uses those offsets: same bytes, a smaller head than
    TFLM's greedy plan of disjoint buffers, exactly as memory.firmware_arena predicts."""
    from dataclasses import replace

    from oracle import model_path

    from microinterp import load_model
    from microinterp.memory.offline_plan import with_offline_plan
    from microinterp.memory.planner import plan_best, plan_greedy

    model = load_model(str(model_path("mlperf-tiny/vww_96_int8.tflite")))
    requests, owners, _ = firmware_arena.head_requests(model)
    disjoint = [replace(r, overlaps=-1) for r in requests]  # a plan any runtime can use, as `plan` writes
    plan = plan_best(disjoint)
    assert plan.size < plan_greedy(disjoint).size
    path = tmp_path / "vww_best.tflite"
    path.write_bytes(with_offline_plan(model, dict(zip(owners, plan.offsets))))
    report = fwcheck.check(path, "host-asan", vectors=2, seed=2, layers=True)
    assert report.ok, "\n".join(report.lines())
    assert report.arena_used_bytes == report.arena_predicted["total_bytes"]
    assert report.arena_predicted["planned_bytes"] == plan.size
    assert firmware_arena.firmware_arena_bytes(model, "host", planner="best")["total_bytes"] == report.arena_used_bytes


def test_bad_offline_plan_is_rejected(tmp_path: Path) -> None:
    from oracle import model_path

    from microinterp import load_model
    from microinterp.memory.offline_plan import with_offline_plan

    model = load_model(str(model_path("tflite-micro/hello_world_int8.tflite")))
    raw = bytearray(with_offline_plan(model, {0: 16}))
    # make tensor 0's offset misaligned behind the writer's back (it refuses to write one)
    needle = np.array([0, 1, len(model.main.tensors), 16], np.int32).tobytes()
    at = raw.find(needle)
    assert at > 0
    raw[at + 12:at + 16] = np.array([6], np.int32).tobytes()
    (tmp_path / "m.tflite").write_bytes(bytes(raw))
    (tmp_path / "in.bin").write_bytes(bytes(1))
    t = tg.get_target("host-asan")
    out = t.run(build_dir("host-asan") / "mi_runner", tmp_path / "m.tflite", tmp_path / "in.bin",
                tmp_path / "out.bin", timeout=60)
    assert out.returncode == rp.EXIT_ALLOCATE and out.status_name == "MI_ERR_MODEL_INVALID"
