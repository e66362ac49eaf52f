"""C port outputs written over the input that dies at their op (mi_allow_overlap), in
models that opt in (memory/overlap.py with_overlap).

The C kernels of CONV_2D, DEPTHWISE_CONV_2D and ADD declare that their output may
start ``memory/overlap.py``'s distance before their input (0 for ADD: in place);
the planner lets it where the input dies at that op. These draw two-op chains
``x -> op1 -> t -> op2 -> y`` (int8, int16 and float32; strides, dilations, SAME
padding, depth multipliers, grouped convolutions; op2 a convolution or a residual
``ADD(x, t)``) whose plan really overlaps ``y`` with ``t`` (checked on the predicted
offsets), and run them in the C port against Python at every tensor: on the host
ASan/UBSan build (the plain-C fast paths and the reference loops) and on the
emulated Cortex-M4 (DSP paths: im2col pixel pairs, 1x1 pairs) and Cortex-M0+.
A too-short distance makes the kernel read input bytes it already overwrote, so a
byte differs; every run also compares the arena with the prediction.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
import pytest
from fw_helpers import assert_twins_agree, requires_host_cc
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from microinterp import load_model
from microinterp.builder import ModelBuilder
from microinterp.fw import check as fwcheck
from microinterp.fw.toolchain import toolchain_missing
from microinterp.kernels.padding import compute_out_size
from microinterp.memory import firmware_arena
from microinterp.memory.overlap import with_overlap

HOST = settings(max_examples=int(os.environ.get("MI_FW_EXAMPLES", "30")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
CORES = settings(max_examples=int(os.environ.get("MI_FW_FAST_EXAMPLES", "6")), deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
_missing = toolchain_missing()


def _scale(draw: st.DrawFn, lo: int, hi: int) -> float:
    return float(np.float32(draw(st.floats(1.0, 2.0)) * 2.0 ** draw(st.integers(lo, hi))))


def _quant(draw: st.DrawFn, kind: str, lo: int = -8, hi: int = -1) -> dict:
    if kind == "float32":
        return {}
    zp = 0 if kind == "int16" else draw(st.one_of(st.sampled_from([-128, 0, 127]), st.integers(-128, 127)))
    return {"scale": _scale(draw, lo, hi), "zero_point": zp}


def _window(b: ModelBuilder, draw: st.DrawFn, rng: np.random.Generator, kind: str, name: str, x: int,
            shape: tuple[int, int, int, int], out: str, keep_shape: bool = False) -> tuple[int, tuple]:
    """A CONV_2D or DEPTHWISE_CONV_2D reading tensor ``x`` (``shape``), writing a new
    tensor (a graph output if ``out == "output"``); ``keep_shape``: SAME, stride 1,
    as many channels (for a residual ADD)."""
    n, h, w, cin = shape
    depthwise = draw(st.booleans())
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    sh, sw = (1, 1) if keep_shape else (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    dh, dw = draw(st.integers(1, 2)), draw(st.sampled_from([1, 1, 2]))
    padding = "SAME" if keep_shape else draw(st.sampled_from(["SAME", "VALID"]))
    code = 0 if padding == "SAME" else 1
    oh, ow = compute_out_size(code, h, kh, sh, dh), compute_out_size(code, w, kw, sw, dw)
    assume(oh is not None and ow is not None and oh > 0 and ow > 0)
    if depthwise:
        mult = 1 if keep_shape else draw(st.integers(1, 2))
        cout, wshape = cin * mult, (1, kh, kw, cin * mult)
    else:
        groups = 1 if keep_shape or cin % 2 else draw(st.sampled_from([1, 1, 2]))
        cout = cin if keep_shape else groups * draw(st.integers(max(1, cin // (2 * groups)), 2 * cin // groups))
        wshape = (cout, kh, kw, cin // groups)
    wdtype = "float32" if kind == "float32" else "int8"
    wq = {} if kind == "float32" else {"scale": _scale(draw, -9, -5), "zero_point": 0,
                                         "quantized_dimension": 3 if depthwise else 0}
    wdata = (rng.uniform(-1, 1, wshape).astype(np.float32) if kind == "float32"
             else rng.integers(-127, 128, wshape).astype(np.int8))
    wt = b.add_constant(f"{name}w", wdata, wdtype, **wq)
    bias = -1
    if draw(st.booleans()):
        if kind == "float32":
            bias = b.add_constant(f"{name}b", rng.uniform(-1, 1, (cout,)).astype(np.float32))
        else:
            bdtype = np.int32 if kind == "int8" else np.int64
            bias = b.add_constant(f"{name}b", rng.integers(-3000, 3000, (cout,)).astype(bdtype), scale=1e-4,
                                  zero_point=0)
    oshape = (n, oh, ow, cout)
    q = _quant(draw, kind, -6, 0)
    y = b.add_output(out, oshape, kind, **q) if out == "output" else b.add_tensor(out, oshape, kind, **q)
    opts = dict(padding=padding, stride_h=sh, stride_w=sw, dilation_h_factor=dh, dilation_w_factor=dw,
                fused_activation_function=draw(st.sampled_from(["NONE", "RELU", "RELU6"])))
    if depthwise:
        opts["depth_multiplier"] = cout // cin
    b.add_operator("DEPTHWISE_CONV_2D" if depthwise else "CONV_2D", [x, wt, bias], [y], **opts)
    return y, oshape


def _chain(data: st.DataObject) -> bytes:
    """x -> op1 -> t -> op2 -> y, with y's planned bytes overlapping t's."""
    draw = data.draw
    kind = draw(st.sampled_from(["int8", "int8", "int8", "int16", "float32"]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    # rows of tens of bytes or more, so that a distance short by a pixel is not hidden by
    # the 16-byte alignment of planned offsets
    shape = (draw(st.integers(1, 2)), draw(st.integers(2, 12)), draw(st.integers(3, 14)), draw(st.integers(4, 24)))
    residual = draw(st.booleans())
    b = ModelBuilder()
    x = b.add_input("x", shape, kind, **_quant(draw, kind))
    t, tshape = _window(b, draw, rng, kind, "op1", x, shape, "t", keep_shape=residual)
    if residual:  # y = ADD(x, t): written in place over t (ADD's input 1)
        y = b.add_output("output", tshape, kind, **_quant(draw, kind, -7, 0))
        b.add_operator("ADD", [x, t], [y], fused_activation_function=draw(st.sampled_from(["NONE", "RELU"])))
    else:
        y, _ = _window(b, draw, rng, kind, "op2", t, tshape, "output")
    model = with_overlap(load_model(b.build()))
    offsets = firmware_arena.tensor_offsets(load_model(model), "host")
    size = load_model(model).main.tensors[y].nbytes
    assume(offsets[y] <= offsets[t] < offsets[y] + size)  # the plan does overlap them
    return model


@requires_host_cc
@HOST
@given(st.data())
def test_overlapping_chains_match_python_on_the_host(data: st.DataObject) -> None:
    model = _chain(data)
    assert_twins_agree(model, fwcheck.random_inputs(load_model(model), 2, seed=data.draw(st.integers(0, 99))))


@pytest.mark.skipif(_missing is not None, reason=f"Cortex-M toolchain/emulator absent: {_missing}")
@pytest.mark.parametrize("core", ["cortex-m4", "cortex-m0plus"])
@CORES
@given(data=st.data())
def test_overlapping_chains_match_python_on_the_cores(core: str, data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "chain.tflite"
        path.write_bytes(_chain(data))
        report = fwcheck.check(path, core, vectors=2, layers=True, timeout=120)
    assert report.ok, "\n".join(report.lines())
