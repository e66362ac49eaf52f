"""The prepare and invoke steps shared by ARG_MAX and ARG_MIN (TFLM:
kernels/arg_min_max.cc, reference ``ArgMinMax``). Not a kernel: no registration.
C twin: firmware/src/kernels/mi_arg_min_max.c (+ .h).

The index of the best float32 or int8 value along an int32 axis (read at
invoke time, as TFLM does; negative counts from the rank), written as int32
(TFLM micro has no int64 output). TFLM scans from index 0 and replaces the
running best only when ``candidate > best`` (ARG_MAX) or ``candidate < best``
(ARG_MIN), so the first extreme wins ties (-0.0 and +0.0 tie), a NaN never
wins, and a NaN in first place is never replaced (index 0).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..context import Node
from ..errors import KernelError

INPUT, AXIS, OUTPUT = 0, 1, 0
TYPES = ("FLOAT32", "INT8")


def _axis(node: Node, value: int, rank: int) -> int:
    axis = value + rank if value < 0 else value
    if not 0 <= axis < rank:
        raise KernelError(f"operator {node.index} ({node.name}): axis {value} is out of range for rank {rank}")
    return axis


def prepare(node: Node) -> None:
    src, axis_t, dst = node.input(INPUT), node.input(AXIS), node.output(OUTPUT)
    if src.type_name not in TYPES:
        raise node.unsupported(f"input type {src.type_name} is not supported ({', '.join(t.lower() for t in TYPES)})")
    if axis_t.type_name != "INT32":
        raise node.unsupported(f"axis type {axis_t.type_name} is not supported (int32)")
    if dst.type_name != "INT32":
        raise node.unsupported(f"output type {dst.type_name} is not supported (TFLM micro: int32 only)")
    if not src.shape or axis_t.size < 1:
        raise node.fail("needs an input of rank >= 1 and an axis value")
    if axis_t.is_constant:
        axis = _axis(node, int(np.asarray(axis_t.data).reshape(-1)[0]), len(src.shape))
        expected = src.shape[:axis] + src.shape[axis + 1:]
        if dst.shape != expected:
            raise node.fail(f"output shape {list(dst.shape)} is not {list(expected)}")


def invoke(node: Node, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray], *, largest: bool) -> None:
    """ARG_MAX (``largest``) or ARG_MIN of ``inputs[INPUT]`` along the axis input."""
    x, out = inputs[INPUT], outputs[OUTPUT]
    axis = _axis(node, int(inputs[AXIS].reshape(-1)[0]), x.ndim)
    if out.size != x.size // max(x.shape[axis], 1):
        raise KernelError(f"operator {node.index} ({node.name}): output {list(out.shape)} does not match input "
                          f"{list(x.shape)} reduced over axis {axis}")
    arg = np.argmax if largest else np.argmin
    if x.dtype.kind == "f":
        # NaN never beats anything: rank it behind every number, except that a NaN first stays put
        first_nan = np.isnan(np.take(x, 0, axis=axis))
        index = arg(np.where(np.isnan(x), -np.inf if largest else np.inf, x), axis=axis)
        out.reshape(-1)[...] = np.where(first_nan, 0, index).reshape(-1)
        return
    out.reshape(-1)[...] = arg(x, axis=axis).reshape(-1)
