"""CUMSUM (TFLM: kernels/cumsum.cc + reference_ops::CumSum; C twin: firmware/src/kernels/mi_cumsum.c).

Running sum of a float32 or int8 tensor along an int32 axis (read at invoke;
negative counts from the rank), optionally exclusive (each output excludes its
own element) and/or reversed (summing from the end).

* float32: a sequential float32 accumulator starting at +0.0f, so the first
  output is ``0.0f + x`` (-0.0 becomes +0.0) and an exclusive first output is
  +0.0.
* int8: TFLM's ADD-style rescaling: every ``(x - zp_in) << 20`` is scaled by
  the multiplier of 1/2, summed in a *wrapping* int32 accumulator, rescaled
  with the multiplier of ``2 * s_in / (2^20 * s_out)`` plus the output zero
  point and clamped. Quirk reproduced: the accumulator does not start at 0 but
  at the rescaled ``-zp_in << 20`` (the code's "accumulator = 0" comment
  notwithstanding), so every output carries one extra ``-zp_in``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .. import quant
from ..context import Node, Registration
from ..errors import KernelError
from ..memory.declaration import KernelMemory, c_struct

INPUT, AXIS, OUTPUT = 0, 1, 0
LEFT_SHIFT = 20  # kCumSumIntegerShift


@dataclass(frozen=True)
class OpData:
    is_float: bool
    exclusive: bool
    reverse: bool
    input_offset: int = 0
    output_offset: int = 0
    input_multiplier: int = 0
    input_shift: int = 0
    output_multiplier: int = 0
    output_shift: int = 0


def _smaller_than_one(node: Node, real: float, what: str) -> tuple[int, int]:
    """TFLM ``QuantizeMultiplierSmallerThanOneExp``, whose CHECKs abort TFLM; an error here."""
    if not 0.0 < real < 1.0:
        raise node.unsupported(f"{what} multiplier {real!r} is outside (0, 1); TFLM aborts on it")
    return quant.quantize_multiplier(real)


def prepare(node: Node) -> OpData:
    src, axis_t, dst = node.input(INPUT), node.input(AXIS), node.output(OUTPUT)
    if src.type_name not in ("FLOAT32", "INT8"):
        raise node.unsupported(f"type {src.type_name} is not supported (float32, int8)")
    if axis_t.type_name != "INT32" or axis_t.size != 1:
        raise node.fail(f"axis must be one int32 value, got {axis_t.type_name} {list(axis_t.shape)}")
    if not src.shape:
        raise node.fail("input must have rank >= 1")
    if dst.type_name != src.type_name or dst.shape != src.shape:
        raise node.fail(f"output {dst.type_name} {list(dst.shape)} must match input {src.type_name} {list(src.shape)}")
    o = node.options
    exclusive, reverse = bool(getattr(o, "exclusive", False)), bool(getattr(o, "reverse", False))
    if src.type_name == "FLOAT32":
        return OpData(True, exclusive, reverse)
    s_in, s_out = float(src.scale), float(dst.scale)
    twice_max = 2.0 * s_in
    m_in, sh_in = _smaller_than_one(node, s_in / twice_max, "input")
    m_out, sh_out = _smaller_than_one(node, twice_max / ((1 << LEFT_SHIFT) * s_out), "output")
    return OpData(False, exclusive, reverse, -src.zero_point, dst.zero_point, m_in, sh_in, m_out, sh_out)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    x, out = inputs[INPUT], outputs[OUTPUT]
    axis = int(inputs[AXIS].reshape(-1)[0])
    axis = axis + x.ndim if axis < 0 else axis
    if not 0 <= axis < x.ndim:
        raise KernelError(f"operator {node.index} (CUMSUM): invalid axis {axis} for rank {x.ndim}")
    v = np.moveaxis(x, axis, -1)
    if data.reverse:
        v = v[..., ::-1]
    if data.is_float:
        start = np.zeros(v.shape[:-1] + (1,), np.float32)
        with np.errstate(over="ignore", invalid="ignore"):  # IEEE inf/NaN as in C
            running = np.add.accumulate(np.concatenate([start, v], axis=-1), axis=-1, dtype=np.float32)
    else:
        def scale_in(values: np.ndarray) -> np.ndarray:
            return quant.multiply_by_quantized_multiplier_smaller_than_one_exp(
                (np.asarray(values, np.int64) + data.input_offset) << LEFT_SHIFT, data.input_multiplier,
                data.input_shift)

        start = np.broadcast_to(scale_in(0), v.shape[:-1] + (1,))  # TFLM's accumulator starts at -zp_in, rescaled
        running = quant.wrap_int32(np.cumsum(np.concatenate([start, scale_in(v)], axis=-1), axis=-1))
    result = running[..., :-1] if data.exclusive else running[..., 1:]
    if not data.is_float:
        scaled = quant.multiply_by_quantized_multiplier_smaller_than_one_exp(
            result, data.output_multiplier, data.output_shift) + data.output_offset
        result = np.clip(scaled, -128, 127)
    if data.reverse:
        result = result[..., ::-1]
    np.moveaxis(out, axis, -1)[...] = result


#: TFLM sizes are not modelled for this op (modelled=False); c_op_data: its C twin's op data
MEMORY = KernelMemory(c_op_data=c_struct(w=6, b=3), modelled=False)
REGISTRATION = Registration("CUMSUM", prepare, invoke, memory=MEMORY)
