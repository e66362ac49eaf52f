"""L2_POOL_2D (TFLM: kernels/l2_pool_2d.cc + reference_ops::L2Pool; C twin: firmware/src/kernels/mi_l2_pool_2d.c).

float32 only (TFLM has no quantized L2 pool). For every output position and
channel TFLM sums ``val * val`` over the filter taps inside the image, in
row-major tap order from +0.0f, divides by the number of those taps (as
float), takes ``sqrt`` (correctly rounded, like numpy's) and applies the fused
activation with ``std::min/std::max`` semantics. Here the input is copied
into a zero-bordered buffer and every tap is a strided view; a tap outside the
image adds ``+0.0 * +0.0`` to a sum that is never -0.0, which leaves its bits
unchanged, so the taps are still added in TFLM's order. The padding comes
from TFLM's ``ComputePaddingHeightWidth`` and TFLM rewrites the output shape
to the computed one, so the model's output shape must agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .. import quant
from ..context import Node, Registration
from ..memory.declaration import KernelMemory, c_struct
from .padding import Window, compute_padding_height_width

INPUT, OUTPUT = 0, 0


@dataclass(frozen=True)
class OpData:
    window: Window
    counts: np.ndarray  # (OH, OW, 1) float32 number of in-image taps per output position
    act_min: float
    act_max: float
    buffer: np.ndarray  # (N, BH, BW, C) zero-bordered copy of the input


def prepare(node: Node) -> OpData:
    src, dst = node.input(INPUT), node.output(OUTPUT)
    if len(src.shape) != 4 or len(dst.shape) != 4:
        raise node.fail(f"input {list(src.shape)} and output {list(dst.shape)} must be 4-D")
    if src.type_name != dst.type_name:
        raise node.fail(f"input {src.type_name} and output {dst.type_name} must have the same type")
    if src.type_name != "FLOAT32":
        raise node.unsupported(f"type {src.type_name} is not supported (TFLM's L2_POOL_2D is float32 only)")
    o = node.options
    fh, fw, sh, sw = (int(getattr(o, k, 0) or 0) for k in ("filter_height", "filter_width", "stride_h", "stride_w"))
    if min(fh, fw, sh, sw) < 1:
        raise node.fail(f"filter {fh}x{fw} and stride {sh}x{sw} must be positive")
    n, in_h, in_w, c = src.shape
    pad, out_h, out_w = compute_padding_height_width(sh, sw, 1, 1, in_h, in_w, fh, fw, int(o.padding))
    if dst.shape != (n, out_h, out_w, c):
        raise node.fail(f"output shape {list(dst.shape)} is not the computed {[n, out_h, out_w, c]}")
    window = Window.create((in_h, in_w), (out_h, out_w), (fh, fw), (sh, sw), (1, 1), pad)
    counts = sum(window.inside_mask(fy, fx).astype(np.int64) for fy in range(fh) for fx in range(fw))
    lo, hi = quant.activation_range_float(int(o.fused_activation_function or 0))
    return OpData(window, np.asarray(counts).astype(np.float32), lo, hi, window.new_buffer(n, c, np.float32))


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    w = data.window
    w.interior(data.buffer)[...] = inputs[INPUT]
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # IEEE inf/NaN as in C
        total = np.zeros(outputs[OUTPUT].shape, np.float32)
        for fy in range(w.filter_h):
            for fx in range(w.filter_w):
                tap = w.tap(data.buffer, fy, fx)
                total += tap * tap
        result = np.sqrt(total / data.counts)
    outputs[OUTPUT][...] = quant.clamp_float(result, data.act_min, data.act_max)


MEMORY = KernelMemory(tflm_params="TfLitePoolParams", modelled=False, c_op_data=c_struct(w=14))
REGISTRATION = Registration("L2_POOL_2D", prepare, invoke, memory=MEMORY)
