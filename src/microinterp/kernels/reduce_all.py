"""REDUCE_ALL (TFLM: kernels/reduce.cc + reduce_common.cc; C twin: firmware/src/kernels/mi_reduce_all.c).

Logical AND of a bool tensor over an int32 axis list (see ``reduction.py``:
read at invoke, so it may be a graph input; negative axes wrap, duplicates
count once; keep_dims only changes the output's declared shape). TFLM's
``ReduceGeneric`` starts every output at ``true`` and folds ``in && current``,
so an output that reduces no element at all is ``true``. Only bool is
accepted, as TFLM's ``PrepareAllHelper`` requires.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..context import Node, Registration
from ..memory.declaration import KernelMemory, c_struct
from . import reduce_max, reduction

INPUT, AXIS, OUTPUT = 0, 1, 0


@dataclass(frozen=True)
class OpData:
    axes: reduction.Axes | None  # None: the axis tensor is read at invoke


def prepare(node: Node) -> OpData:
    src = node.input(INPUT)
    if src.type_name != "BOOL":
        raise node.unsupported(f"type {src.type_name} is not supported (bool only, as TFLM)")
    return OpData(reduction.check_axis_tensor(node))


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    out = outputs[OUTPUT]
    x = reduction.group(node, data.axes, inputs[INPUT], inputs[AXIS], out)
    out.reshape(-1)[...] = x.all(axis=1)  # all() of an empty row is True, TFLM's initial value


#: TFLM's scratch is REDUCE_MAX's (the index iterator and the resolved axes); sizes not modelled, as for it
MEMORY = KernelMemory(tflm_params="TfLiteReducerParams", needs=reduce_max.memory, modelled=False,
                      c_op_data=c_struct(w=9))
REGISTRATION = Registration("REDUCE_ALL", prepare, invoke, memory=MEMORY)
