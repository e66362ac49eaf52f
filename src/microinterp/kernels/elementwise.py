"""Shared pieces of TFLM's element-wise binary kernels (ADD, SUB, MUL, DIV, MAXIMUM, MINIMUM,
SQUARED_DIFFERENCE, FLOOR_DIV, FLOOR_MOD, ...).

Not a kernel: no registration. C twin: firmware/src/kernels/mi_elementwise.c + .h, which
also holds the binary ops' one element loop with its dtype switch
(``mi_elementwise_binary_invoke``, each C kernel passing its per-element arithmetic) where
numpy's broadcasting (``operands``) serves the Python kernels.

Broadcasting. TFLM's binary kernels take one of two paths:

* inputs of the same (rank-extended) shape run flat over
  ``MatchingElementsSize``, so the output only needs the same element count;
* otherwise ``BroadcastBinaryOpSimple`` extends all three shapes with leading
  1s to the largest rank and, per dimension, reads an input with stride 0
  where its extent is 1 and the *output's* is not.

The per-element arithmetic is the same in both paths, so numpy broadcasting
of each input to the output shape gives TFLM's results; ``check_shapes``
rejects what TFLM would read out of bounds. (ADD has stricter rules of its
own and only shares the rescaling below.)

Activations. ``CalculateActivationRange<T>`` for float32/int32 and
``CalculateActivationRangeQuantized`` for int8/int16 clamp RELU, RELU6 and
RELU_N1_TO_1 and leave every other activation (TANH, SIGN_BIT) unclamped;
these helpers do the same instead of rejecting them.

Rescaling. Quantized ADD and SUB share TFLM's "general rescaling": each input
is offset, shifted left by ``left_shift`` (20 for int8, 15 for int16) and
scaled by ``s_i / (2 * max(s_1, s_2))``; the sum or difference is scaled by
``2 * max(s_1, s_2) / (2**left_shift * s_out)``. Every multiplier must lie in
(0, 1): TFLM's ``QuantizeMultiplierSmallerThanOneExp`` CHECK-aborts otherwise,
so such a model is rejected in prepare. The ratios are divided in double from
the float32 scales (what the oracle build computes; the mirrored
``sub_common.cc`` reads as float32 divisions, but over 150 random int16 scale
triples the float32 recipe differed from TFLM in 46 models, the double one in
none).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import quant
from ..context import Node
from ..model import Tensor

MAX_BROADCAST_RANK = 6  # micro's RuntimeShape holds at most 6 dims (kMaxSmallSize)

#: 32-bit words of the C twin's output walk (mi_elementwise.h mi_broadcast_t): the rank-6
#: output extents, one stride row per input, the element count; part of each binary op's C op data
C_BROADCAST_WORDS = MAX_BROADCAST_RANK + 2 * MAX_BROADCAST_RANK + 1


def check_shapes(node: Node, a: Tensor, b: Tensor, out: Tensor, max_rank: int = MAX_BROADCAST_RANK) -> bool:
    """Validate the shapes as TFLM's loops would index them; returns whether
    the broadcast path is taken (purely informational: the results agree)."""
    rank = max(len(a.shape), len(b.shape), len(out.shape))
    ext_a, ext_b = _extend(a.shape, rank), _extend(b.shape, rank)
    if ext_a == ext_b:
        if a.size != out.size:
            raise node.fail(f"inputs {list(a.shape)} and output {list(out.shape)} differ in element count")
        return False
    if rank > max_rank:
        raise node.unsupported(f"broadcasting supports at most {max_rank} dimensions, got {rank}")
    ext_o = _extend(out.shape, rank)
    for da, db, do in zip(ext_a, ext_b, ext_o):
        if da not in (1, do) or db not in (1, do):
            raise node.fail(
                f"inputs {list(a.shape)} and {list(b.shape)} do not broadcast to the output {list(out.shape)}"
            )
    return True


def _extend(shape: tuple[int, ...], rank: int) -> tuple[int, ...]:
    return (1,) * (rank - len(shape)) + tuple(shape)


def operands(a: np.ndarray, b: np.ndarray, out_shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Both inputs as (read-only) arrays of the output's shape, per the two TFLM paths
    (shapes already validated by ``check_shapes``)."""
    rank = max(a.ndim, b.ndim, len(out_shape))
    ext_a, ext_b = _extend(a.shape, rank), _extend(b.shape, rank)
    if ext_a == ext_b:  # flat path: same element count as the output
        return a.reshape(out_shape), b.reshape(out_shape)
    ext_o = _extend(out_shape, rank)
    wide_a = np.broadcast_to(a.reshape(ext_a), ext_o).reshape(out_shape)
    wide_b = np.broadcast_to(b.reshape(ext_b), ext_o).reshape(out_shape)
    return wide_a, wide_b


def tensors_of(node: Node) -> tuple[Tensor, Tensor, Tensor, str]:
    """Inputs 0 and 1 and output 0 of a binary op, and their common type name (``same_type``)."""
    a, b, out = node.input(0), node.input(1), node.output(0)
    return a, b, out, same_type(node, a, b, out)


def require_type(node: Node, type_name: str, types: tuple[str, ...]) -> None:
    """The kernel's type switch: ``type_name`` must be one of ``types``."""
    if type_name not in types:
        raise node.unsupported(f"type {type_name} is not supported ({', '.join(t.lower() for t in types)})")


@dataclass(frozen=True)
class BroadcastOpData:
    """OpData of a binary op with nothing scale-derived to keep (FLOOR_DIV, FLOOR_MOD,
    LOGICAL_AND, LOGICAL_OR): whether the broadcast path is taken (informational, see
    ``check_shapes``)."""

    broadcast: bool


def prepare_unquantized(node: Node, types: tuple[str, ...]) -> BroadcastOpData:
    """prepare of a binary op with nothing to precompute (FLOOR_DIV, FLOOR_MOD): one common
    type out of ``types``, then the shapes."""
    a, b, out, type_name = tensors_of(node)
    require_type(node, type_name, types)
    return BroadcastOpData(check_shapes(node, a, b, out))


def same_type(node: Node, *tensors: Tensor) -> str:
    """The common type name of ``tensors``; TFLM requires them all equal."""
    names = {t.type_name for t in tensors}
    if len(names) != 1:
        raise node.fail(f"inputs and output must share one type, got {', '.join(t.type_name for t in tensors)}")
    return names.pop()


def activation_range(type_name: str, activation: int, out: Tensor) -> tuple[float, float] | tuple[int, int]:
    """The output clamp of a binary op: TFLM ``CalculateActivationRange<float>`` for
    float32, ``CalculateActivationRange<int32_t>`` for int32 and
    ``CalculateActivationRangeQuantized`` for int8/int16."""
    if type_name == "FLOAT32":
        return quant.activation_range_float(activation)
    if type_name == "INT32":
        return int32_activation_range(activation)
    qmin, qmax = quant.dtype_range(out.dtype)
    return quant.activation_range_quantized(activation, qmin, qmax, out.scale, out.zero_point)


def int32_activation_range(activation: int) -> tuple[int, int]:
    """TFLM ``CalculateActivationRange<int32_t>``: RELU6 clamps to the *integers* 0..6."""
    lo, hi = quant.dtype_range(np.dtype(np.int32))
    if activation == quant.ACT_RELU:
        return 0, hi
    if activation == quant.ACT_RELU6:
        return 0, 6
    if activation == quant.ACT_RELU_N1_TO_1:
        return -1, 1
    return lo, hi


def activation_of(node: Node) -> int:
    """The fused activation of a node whose options may be absent (defaults to NONE)."""
    options = node.options
    act = getattr(options, "fused_activation_function", 0) if options is not None else 0
    return int(act or 0)


def smaller_than_one_multiplier(node: Node, real: float, what: str) -> tuple[int, int]:
    """TFLM ``QuantizeMultiplierSmallerThanOneExp``, whose CHECKs (0 < real < 1) abort
    TFLM; here they are a clear error instead."""
    if not 0.0 < real < 1.0:
        raise node.unsupported(f"{what} multiplier {real!r} is outside (0, 1); TFLM aborts on it "
                               "(check the input and output scales)")
    return quant.quantize_multiplier(real)


def nonzero_output_scale(node: Node, out: Tensor) -> float:
    """The output scale (float32 value, as a double), refused when it is 0: a binary op's
    output multiplier divides by it, and TFLM has no check of its own (it aborts on the
    infinite multiplier or converts it with undefined behaviour)."""
    so = float(out.scale)
    if so == 0.0:
        raise node.fail("the output scale is 0: the output rescaling would divide by it")
    return so


def general_rescaling(node: Node, a: Tensor, b: Tensor, out: Tensor) -> tuple[int, int, int, int, int, int, int]:
    """ADD/SUB's rescaling set-up (see the module docstring): ``left_shift`` and the
    (multiplier, shift) pairs of input 1, input 2 and the output, flattened."""
    left_shift = 15 if a.type_name == "INT16" else 20
    s1, s2, so = float(a.scale), float(b.scale), nonzero_output_scale(node, out)  # float32 values, double math
    twice_max = 2.0 * max(s1, s2)  # exact in float32 as well
    if twice_max <= 0.0:
        raise node.unsupported("both input scales are 0: TFLM aborts on the zero input multipliers")
    m1, sh1 = smaller_than_one_multiplier(node, s1 / twice_max, "input 1")
    m2, sh2 = smaller_than_one_multiplier(node, s2 / twice_max, "input 2")
    mo, sho = smaller_than_one_multiplier(node, twice_max / ((1 << left_shift) * so), "output")
    return left_shift, m1, sh1, m2, sh2, mo, sho


def rescale_table(dtype: np.dtype, offset: int, left_shift: int, multiplier: int, shift: int) -> np.ndarray:
    """``rescale_input`` of every value of an 8- or 16-bit integer type, indexed by the
    value's bits read as unsigned (``np.take(table, x.view(f"u{itemsize}"))``): a kernel
    prepares it once and looks its input up instead of rescaling it per invoke."""
    every = np.arange(2 ** (8 * dtype.itemsize)).astype(f"u{dtype.itemsize}").view(dtype)
    return rescale_input(every, offset, left_shift, multiplier, shift)


def rescaled_lookup(table: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``rescale_input`` of ``x`` through its prepared ``rescale_table`` (an int64 array, 0-d included)."""
    return np.asarray(np.take(table, x.view(f"u{x.dtype.itemsize}")), np.int64)


def bind_rescaled(x1: np.ndarray, x2: np.ndarray, out: np.ndarray, table1: np.ndarray, table2: np.ndarray,
                  combine: np.ufunc, stage: quant.OutputStage) -> Callable[[], None] | None:
    """ADD/SUB's quantized invoke bound to its arrays: both inputs looked up in their
    ``rescale_table`` into buffers allocated here, combined (``np.add``/``np.subtract``)
    with numpy broadcasting, then the output ``stage``. None when the inputs do not
    broadcast to exactly the output's shape (the kernel's own invoke handles the rest)."""
    try:
        if np.broadcast_shapes(x1.shape, x2.shape) != out.shape:
            return None
    except ValueError:
        return None
    bits1, bits2 = x1.view(f"u{x1.dtype.itemsize}"), x2.view(f"u{x2.dtype.itemsize}")
    if x1.dtype.itemsize == x2.dtype.itemsize == out.dtype.itemsize == 1 and not stage.per_channel:
        return _bind_pair_table(bits1, bits2, out, table1, table2, combine, stage.apply)
    scaled1, scaled2 = np.empty(x1.shape, np.int64), np.empty(x2.shape, np.int64)
    acc = np.empty(out.shape, np.int64)
    if stage.takes_products:
        # the stage's multiply and rounding constant folded into the tables:
        # (r1 +- r2) * m + 2**30 + R = (r1 * m + 2**30 + R) +- r2 * m, checked against int64
        # in Python ints (|r| <= 2**31 and m < 2**31 leave room for R in practice)
        multiplier, rounding = int(stage.multiplier), int(stage.rounding)
        first = table1 * multiplier + ((1 << 30) + rounding)
        second = table2 * multiplier
        ends = [abs(int(v)) for t in (first, second) for v in (t.min(), t.max())]
        if out.size <= quant.SAME_SHAPE_STAGE_MAX and max(ends[:2]) + max(ends[2:]) < 2**63:
            finish = stage.bind_rounded_products(acc, out)
            take1, take2 = first.take, second.take  # the methods: np.take's wrapper costs as much again

            def run_rounded() -> None:
                take1(bits1, None, scaled1, "clip")  # "clip": unbuffered; every index is in range
                take2(bits2, None, scaled2, "clip")
                combine(scaled1, scaled2, out=acc)
                finish()

            return run_rounded
        table1, table2 = table1 * multiplier + (1 << 30), table2 * multiplier
        apply = stage.apply_product
    else:
        apply = stage.apply

    take1, take2 = table1.take, table2.take

    def run() -> None:
        take1(bits1, None, scaled1, "clip")  # "clip": unbuffered; every index is in range
        take2(bits2, None, scaled2, "clip")
        combine(scaled1, scaled2, out=acc)
        apply(acc, out)

    return run


def _bind_pair_table(bits1: np.ndarray, bits2: np.ndarray, out: np.ndarray, table1: np.ndarray, table2: np.ndarray,
                     combine: np.ufunc, finish: Callable[[np.ndarray, np.ndarray], None]) -> Callable[[], None]:
    """``bind_rescaled`` for 8-bit inputs and output: the output of every one of the 65,536
    input pairs, computed once here by the steps of ``bind_rescaled``'s general call (table
    look-ups, ``combine``, the per-tensor stage's ``apply``: element by element, so each entry
    is what that call gives for its pair), then one look-up per output element of the pair
    index ``256 * bits1 + bits2``: three passes over 8- and 16-bit values instead of
    several over int64 ones."""
    codes = np.arange(256)
    pairs = np.empty((256, 256), np.int64)
    combine(table1[codes][:, None], table2[codes][None, :], out=pairs)
    table = np.empty((256, 256), out.dtype)
    finish(pairs, table)
    table = table.reshape(-1)
    index = np.empty(out.shape, np.uint16)
    multiply, add, take = np.multiply, np.add, np.take
    step = np.uint16(256)

    def run() -> None:
        multiply(bits1, step, out=index)  # broadcast to the output's shape, as numpy broadcasts the inputs
        add(index, bits2, out=index)
        take(table, index, out=out, mode="clip")  # "clip": unbuffered; every index is below 65,536

    return run


def rescaled_binder(combine: np.ufunc, invoke: Callable[..., None]) -> Callable[..., Callable[[], None]]:
    """ADD's and SUB's ``bind``: their quantized path on buffers allocated once
    (``bind_rescaled`` with ``combine``), and the kernel's own ``invoke`` for everything
    else. One factory, since the two kernels differ only in ``np.add``/``np.subtract``."""

    def bind(node: Node, data: Any, inputs: Sequence[np.ndarray | None],
             outputs: Sequence[np.ndarray]) -> Callable[[], None]:
        run = None
        if data.stage is not None:
            run = bind_rescaled(inputs[0], inputs[1], outputs[0], data.input1_table, data.input2_table,
                                combine, data.stage)
        return run if run is not None else functools.partial(invoke, node, data, inputs, outputs)

    return bind


def bind_integer(ufunc: np.ufunc, x1: np.ndarray, x2: np.ndarray, out: np.ndarray,
                 lo: int | None = None, hi: int | None = None) -> Callable[[], None] | None:
    """An integer binary op whose C arithmetic numpy's ``ufunc`` computes in the output's
    own type (int32 add and multiply wrap modulo 2**32 as TFLM's wrapping arithmetic;
    minimum and maximum of integers are ``a < b ? a : b`` / ``a > b ? a : b``), bound
    to its arrays: one call writing the output, then the activation clamp when ``lo`` /
    ``hi`` narrow the type's range. None (the kernel's own invoke) unless both inputs
    have the output's type and numpy broadcasts them to exactly the output's shape,
    where numpy's broadcasting is TFLM's (stride 0 along extents of 1)."""
    if x1.dtype != out.dtype or x2.dtype != out.dtype or out.dtype.kind not in "iu":
        return None
    try:
        if np.broadcast_shapes(x1.shape, x2.shape) != out.shape:
            return None
    except ValueError:
        return None
    info = np.iinfo(out.dtype)
    calls = [functools.partial(ufunc, x1, x2, out=out)]
    if hi is not None and hi < info.max:
        calls.append(functools.partial(np.minimum, out, hi, out=out))
    if lo is not None and lo > info.min:
        calls.append(functools.partial(np.maximum, out, lo, out=out))
    if len(calls) == 1:
        return calls[0]
    calls_t = tuple(calls)

    def run() -> None:
        for call in calls_t:
            call()

    return run


def rescale_input(x: np.ndarray, offset: int, left_shift: int, multiplier: int, shift: int) -> np.ndarray:
    """One input of ADD/SUB (and SQUARED_DIFFERENCE) on the common scale: ``(x + offset) << left_shift``, then
    ``MultiplyByQuantizedMultiplierSmallerThanOneExp``."""
    shifted = (x.astype(np.int64) + offset) << left_shift
    return quant.multiply_by_quantized_multiplier_smaller_than_one_exp(shifted, multiplier, shift)
