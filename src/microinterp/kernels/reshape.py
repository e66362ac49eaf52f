"""RESHAPE (TFLM: kernels/reshape.cc; C twin: firmware/src/kernels/mi_reshape.c).

The output is a separate planned tensor in TFLM, so the bytes are copied;
the new shape itself comes from the output tensor, already known at parse time.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..context import Node, Registration
from ..memory.declaration import KernelMemory

INPUT, OUTPUT = 0, 0


def prepare(node: Node) -> None:
    src, dst = node.input(INPUT), node.output(OUTPUT)
    if src.nbytes != dst.nbytes or src.dtype != dst.dtype:
        raise node.fail(f"cannot reshape {list(src.shape)} {src.type_name} into {list(dst.shape)} {dst.type_name}")


def invoke(node: Node, data: None, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    src, dst = inputs[INPUT], outputs[OUTPUT]
    if not np.shares_memory(src, dst):
        dst.reshape(-1)[...] = src.reshape(-1)


MEMORY = KernelMemory(tflm_params="TfLiteReshapeParams", c_op_data="")
REGISTRATION = Registration("RESHAPE", prepare, invoke, memory=MEMORY)
