"""DEPTH_TO_SPACE (TFLM: kernels/depth_to_space.cc + reference_ops::DepthToSpace;
C twin: firmware/src/kernels/mi_depth_to_space.c).

Moves channel blocks of a 4-D float32 or int8 NHWC tensor into space: output
pixel ``(h, w)`` channel ``c`` reads input pixel ``(h // bs, w // bs)`` channel
``c + ((h % bs) * bs + w % bs) * out_depth`` (TensorFlow's DCR order).
block_size must be positive and divide the depth into bs*bs parts; TFLM
rewrites the output shape to ``(n, h*bs, w*bs, c/bs^2)``, so the model's must
agree. A pure copy: float32 bits (NaN payloads included) pass unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..context import Node, Registration
from ..memory.declaration import KernelMemory, c_struct

INPUT, OUTPUT = 0, 0
TYPES = ("FLOAT32", "INT8")


@dataclass(frozen=True)
class OpData:
    block_size: int


def check_block_op(node: Node) -> int:
    """Checks DEPTH_TO_SPACE and SPACE_TO_DEPTH share; returns the block size."""
    src, dst = node.input(INPUT), node.output(OUTPUT)
    if len(src.shape) != 4:
        raise node.fail(f"input must be 4-D, got {list(src.shape)}")
    if dst.type_name not in TYPES:
        raise node.unsupported(f"type {dst.type_name} is not supported ({', '.join(t.lower() for t in TYPES)})")
    if src.type_name != dst.type_name:
        raise node.fail(f"input {src.type_name} and output {dst.type_name} must have the same type")
    block_size = node.options.block_size
    if block_size <= 0:
        raise node.fail(f"block_size must be positive, got {block_size}")
    return block_size


def prepare(node: Node) -> OpData:
    bs = check_block_op(node)
    src, dst = node.input(INPUT), node.output(OUTPUT)
    n, h, w, c = src.shape
    if c % (bs * bs):
        raise node.fail(f"depth {c} is not a multiple of block_size^2 = {bs * bs}")
    expected = (n, h * bs, w * bs, c // (bs * bs))
    if dst.shape != expected:
        raise node.fail(f"output shape {list(dst.shape)} is not {list(expected)}")
    return OpData(bs)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    x, out = inputs[INPUT], outputs[OUTPUT]
    n, h, w, c = x.shape
    bs = data.block_size
    blocks = x.reshape(n, h, w, bs, bs, c // (bs * bs))
    out[...] = blocks.transpose(0, 1, 3, 2, 4, 5).reshape(out.shape)


MEMORY = KernelMemory(tflm_params="TfLiteDepthToSpaceParams", modelled=False, c_op_data=c_struct(w=5))
REGISTRATION = Registration("DEPTH_TO_SPACE", prepare, invoke, memory=MEMORY)
