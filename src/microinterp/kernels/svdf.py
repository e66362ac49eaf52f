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
from . import threshold_stage

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
    levels = _bind_levels(data, x, out, inputs[STATE], feature, feature_constant, time_constant)
    if levels is not None:
        return levels
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


#: numpy's vecdot (numpy 2 on); None: a stack of matmuls
VECDOT = getattr(np, "vecdot", None)
#: feature products whose partial sums stay below this take float32 BLAS (exact), others float64
EXACT_FLOAT32 = 2**24


def stage_levels(stage: quant.OutputStage, lo: int, hi: int) -> tuple[int, np.ndarray] | None:
    """A per-tensor output stage on the int32 accumulators ``lo..hi`` as a step function:
    ``(base, thresholds)`` with ``stage(v) = base + #{t in thresholds: t <= v}`` for every
    ``v`` in ``lo..hi`` (``thresholds`` sorted, int64), or None when the stage is not known
    to be monotone there. ``threshold_stage.thresholds`` on one channel (the stage is
    non-decreasing where ``m >= 0`` and the left shift wraps no value, checked here; its
    bisection runs the reference stage and checks every threshold), base ``act_min``."""
    if stage.general or stage.per_channel or int(stage.multiplier) < 0 or lo > hi:
        return None
    if lo < -2**31 or hi >= 2**31 or (stage.left and (max(abs(lo), abs(hi)) << int(stage.left)) >= 2**31):
        return None
    found = threshold_stage.thresholds([lo], [hi], stage.multiplier, stage.shift, stage.output_zero_point,
                                       stage.act_min, stage.act_max)
    return None if found is None else (stage.act_min, found[:, 0])


def _bind_levels(data: OpData, x: np.ndarray, out: np.ndarray, state_2d: np.ndarray, feature: np.ndarray,
                 feature_constant: np.ndarray, time_constant: np.ndarray) -> Callable[[], None] | None:
    """The int8 step in about ten numpy calls: both output stages are monotone step
    functions of their int32 accumulator (``stage_levels``), so each is one
    ``searchsorted`` in the thresholds prepared here, and the step is

    * the state shift: one flat copy of the whole state row (moving each filter's memory
      left also moves the next filter's first value into this filter's last slot, which
      the new activation overwrites anyway);
    * the feature product in float32 BLAS (float64 for wide layers) with the input zero
      point's constant as one more weight row (against a constant 1 after the input),
      exact because every partial sum is an integer below 2**24 (2**53; checked here);
    * the feature stage as a count of thresholds, looked up in a table of the values
      stored, ``wrap(state_zp + stage)`` (C's store into int8/int16 wraps);
    * the time product as one ``vecdot`` over the memory (exact in int64; numpy's per-call
      cost, not the work, is what a step of this size costs), the rank sum;
    * ``+ bias + state offset``, then TFLM's int32 wrap of the accumulator where it can
      happen (its biases can sit near the int32 limit): ``(acc + 2**31) mod 2**32`` (the
      ``2**31`` folded into the constant, the mod one mask), on which the stage is a step
      function too, its thresholds offset by ``2**31``;
    * the output stage as a count of thresholds stored into int8, whose wrap takes the
      count modulo 256: ``base mod 256`` thresholds below any key come first, so the
      count is the output value modulo 256.

    None (``bind``'s other steps) when a stage is not known to be monotone, or a bound
    fails."""
    batch, n_input = x.shape
    units, rank, filters = data.units, data.rank, data.filters
    stage_1, stage_2 = data.stage_1, data.stage_2
    if stage_1 is None or stage_2 is None or stage_1.wrap:
        return None
    w = np.asarray(feature, np.int64)  # (I, F) raw int8 values
    xmin, xmax = quant.dtype_range(x.dtype)
    const_1 = np.asarray(feature_constant, np.int64)
    # the feature accumulator's range per filter over every input (int64: exact)
    hi_1 = (np.maximum(xmin * w, xmax * w).sum(axis=0) + const_1).tolist()
    lo_1 = (np.minimum(xmin * w, xmax * w).sum(axis=0) + const_1).tolist()
    # every partial sum of the feature product is an integer below this bound: exact in
    # float32 below 2**24 (products of int8 values are exact too), else in float64 below 2**53
    partial = max(map(abs, hi_1 + lo_1), default=0) + max(abs(xmin), abs(xmax)) * int(np.abs(w).sum())
    if not filters or partial >= 2**53:
        return None
    exact = np.float32 if partial < EXACT_FLOAT32 else np.float64
    levels_1 = stage_levels(stage_1, min(lo_1), max(hi_1))
    smin, smax = quant.dtype_range(state_2d.dtype)
    # the output accumulator: the time sums of every state value, + bias + state offset
    per_unit = data.bias.astype(np.int64) + time_constant.reshape(units, rank).sum(axis=1)
    w_time = np.asarray(data.weights_time, np.int64)  # (F, M)
    time_bound = [max(abs(smin), abs(smax)) * int(v) for v in np.abs(w_time).sum(axis=1).tolist()]
    bound_2 = max(sum(time_bound[u * rank:(u + 1) * rank]) + abs(int(c)) for u, c in enumerate(per_unit.tolist()))
    wrap = bound_2 >= 2**31
    if wrap and stage_2.any_left:
        return None
    levels_2 = stage_levels(stage_2, -2**31, 2**31 - 1) if wrap else stage_levels(stage_2, -bound_2, bound_2)
    if levels_1 is None or levels_2 is None:
        return None
    base_1, thresholds_1 = levels_1
    # a count of n thresholds stores wrap(state_zp + base_1 + n): a table of those values
    stored_1 = (data.state_zero_point + base_1 + np.arange(thresholds_1.size + 1)).astype(state_2d.dtype)
    base_2, thresholds_2 = levels_2
    if wrap:
        thresholds_2 = thresholds_2 + (1 << 31)
    # searchsorted's default side counts the thresholds < key; t <= v is t - 1 < v for integers
    search_1 = (thresholds_1 - 1).astype(exact).searchsorted  # exact: |t| <= partial
    # int8 store of the count: base_2 mod 256 thresholds below every key put base_2 in front
    search_2 = np.concatenate([np.full(base_2 % 256, np.iinfo(np.int64).min, np.int64), thresholds_2 - 1]).searchsorted
    x_ext = np.ones((batch, n_input + 1), exact)
    x_in = x_ext[:, :n_input]
    w_ext = np.concatenate([w, const_1[None, :]]).astype(exact)  # (I + 1, F)
    acc_1 = np.empty((batch, filters), exact)
    flat = state_2d.reshape(batch, filters * data.memory)
    older, newer = flat[:, :-1], flat[:, 1:]
    state = flat.reshape(batch, filters, data.memory)
    newest = state[:, :, -1]
    scratch = np.empty((batch, filters), np.int64)
    acc_2 = scratch if rank == 1 else np.empty((batch, units), np.int64)
    by_unit = scratch.reshape(batch, units, rank)
    c_2 = np.ascontiguousarray(np.broadcast_to(per_unit + ((1 << 31) if wrap else 0), (batch, units)))
    mask = np.full((batch, units), 0xFFFFFFFF, np.int64)
    y = out.reshape(batch, units)
    take_1 = stored_1.take
    # the time product: numpy 2's vecdot over the memory, else the same as a stack of matmuls
    if VECDOT is not None:
        time_product, time_state, time_weights, time_out = VECDOT, state, w_time, scratch
    else:
        time_product, time_state, time_weights, time_out = (np.matmul, state[:, :, None, :], w_time[:, :, None],
                                                            scratch[:, :, None, None])
    copyto, dot, add, reduce, bitwise_and = np.copyto, np.dot, np.add, np.add.reduce, np.bitwise_and

    # (outputs passed positionally: numpy's keyword parsing costs ~30 ns a call, a few % here)
    def run() -> None:
        older[...] = newer  # every filter's memory one left (see the docstring); overlap-safe
        copyto(x_in, x)
        dot(x_ext, w_ext, acc_1)  # x @ W - zx * sum(W): exact (see above)
        take_1(search_1(acc_1), None, newest, "clip")  # (indices in range)
        time_product(time_state, time_weights, time_out)  # exact in int64
        if rank != 1:
            reduce(by_unit, 2, None, acc_2)
        add(acc_2, c_2, acc_2)
        if wrap:
            bitwise_and(acc_2, mask, acc_2)
        copyto(y, search_2(acc_2), "unsafe")  # the count modulo 256 (see the docstring)

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
