"""QUANTIZE (TFLM: kernels/quantize.cc + quantize_common.cc, reference
``AffineQuantize`` and ``Requantize``; C twin: firmware/src/kernels/mi_quantize.c).

The type pairs TFLM evaluates:

* float32 -> int8 / int16 (``AffineQuantize``):
  ``clamp(int32(roundf(x / float(scale))) + zero_point)``, all in float32;
* requantization, ``clamp(MultiplyByQuantizedMultiplier(q - zp_in, M, shift) + zp_out)``
  with ``M, shift`` from ``double(s_in) / double(s_out)``: int8 -> int8 / uint8 /
  int16 / int32, int16 -> int8 / int16 / int32, int32 -> int8 / int16, uint8 -> int8.
  (TFLM's int8 <-> uint8 "xor 0x80" fast path gives the same bytes, so it needs
  no special case.)

Quirks reproduced: the float -> int conversion is x86's ``cvttss2si`` (NaN and
values outside int32 become INT32_MIN) and the zero point is then added with
int32 wrap-around before the clamp; ``q - zp_in`` wraps in int32 for int32
inputs. Only per-tensor output quantization is supported, as in TFLM.
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

#: (input type, output type) pairs TFLM's EvalQuantizeReference handles
_REQUANTIZE = {
    ("INT8", "INT8"), ("INT8", "UINT8"), ("INT8", "INT16"), ("INT8", "INT32"),
    ("INT16", "INT8"), ("INT16", "INT16"), ("INT16", "INT32"),
    ("INT32", "INT8"), ("INT32", "INT16"), ("UINT8", "INT8"),
}
_AFFINE = {("FLOAT32", "INT8"), ("FLOAT32", "INT16")}


@dataclass(frozen=True)
class OpData:
    affine: bool  # float32 input
    scale: np.float32  # output scale, as the float TFLM divides by
    input_zero_point: int
    output_zero_point: int
    multiplier: int
    shift: int
    out_min: int
    out_max: int
    # 8/16-bit integer input: the whole requantization as a table over every input value,
    # indexed by the input's bits read as unsigned (built with _requantize below)
    table: np.ndarray | None = None


def prepare(node: Node) -> OpData:
    if len(node.inputs) != 1 or len(node.outputs) != 1:
        raise node.fail("QUANTIZE takes exactly one input and one output")
    inp, out = node.input(INPUT), node.output(OUTPUT)
    if out.quant is None:
        raise node.fail("the QUANTIZE output needs quantization parameters")
    if out.quant.scale.size != 1:
        raise node.unsupported("per-channel QUANTIZE outputs are not supported (as in TFLM)")
    pair = (inp.type_name, out.type_name)
    if pair not in _REQUANTIZE and pair not in _AFFINE:
        raise node.unsupported(f"QUANTIZE {inp.type_name} -> {out.type_name} is not supported; TFLM handles "
                               f"{', '.join(sorted(f'{a}->{b}' for a, b in _AFFINE | _REQUANTIZE))}")
    if inp.size != out.size:
        raise node.fail(f"input {list(inp.shape)} and output {list(out.shape)} differ in size")
    multiplier = shift = 0
    if pair in _REQUANTIZE:
        # QuantizeMultiplier refuses shift > 30, where TFLM's left shift would overflow.
        multiplier, shift = quant.quantize_multiplier(float(inp.scale) / float(out.scale))
    lo, hi = quant.dtype_range(out.dtype)
    data = OpData(pair in _AFFINE, np.float32(out.scale), inp.zero_point, out.zero_point, multiplier, shift, lo, hi)
    if pair in _REQUANTIZE and inp.dtype.itemsize <= 2:
        every = np.arange(2 ** (8 * inp.dtype.itemsize)).astype(f"u{inp.dtype.itemsize}").view(inp.dtype)
        data = dataclasses.replace(data, table=_requantize(data, every).astype(out.dtype))
    return data


def _float_to_int32(r: np.ndarray) -> np.ndarray:
    """``static_cast<int32_t>(float)`` as x86 ``cvttss2si`` does it: NaN and values outside
    the int32 range become INT32_MIN (the "integer indefinite" value)."""
    inside = (r >= np.float32(-(2.0**31))) & (r < np.float32(2.0**31))
    return np.where(inside, np.where(inside, r, 0).astype(np.int64), quant.INT32_MIN)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    x, out = inputs[INPUT], outputs[OUTPUT]
    if data.affine:
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            rounded = quant.roundf(x / data.scale)
        value = quant.wrap_int32(_float_to_int32(rounded) + data.output_zero_point)
    elif data.table is not None:
        out.reshape(-1)[...] = np.take(data.table, x.reshape(-1).view(f"u{x.dtype.itemsize}"))
        return
    else:
        value = _requantize(data, x)
    out.reshape(-1)[...] = np.clip(value, data.out_min, data.out_max).reshape(-1)


def _requantize(data: OpData, x: np.ndarray) -> np.ndarray:
    """TFLM's Requantize: ``x - input_zp`` (int32), rescaled, ``+ output_zp`` (int32), clamped."""
    centred = quant.wrap_int32(x.astype(np.int64) - data.input_zero_point)
    value = quant.wrap_int32(quant.multiply_by_quantized_multiplier(centred, data.multiplier, data.shift)
                             + data.output_zero_point)
    return np.clip(value, data.out_min, data.out_max)



def bind(node: Node, data: OpData, inputs: Sequence[np.ndarray | None],
         outputs: Sequence[np.ndarray]) -> Callable[[], None]:
    """8/16-bit input: one lookup on views built here. int32 input: the prepared output
    stage (``quant.OutputStage``) on a buffer allocated here, where TFLM's wrap of
    ``rescaled + output_zp`` cannot happen -- the rescale (shift <= 0) is monotone, so its
    results lie between those of INT32_MIN and INT32_MAX, checked here; without an input
    zero point and at most ``quant.SAME_SHAPE_STAGE_MAX`` values, ``x * m`` plus the stage's
    folded rounding constant, then ``OutputStage.bind_rounded_products`` (seven numpy calls on
    same-shape operands instead of ten with scalar ones). The rest calls ``invoke``."""
    x, out = inputs[INPUT], outputs[OUTPUT]
    fallback = functools.partial(invoke, node, data, inputs, outputs)
    if data.table is not None:
        bits, table = x.reshape(out.shape).view(f"u{x.dtype.itemsize}"), data.table

        def run_table() -> None:
            np.take(table, bits, out=out, mode="clip")  # "clip": unbuffered; every index is in range

        return run_table
    if data.affine or data.shift > 0:
        return fallback
    ends = quant.multiply_by_quantized_multiplier(np.array([quant.INT32_MIN, quant.INT32_MAX], np.int64),
                                                  data.multiplier, data.shift) + data.output_zero_point
    if ends.min() < quant.INT32_MIN or ends.max() > quant.INT32_MAX:
        return fallback
    stage = quant.OutputStage(data.multiplier, data.shift, data.output_zero_point, data.out_min, data.out_max,
                              wrap=data.input_zero_point != 0)  # x - zp wraps like the C int32 subtraction
    flat, acc, target = x.reshape(-1), np.empty(x.size, np.int64), out.reshape(-1)
    offset = data.input_zero_point
    if stage.takes_products and acc.size <= quant.SAME_SHAPE_STAGE_MAX:  # x * m + 2**30 + rounding, then the bound stage
        multiplier = np.full(acc.shape, int(stage.multiplier), np.int64)
        constant = np.full(acc.shape, (1 << 30) + int(stage.rounding), np.int64)
        finish = stage.bind_rounded_products(acc, target)
        multiply, add = np.multiply, np.add

        def run_int32_rounded() -> None:
            multiply(flat, multiplier, out=acc)  # |x * m| <= 2**62
            add(acc, constant, out=acc)
            finish()

        return run_int32_rounded

    def run_int32() -> None:
        np.subtract(flat, offset, out=acc, dtype=np.int64)
        stage.apply(acc, target)

    return run_int32

MEMORY = KernelMemory(tflm_op_data="OpDataQuantizeReference", c_op_data=c_struct(w=7, b=3))
REGISTRATION = Registration("QUANTIZE", prepare, invoke, memory=MEMORY, bind=bind)
