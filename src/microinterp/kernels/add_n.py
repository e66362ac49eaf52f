"""ADD_N (TFLM: kernels/add_n.cc, reference/add_n.h; C twin: firmware/src/kernels/mi_add_n.c).

Sums two or more inputs of one shape (no broadcasting, no activation).

* float32: per element ``x = 0.0f`` then ``x += input_j`` in input order, in
  float32 (so an all -0.0 sum is +0.0).
* int8: every input must share one scale and zero point. TFLM accumulates in
  int32, starting -- oddly -- from the rescaled *zero-point offset* rather than
  from 0: ``acc = S(-zp)`` then ``acc += S(x_j - zp)`` for each input, where
  ``S(v) = MultiplyByQuantizedMultiplierSmallerThanOneExp(v << 20, m_in)`` with
  ``m_in = s / (2 s) = 1/2``; the result is
  ``MultiplyByQuantizedMultiplierSmallerThanOneExp(acc, 2 s / (2**20 s_out)) + zp_out``
  clamped to [-128, 127]. Reproduced as is. The output multiplier must be
  below 1 (TFLM's CHECK aborts otherwise; refused here).

TFLM also requests a scratch buffer of one pointer per input; so does this kernel.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .. import quant
from ..context import Node, Registration
from ..memory.declaration import KernelMemory, OpMemory, c_struct

OUTPUT = 0
LEFT_SHIFT = 20  # kAddNIntegerShift


@dataclass(frozen=True)
class OpData:
    type_name: str
    input_offset: int = 0
    input_multiplier: int = 0
    input_shift: int = 0
    output_offset: int = 0
    output_multiplier: int = 0
    output_shift: int = 0


def prepare(node: Node) -> OpData:
    n = len(node.inputs)
    if n < 2:
        raise node.fail(f"ADD_N needs at least 2 inputs, got {n}")
    first, out = node.input(0), node.output(OUTPUT)
    if out.type_name != first.type_name:
        raise node.fail(f"input {first.type_name} and output {out.type_name} must have the same type")
    if first.type_name not in ("FLOAT32", "INT8"):
        raise node.unsupported(f"type {first.type_name} is not supported (float32, int8)")
    for i in range(1, n):
        t = node.input(i)
        if tuple(t.shape) != tuple(first.shape) or t.type_name != first.type_name:
            raise node.fail(f"input {i} ({t.type_name} {list(t.shape)}) differs from input 0 "
                            f"({first.type_name} {list(first.shape)})")
        if first.type_name == "INT8" and (t.quant is None or first.quant is None or t.zero_point != first.zero_point
                                          or np.float32(t.scale) != np.float32(first.scale)):
            raise node.fail("int8 inputs must all share one scale and zero point")
    if out.size != first.size:
        raise node.fail(f"output {list(out.shape)} must hold {first.size} elements")
    if first.type_name == "FLOAT32":
        return OpData("FLOAT32")
    if out.quant is None:
        raise node.unsupported("int8 ADD_N needs a quantized output")
    s_in, s_out = float(np.float32(first.scale)), float(np.float32(out.scale))
    twice = 2.0 * s_in
    m_in, sh_in = quant.quantize_multiplier(s_in / twice)
    real_out = twice / ((1 << LEFT_SHIFT) * s_out)
    if not 0.0 < real_out < 1.0:
        raise node.unsupported(f"output multiplier {real_out!r} is outside (0, 1); TFLM aborts on it")
    m_out, sh_out = quant.quantize_multiplier(real_out)
    return OpData("INT8", -first.zero_point, m_in, sh_in, out.zero_point, m_out, sh_out)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    out = outputs[OUTPUT].reshape(-1)
    if data.type_name == "FLOAT32":
        acc = np.zeros(out.shape, np.float32)
        with np.errstate(over="ignore", invalid="ignore"):
            for x in inputs:
                step = x.reshape(-1)
                acc = quant.sse_nan_first(acc + step, acc, step)
        out[...] = acc
        return

    def scaled(v: np.ndarray) -> np.ndarray:
        return quant.multiply_by_quantized_multiplier_smaller_than_one_exp(
            quant.wrap_int32(v << LEFT_SHIFT), data.input_multiplier, data.input_shift)

    acc = scaled(np.full(out.shape, data.input_offset, np.int64))
    for x in inputs:
        acc = quant.wrap_int32(acc + scaled(x.reshape(-1).astype(np.int64) + data.input_offset))
    raw = quant.multiply_by_quantized_multiplier_smaller_than_one_exp(acc, data.output_multiplier,
                                                                      data.output_shift) + data.output_offset
    out[...] = np.clip(raw, -128, 127)


def memory(node: Node, pointer_bytes: int) -> OpMemory:
    """TFLM's scratch (add_n.cc): one pointer per input."""
    return OpMemory(scratch=(pointer_bytes * len(node.inputs),))


MEMORY = KernelMemory(needs=memory, modelled=False, c_op_data=c_struct(w=8, b=1))
REGISTRATION = Registration("ADD_N", prepare, invoke, memory=MEMORY)
