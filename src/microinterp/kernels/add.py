"""ADD (TFLM: kernels/add.cc + add_common.cc, reference ``reference_ops::Add`` /
``BroadcastAdd6DSlow`` and ``integer_ops::Add``; C twin: firmware/src/kernels/mi_add.c).

Supported as TFLM supports it: float32, int32 (no quantization; wraps on
overflow, the fused activation is ignored), int8 and int16, with numpy-style
broadcasting over up to 6 dimensions.

The quantized path is TFLM's "general rescaling" for both int8 and int16,
shared with SUB (``elementwise.general_rescaling``): each input is offset,
shifted left by ``left_shift`` (20 for int8, 15 for int16), scaled by
``s_i / (2 * max(s_1, s_2))`` with ``MultiplyByQuantizedMultiplierSmallerThanOneExp``,
the two are added, and the sum is scaled by ``2 * max(s_1, s_2) / (2**left_shift * s_out)``.
TFLM Micro never takes TFLite's power-of-two int16 path: its int16 ADD always
calls the general one (``pot_scale=false``), whatever ``pot_scale_int16`` says.

TFLM aborts (``TFLITE_CHECK``) when a multiplier is not in (0, 1) (e.g. an
output scale smaller than ``2 * max(s_1, s_2) / 2**left_shift``); microinterp
rejects such a model in ``prepare`` instead (``UnsupportedOpError``).

Broadcasting follows TFLM's ADD loop, which is stricter than the other binary
ops' (``_broadcast_ok``), so only the rescaling comes from ``elementwise``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .. import quant
from ..context import Node, Registration
from ..memory.declaration import KernelMemory, OpMemory, c_struct
from . import elementwise

INPUT1, INPUT2 = 0, 1
OUTPUT = 0


@dataclass(frozen=True)
class OpData:
    kind: str  # "float32", "int32", "int8", "int16"
    left_shift: int
    input1_offset: int
    input1_multiplier: int
    input1_shift: int
    input2_offset: int
    input2_multiplier: int
    input2_shift: int
    output_offset: int
    output_multiplier: int
    output_shift: int
    act_min: float
    act_max: float
    # int8/int16, prepared once: each input's rescaling (a function of that input alone) as
    # a table over every value, indexed by the input's bits read as unsigned, and the
    # output rescale + zero point + clamp (``quant.OutputStage``; the sum of two rescaled
    # inputs stays inside int32, so no wrap)
    input1_table: np.ndarray | None = None
    input2_table: np.ndarray | None = None
    stage: quant.OutputStage | None = None


def _broadcast_ok(a: tuple[int, ...], b: tuple[int, ...], out: tuple[int, ...]) -> bool:
    """TFLM's broadcast loop (``BroadcastBinaryOpSimple``): right-aligned, each input dim
    equals the output dim or is 1. Its innermost loop cannot broadcast *both* inputs (it
    would read past the end of one), so a last output dim > 1 needs an input that has it."""
    rank = max(len(a), len(b), len(out))
    if rank == 0:
        return True

    def ext(s: tuple[int, ...]) -> tuple[int, ...]:
        return (1,) * (rank - len(s)) + tuple(s)

    ea, eb, eo = ext(a), ext(b), ext(out)
    if eo[-1] > 1 and ea[-1] == 1 and eb[-1] == 1:
        return False
    return all(da in (1, do) and db in (1, do) for da, db, do in zip(ea, eb, eo))


def prepare(node: Node) -> OpData:
    in1, in2, out = node.input(INPUT1), node.input(INPUT2), node.output(OUTPUT)
    if not in1.type_name == in2.type_name == out.type_name:
        raise node.fail(f"input types {in1.type_name}, {in2.type_name} and output type {out.type_name} differ")
    kind = {"FLOAT32": "float32", "INT32": "int32", "INT8": "int8", "INT16": "int16"}.get(out.type_name)
    if kind is None:
        raise node.unsupported(f"{out.type_name} ADD is not supported (float32, int32, int8 and int16 are)")
    if max(len(in1.shape), len(in2.shape), len(out.shape)) > 6:
        raise node.unsupported("ADD supports at most 6 dimensions (TFLM's RuntimeShape limit)")
    if not _broadcast_ok(in1.shape, in2.shape, out.shape):
        raise node.fail(f"shapes {list(in1.shape)} and {list(in2.shape)} do not broadcast to {list(out.shape)} "
                        "the way TFLM's broadcast loop can")
    # TFLM takes its elementwise (non-broadcast) loop when the input shapes are equal -- exactly
    # for float32/int32 (HaveSameShapes), after padding to the same rank for int8/int16
    # (ProcessBroadcastShapes) -- and that loop CHECK-aborts unless the output has as many elements.
    rank = max(len(in1.shape), len(in2.shape))
    if kind in ("float32", "int32"):
        same = in1.shape == in2.shape
    else:
        same = (1,) * (rank - len(in1.shape)) + in1.shape == (1,) * (rank - len(in2.shape)) + in2.shape
    if same and out.size != in1.size:
        raise node.fail(f"equal input shapes {list(in1.shape)} but {out.size} output elements: TFLM aborts on this")
    act = int(node.options.fused_activation_function) if node.options is not None else quant.ACT_NONE
    if kind == "float32":
        lo, hi = quant.activation_range_float(act)
        return OpData(kind, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, lo, hi)
    if kind == "int32":
        if in1.quant is not None or in2.quant is not None:
            raise node.fail("TFLM only supports unquantized int32 ADD")
        return OpData(kind, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, quant.INT32_MIN, quant.INT32_MAX)
    if in1.quant is None or in2.quant is None or out.quant is None:
        raise node.fail("quantized ADD needs quantization parameters on both inputs and the output")
    left_shift, m1, s1, m2, s2, mo, so = elementwise.general_rescaling(node, in1, in2, out)
    act_min, act_max = elementwise.activation_range(out.type_name, act, out)
    return OpData(kind, left_shift, -in1.zero_point, m1, s1, -in2.zero_point, m2, s2, out.zero_point, mo, so,
                  act_min, act_max,
                  elementwise.rescale_table(in1.dtype, -in1.zero_point, left_shift, m1, s1),
                  elementwise.rescale_table(in2.dtype, -in2.zero_point, left_shift, m2, s2),
                  quant.OutputStage(mo, so, out.zero_point, act_min, act_max, wrap=False))


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    a, b, out = inputs[INPUT1], inputs[INPUT2], outputs[OUTPUT]
    if data.kind == "float32":
        with np.errstate(invalid="ignore", over="ignore"):  # inf - inf = NaN and overflow, as in C
            total = quant.sse_nan_first(np.asarray(a + b, np.float32), a, b)
            result = quant.clamp_float(total, data.act_min, data.act_max)
    elif data.kind == "int32":
        result = quant.wrap_int32(a.astype(np.int64) + b.astype(np.int64))
    else:
        raw_sum = (elementwise.rescaled_lookup(data.input1_table, a)
                   + elementwise.rescaled_lookup(data.input2_table, b))
        raw_sum = np.array(raw_sum, np.int64) if np.ndim(raw_sum) == 0 else raw_sum  # 0-d sums are scalars
        result = np.empty(raw_sum.shape, out.dtype)
        data.stage.apply(raw_sum, result)
    if result.ndim > out.ndim:  # extra leading dims are all 1 (checked in prepare)
        result = result.reshape(result.shape[result.ndim - out.ndim:])
    # Output dims > 1 where both inputs have 1 (outer dims only) repeat the result, as TFLM's loop does.
    out[...] = np.broadcast_to(result, out.shape)


_bind_quantized = elementwise.rescaled_binder(np.add, invoke)


def bind(node: Node, data: OpData, inputs: Sequence[np.ndarray | None],
         outputs: Sequence[np.ndarray]) -> Callable[[], None]:
    """int32: one int32 ``np.add`` (wrapping, as TFLM's; no activation, which TFLM's int32
    ADD ignores) where the inputs broadcast to exactly the output's shape
    (``elementwise.bind_integer``); int8/int16: the rescaled path
    (``elementwise.rescaled_binder``); otherwise ``invoke``."""
    if data.kind == "int32":
        run = elementwise.bind_integer(np.add, inputs[INPUT1], inputs[INPUT2], outputs[OUTPUT])
        return run if run is not None else functools.partial(invoke, node, data, inputs, outputs)
    return _bind_quantized(node, data, inputs, outputs)


def memory(node: Node, pointer_bytes: int) -> OpMemory:
    """TFLM's default Prepare; the C twin writes its output in place over an input
    of the output's element count (``c_overlap``: mi_add.c writes element ``i`` after
    reading both inputs' elements for it, in index order, and such an input's
    element for ``i`` is its element ``i``). Input 1 first: in a residual block
    (ResNet-8's ``ADD(shortcut, branch)``) it is the branch just computed, whose bytes
    the output can then continue (33 KB instead of 49 KB of head on ResNet-8)."""
    if not node.op.outputs:
        return OpMemory()
    out = node.output(0).size
    for k in (1, 0):
        x = node.inputs[k] if k < len(node.inputs) else None
        if x is not None and x.size == out:
            return OpMemory(c_overlap=(k, 0))
    return OpMemory()


MEMORY = KernelMemory(tflm_params="TfLiteAddParams", tflm_op_data="OpDataAdd", c_op_data=c_struct(w=33, b=1),
                      needs=memory)
REGISTRATION = Registration("ADD", prepare, invoke, memory=MEMORY, bind=bind)
