"""MINIMUM (TFLM: kernels/maximum_minimum.cc; C twin: firmware/src/kernels/mi_minimum.c).

The mirror of MAXIMUM (same types, same prepare, no quantization): TFLM keeps
``a < b ? a : b`` on raw stored values, so a NaN in ``a`` yields ``b``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

import numpy as np

from ..context import Node, Registration
from ..memory.declaration import KernelMemory, OpMemory, c_struct
from . import elementwise
from .maximum import INPUT1, INPUT2, OUTPUT, prepare


def invoke(node: Node, data: None, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    a, b = elementwise.operands(inputs[INPUT1], inputs[INPUT2], outputs[OUTPUT].shape)
    outputs[OUTPUT][...] = np.where(a < b, a, b)


def bind(node: Node, data: None, inputs: Sequence[np.ndarray | None],
         outputs: Sequence[np.ndarray]) -> Callable[[], None]:
    """Integer types: ``np.minimum`` into the output (``elementwise.bind_integer``); floats
    keep ``invoke`` (its NaN and signed-zero choice is ``a < b ? a : b``'s, not numpy's)."""
    run = elementwise.bind_integer(np.minimum, inputs[INPUT1], inputs[INPUT2], outputs[OUTPUT])
    return run if run is not None else functools.partial(invoke, node, data, inputs, outputs)


def memory(node: Node, pointer_bytes: int) -> OpMemory:
    """TFLM registers MAXIMUM/MINIMUM (maximum_minimum.cc) with no Init and no Prepare:
    nothing persistent, no temporary tensors."""
    return OpMemory(tflm_prepare=())


MEMORY = KernelMemory(c_op_data=c_struct(w=elementwise.C_BROADCAST_WORDS, b=1), needs=memory)
REGISTRATION = Registration("MINIMUM", prepare, invoke, memory=MEMORY, bind=bind)
