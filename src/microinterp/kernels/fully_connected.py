"""FULLY_CONNECTED (TFLM: kernels/fully_connected.cc + fully_connected_common.cc,
reference ``FullyConnected`` / ``integer_ops::FullyConnected[PerChannel]``;
C twin: firmware/src/kernels/mi_fully_connected.c).

Supported as TFLM supports them: float32; int8 x int8 with per-tensor or
per-channel weights (int32 bias); int16 x int8 ("16x8") with int64 bias, or
int32 bias, or no bias (the accumulator is then int64 unless the options ask
for ``quantized_bias_type=INT32``). int4 weights are not supported.

TFLM behaviour reproduced on purpose:

* ``batches`` is the output's size without its last dimension and the input
  is read as ``[batches, accum_depth]`` whatever its own shape (this is how
  ``keep_num_dims`` and rank > 2 inputs work).
* Only the first ``output_depth`` rows of the filter are used.
* Both multipliers are computed in double throughout, as the oracle wheel does:
  per-tensor ``double(s_in) * double(s_w) / double(s_out)``, per-channel
  ``double(s_in) * double(s_w[c]) / double(s_out)`` (the mirrored TFLM source
  rounds the per-tensor product to float32 first; the wheel does not, and the
  two differ by one LSB on some 16x8 layers).
* Per-tensor weights keep their zero point (``weights_offset``); per-channel
  weights ignore it (TFLM assumes symmetric weights there).
* int32 accumulators wrap like the C code; int64 accumulators use the int64
  ``MultiplyByQuantizedMultiplier`` (16-bit reduced multiplier).
* float32: each output is ``((0 + x0*w0) + x1*w1) + ...`` in float32, then
  ``+ bias`` (``+ 0.0f`` without bias), then the clamp -- TFLM's loop order.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .. import quant
from ..context import Node, Registration
from ..memory.declaration import KernelMemory, OpMemory, c_struct, persist, temps
from . import convolution, float_dot, threshold_stage

INPUT, WEIGHTS, BIAS = 0, 1, 2
OUTPUT = 0

#: schema TensorType.INT32, the value of ``quantized_bias_type`` that asks 16x8 for an int32 accumulator
_TENSOR_TYPE_INT32 = 2


@dataclass(frozen=True)
class OpData:
    kind: str  # "float32", "int8", "int16"
    batches: int
    accum_depth: int
    output_depth: int
    acc64: bool  # int64 accumulator (16x8 with int64 or absent bias)
    input_offset: int
    output_offset: int
    multiplier: np.ndarray  # int64, scalar or per output channel
    shift: np.ndarray
    act_min: float
    act_max: float
    weights: np.ndarray | None  # prepared constant weights (see _prepare_weights), None if not constant
    weights_offset: int
    bias: np.ndarray | None  # int64 / float32 copy of a constant bias
    may_overflow: bool  # an int32 accumulator could wrap (otherwise the wrap is skipped)
    stage: quant.OutputStage | None = None  # prepared int32 output stage (int32 accumulators)


def _prepare_weights(w: np.ndarray, output_depth: int, accum_depth: int, kind: str, offset: int) -> np.ndarray:
    """Integer kinds: float64 ``(K, N)`` of ``w + offset`` (exact BLAS matmul operand);
    float32: the ``(K, N)`` transpose of the rows TFLM reads (``float_dot`` operand)."""
    rows = np.asarray(w).reshape(-1, accum_depth)[:output_depth]
    if kind == "float32":
        return np.ascontiguousarray(rows.T, np.float32)
    return np.ascontiguousarray((rows.astype(np.float64) + offset).T)


def prepare(node: Node) -> OpData:
    inp, w, out = node.input(INPUT), node.input(WEIGHTS), node.output(OUTPUT)
    bias = node.optional_input(BIAS)
    opts = node.options
    act = int(opts.fused_activation_function) if opts is not None else quant.ACT_NONE
    if inp.type_name != out.type_name:
        raise node.fail(f"input is {inp.type_name} but output is {out.type_name}; TFLM requires the same type")
    combos = {("FLOAT32", "FLOAT32"): "float32", ("INT8", "INT8"): "int8", ("INT16", "INT8"): "int16"}
    kind = combos.get((inp.type_name, w.type_name))
    if kind is None:
        raise node.unsupported(f"input {inp.type_name} with weights {w.type_name} is not supported "
                               "(float32 x float32, int8 x int8 and int16 x int8 are)")
    if len(w.shape) < 2 or len(out.shape) < 1:
        raise node.fail(f"weights must be at least 2-D (got {list(w.shape)}) and the output at least 1-D")
    accum_depth = int(w.shape[-1])
    output_depth = int(out.shape[-1])
    batches = int(np.prod(out.shape[:-1], dtype=np.int64))
    if int(w.shape[-2]) < output_depth:
        raise node.fail(f"output depth {output_depth} exceeds the {w.shape[-2]} rows of the weights")
    if inp.size != batches * accum_depth:
        raise node.fail(f"input of {inp.size} elements cannot be read as [{batches}, {accum_depth}] "
                        f"(output {list(out.shape)}, weights {list(w.shape)})")
    if bias is not None and bias.size < output_depth:
        raise node.fail(f"bias has {bias.size} elements but the output depth is {output_depth}")

    if kind == "float32":
        if bias is not None and bias.type_name != "FLOAT32":
            raise node.unsupported(f"float32 FULLY_CONNECTED with a {bias.type_name} bias")
        lo, hi = quant.activation_range_float(act)
        zero = np.zeros(0, np.int64)
        return OpData(kind, batches, accum_depth, output_depth, False, 0, 0, zero, zero, lo, hi,
                      _prepare_weights(w.data, output_depth, accum_depth, kind, 0) if w.is_constant else None, 0,
                      np.asarray(bias.data, np.float32).reshape(-1)[:output_depth].copy()
                      if bias is not None and bias.is_constant else None, False)

    if inp.quant is None or out.quant is None or w.quant is None:
        raise node.fail("quantized FULLY_CONNECTED needs quantization parameters on input, weights and output")
    if kind == "int8":
        if bias is not None and bias.type_name != "INT32":
            raise node.unsupported(f"int8 FULLY_CONNECTED needs an int32 bias, got {bias.type_name}")
        acc64 = False
    else:
        if bias is not None and bias.type_name not in ("INT32", "INT64"):
            raise node.unsupported(f"16x8 FULLY_CONNECTED needs an int32 or int64 bias, got {bias.type_name}")
        if bias is not None:
            acc64 = bias.type_name == "INT64"
        else:
            acc64 = opts.quantized_bias_type != _TENSOR_TYPE_INT32

    in_scale, out_scale = inp.scale, out.scale
    per_channel = w.quant.scale.size > 1
    if per_channel:
        qdim = w.quant.quantized_dimension
        if qdim >= len(w.shape) or w.shape[qdim] != w.quant.scale.size:
            raise node.fail(f"{w.quant.scale.size} per-channel weight scales do not match dimension {qdim} "
                            f"of {list(w.shape)}")
        if w.quant.scale.size < output_depth:
            raise node.fail(f"{w.quant.scale.size} per-channel scales for {output_depth} outputs")
        real = [float(in_scale) * float(s) / float(out_scale) for s in w.quant.scale[:output_depth]]
        multiplier, shift = quant.quantize_multipliers(np.array(real))
        weights_offset = 0  # TFLM's per-channel kernel ignores the weights zero point
    else:
        if bias is not None:
            # TFLM GetQuantizedConvolutionMultipler's sanity check on the bias scale.
            product = float(in_scale) * float(w.scale)
            if abs(product - float(bias.scale)) / float(out_scale) > 0.02:
                raise node.fail(f"bias scale {bias.scale} is too far from input*weights scale {product} "
                                "(TFLM requires |difference| / output scale <= 0.02)")
        product = float(in_scale) * float(w.scale)
        if product < 0:
            raise node.fail("input*weights scale is negative")
        # The oracle wheel computes input*weights/output in double (the mirrored source
        # multiplies in float32 first); the two differ by one LSB on some 16x8 layers.
        m, s = quant.quantize_multiplier(product / float(out_scale))
        multiplier, shift = np.int64(m), np.int64(s)
        weights_offset = -w.zero_point
    why = quant.int64_multiplier_shift_error(shift) if kind == "int16" else None
    if why:
        raise node.fail(why)
    qmin, qmax = quant.dtype_range(out.dtype)
    act_min, act_max = quant.activation_range_quantized(act, qmin, qmax, out_scale, out.zero_point)
    # Worst-case |accumulator| for the int32 path; below 2**31 the C wrap-around cannot happen.
    in_lo, in_hi = quant.dtype_range(inp.dtype)
    max_x = max(abs(in_lo - inp.zero_point), abs(in_hi - inp.zero_point))
    max_w = 128 + abs(weights_offset)
    max_bias = int(np.abs(np.asarray(bias.data, np.int64)).max()) if bias is not None and bias.is_constant \
        and bias.size else (0 if bias is None else 2**31)
    may_overflow = accum_depth * max_x * max_w + max_bias >= 2**31
    stage = None if acc64 else quant.OutputStage(multiplier, shift, out.zero_point, act_min, act_max,
                                                 wrap=may_overflow)
    return OpData(
        kind, batches, accum_depth, output_depth, acc64, -inp.zero_point, out.zero_point,
        np.asarray(multiplier, np.int64), np.asarray(shift, np.int64), act_min, act_max,
        _prepare_weights(w.data, output_depth, accum_depth, kind, weights_offset) if w.is_constant else None,
        weights_offset,
        np.asarray(bias.data, np.int64).reshape(-1)[:output_depth].copy()
        if bias is not None and bias.is_constant else None,
        may_overflow, stage,
    )


def _float_matmul(x: np.ndarray, w_t: np.ndarray) -> np.ndarray:
    """Float32 dot products ``(B, K) x (K, N) -> (B, N)`` in TFLM's order: each output is
    ``((0 + x0*w0) + x1*w1) + ...`` (see ``float_dot``)."""
    return float_dot.sequential_matmul(np.asarray(x, np.float32), w_t)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    out = outputs[OUTPUT]
    w = data.weights
    if w is None:
        w = _prepare_weights(inputs[WEIGHTS], data.output_depth, data.accum_depth, data.kind, data.weights_offset)
    bias = data.bias
    if bias is None and len(inputs) > BIAS and inputs[BIAS] is not None:
        dtype = np.float32 if data.kind == "float32" else np.int64
        bias = np.asarray(inputs[BIAS], dtype).reshape(-1)[:data.output_depth]
    x = inputs[INPUT].reshape(data.batches, data.accum_depth)

    if data.kind == "float32":
        total = _float_matmul(x, w)
        total = total + (bias if bias is not None else np.float32(0.0))
        out.reshape(data.batches, data.output_depth)[...] = quant.clamp_float(total, data.act_min, data.act_max)
        return

    # Every partial sum is an integer below 2**53, so the float64 BLAS product is exact.
    acc = ((x.astype(np.float64) + data.input_offset) @ w).astype(np.int64)
    if bias is not None:
        acc += bias
    if data.stage is not None:
        data.stage.apply(acc, out)
        return
    if data.acc64:
        scaled = quant.multiply_by_quantized_multiplier_int64(acc, data.multiplier, data.shift)
    else:
        if data.may_overflow:
            acc = quant.wrap_int32(acc)
        scaled = quant.multiply_by_quantized_multiplier(acc, data.multiplier, data.shift)
    scaled += data.output_offset
    np.maximum(scaled, data.act_min, out=scaled)
    np.minimum(scaled, data.act_max, out=scaled)
    out.reshape(data.batches, data.output_depth)[...] = scaled


#: integer layers with at most this many multiply-adds per invoke take numpy's int64 matmul, whose
#: cost is per MAC; larger ones take the float64 BLAS product, whose cost is mostly per call
SMALL_INT_MATMUL = 4096


def bind(node: Node, data: OpData, inputs: Sequence[np.ndarray | None],
         outputs: Sequence[np.ndarray]) -> Callable[[], None]:
    """``invoke`` on the bound arrays (integer kinds with constant weights and bias and an
    int32 output stage; the rest calls ``invoke``). The input offset is folded into a
    per-output constant, ``(x + o) @ w + b = x @ w + (o * sum_k w[k] + b)`` (integers,
    exact in int64 and, below 2**53, in float64), so an invoke is the product, one add
    and the output stage on buffers allocated here. Tiny layers (``SMALL_INT_MATMUL``),
    where numpy's per-call cost is the whole cost, read the stage off sorted thresholds
    (``threshold_stage``: four numpy calls), else fold it into the weights
    (``quant.FoldedProductStage``)."""
    has_bias = len(inputs) > BIAS and inputs[BIAS] is not None
    fallback = functools.partial(invoke, node, data, inputs, outputs)
    if data.weights is None or (has_bias and data.bias is None):
        return fallback
    x = inputs[INPUT].reshape(data.batches, data.accum_depth)
    out = outputs[OUTPUT].reshape(data.batches, data.output_depth)
    if data.kind == "float32":
        return _bind_float(data, x, out) or fallback
    if data.stage is None:
        return fallback
    constant = data.input_offset * data.weights.sum(axis=0) + (data.bias if data.bias is not None else 0)
    acc = np.empty((data.batches, data.output_depth), np.int64)
    stage = data.stage
    if data.accum_depth == 1 and x.dtype == np.int8 and out.dtype == np.int8:
        return _bind_table(data, x, out, constant)
    if data.batches * data.accum_depth * data.output_depth <= SMALL_INT_MATMUL:
        w64, c64 = data.weights.astype(np.int64), constant.astype(np.int64)
        searched = threshold_stage.ThresholdStage.make(stage, w64, c64, quant.dtype_range(x.dtype), out.dtype)
        if searched is not None:
            return searched.bind(x, out)
        folded = quant.FoldedProductStage.make(stage, w64, c64, quant.dtype_range(x.dtype))
        if folded is not None:
            return folded.bind(x, out)

        def run() -> None:
            np.matmul(x, w64, out=acc)
            np.add(acc, c64, out=acc)
            stage.apply(acc, out)

        return run
    w, products = data.weights, np.empty((data.batches, data.output_depth), np.float64)
    # the raw input's largest |x| (the products below use x, not x - zp) bounds them as the
    # stage's own |x - zp| bound does, since that one is at least 128 (or 32768) too
    max_abs_x = max(convolution.max_abs_input(x.dtype, -data.input_offset), -quant.dtype_range(x.dtype)[0])
    float_stage = convolution.FloatOutputStage.make(stage, w, 1, max_abs_x, np.rint(constant).astype(np.int64))
    if float_stage is not None:
        # float32 where every partial sum of x @ w stays below 2**24 (BLAS's sgemm, twice
        # as fast as dgemm here, on half the bytes), else float64 (below 2**53: checked above)
        exact = convolution.exact_float_dtype(w, 1, max_abs_x)
        wf, xf = w.astype(exact), np.empty(x.shape, exact)
        sums = np.empty((data.batches, data.output_depth), exact)
        finish = float_stage.bind(sums, out)

        def run_blas_float_stage() -> None:  # the stage in float64 (convolution.FloatOutputStage)
            np.copyto(xf, x)
            np.matmul(xf, wf, out=sums)  # exact: every partial sum is an integer the type holds
            finish()

        return run_blas_float_stage

    def run_blas() -> None:
        np.matmul(x, w, out=products)  # every partial sum is an integer below 2**53: exact
        np.add(products, constant, out=products)
        np.copyto(acc, products, casting="unsafe")
        stage.apply(acc, out)

    return run_blas


def _bind_table(data: OpData, x: np.ndarray, out: np.ndarray, constant: np.ndarray) -> Callable[[], None]:
    """An int8 layer with a single input value per row (hello_world's first layer) is a
    function of one int8: its 256 possible output rows are computed here with ``invoke``'s
    arithmetic (the product, the constant, the prepared output stage) and an invoke is one
    lookup, indexed by the input's bytes read as uint8 (so row ``u`` holds int8 ``u - 256``
    from 128 on)."""
    values = np.arange(256, dtype=np.uint8).view(np.int8).astype(np.int64)[:, None]
    acc = (values * data.weights.astype(np.int64) + constant.astype(np.int64)).astype(np.int64)  # (256, N), exact
    table = np.empty((256, data.output_depth), np.int8)
    data.stage.apply(acc, table)  # type: ignore[union-attr]
    index = x.reshape(-1).view(np.uint8)
    take = table.take

    def run() -> None:
        take(index, axis=0, out=out, mode="clip")  # "clip": unbuffered; every uint8 is a row

    return run


def _bind_float(data: OpData, x: np.ndarray, out: np.ndarray) -> Callable[[], None] | None:
    """The float32 path as one call on buffers allocated here (``float_dot.bind_dense``):
    TFLM's ordered sums from +0.0, then ``+ bias`` (``+ 0.0f`` without one), then the clamp,
    in three numpy calls."""
    return float_dot.bind_dense(x, data.weights, data.bias, data.act_min, data.act_max, out)


def memory(node: Node, pointer_bytes: int) -> OpMemory:
    """TFLM (fully_connected.cc Prepare): temporaries for input, filter, bias and
    output, a scratch buffer to unpack int4 filters, per-channel multiplier and
    shift arrays for a quantized per-channel filter. The C twin keeps per-channel
    multiplier and shift arrays (one per output unit) likewise."""
    x, w, y = node.inputs[0], node.input(1), node.output(0)
    tflm = temps(node, (0, 1, 2), (0,))
    per_channel = x is not None and x.type_name != "FLOAT32" and w.quant is not None
    if per_channel and w.quant.per_channel:
        tflm += persist(4 * w.quant.scale.size, 4 * w.quant.scale.size)
    depth = y.shape[-1] if y.shape else 1
    c_arrays = (4 * depth, 4 * depth) if per_channel and w.quant.scale.size > 1 else ()
    return OpMemory(scratch=(w.size,) if w.type_name == "INT4" else (), tflm_prepare=tflm, c_arrays=c_arrays)


MEMORY = KernelMemory(tflm_params="TfLiteFullyConnectedParams", tflm_op_data="OpDataFullyConnected", c_op_data=c_struct(p=2, w=12, b=3), needs=memory)
REGISTRATION = Registration("FULLY_CONNECTED", prepare, invoke, memory=MEMORY, bind=bind)
