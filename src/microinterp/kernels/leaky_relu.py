"""LEAKY_RELU (TFLM: kernels/leaky_relu.cc + leaky_relu_common.cc;
C twin: firmware/src/kernels/mi_leaky_relu.c).

float32: ``x > 0 ? x : x * alpha`` with alpha as the float32 the model stores
(so -0.0 and NaN take the alpha branch). int8/int16 requantize with two
multipliers: ``s_in / s_out`` for x >= zero point ("identity") and
``s_in * alpha / s_out`` below it, both computed in double from the float32
values (what the oracle build's prepare does; the mirrored source multiplies
in float32 first). A negative alpha gives a negative multiplier, which TFLM
applies as ``-MultiplyByQuantizedMultiplier(x, -m)``; reproduced.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .. import quant
from ..context import Node, Registration
from ..memory.declaration import KernelMemory, c_struct

INPUT, OUTPUT = 0, 0


@dataclass(frozen=True)
class OpData:
    type_name: str
    alpha: np.float32 = np.float32(0)
    input_offset: int = 0
    output_offset: int = 0
    identity_multiplier: int = 0
    identity_shift: int = 0
    alpha_multiplier: int = 0  # magnitude; the sign is in alpha_negative
    alpha_shift: int = 0
    alpha_negative: bool = False
    # int8/int16: the whole function as a table over every input value, indexed by the
    # input's bits read as unsigned (x.view(uint8/uint16)); built in prepare by running
    # the integer arithmetic below on all 256 / 65536 values.
    table: np.ndarray | None = None


def prepare(node: Node) -> OpData:
    src, dst = node.input(INPUT), node.output(OUTPUT)
    if src.type_name != dst.type_name:
        raise node.fail(f"input {src.type_name} and output {dst.type_name} must have the same type")
    if src.size != dst.size:  # TFLM: MatchingFlatSize
        raise node.fail(f"input {list(src.shape)} and output {list(dst.shape)} differ in element count")
    alpha = np.float32(node.options.alpha)
    if src.type_name == "FLOAT32":
        return OpData("FLOAT32", alpha)
    if src.type_name not in ("INT8", "INT16"):
        raise node.unsupported(f"type {src.type_name} is not supported (float32, int8, int16)")
    s_in, s_out = float(src.scale), float(dst.scale)
    m_alpha, sh_alpha = quant.quantize_multiplier(s_in * float(alpha) / s_out)
    m_id, sh_id = quant.quantize_multiplier(s_in / s_out)
    data = OpData(src.type_name, alpha, src.zero_point, dst.zero_point, m_id, sh_id,
                  abs(m_alpha), sh_alpha, m_alpha < 0)
    every = np.arange(2 ** (8 * src.dtype.itemsize)).astype(f"u{src.dtype.itemsize}").view(src.dtype)
    table = np.empty(every.shape, dst.dtype)
    _integer_leaky_relu(data, every, table)
    return dataclasses.replace(data, table=table)


def _integer_leaky_relu(data: OpData, x: np.ndarray, out: np.ndarray) -> None:
    """TFLM's quantized LeakyRelu: identity or alpha rescale of ``x - input_zp``, + output zp, clamp."""
    v = x.astype(np.int64) - data.input_offset
    identity = quant.multiply_by_quantized_multiplier(v, data.identity_multiplier, data.identity_shift)
    scaled = quant.multiply_by_quantized_multiplier(v, data.alpha_multiplier, data.alpha_shift)
    leaky = -scaled if data.alpha_negative else scaled
    qmin, qmax = quant.dtype_range(out.dtype)
    out[...] = np.clip(data.output_offset + np.where(v >= 0, identity, leaky), qmin, qmax)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    out = outputs[OUTPUT]
    x = inputs[INPUT].reshape(out.shape)  # same element count (prepare), any shape: TFLM's flat loop
    if data.type_name == "FLOAT32":
        out[...] = np.where(x > np.float32(0), x, x * data.alpha)
        return
    np.take(data.table, x.view(data.table.dtype.str.replace("i", "u")), out=out)



def bind(node: Node, data: OpData, inputs: Sequence[np.ndarray | None],
         outputs: Sequence[np.ndarray]) -> Callable[[], None]:
    """The integer path as one lookup on views built here; float32 calls ``invoke``."""
    out = outputs[OUTPUT]
    if data.type_name == "FLOAT32":
        return functools.partial(invoke, node, data, inputs, outputs)
    bits, table = inputs[INPUT].reshape(out.shape).view(data.table.dtype.str.replace("i", "u")), data.table

    def run() -> None:
        np.take(table, bits, out=out, mode="clip")  # "clip": unbuffered; every index is in range

    return run

MEMORY = KernelMemory(tflm_params="TfLiteLeakyReluParams", tflm_op_data="LeakyReluOpData", c_op_data=c_struct(w=8, b=2))
REGISTRATION = Registration("LEAKY_RELU", prepare, invoke, memory=MEMORY, bind=bind)
