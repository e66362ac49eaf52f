"""MAXIMUM (TFLM: kernels/maximum_minimum.cc; C twin: firmware/src/kernels/mi_maximum.c).

TFLM compares raw stored values, ``a > b ? a : b``, for float32, int8, int16,
int32 and int64, with no prepare step: quantization parameters are never
looked at (int8 inputs of different scales are compared as raw integers) and
a NaN in ``a`` yields ``b``. Broadcasting as in ``elementwise``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

import numpy as np

from ..context import Node, Registration
from ..memory.declaration import KernelMemory, OpMemory, c_struct
from . import elementwise

INPUT1, INPUT2, OUTPUT = 0, 1, 0
TYPES = ("FLOAT32", "INT8", "INT16", "INT32", "INT64")


def prepare(node: Node) -> None:
    a, b, out, type_name = elementwise.tensors_of(node)
    elementwise.require_type(node, type_name, TYPES)
    elementwise.check_shapes(node, a, b, out)


def invoke(node: Node, data: None, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    a, b = elementwise.operands(inputs[INPUT1], inputs[INPUT2], outputs[OUTPUT].shape)
    outputs[OUTPUT][...] = np.where(a > b, a, b)


def bind(node: Node, data: None, inputs: Sequence[np.ndarray | None],
         outputs: Sequence[np.ndarray]) -> Callable[[], None]:
    """Integer types: ``np.maximum`` into the output (``elementwise.bind_integer``); floats
    keep ``invoke`` (its NaN and signed-zero choice is ``a > b ? a : b``'s, not numpy's)."""
    run = elementwise.bind_integer(np.maximum, inputs[INPUT1], inputs[INPUT2], outputs[OUTPUT])
    return run if run is not None else functools.partial(invoke, node, data, inputs, outputs)


def memory(node: Node, pointer_bytes: int) -> OpMemory:
    """TFLM registers MAXIMUM/MINIMUM (maximum_minimum.cc) with no Init and no Prepare:
    nothing persistent, no temporary tensors."""
    return OpMemory(tflm_prepare=())


MEMORY = KernelMemory(c_op_data=c_struct(w=elementwise.C_BROADCAST_WORDS, b=1), needs=memory)
REGISTRATION = Registration("MAXIMUM", prepare, invoke, memory=MEMORY, bind=bind)
