"""A dilated convolution as the TF converter writes it for a model with a dynamic batch:
SPACE_TO_BATCH_ND -> CONV_2D -> BATCH_TO_SPACE_ND with the batch-dependent shapes stored
with batch 1 (stale), for tests/kernels/test_stale_shapes.py and the C-port cross-checks."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from microinterp.builder import ModelBuilder


@st.composite
def stale_specs(draw: st.DrawFn) -> dict:
    block = draw(st.integers(2, 3))
    return {
        "dtype": draw(st.sampled_from(["float32", "int8"])),
        "block": block,
        "blocks_h": draw(st.integers(2, 4)),  # per-block rows (the stored S2B output height)
        "blocks_w": draw(st.integers(2, 4)),
        "cin": draw(st.integers(1, 4)),
        "cout": draw(st.integers(1, 4)),
        "kernel": draw(st.integers(1, 2)),
        "seed": draw(st.integers(0, 2**32 - 1)),
    }


def stale_dilated_conv(spec: dict) -> bytes:
    """Input ``[1, bh*k, bw*k, cin]``; SPACE_TO_BATCH_ND (block k, no padding) stored as
    ``[1, bh, bw, cin]`` (its blocks imply ``[k*k, bh, bw, cin]``); a VALID CONV_2D; and
    BATCH_TO_SPACE_ND back to ``[1, oh*k, ow*k, cout]`` from a stored ``[1, oh, ow, cout]``."""
    rng = np.random.default_rng(spec["seed"])
    k, bh, bw, cin, cout, kern = (spec[n] for n in ("block", "blocks_h", "blocks_w", "cin", "cout", "kernel"))
    oh, ow = bh - kern + 1, bw - kern + 1
    q = spec["dtype"] == "int8"
    act = {"scale": 0.05, "zero_point": -3} if q else {}
    out_q = {"scale": 0.2, "zero_point": 5} if q else {}
    b = ModelBuilder()
    x = b.add_input("x", (1, bh * k, bw * k, cin), spec["dtype"], **act)
    block = b.add_constant("block", np.array([k, k], np.int32))
    pads = b.add_constant("paddings", np.zeros((2, 2), np.int32))
    s2b = b.add_tensor("s2b", (1, bh, bw, cin), spec["dtype"], **act)
    b.add_operator("SPACE_TO_BATCH_ND", [x, block, pads], [s2b])
    if q:
        wscale = rng.uniform(0.002, 0.02, cout).astype(np.float32)
        w = b.add_constant("w", rng.integers(-127, 127, (cout, kern, kern, cin), endpoint=True).astype(np.int8),
                           scale=wscale, zero_point=np.zeros(cout, np.int64), quantized_dimension=0)
        bias = b.add_constant("bias", rng.integers(-500, 500, cout).astype(np.int32),
                              scale=(wscale * np.float32(0.05)).astype(np.float32),
                              zero_point=np.zeros(cout, np.int64))
    else:
        w = b.add_constant("w", rng.uniform(-1, 1, (cout, kern, kern, cin)).astype(np.float32))
        bias = b.add_constant("bias", rng.uniform(-1, 1, cout).astype(np.float32))
    conv = b.add_tensor("conv", (1, oh, ow, cout), spec["dtype"], **out_q)
    b.add_operator("CONV_2D", [s2b, w, bias], [conv], padding="VALID", stride_w=1, stride_h=1)
    crops = b.add_constant("crops", np.zeros((2, 2), np.int32))
    b.add_operator("BATCH_TO_SPACE_ND", [conv, block, crops],
                   [b.add_output("y", (1, oh * k, ow * k, cout), spec["dtype"], **out_q)])
    return b.build()


def stale_input(spec: dict, rng: np.random.Generator) -> np.ndarray:
    shape = (1, spec["blocks_h"] * spec["block"], spec["blocks_w"] * spec["block"], spec["cin"])
    if spec["dtype"] == "float32":
        return rng.uniform(-2, 2, shape).astype(np.float32)
    return rng.integers(-128, 127, shape, endpoint=True).astype(np.int8)


def written_pixels(spec: dict) -> np.ndarray:
    """Which output pixels reference_ops::BatchToSpaceND writes from the stored [1, oh, ow, c]
    input (block k, no crops): in_batch 0 -> output batch 0, pixel (h * k, w * k)."""
    k, kern = spec["block"], spec["kernel"]
    oh, ow = spec["blocks_h"] - kern + 1, spec["blocks_w"] - kern + 1
    mask = np.zeros((1, oh * k, ow * k, spec["cout"]), bool)
    for h in range(oh):
        for w in range(ow):
            mask[0, h * k, w * k, :] = True
    return mask
