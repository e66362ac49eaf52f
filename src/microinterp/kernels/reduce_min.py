"""REDUCE_MIN (TFLM: kernels/reduce.cc + reduce_common.cc; C twin: firmware/src/kernels/mi_reduce_min.c).

float32 or int8 minimum over an int32 axis list: the mirror image of
REDUCE_MAX (``reduce_max.py``, which holds the shared code). TFLM folds
``(in < current) ? in : current`` from ``FLT_MAX`` (not +inf): NaN never
wins, the first of equal values is kept, and a row of only +inf/NaN gives
``FLT_MAX``; int8 input and output must share scale and zero point.
"""

from __future__ import annotations

from ..context import Node, Registration
from . import reduce_max
from .reduce_max import OpData, invoke


def prepare(node: Node) -> OpData:
    return reduce_max.prepare_min_max(node, is_max=False)


REGISTRATION = Registration("REDUCE_MIN", prepare, invoke, memory=reduce_max.MEMORY)
