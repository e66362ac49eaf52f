"""PAD (TFLM: kernels/pad.cc + pad_common.cc; C twin: firmware/src/kernels/mi_pad.c).

Constant padding of up to 5-D float32, int8, int16 and int32 tensors. The
paddings tensor must be a constant int32 ``[rank, 2]`` (TFLM reads it in
prepare) and the output shape must equal input + paddings. The pad value is
0 for float32/int16/int32 and the *output zero point* for int8 (TFLM requires
it to fit in int8). PADV2 (``padv2.py``) shares this kernel and adds a scalar
pad-value input.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..context import Node, Registration
from ..memory.declaration import KernelMemory, c_struct

INPUT, PADDINGS, CONSTANT_VALUES, OUTPUT = 0, 1, 2, 0
MAX_DIMS = 5  # PadKernelMaxDimensionCount
TYPES = ("FLOAT32", "INT8", "INT16", "INT32")


@dataclass(frozen=True)
class OpData:
    #: slices of the output that receive the input, one per dimension
    interior: tuple[slice, ...]
    #: pad value used when there is no constant-values input
    default_value: float | int


def prepare(node: Node) -> OpData:
    src, dst, paddings = node.input(INPUT), node.output(OUTPUT), node.input(PADDINGS)
    if src.type_name != dst.type_name:
        raise node.fail(f"input {src.type_name} and output {dst.type_name} must have the same type")
    if src.type_name not in TYPES:
        raise node.unsupported(f"type {src.type_name} is not supported ({', '.join(t.lower() for t in TYPES)})")
    if len(src.shape) > MAX_DIMS:
        raise node.unsupported(f"inputs of rank {len(src.shape)} are not supported (at most {MAX_DIMS})")
    if paddings.data is None:
        raise node.unsupported("a non-constant paddings tensor is not supported (as in TFLM)")
    if paddings.type_name != "INT32":
        raise node.unsupported(f"paddings of type {paddings.type_name} are not supported (TFLM reads int32)")
    pads = np.asarray(paddings.data, np.int64).reshape(-1)
    if pads.size != 2 * len(dst.shape) or len(src.shape) != len(dst.shape):
        raise node.fail(f"paddings {list(paddings.shape)} do not match an output of rank {len(dst.shape)}")
    pads = pads.reshape(-1, 2)
    if (pads < 0).any():
        raise node.unsupported(f"negative paddings {pads.tolist()} are not supported")
    expected = tuple(int(d + lo + hi) for d, (lo, hi) in zip(src.shape, pads))
    if expected != dst.shape:
        raise node.fail(f"output shape {list(dst.shape)} is not input {list(src.shape)} + paddings {pads.tolist()}")
    values = node.optional_input(CONSTANT_VALUES)
    default = 0
    if src.type_name == "INT8":
        if values is None:
            if not -128 <= dst.zero_point <= 127:
                raise node.fail(f"output zero point {dst.zero_point} is outside int8")
            default = dst.zero_point
        elif values.zero_point != dst.zero_point or float(values.scale) != float(dst.scale):
            raise node.fail("int8 pad value must have the output's scale and zero point")
    if values is not None:
        if values.type_name != src.type_name:
            raise node.fail(f"pad value type {values.type_name} differs from the input's {src.type_name}")
        if values.size != 1:
            raise node.fail(f"pad value must be a scalar, got shape {list(values.shape)}")
    interior = tuple(slice(int(lo), int(lo) + d) for d, (lo, _) in zip(src.shape, pads))
    return OpData(interior, default)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    out = outputs[OUTPUT]
    values = inputs[CONSTANT_VALUES] if len(inputs) > CONSTANT_VALUES else None
    out[...] = values.reshape(-1)[0] if values is not None else data.default_value
    out[data.interior] = inputs[INPUT]



def bind(node: Node, data: OpData, inputs: Sequence[np.ndarray | None],
         outputs: Sequence[np.ndarray]) -> Callable[[], None]:
    """``invoke`` with the interior view and the pad value's source built here once (the
    pad value is still read at every run: it may be a variable tensor)."""
    out, x = outputs[OUTPUT], inputs[INPUT]
    interior = out[(..., *data.interior)]  # a view, also at rank 0
    values = inputs[CONSTANT_VALUES] if len(inputs) > CONSTANT_VALUES else None
    if values is None:
        fill = data.default_value

        def run() -> None:
            out[...] = fill
            interior[...] = x

        return run
    value = values.reshape(-1)[:1].reshape(())  # a 0-d view of the first element

    def run_valued() -> None:
        out[...] = value
        interior[...] = x

    return run_valued

MEMORY = KernelMemory(tflm_op_data="PadOpData", c_op_data=c_struct(w=17, b=1))
REGISTRATION = Registration("PAD", prepare, invoke, memory=MEMORY, bind=bind)
