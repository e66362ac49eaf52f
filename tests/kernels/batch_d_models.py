"""Shared pieces of the batch-D kernel tests (SLICE, SPLIT_V, SUM, REDUCE_MAX/MIN,
ARG_MIN, RESIZE_*, L2_POOL_2D, L2_NORMALIZATION, LOG_SOFTMAX, DEPTH_TO_SPACE,
SPACE_TO_DEPTH, BATCH_TO_SPACE_ND, SPACE_TO_BATCH_ND, MIRROR_PAD, GATHER_ND,
BROADCAST_TO, BROADCAST_ARGS, CUMSUM, REVERSE_V2, BATCH_MATMUL, EMBEDDING_LOOKUP).

``single_op`` builds a one-op model; ``run_both`` runs TFLM and
microinterp side by side when a test needs to see an error from both.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from hypothesis import strategies as st
from oracle import tflm_runtime
from strategies import scales, zero_points

from microinterp import Interpreter
from microinterp.builder import ModelBuilder


def quant_params(dtype: str, min_exp: int = -12, max_exp: int = 2) -> st.SearchStrategy[dict]:
    """Drawn per-tensor quantization for int8/int16 tensors, none for other types."""
    if dtype not in ("int8", "int16"):
        return st.just({})
    return st.builds(lambda s, z: {"scale": s, "zero_point": z}, scales(min_exp, max_exp), zero_points(dtype))


def single_op(op: str, inputs: Sequence[tuple], outputs: Sequence[tuple], **options: Any) -> bytes:
    """One-op model. Each input is ``(name, shape, dtype, quant)`` for a graph input or
    ``(name, array)`` / ``(name, array, quant)`` for a constant; outputs are
    ``(name, shape, dtype, quant)``."""
    b = ModelBuilder()
    ins = []
    for spec in inputs:
        if isinstance(spec[1], np.ndarray):
            ins.append(b.add_constant(spec[0], spec[1], **(spec[2] if len(spec) > 2 else {})))
        else:
            ins.append(b.add_input(spec[0], spec[1], spec[2], **(spec[3] if len(spec) > 3 else {})))
    outs = [b.add_output(name, shape, dtype, **q) for name, shape, dtype, q in outputs]
    b.add_operator(op, ins, outs, **options)
    return b.build()


def run_both(model: bytes, inputs: list[np.ndarray]) -> tuple[Any, Any]:
    """(microinterp outcome, TFLM outcome): each output 0 or the exception raised."""
    outcomes = []
    for make in (lambda: Interpreter.from_bytes(model),
                 lambda: tflm_runtime.Interpreter.from_bytes(model, arena_size=1 << 20)):
        try:
            it = make()
            for i, x in enumerate(inputs):
                it.set_input(x, i)
            it.invoke()
            outcomes.append(it.get_output(0))
        except Exception as e:  # noqa: BLE001 - the outcome under test
            outcomes.append(e)
    return outcomes[0], outcomes[1]


@st.composite
def reduce_case(draw, max_rank: int = 5) -> tuple[tuple[int, ...], list[int], bool, tuple[int, ...]]:
    """(input shape, axis list, keep_dims, output shape) for SUM/REDUCE_MAX/REDUCE_MIN:
    ranks 1..max_rank, 0..rank+1 axes (negative and duplicate ones included)."""
    rank = draw(st.integers(1, max_rank))
    shape = tuple(draw(st.lists(st.integers(1, 5), min_size=rank, max_size=rank)))
    axes = draw(st.lists(st.integers(-rank, rank - 1), min_size=0, max_size=rank + 1))
    keep_dims = draw(st.booleans())
    reduced = {a % rank for a in axes}
    out = tuple(1 if d in reduced else n for d, n in enumerate(shape) if keep_dims or d not in reduced)
    return shape, axes, keep_dims, out


def reduce_model(op: str, shape, axes, keep_dims, out, dtype, in_q, out_q, const_axis: bool = True) -> bytes:
    """A one-op reduction model; the axis list is a constant or a graph input (input 1)."""
    axis = np.array(axes, np.int32)
    spec = ("axis", axis) if const_axis else ("axis", axis.shape, "int32")
    return single_op(op, [("x", shape, dtype, in_q), spec], [("y", out, dtype, out_q)], keep_dims=keep_dims)
