"""SQUEEZE (TFLM: kernels/squeeze.cc; C twin: firmware/src/kernels/mi_squeeze.c).

Drops size-1 dimensions (the listed ``squeeze_dims``, negative ones counted
from the input's rank, or every size-1 dimension when the list is empty) of
an input of rank <= 8 and any fixed-size type; the data is copied byte for
byte (TFLM's eval is a memcpy of equal byte lengths).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..context import Node, Registration
from ..memory.declaration import KernelMemory

INPUT, OUTPUT = 0, 0
MAX_DIMS = 8


def prepare(node: Node) -> None:
    src, dst = node.input(INPUT), node.output(OUTPUT)
    if src.dtype is None or src.type_name == "STRING":
        raise node.unsupported(f"type {src.type_name} is not supported")
    rank = len(src.shape)
    if rank > MAX_DIMS:
        raise node.unsupported(f"input rank {rank} is not supported (at most {MAX_DIMS})")
    dims = node.options.squeeze_dims
    if dims:
        squeeze = set()
        for d in dims:
            d = d + rank if d < 0 else d
            if not 0 <= d < rank or src.shape[d] != 1:
                raise node.fail(f"cannot squeeze dimension {d} of shape {list(src.shape)}")
            squeeze.add(d)
    else:
        squeeze = {d for d, n in enumerate(src.shape) if n == 1}
    expected = tuple(n for d, n in enumerate(src.shape) if d not in squeeze)
    if dst.shape != expected:
        raise node.fail(f"output shape {list(dst.shape)} is not {list(expected)}")
    if src.nbytes != dst.nbytes:
        raise node.fail(f"input ({src.nbytes} bytes) and output ({dst.nbytes} bytes) differ in size")


def invoke(node: Node, data: None, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    outputs[OUTPUT].reshape(-1).view(np.uint8)[...] = inputs[INPUT].reshape(-1).view(np.uint8)


MEMORY = KernelMemory(tflm_params="TfLiteSqueezeParams", c_op_data="")
REGISTRATION = Registration("SQUEEZE", prepare, invoke, memory=MEMORY)
