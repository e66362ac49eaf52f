"""Tracing levels 1-3 on a small quantized CONV_2D -> RESHAPE model: each
level carries its key facts (checked by content and by value, not by
snapshot), the stream and the environment variable are honoured, and
tracing never changes a result."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest

from microinterp import Interpreter
from microinterp.builder import ModelBuilder

IN_SCALE, OUT_SCALE = 0.05, 0.1
W_SCALES = np.array([0.01, 0.02, 0.04], np.float32)


def conv_model() -> bytes:
    rng = np.random.default_rng(0)
    b = ModelBuilder()
    x = b.add_input("image", (1, 4, 4, 2), "int8", scale=IN_SCALE, zero_point=-1)
    w = b.add_constant("weights", rng.integers(-127, 127, (3, 3, 3, 2), dtype=np.int8), scale=W_SCALES,
                       zero_point=0, quantized_dimension=0)
    bias = b.add_constant("bias", rng.integers(-500, 500, 3).astype(np.int32),
                          scale=W_SCALES * np.float32(IN_SCALE), zero_point=0)
    h = b.add_tensor("features", (1, 4, 4, 3), "int8", scale=OUT_SCALE, zero_point=5)
    y = b.add_output("flat", (1, 48), "int8", scale=OUT_SCALE, zero_point=5)
    b.add_operator("CONV_2D", [x, w, bias], [h], padding="SAME", stride_w=1, stride_h=1,
                   fused_activation_function="RELU")
    b.add_operator("RESHAPE", [h, b.add_constant("shape", np.array([1, 48], np.int32))], [y], new_shape=[1, 48])
    return b.build()


def traced(level: int, x: np.ndarray) -> tuple[str, np.ndarray, Interpreter]:
    buf = io.StringIO()
    it = Interpreter(conv_model(), trace=level, trace_stream=buf)
    it.set_input(x, 0)
    it.invoke()
    return buf.getvalue(), it.get_output(0), it


@pytest.fixture(scope="module")
def x() -> np.ndarray:
    return np.random.default_rng(1).integers(-128, 127, (1, 4, 4, 2), endpoint=True, dtype=np.int8)


def test_level_0_prints_nothing_and_tracing_changes_no_result(x, capsys):
    plain = Interpreter(conv_model(), trace=0)
    plain.set_input(x, 0)
    plain.invoke()
    assert capsys.readouterr().err == ""
    for level in (1, 2, 3):
        _, y, _ = traced(level, x)
        assert np.array_equal(y, plain.get_output(0))


def test_level_1_one_line_per_op(x):
    text, _, _ = traced(1, x)
    lines = text.splitlines()
    assert lines[0].startswith("[microinterp] invoke #1: 2 ops, arena")
    op_lines = [ln for ln in lines if re.match(r"#\d", ln)]
    assert len(op_lines) == 2 and len(lines) == 4  # header, one line per op, footer
    assert re.match(r"#0\s+CONV_2D\s+-> int8\[1,4,4,3\]\s+[\d.]+ us$", op_lines[0])
    assert re.match(r"#1\s+RESHAPE\s+-> int8\[1,48\]\s+[\d.]+ us$", op_lines[1])
    assert re.match(r"\[microinterp\] invoke #1 done: 2 ops in [\d.]+ ms .*slowest #\d", lines[-1])
    assert "scale=" not in text and "arena[" not in text  # level-2 facts stay out


def test_level_2_quantization_multipliers_and_arena(x):
    text, _, it = traced(2, x)
    assert "padding=SAME" in text and "activation=RELU" in text and "stride_w=1" in text
    assert f"scale={IN_SCALE:g} zp=-1" in text and f"scale={OUT_SCALE:g} zp=5" in text
    assert "per-channel dim 0: 3 scales 0.01..0.04" in text
    assert re.search(r"in1\s+t\d+\s+int8\[3,3,3,2\].*const \(54 B\)", text)
    # arena ranges are the interpreter's real plan
    offsets = dict(zip(it.memory.owners, it.memory.plan.offsets))
    for t in (0, 3):  # image, features (tensor indices as built)
        start = offsets[f"tensor:{t}"]
        nbytes = it.subgraph.tensors[t].nbytes
        assert f"arena[{start}:{start + nbytes}]" in text
    # the multiplier/shift pair is shown with the real factor it encodes,
    # which must be in_scale * w_scale / out_scale per channel
    m = re.search(r"rescale: multiplier/shift: 3 channels, x([\d.e-]+)\.\.x([\d.e-]+)", text)
    assert m, text
    want = IN_SCALE * W_SCALES.astype(np.float64) / OUT_SCALE
    assert float(m.group(1)) == pytest.approx(want.min(), rel=1e-3)
    assert float(m.group(2)) == pytest.approx(want.max(), rel=1e-3)
    assert "act_min=" in text  # other prepared op data, by name
    assert " = min=" not in text  # values are level 3


def test_level_3_value_summaries(x):
    text, y, it = traced(3, x)
    out_lines = [ln for ln in text.splitlines() if ln.strip().startswith("out0 =")]
    assert len(out_lines) == 2
    flat = y.reshape(-1)
    assert f"min={flat.min()} max={flat.max()}" in out_lines[1]
    assert "[" + ", ".join(str(v) for v in flat[:8].tolist()) + ", ...]" in out_lines[1]
    real_lo = OUT_SCALE * (int(flat.min()) - 5)
    assert f"real {real_lo:.4g}.." in out_lines[1]
    in_line = next(ln for ln in text.splitlines() if ln.strip().startswith("in0  ="))
    assert f"min={x.min()} max={x.max()}" in in_line
    if (x == -128).any() or (x == 127).any():
        assert f"at limits: {int((x == -128).sum())} at -128, {int((x == 127).sum())} at 127" in in_line


def test_environment_variable_and_default_stream(x, monkeypatch, capsys):
    monkeypatch.setenv("MICROINTERP_TRACE", "1")
    it = Interpreter(conv_model())
    it.set_input(x, 0)
    it.invoke()
    it.invoke()
    captured = capsys.readouterr()
    assert captured.out == ""  # traces go to stderr, never mixed with results
    assert len(re.findall(r"^#0 +CONV_2D", captured.err, re.M)) == 2 and "invoke #2 done" in captured.err
    monkeypatch.setenv("MICROINTERP_TRACE", "0")
    Interpreter(conv_model()).invoke()
    assert capsys.readouterr().err == ""
