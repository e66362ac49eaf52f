"""ARG_MAX (TFLM: kernels/arg_min_max.cc; C twin: firmware/src/kernels/mi_arg_max.c).

Index of the largest float32 or int8 value along an int32 axis, as int32.
TFLM scans with ``candidate > best`` from index 0: the first maximum wins
ties, a NaN never wins, and a NaN in first place is never replaced (index 0)
-- all reproduced. Prepare and invoke are shared with ARG_MIN (``arg_min_max.py``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..context import Node, Registration
from ..memory.declaration import KernelMemory
from . import arg_min_max
from .arg_min_max import prepare


def invoke(node: Node, data: None, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    arg_min_max.invoke(node, inputs, outputs, largest=True)


MEMORY = KernelMemory(tflm_params="TfLiteArgMaxParams", modelled=False, c_op_data="")
REGISTRATION = Registration("ARG_MAX", prepare, invoke, memory=MEMORY)
