"""The int8 fast paths of CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED on the
emulated cores that compile them, against the Python kernels, byte for byte.

The host-asan cross-checks (test_fw_kernels.py) run the plain-C build of the
fast paths (firmware/src/kernels/mi_simd.h); the Cortex-M4 builds (soft- and
hard-float ABI) compile the DSP path (SXTB16/SXTAB16/SMLAD, inline assembly,
the 1x1 pixel-pair path) and the Cortex-M0+ build the plain-C path with
ARMv6-M's alignment rules, so all three run here. Batched to keep
CI time low: each hypothesis example is one model of several independent
single ops (each with its own input and output), checked in one emulator run
(two input vectors, every output byte and the arena prediction).
Shapes are drawn so that the four-channel and four-tap blocks and their
remainders, the image borders (SAME padding, strides, height dilation), zero
points at the int8 extremes and per-channel scales all occur.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from microinterp.builder import ModelBuilder
from microinterp.fw import check as fwcheck
from microinterp.fw.toolchain import toolchain_missing
from microinterp.kernels.padding import compute_out_size

_missing = toolchain_missing()
pytestmark = pytest.mark.skipif(_missing is not None, reason=f"Cortex-M toolchain/emulator absent: {_missing}")

#: examples (models) per core; MI_FW_FAST_EXAMPLES raises it for a longer hunt
SETTINGS = settings(max_examples=int(os.environ.get("MI_FW_FAST_EXAMPLES", "10")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
OPS_PER_MODEL = 6


def _scale(draw: st.DrawFn, lo: int, hi: int) -> float:
    return float(np.float32(draw(st.floats(1.0, 2.0)) * 2.0 ** draw(st.integers(lo, hi))))


def _zp(draw: st.DrawFn) -> int:
    return draw(st.one_of(st.sampled_from([-128, 0, 127]), st.integers(-128, 127)))


def _add_conv(b: ModelBuilder, draw: st.DrawFn, rng: np.random.Generator, k: int, depthwise: bool,
              pointwise: bool = False) -> None:
    h, w = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    sh, sw = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    dh = draw(st.integers(1, 2))
    if pointwise:  # the pixel-pair path: 1x1, stride 1, input channels a multiple of 4
        kh = kw = sh = sw = 1
    padding = draw(st.sampled_from(["SAME", "VALID"]))
    pad_code = 0 if padding == "SAME" else 1
    oh, ow = compute_out_size(pad_code, h, kh, sh, dh), compute_out_size(pad_code, w, kw, sw, 1)
    assume(oh is not None and ow is not None and oh > 0 and ow > 0)
    if depthwise:
        cin = cout = draw(st.integers(1, 13))
        wshape = (1, kh, kw, cout)
    else:
        cin = 4 * draw(st.integers(1, 12)) if pointwise else draw(st.integers(1, 13))
        cout = draw(st.integers(1, 11))
        wshape = (cout, kh, kw, cin)
    s_in, s_out = _scale(draw, -8, -2), _scale(draw, -6, 0)
    s_w = [_scale(draw, -9, -5) for _ in range(cout)] if draw(st.booleans()) else _scale(draw, -9, -5)
    x = b.add_input(f"x{k}", (1, h, w, cin), "int8", scale=s_in, zero_point=_zp(draw))
    wt = b.add_constant(f"w{k}", rng.integers(-128, 128, size=wshape).astype(np.int8), scale=s_w, zero_point=0,
                        quantized_dimension=3 if depthwise else 0)
    bias = (b.add_constant(f"b{k}", rng.integers(-3000, 3000, size=(cout,)).astype(np.int32), scale=1e-4,
                           zero_point=0) if draw(st.booleans()) else -1)
    y = b.add_output(f"y{k}", (1, oh, ow, cout), "int8", scale=s_out, zero_point=_zp(draw))
    opts = dict(padding=padding, stride_h=sh, stride_w=sw, dilation_h_factor=dh, dilation_w_factor=1,
                fused_activation_function=draw(st.sampled_from(["NONE", "RELU", "RELU6"])))
    if depthwise:
        opts["depth_multiplier"] = 1
    b.add_operator("DEPTHWISE_CONV_2D" if depthwise else "CONV_2D", [x, wt, bias], [y], **opts)


def _add_fc(b: ModelBuilder, draw: st.DrawFn, rng: np.random.Generator, k: int) -> None:
    batches, depth, units = draw(st.integers(1, 2)), draw(st.integers(1, 40)), draw(st.integers(1, 11))
    s_in, s_out = _scale(draw, -8, -2), _scale(draw, -5, 0)
    per_channel = draw(st.booleans())
    s_w = [_scale(draw, -9, -5) for _ in range(units)] if per_channel else _scale(draw, -9, -5)
    x = b.add_input(f"x{k}", (batches, depth), "int8", scale=s_in, zero_point=_zp(draw))
    w = b.add_constant(f"w{k}", rng.integers(-128, 128, size=(units, depth)).astype(np.int8), scale=s_w,
                       zero_point=0)
    bs = float(np.float32(s_in) * np.float32(s_w[0] if per_channel else s_w))
    bias = (b.add_constant(f"b{k}", rng.integers(-3000, 3000, size=(units,)).astype(np.int32), scale=bs,
                           zero_point=0) if draw(st.booleans()) else -1)
    y = b.add_output(f"y{k}", (batches, units), "int8", scale=s_out, zero_point=_zp(draw))
    b.add_operator("FULLY_CONNECTED", [x, w, bias], [y],
                   fused_activation_function=draw(st.sampled_from(["NONE", "RELU"])))


def _model(data: st.DataObject) -> bytes:
    draw = data.draw
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    b = ModelBuilder()
    for k in range(OPS_PER_MODEL):
        kind = draw(st.sampled_from(["conv", "pointwise", "depthwise", "fc"]))
        if kind == "fc":
            _add_fc(b, draw, rng, k)
        else:
            _add_conv(b, draw, rng, k, depthwise=kind == "depthwise", pointwise=kind == "pointwise")
    return b.build()


@pytest.mark.parametrize("core", ["cortex-m4", "cortex-m4f", "cortex-m0plus"])
@SETTINGS
@given(data=st.data())
def test_fast_paths_match_python(core: str, data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fast.tflite"
        path.write_bytes(_model(data))
        report = fwcheck.check(path, core, vectors=2, timeout=120)
    assert report.ok, "\n".join(report.lines())
