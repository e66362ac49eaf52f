"""SVDF (TFLM: kernels/svdf.cc + svdf_common.cc; C twin: firmware/src/kernels/mi_svdf.c).

Inputs: 0 input (B, I), 1 weights_feature (F, I), 2 weights_time (F, M),
3 bias (units; optional in the schema, but TFLM dereferences it on every path and
crashes without one, so it is required here), 4 activation_state -- a *variable* tensor (B, M*F)
that holds, per batch and filter, the last M feature activations and persists
across invocations (the interpreter keeps it in the arena's persistent region
and ``reset()`` zeroes it, int8 to its zero point, as TFLM's ``Reset``).

Each invocation: shift every filter's memory left by one, write the new
feature activation into the last slot, dot each memory row with the time
weights, sum ``rank`` filters per unit, add the bias, activate.

Paths, as TFLM runs them:

* **int8** (int8 input/feature weights/output; int16 or int8 time weights and
  state; int32 bias): feature dot in int32, rescaled by ``effective_scale_1``
  (``input*feature/state`` in double, then quantized), clamped to
  the state type, plus the state zero point (stored with a C-style wrap); time
  dot of ``(state - state_zp) * time_weight`` in int32; bias + rank sum in int32;
  rescaled by ``effective_scale_2`` (``state*time/output`` in double); output
  zero point; clamp to int8. The fused activation is *ignored* on this path, as
  in TFLM.
* **float32**: the same in float32, each dot product accumulated sequentially
  from 0.0f; output = bias then ``+=`` the rank partial sums; then TFLM's
  ``ActivationValFloat`` (``fmax``/``fmin`` clamps, ``tanhf``, signbit).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .. import quant
from ..context import Node, Registration
from ..memory.declaration import KernelMemory, OpMemory, c_struct, temps

INPUT, WEIGHTS_FEATURE, WEIGHTS_TIME, BIAS, STATE = 0, 1, 2, 3, 4
OUTPUT = 0


@dataclass(frozen=True)
class OpData:
    mode: str  # "float32" or "int8"
    rank: int
    units: int
    filters: int
    memory: int
    activation: int
    weights_feature: np.ndarray  # float32 (F, I) or int64 (F, I)
    weights_time: np.ndarray  # float32 (F, M) or int64 (F, M)
    bias: np.ndarray
    scale_1: tuple[int, int] = (0, 0)
    scale_2: tuple[int, int] = (0, 0)
    input_zero_point: int = 0
    output_zero_point: int = 0
    state_zero_point: int = 0
    state_min: int = 0
    state_max: int = 0
    # int8 path, prepared once: float64 operands for exact BLAS/elementwise products
    # ((I, F) feature weights, (F, M) time weights) and the two output stages
    # (state: wrap, rescale, clamp to the state range; output: wrap, rescale, + zp, clamp).
    feature_t: np.ndarray | None = None
    time_f: np.ndarray | None = None
    stage_1: quant.OutputStage | None = None
    stage_2: quant.OutputStage | None = None


def prepare(node: Node) -> OpData:
    if len(node.inputs) != 5 or len(node.outputs) != 1:
        raise node.fail(f"expects 5 inputs and 1 output, got {len(node.inputs)} and {len(node.outputs)}")
    x, wf, wt = node.input(INPUT), node.input(WEIGHTS_FEATURE), node.input(WEIGHTS_TIME)
    bias, state, y = node.optional_input(BIAS), node.input(STATE), node.output(OUTPUT)
    rank = int(node.options.rank)
    if len(x.shape) != 2 or len(wf.shape) != 2 or len(wt.shape) != 2 or len(y.shape) != 2 or len(state.shape) != 2:
        raise node.fail("input, weights, state and output must all be 2-D")
    batch, n_input = x.shape
    filters, memory = wf.shape[0], wt.shape[1]
    if rank <= 0 or filters % rank:
        raise node.fail(f"{filters} filters are not a multiple of rank {rank}")
    units = filters // rank
    if wf.shape[1] != n_input or wt.shape[0] != filters:
        raise node.fail(f"weights {list(wf.shape)} / {list(wt.shape)} do not match input {list(x.shape)}")
    if y.shape != (batch, units):
        raise node.fail(f"output must be {[batch, units]}, got {list(y.shape)}")
    if bias is not None and bias.shape[0] != units:  # checked before the bias is required, as TFLM
        raise node.fail(f"bias must have {units} values, got {list(bias.shape)}")
    if state.shape != (batch, memory * filters):
        raise node.fail(f"activation state must be {[batch, memory * filters]}, got {list(state.shape)}")
    if not state.is_variable:
        raise node.fail("the activation state (input 4) must be a variable tensor")
    if bias is None:
        # TFLM's PrepareSvdf and both eval paths dereference the bias ("TODO(#1751):
        # account for optional bias tensor"): tflite-micro segfaults without one.
        raise node.unsupported("SVDF without a bias tensor is not supported (TFLM crashes on it)")
    if wf.data is None or wt.data is None or bias.data is None:
        raise node.unsupported("weights and bias must be constant tensors")
    common = dict(rank=rank, units=units, filters=filters, memory=memory,
                  activation=int(node.options.fused_activation_function))

    if x.type_name == "FLOAT32":
        for t in (wf, wt, state, y, bias):
            if t.type_name != "FLOAT32":
                raise node.fail(f"float32 SVDF needs float32 tensors, got {t.type_name} for {t.name!r}")
        return OpData("float32", weights_feature=np.array(wf.data, np.float32),
                      weights_time=np.array(wt.data, np.float32),
                      bias=np.array(bias.data, np.float32), **common)

    if x.type_name != "INT8":
        raise node.unsupported(f"input type {x.type_name} is not supported (float32, int8)")
    if wf.type_name != "INT8" or y.type_name != "INT8":
        raise node.fail("int8 SVDF needs int8 feature weights and an int8 output")
    if wt.type_name not in ("INT16", "INT8") or state.type_name != wt.type_name:
        raise node.unsupported(f"time weights {wt.type_name} with state {state.type_name} "
                               "(TFLM reads the state with the time weights' type: both int16 or both int8)")
    if bias.type_name != "INT32":
        raise node.fail(f"int8 SVDF needs an int32 bias, got {bias.type_name}")
    for t in (x, wf, wt, bias, state, y):
        if t.quant is None:
            raise node.fail(f"tensor {t.name!r} needs quantization parameters")
    # double arithmetic on the float32 scales (the oracle wheel's PrepareSvdf: cvtss2sd,
    # mulsd, divsd); products of two float32 values are exact in double
    scale_1 = float(x.scale) * float(wf.scale) / float(state.scale)
    state_time = float(state.scale) * float(wt.scale)
    scale_2 = state_time / float(y.scale)
    if not abs(float(bias.scale) - state_time) < 1e-5:
        raise node.fail(f"bias scale {bias.scale} must equal state scale * time weights scale ({state_time})")
    smin, smax = quant.dtype_range(state.dtype)
    m1, s1 = quant.quantize_multiplier(scale_1)
    m2, s2 = quant.quantize_multiplier(scale_2)
    common.update(
        feature_t=np.ascontiguousarray(np.asarray(wf.data, np.float64).T),
        time_f=np.asarray(wt.data, np.float64),
        # the int32 wrap-around of the C accumulators can only happen beyond these bounds
        stage_1=quant.OutputStage(m1, s1, 0, smin, smax,
                                  wrap=int(np.abs(np.asarray(wf.data, np.int64)).sum(axis=1).max(initial=0))
                                  * (255 + abs(x.zero_point)) >= 2**31),
        stage_2=quant.OutputStage(m2, s2, y.zero_point, -128, 127,
                                  wrap=int(np.abs(np.asarray(wt.data, np.int64)).sum(axis=1).max(initial=0))
                                  * (smax - smin) * rank + int(np.abs(np.asarray(bias.data, np.int64)).max(initial=0))
                                  >= 2**31),
    )
    return OpData("int8", weights_feature=np.asarray(wf.data, np.int64), weights_time=np.asarray(wt.data, np.int64),
                  bias=np.asarray(bias.data, np.int64),
                  scale_1=quant.quantize_multiplier(scale_1), scale_2=quant.quantize_multiplier(scale_2),
                  input_zero_point=x.zero_point, output_zero_point=y.zero_point, state_zero_point=state.zero_point,
                  state_min=smin, state_max=smax, **common)


def activation_val_float(activation: int, x: np.ndarray) -> np.ndarray:
    """TFLM ``ActivationValFloat`` (micro/kernels/activation_utils.h): ``TfLiteMax``/
    ``TfLiteMin`` are ``std::fmax``/``std::fmin`` (NaN-ignoring)."""
    if activation == quant.ACT_RELU:
        return np.fmax(np.float32(0.0), x)
    if activation == quant.ACT_RELU_N1_TO_1:
        return np.fmax(np.float32(-1.0), np.fmin(x, np.float32(1.0)))
    if activation == quant.ACT_RELU6:
        return np.fmax(np.float32(0.0), np.fmin(x, np.float32(6.0)))
    if activation == quant.ACT_TANH:
        return quant.libm_tanhf(x)
    if activation == quant.ACT_SIGN_BIT:
        return np.signbit(x).astype(np.float32)
    if activation == quant.ACT_NONE:
        return x
    return np.zeros_like(x)  # TFLM returns 0.0f for an activation it does not know


def _sequential_dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """sum_k a[..., k] * b[..., k] accumulated from 0.0f in k order, in float32."""
    acc = np.zeros(np.broadcast_shapes(a.shape[:-1], b.shape[:-1]), np.float32)
    for k in range(a.shape[-1]):
        acc += a[..., k] * b[..., k]
    return acc


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    x, out = inputs[INPUT], outputs[OUTPUT]
    state = inputs[STATE].reshape(x.shape[0], data.filters, data.memory)  # a view: updated in place
    batch = x.shape[0]
    state[:, :, :-1] = state[:, :, 1:].copy()
    if data.mode == "float32":
        state[:, :, -1] = _sequential_dot(data.weights_feature[None, :, :], x[:, None, :])
        scratch = _sequential_dot(data.weights_time[None, :, :], state)  # (B, F)
        acc = np.tile(data.bias, (batch, 1))
        partial = scratch.reshape(batch, data.units, data.rank)
        for r in range(data.rank):
            acc += partial[:, :, r]
        out[...] = activation_val_float(data.activation, acc)
        return
    # Every product and sum below is an integer far below 2**53, so float64 is exact.
    dot = ((x.astype(np.float64) - data.input_zero_point) @ data.feature_t).astype(np.int64)
    new = np.empty(dot.shape, np.int64)
    data.stage_1.apply(dot, new)  # wrap to int32, rescale, clamp to the state range
    new += data.state_zero_point
    state[:, :, -1] = new.astype(state.dtype)  # C store into int8/int16: wraps
    centered = state.astype(np.float64) - data.state_zero_point
    scratch = (centered * data.time_f).sum(axis=2).astype(np.int64)  # (B, F)
    acc = data.bias[None, :] + scratch.reshape(batch, data.units, data.rank).sum(axis=2)
    data.stage_2.apply(acc, out)  # wrap to int32, rescale, + output zero point, clamp to int8


#: at most this many multiply-adds take numpy's int64 matmul (cost per MAC); more take float64 BLAS
SMALL_INT_MATMUL = 4096


def bind(node: Node, data: OpData, inputs: Sequence[np.ndarray | None],
         outputs: Sequence[np.ndarray]) -> Callable[[], None]:
    """The int8 path on views and buffers built here. The zero points are folded into
    per-filter constants, ``(x - zx) @ W = x @ W - zx * sum(W)`` and likewise for the
    state, so the products run on the raw integers (exact in int64, or in float64 below
    2**53); the state shift is one overlapping copy (numpy copies overlapping operands
    as if through a buffer). float32 calls ``invoke``."""
    if data.mode != "int8" or data.feature_t is None:
        return functools.partial(invoke, node, data, inputs, outputs)
    x, out = inputs[INPUT], outputs[OUTPUT]
    batch, n_input = x.shape
    state = inputs[STATE].reshape(batch, data.filters, data.memory)
    older, newer, newest = state[:, :, :-1], state[:, :, 1:], state[:, :, -1]
    feature = data.feature_t.astype(np.int64)
    feature_constant = -data.input_zero_point * feature.sum(axis=0)
    time_constant = -data.state_zero_point * data.weights_time.sum(axis=1)
    dot, new = np.empty((batch, data.filters), np.int64), np.empty((batch, data.filters), np.int64)
    dot_float = np.empty((batch, data.filters), np.float64)
    products = np.empty((batch, data.filters, data.memory), np.int64)
    scratch = np.empty((batch, data.filters), np.int64)
    acc = np.empty((batch, data.units), np.int64)
    small = batch * n_input * data.filters <= SMALL_INT_MATMUL
    stage_1, stage_2, state_zero_point = data.stage_1, data.stage_2, data.state_zero_point
    lean = _bind_lean(data, x, out, inputs[STATE], feature, feature_constant, time_constant)
    if lean is not None:
        return lean
    if small:
        folded = _bind_folded(data, x, out, state, feature, feature_constant, time_constant)
        if folded is not None:
            return folded

    def run() -> None:
        np.copyto(older, newer)
        if small:
            np.matmul(x, feature, out=dot)
        else:  # every partial sum is an integer below 2**53: exact
            np.matmul(x, data.feature_t, out=dot_float)
            np.copyto(dot, dot_float, casting="unsafe")
        np.add(dot, feature_constant, out=dot)
        stage_1.apply(dot, new)
        if state_zero_point:
            np.add(new, state_zero_point, out=new)
        np.copyto(newest, new, casting="unsafe")  # C store into int8/int16: wraps
        np.multiply(state, data.weights_time, out=products)
        np.sum(products, axis=2, out=scratch)
        np.add(scratch, time_constant, out=scratch)
        np.sum(scratch.reshape(batch, data.units, data.rank), axis=2, out=acc)
        np.add(acc, data.bias, out=acc)
        stage_2.apply(acc, out)

    return run


def _bind_folded(data: OpData, x: np.ndarray, out: np.ndarray, state: np.ndarray, feature: np.ndarray,
                 feature_constant: np.ndarray, time_constant: np.ndarray) -> Callable[[], None] | None:
    """``bind``'s step with its output stages folded (``quant.FoldedStage``): the feature
    stage into the feature weights (``quant.FoldedProductStage``; None, ``bind``'s plain
    step, when that does not apply) and, where no accumulator can wrap int32 (bounded from
    the weights and the state's dtype range), the output stage's multiplier into the time
    weights. The time and bias constants are summed per unit beforehand: integer adds in
    int64, whose order does not matter, and the output stage wraps to int32 afterwards
    when it must (``OutputStage.wrap``), as C's wrapping adds would."""
    batch = x.shape[0]
    units, rank = data.units, data.rank
    feature_call_out = np.empty((batch, data.filters), np.int64)
    feature_stage = quant.FoldedProductStage.make(data.stage_1, feature, feature_constant, quant.dtype_range(x.dtype))
    if feature_stage is None:
        return None
    out_stage = quant.FoldedStage.of(data.stage_2, units)
    smin, smax = quant.dtype_range(state.dtype)
    w_time = np.asarray(data.weights_time, np.int64)  # (F, M)
    per_filter = [max(abs(smin), abs(smax)) * int(v) for v in np.abs(w_time).sum(axis=1).tolist()]
    constant = data.bias.astype(np.int64) + time_constant.reshape(units, rank).sum(axis=1)  # per unit
    bound = [sum(per_filter[u * rank:(u + 1) * rank]) + sum(abs(int(v)) for v in time_constant[u * rank:(u + 1) * rank])
             + abs(int(b)) for u, b in enumerate(data.bias.tolist())]
    products = np.empty(state.shape, np.int64)
    scratch = np.empty((batch, data.filters), np.int64)
    acc = scratch if rank == 1 else np.empty((batch, units), np.int64)
    stage_2 = data.stage_2
    if out_stage is not None and out_stage.fits(bound):
        # the time weights times the output multiplier of their unit (filter f feeds unit f // rank)
        scaled_time = w_time * np.repeat(np.broadcast_to(out_stage.multiplier, (units,)), rank)[:, None]
        finish = out_stage.finisher(acc, out.reshape(batch, units), offset=constant)
    else:  # the accumulators could wrap int32 (or a general stage): the stage as prepared
        scaled_time, target = w_time, out.reshape(batch, units)

        def finish() -> None:
            np.add(acc, constant, out=acc)
            stage_2.apply(acc, target)
    feature_call = feature_stage.bind(x, feature_call_out)
    older, newer, newest = state[:, :, :-1], state[:, :, 1:], state[:, :, -1]
    state_zero_point = data.state_zero_point
    copyto, multiply, add, reduce = np.copyto, np.multiply, np.add, np.add.reduce
    by_unit = scratch.reshape(batch, units, rank)

    def run() -> None:
        copyto(older, newer)
        feature_call()  # the new activation, clamped to the state range
        if state_zero_point:
            add(feature_call_out, state_zero_point, out=feature_call_out)
        copyto(newest, feature_call_out, casting="unsafe")  # C store into int8/int16: wraps
        multiply(state, scaled_time, out=products)
        reduce(products, axis=2, out=scratch)
        if rank != 1:
            reduce(by_unit, axis=2, out=acc)
        finish()

    return run


def _bind_lean(data: OpData, x: np.ndarray, out: np.ndarray, state_2d: np.ndarray, feature: np.ndarray,
               feature_constant: np.ndarray, time_constant: np.ndarray) -> Callable[[], None] | None:
    """The int8 step in about fifteen numpy passes, each on operands of one shape (numpy's
    conversion of a Python scalar and its broadcast of a row cost about a pass each on
    tensors this small):

    * the state shift is one flat copy of the whole state row: moving each filter's
      memory left also moves the next filter's first value into this filter's last slot,
      which the new activation overwrites anyway;
    * the feature product runs in float64 BLAS with the feature stage's multiplier folded
      into the weights (``quant.FoldedStage``), exact because every partial sum is an
      integer below 2**53 (checked here from the weights and the int8 range), and its
      stage's clamp writes the state's new column;
    * the output stage is ``FoldedStage``'s arithmetic after the int32 wrap that TFLM's
      accumulators make (their biases can sit near the int32 limit): ``(acc + 2**31) mod
      2**32`` is one add (folded into the bias constant) and one mask, and the ``- 2**31``
      goes into the stage's constant: ``(u - 2**31)*m + K = u*m + (K - 2**31 m)``, exact in
      int64 because the result lies within it (``OutputStage``'s bound) and int64 adds wrap.

    None (the other bound steps) when a stage is general, shifts left with a wrap, or a
    bound fails."""
    batch, n_input = x.shape
    units, rank, filters, memory = data.units, data.rank, data.filters, data.memory
    stage_1, stage_2 = data.stage_1, data.stage_2
    if stage_1 is None or stage_2 is None or stage_1.wrap or stage_1.per_channel or stage_2.per_channel:
        return None
    fold_1 = quant.FoldedStage.of(stage_1)
    fold_2 = quant.FoldedStage.of(stage_2)
    if fold_1 is None or fold_2 is None or fold_1.zero_point or (stage_2.wrap and stage_2.any_left):
        return None
    w = np.asarray(feature, np.int64)  # (I, F) raw int8 values
    column = np.abs(w).sum(axis=0)  # per filter: |x @ w| <= 128 * column
    if not fold_1.fits([128 * int(v) + abs(int(c)) for v, c in zip(column.tolist(), feature_constant.tolist())]):
        return None
    m1 = int(fold_1.multipliers[0])
    if 128 * int(column.max(initial=0)) * m1 >= 2**53:
        return None
    shape_f, shape_u = (batch, filters), (batch, units)
    full = lambda value, shape: np.ascontiguousarray(np.broadcast_to(np.asarray(value, np.int64), shape))  # noqa: E731
    w_folded = w.astype(np.float64) * m1  # exact: |w| * m1 < 2**38
    k_1 = full(np.asarray(feature_constant, np.int64) * m1 + int(fold_1.constant), shape_f)
    thr_1, sub_1, shift_1 = full(fold_1.threshold, shape_f), full(fold_1.subtract, shape_f), full(fold_1.shift, shape_f)
    state_zp = data.state_zero_point
    zp_1 = full(state_zp, shape_f)
    lo_1, hi_1 = full(fold_1.act_min, shape_f), full(fold_1.act_max, shape_f)
    m2 = int(fold_2.multipliers[0])
    wrap = stage_2.wrap
    per_unit = data.bias.astype(np.int64) + time_constant.reshape(units, rank).sum(axis=1)
    c_2 = full(per_unit + (1 << 31 if wrap else 0), shape_u)
    k_2 = full(int(fold_2.constant) - ((1 << 31) * m2 if wrap else 0), shape_u)
    mask, m_2 = full(0xFFFFFFFF, shape_u), full(m2, shape_u)
    thr_2, sub_2, shift_2 = full(fold_2.threshold, shape_u), full(fold_2.subtract, shape_u), full(fold_2.shift, shape_u)
    zp_2, lo_2, hi_2 = full(fold_2.zero_point, shape_u), full(fold_2.act_min, shape_u), full(fold_2.act_max, shape_u)
    flat = state_2d.reshape(batch, filters * memory)
    older, newer = flat[:, :-1], flat[:, 1:]
    state = flat.reshape(batch, filters, memory)
    newest = state[:, :, -1]
    # the time products laid out (B, M, F), so the sum over the memory adds whole rows
    # (numpy's reduction over an inner axis of 8 is several times slower)
    state_t = state.transpose(0, 2, 1)
    w_time = np.ascontiguousarray(np.broadcast_to(np.asarray(data.weights_time, np.int64).T, state_t.shape))
    x_float, acc_float = np.empty((batch, n_input), np.float64), np.empty(shape_f, np.float64)
    acc_1, neg_1 = np.empty(shape_f, np.int64), np.empty(shape_f, np.bool_)
    products, scratch = np.empty(state_t.shape, np.int64), np.empty(shape_f, np.int64)
    state_64, tmp_1, tmp_2 = np.empty(state_t.shape, np.int64), np.empty(shape_f, np.int64), np.empty(shape_u, np.int64)
    # numpy's reduction costs several passes on a few rows: add the upper half of the rows
    # onto the lower one, log2(memory) times
    halves, rows = [], memory
    while rows > 1:
        k = rows // 2
        halves.append((products[:, :k], products[:, rows - k:rows], products[:, :k]))
        rows -= k
    if halves:  # the last add writes the sums
        halves[-1] = (*halves[-1][:2], scratch.reshape(batch, 1, filters))
    acc_2 = scratch if rank == 1 else np.empty(shape_u, np.int64)
    by_unit = scratch.reshape(batch, units, rank)
    neg_2 = np.empty(shape_u, np.bool_)
    y = out.reshape(shape_u)
    right_1, right_2 = fold_1.any_right, fold_2.any_right
    add_zp_1, add_zp_2 = bool(state_zp), bool(fold_2.zero_point)
    copyto, dot, add, less, sub, rshift = np.copyto, np.dot, np.add, np.less, np.subtract, np.right_shift
    multiply, reduce, bitwise_and, clamp = np.multiply, np.add.reduce, np.bitwise_and, quant._clip

    def run() -> None:
        older[...] = newer  # every filter's memory one left (see the docstring); overlap-safe
        copyto(x_float, x)
        dot(x_float, w_folded, out=acc_float)  # a few rows (batch mode keeps BLAS on one thread)
        copyto(acc_1, acc_float, casting="unsafe")  # integers below 2**53: exact
        add(acc_1, k_1, out=acc_1)
        if right_1:
            less(acc_1, thr_1, out=neg_1)
            sub(acc_1, sub_1, out=tmp_1)
            copyto(acc_1, tmp_1, where=neg_1)  # (a subtract with where= costs several passes)
        rshift(acc_1, shift_1, out=acc_1)
        clamp(acc_1, lo_1, hi_1, out=acc_1)  # (clamp then cast: one cast pass is cheaper)
        if add_zp_1:  # the state's zero point, after the clamp to the state's range
            add(acc_1, zp_1, out=acc_1)
        copyto(newest, acc_1, casting="unsafe")  # C store into int8/int16: wraps
        copyto(state_64, state_t)
        multiply(state_64, w_time, out=products)
        for first, second, target in halves:  # the sum over the memory, pairwise (integers: any order)
            add(first, second, out=target)
        if not halves:
            copyto(scratch, products[:, 0])
        if rank != 1:
            reduce(by_unit, axis=2, out=acc_2)
        add(acc_2, c_2, out=acc_2)  # + bias + state offset (+ 2**31 for the wrap)
        if wrap:
            bitwise_and(acc_2, mask, out=acc_2)
        multiply(acc_2, m_2, out=acc_2)
        add(acc_2, k_2, out=acc_2)
        if right_2:
            less(acc_2, thr_2, out=neg_2)
            sub(acc_2, sub_2, out=tmp_2)
            copyto(acc_2, tmp_2, where=neg_2)
        rshift(acc_2, shift_2, out=acc_2)
        if add_zp_2:
            add(acc_2, zp_2, out=acc_2)
        clamp(acc_2, lo_2, hi_2, out=acc_2)
        copyto(y, acc_2, casting="unsafe")

    return run


def memory(node: Node, pointer_bytes: int) -> OpMemory:
    """TFLM (svdf_common.cc Prepare): temporaries for the five inputs and the output;
    scratch for the int32 (int8) or float activation state products, and for int8
    the per-unit sums."""
    x, wf = node.input(INPUT), node.input(WEIGHTS_FEATURE)
    batch, filters = x.shape[0], wf.shape[0]
    scratch: tuple[int, ...] = (4 * batch * filters,)
    if x.type_name == "INT8":
        scratch += (4 * batch * (filters // (int(node.options.rank) or 1)),)
    return OpMemory(scratch=scratch, tflm_prepare=temps(node, (0, 1, 2, 3, 4), (0,)))


MEMORY = KernelMemory(tflm_params="TfLiteSVDFParams", tflm_op_data="OpDataSvdf", c_op_data=c_struct(w=15, b=3),
                      needs=memory)
REGISTRATION = Registration("SVDF", prepare, invoke, memory=MEMORY, bind=bind)
