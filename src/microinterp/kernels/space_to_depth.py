"""SPACE_TO_DEPTH (TFLM: kernels/space_to_depth.cc + reference_ops::SpaceToDepth;
C twin: firmware/src/kernels/mi_space_to_depth.c).

The inverse of DEPTH_TO_SPACE for a 4-D float32 or int8 NHWC tensor: input
pixel ``(h, w)`` channel ``c`` goes to output pixel ``(h // bs, w // bs)``
channel ``c + ((h % bs) * bs + w % bs) * in_depth``. Height and width must be
multiples of block_size (TFLM checks); TFLM rewrites the output shape to
``(n, h/bs, w/bs, c*bs^2)``, so the model's must agree. A pure copy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..context import Node, Registration
from ..memory.declaration import KernelMemory, c_struct
from .depth_to_space import check_block_op

INPUT, OUTPUT = 0, 0


@dataclass(frozen=True)
class OpData:
    block_size: int


def prepare(node: Node) -> OpData:
    bs = check_block_op(node)
    src, dst = node.input(INPUT), node.output(OUTPUT)
    n, h, w, c = src.shape
    if h % bs or w % bs:
        raise node.fail(f"height {h} and width {w} must be multiples of block_size {bs}")
    expected = (n, h // bs, w // bs, c * bs * bs)
    if dst.shape != expected:
        raise node.fail(f"output shape {list(dst.shape)} is not {list(expected)}")
    return OpData(bs)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    x, out = inputs[INPUT], outputs[OUTPUT]
    n, h, w, c = x.shape
    bs = data.block_size
    blocks = x.reshape(n, h // bs, bs, w // bs, bs, c)
    out[...] = blocks.transpose(0, 1, 3, 2, 4, 5).reshape(out.shape)


MEMORY = KernelMemory(tflm_params="TfLiteSpaceToDepthParams", modelled=False, c_op_data=c_struct(w=5))
REGISTRATION = Registration("SPACE_TO_DEPTH", prepare, invoke, memory=MEMORY)
