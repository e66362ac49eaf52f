"""BROADCAST_ARGS (TFLM: kernels/broadcast_args.cc + reference_ops::BroadcastArgs;
C twin: firmware/src/kernels/mi_broadcast_args.c).

The broadcast of two int32 or int64 shape vectors (all three tensors share
the type), written right-aligned into the output vector; output entries
beyond both inputs' lengths are 1. Read at invoke time, so the shapes may be
graph inputs. TFLM casts every entry to ``int`` (an int64 entry is truncated
to 32 bits) and aborts (``TFLITE_CHECK_EQ``) on two entries that are
neither equal nor 1; here that is a KernelError instead.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .. import quant
from ..context import Node, Registration
from ..errors import KernelError
from ..memory.declaration import KernelMemory

SHAPE1, SHAPE2, OUTPUT = 0, 1, 0


def prepare(node: Node) -> None:
    a, b, dst = node.input(SHAPE1), node.input(SHAPE2), node.output(OUTPUT)
    if a.type_name not in ("INT32", "INT64"):
        raise node.unsupported(f"type {a.type_name} is not supported (int32, int64)")
    if b.type_name != a.type_name or dst.type_name != a.type_name:
        raise node.fail(f"both shapes and the output must share one type, got {a.type_name}, {b.type_name}, "
                        f"{dst.type_name}")
    if len(a.shape) != 1 or len(b.shape) != 1 or len(dst.shape) != 1:
        raise node.fail("both shapes and the output must be vectors")


def invoke(node: Node, data: None, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    out = outputs[OUTPUT]
    n = out.size

    def aligned(shape: np.ndarray) -> np.ndarray:
        v = quant.wrap_int32(np.asarray(shape, np.int64).reshape(-1))[-n:] if n else np.zeros(0, np.int64)
        return np.concatenate([np.ones(n - v.size, np.int64), v])

    s1, s2 = aligned(inputs[SHAPE1]), aligned(inputs[SHAPE2])
    clash = (s1 != 1) & (s2 != 1) & (s1 != s2)
    if clash.any():
        raise KernelError(f"operator {node.index} (BROADCAST_ARGS): shapes {inputs[SHAPE1].tolist()} and "
                          f"{inputs[SHAPE2].tolist()} do not broadcast (TFLM aborts)")
    out[...] = np.where(s1 == 1, s2, s1)


#: TFLM sizes are not modelled for this op (modelled=False); c_op_data: its C twin's op data
MEMORY = KernelMemory(c_op_data="", modelled=False)
REGISTRATION = Registration("BROADCAST_ARGS", prepare, invoke, memory=MEMORY)
