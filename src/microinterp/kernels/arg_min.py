"""ARG_MIN (TFLM: kernels/arg_min_max.cc; C twin: firmware/src/kernels/mi_arg_min.c).

Index of the smallest float32 or int8 value along an int32 axis, as int32.
TFLM scans with ``candidate < best`` from index 0: the first minimum wins ties
(-0.0 and +0.0 tie), a NaN never wins, and a NaN in first place is never
replaced (index 0) -- the mirror image of ARG_MAX, with which prepare and
invoke are shared (``arg_min_max.py``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..context import Node, Registration
from ..memory.declaration import KernelMemory
from . import arg_min_max
from .arg_min_max import prepare


def invoke(node: Node, data: None, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    arg_min_max.invoke(node, inputs, outputs, largest=False)


MEMORY = KernelMemory(tflm_params="TfLiteArgMinParams", modelled=False, c_op_data="")
REGISTRATION = Registration("ARG_MIN", prepare, invoke, memory=MEMORY)
