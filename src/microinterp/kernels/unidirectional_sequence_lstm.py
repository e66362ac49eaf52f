"""UNIDIRECTIONAL_SEQUENCE_LSTM (TFLM: kernels/unidirectional_sequence_lstm.cc, lstm_eval.cc,
lstm_eval_common.cc, lstm_eval.h; C twin: firmware/src/kernels/mi_unidirectional_sequence_lstm.c).

TFLM's micro LSTM supports the standard Keras LSTM only (no peephole, projection
or layer norm; all four gates present) and ignores the converter's
``intermediates``: its integer scales are fixed by design, as reproduced here.

Per time step, with ``h``/``c`` the hidden/cell *variable* tensors (persistent
across invocations, zeroed by ``reset()`` -- int8 to its zero point):

1. forget, input and cell gates: ``act(FC(x_t, W_x, bias) + FC(h, W_h))``;
2. ``c = f * c + i * g``, optionally clipped to ``cell_clip``;
3. output gate (still with the old ``h``), then ``h = tanh(c) * o``; ``h`` is
   copied to the output. Batch-major inputs are run batch by batch in TFLM;
   batches never interact, so we run all of them per time step.

Integer path (int8 activations x int8 weights, int32 bias, int16 cell; or
int16 activations with int64 bias): each FC is a per-tensor integer
``FullyConnected`` into int16 at scale 2^-12 (multiplier
``double(s_in) * double(s_w) / 2^-12``), the two FC results are added with int16
saturation, gates use the int16 LUT sigmoid/tanh (Q3.12 -> Q0.15), products are
``MulElementwise`` with multipliers ``2^-15 * s_c / s_c``, ``2^-15 * 2^-15 / s_c``
and ``2^-15 * 2^-15 / s_h`` (+ the hidden zero point); ``tanh(c)`` uses the
power of two nearest to the cell scale (``CheckedLog2``) to pick its LUT shift;
the cell clip is ``cell_clip / s_c`` truncated to int16.

Float path: ``reference_ops::FullyConnected`` (sum from 0.0f in input order,
then ``+ bias``), TFLM's ``Logistic`` (cut-offs + libm ``expf``), ``tanhf``,
products and sums in float32 with TFLM's no-op activation clamps to +-FLT_MAX.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .. import blas, fdlibm, quant
from ..context import Node, Registration
from ..memory.declaration import KernelMemory, OpMemory, c_struct, temps
from . import float_dot
from .logistic import _CUTOFF_LOWER, _CUTOFF_UPPER, logistic_float

INPUT = 0
INPUT_WEIGHTS = (1, 2, 3, 4)  # input-to-{input, forget, cell, output}
RECURRENT_WEIGHTS = (5, 6, 7, 8)
PEEPHOLE = (9, 10, 11)
BIASES = (12, 13, 14, 15)
PROJECTION = (16, 17)
HIDDEN_STATE, CELL_STATE = 18, 19
LAYER_NORM = (20, 21, 22, 23)
OUTPUT = 0
GATES = ("input", "forget", "cell", "output")  # the order of the tensors above

_GATE_INPUT_SCALE = np.float32(2.0**-12)  # FC output / nonlinearity input: Q3.12
_GATE_OUTPUT_SCALE = np.float32(2.0**-15)  # nonlinearity output: Q0.15
_FLT_MAX = float(np.finfo(np.float32).max)
_ONE = np.float32(1.0)


@dataclass(frozen=True)
class GateFC:
    """The two fully connected layers of one gate (integer: weights with the weight
    offset applied, as float64 for exact BLAS products)."""

    w_x: np.ndarray  # (S, I)
    w_h: np.ndarray  # (S, S)
    bias: np.ndarray  # (S,) int64 or float32
    mult_x: int = 0
    shift_x: int = 0
    mult_h: int = 0
    shift_h: int = 0


@dataclass(frozen=True)
class OpData:
    mode: str  # "float32", "int8" or "int16" (activation type)
    time_major: bool
    gates: dict  # gate name -> GateFC
    cell_clip: float
    quantized_cell_clip: int = 0
    cell_state_scale_power: int = 0
    input_zero_point: int = 0
    hidden_zero_point: int = 0
    hidden_min: int = 0
    hidden_max: int = 0
    forget_cell_mul: tuple[int, int] = (0, 0)
    input_mul: tuple[int, int] = (0, 0)
    output_mul: tuple[int, int] = (0, 0)
    # The four gates side by side, in GATES order (prepared once): the input and
    # recurrent weights transposed, (I, 4S) / (S, 4S), float32 (float path) or
    # float64 (integer path), the biases (4S,) and, integer path, each
    # column's multiplier and shift, so one product serves all four gates.
    w_x_all: np.ndarray | None = None
    w_h_all: np.ndarray | None = None
    bias_all: np.ndarray | None = None
    mult_x_all: np.ndarray | None = None
    shift_x_all: np.ndarray | None = None
    mult_h_all: np.ndarray | None = None
    shift_h_all: np.ndarray | None = None
    # integer path, prepared once (quant.OutputStage): the recurrent FC's rescale into int16
    # (int8 activations only; 16x8 uses the int64 rescale), and the three MulElementwise
    # rescales (forget*cell, input*cell gate, tanh(c)*output)
    h_stage: quant.OutputStage | None = None
    forget_cell_stage: quant.OutputStage | None = None
    input_stage: quant.OutputStage | None = None
    output_stage: quant.OutputStage | None = None


def _fc_multiplier(in_scale: float, w_scale: float) -> tuple[int, int]:
    """TFLM ``GetQuantizedConvolutionMultipler`` into the 2^-12 gate scale: the scale
    product and quotient are taken in double (the oracle wheel widens both float32
    scales with cvtss2sd before mulsd/divsd)."""
    product = float(np.float32(in_scale)) * float(np.float32(w_scale))
    return quant.quantize_multiplier(product / float(_GATE_INPUT_SCALE))


def _mul_multiplier(scale_1: float, scale_2: float, out_scale: float) -> tuple[int, int]:
    """TFLM ``CreateInterGateMulParams``: double(s1) * double(s2) / double(s_out)."""
    return quant.quantize_multiplier(float(np.float32(scale_1)) * float(np.float32(scale_2))
                                     / float(np.float32(out_scale)))


def cell_tanh_rescale(power: int) -> tuple[int, int]:
    """TFLM's tanh(c) input rescale for a cell state scale of 2^power: (multiplier, left shift)
    into the LUT's Q3.12, where multiplier 0 means ``3 << shift`` (lstm_eval's Tanh).

    Only shifts up to 29 (multiplier 0) or 31 (multiplier 3) are defined in TFLM's int32
    arithmetic, so prepare refuses the rest; the C twin refuses at the same bound."""
    shift = 15 + power - 3
    return (0, shift) if shift >= 0 else (3, -shift)


def prepare(node: Node) -> OpData:
    if len(node.inputs) != 24 or len(node.outputs) != 1:
        raise node.fail(f"expects 24 inputs and 1 output, got {len(node.inputs)} and {len(node.outputs)}")
    x, y = node.input(INPUT), node.output(OUTPUT)
    hidden, cell = node.input(HIDDEN_STATE), node.input(CELL_STATE)
    opts = node.options
    for group, what in ((PEEPHOLE, "peephole"), (PROJECTION, "projection"), (LAYER_NORM, "layer norm")):
        if any(node.optional_input(i) is not None for i in group):
            raise node.unsupported(f"{what} LSTM variants are not supported (TFLM supports the standard LSTM only)")
    if not hidden.is_variable or not cell.is_variable:
        raise node.fail("hidden state (input 18) and cell state (input 19) must be variable tensors")
    if hidden.type_name != x.type_name or y.type_name != x.type_name:
        raise node.fail("input, hidden state and output must have the same type")
    w_in = [node.input(i) for i in INPUT_WEIGHTS]
    w_rec = [node.input(i) for i in RECURRENT_WEIGHTS]
    biases = [node.input(i) for i in BIASES]
    if len({t.type_name for t in w_in + w_rec}) != 1 or len({t.type_name for t in biases}) != 1:
        raise node.fail("all eight weight tensors, and all four biases, must share one type")
    if len(x.shape) != 3 or len(y.shape) != 3 or len(hidden.shape) != 2:
        raise node.fail("input and output must be 3-D and the hidden state 2-D")
    time_major = bool(opts.time_major)
    batch = x.shape[1] if time_major else x.shape[0]
    n_input, n_state = x.shape[2], hidden.shape[1]
    for t in w_in:
        if t.shape != (n_state, n_input):
            raise node.fail(f"input weights must be {[n_state, n_input]}, got {list(t.shape)}")
    for t in w_rec:
        if t.shape != (n_state, n_state):
            raise node.fail(f"recurrent weights must be {[n_state, n_state]}, got {list(t.shape)}")
    for t in biases:
        if t.shape != (n_state,):
            raise node.fail(f"biases must be {[n_state]}, got {list(t.shape)}")
    if hidden.size != batch * n_state or cell.size != batch * n_state:
        raise node.fail(f"hidden and cell states must hold {batch}x{n_state} values")
    if y.shape[:2] != x.shape[:2] or y.shape[2] != n_state:
        raise node.fail(f"output must be {[x.shape[0], x.shape[1], n_state]}, got {list(y.shape)}")
    if any(t.data is None for t in w_in + w_rec + biases):
        raise node.unsupported("LSTM weights and biases must be constant tensors")
    if int(opts.fused_activation_function) != quant.ACT_TANH:
        raise node.unsupported("only a TANH cell activation is supported (TFLM asserts on anything else)")
    cell_clip = float(np.float32(opts.cell_clip))

    if cell.type_name == "FLOAT32":
        if x.type_name != "FLOAT32" or w_in[0].type_name != "FLOAT32" or biases[0].type_name != "FLOAT32":
            raise node.unsupported("a float32 cell state needs float32 activations, weights and biases")
        gates = {g: GateFC(np.array(wi.data, np.float32), np.array(wr.data, np.float32), np.array(b.data, np.float32))
                 for g, wi, wr, b in zip(GATES, w_in, w_rec, biases)}
        return OpData("float32", time_major, gates, cell_clip,
                      w_x_all=np.ascontiguousarray(np.concatenate([gates[g].w_x for g in GATES]).T),
                      w_h_all=np.ascontiguousarray(np.concatenate([gates[g].w_h for g in GATES]).T),
                      bias_all=np.concatenate([gates[g].bias for g in GATES]))

    if cell.type_name != "INT16":
        raise node.unsupported(f"cell state type {cell.type_name} is not supported (float32 or int16)")
    if x.type_name == "INT8":
        bias_type = "INT32"
    elif x.type_name == "INT16":
        bias_type = "INT64"
    else:
        raise node.unsupported(f"activation type {x.type_name} with an int16 cell state is not supported")
    if w_in[0].type_name != "INT8" or biases[0].type_name != bias_type:
        raise node.unsupported(f"{x.type_name} LSTM needs int8 weights and {bias_type} biases")
    for t in [x, hidden, cell] + w_in + w_rec:
        if t.quant is None:
            raise node.fail(f"tensor {t.name!r} needs quantization parameters")
        if t.quant.per_channel:
            raise node.unsupported(f"per-channel weights ({t.name!r}) are not supported by TFLM's LSTM")
    gates = {}
    for g, wi, wr, b in zip(GATES, w_in, w_rec, biases):
        mx, sx = _fc_multiplier(x.scale, wi.scale)
        mh, sh = _fc_multiplier(hidden.scale, wr.scale)
        gates[g] = GateFC(np.asarray(wi.data, np.float64) - wi.zero_point,
                          np.asarray(wr.data, np.float64) - wr.zero_point,
                          np.asarray(b.data, np.int64), mx, sx, mh, sh)
    per_gate = [gates[g] for g in GATES]
    column = lambda values: np.repeat(np.asarray(values, np.int64), n_state)  # noqa: E731
    stacked = dict(
        w_x_all=np.ascontiguousarray(np.concatenate([g.w_x for g in per_gate]).T),
        w_h_all=np.ascontiguousarray(np.concatenate([g.w_h for g in per_gate]).T),
        bias_all=np.concatenate([g.bias.reshape(-1) for g in per_gate]),
        mult_x_all=column([g.mult_x for g in per_gate]), shift_x_all=column([g.shift_x for g in per_gate]),
        mult_h_all=column([g.mult_h for g in per_gate]), shift_h_all=column([g.shift_h for g in per_gate]),
    )
    _, power = quant.checked_log2(cell.scale)
    mult, shift = cell_tanh_rescale(power)
    if shift > (29 if mult == 0 else 31):
        raise node.unsupported(f"a cell state scale of 2^{power} puts tanh's input shift at {shift}, where "
                               "TFLM's int32 rescale is undefined (3 << shift or the rounding overflows)")
    qclip = int(min(max(cell_clip / float(np.float32(cell.scale)), -32768.0), 32767.0))
    hmin, hmax = quant.dtype_range(hidden.dtype)
    return OpData(
        x.type_name.lower(), time_major, gates, cell_clip,
        quantized_cell_clip=qclip, cell_state_scale_power=power,
        input_zero_point=x.zero_point, hidden_zero_point=hidden.zero_point, hidden_min=hmin, hidden_max=hmax,
        forget_cell_mul=_mul_multiplier(_GATE_OUTPUT_SCALE, cell.scale, cell.scale),
        input_mul=_mul_multiplier(_GATE_OUTPUT_SCALE, _GATE_OUTPUT_SCALE, cell.scale),
        output_mul=_mul_multiplier(_GATE_OUTPUT_SCALE, _GATE_OUTPUT_SCALE, hidden.scale),
        **stacked,
        # int16 x int16 products stay inside int32: those rescales never wrap
        h_stage=quant.OutputStage(stacked["mult_h_all"], stacked["shift_h_all"], 0, -32768, 32767)
        if x.type_name == "INT8" else None,
        forget_cell_stage=quant.OutputStage(*_mul_multiplier(_GATE_OUTPUT_SCALE, cell.scale, cell.scale), 0,
                                            -32768, 32767, wrap=False),
        input_stage=quant.OutputStage(*_mul_multiplier(_GATE_OUTPUT_SCALE, _GATE_OUTPUT_SCALE, cell.scale), 0,
                                      -32768, 32767, wrap=False),
        output_stage=quant.OutputStage(*_mul_multiplier(_GATE_OUTPUT_SCALE, _GATE_OUTPUT_SCALE, hidden.scale),
                                       hidden.zero_point, hmin, hmax, wrap=False),
    )


# --------------------------------------------------------------------------- integer step


def _int_fc(data: OpData, v: np.ndarray, w: np.ndarray, bias: np.ndarray | None, mult: np.ndarray,
            shift: np.ndarray) -> np.ndarray:
    """reference_integer_ops::FullyConnected into int16 for the four gates at once (``w``
    is (depth, 4S); ``mult``/``shift`` per column): ``v`` already has the input offset
    applied. int8 path: int32 accumulator and the 32-bit rescale; int16 path: int64
    accumulator and the int64 rescale."""
    acc = (v @ w).astype(np.int64)  # exact: integer products far below 2**53
    if bias is not None:
        acc += bias
    if data.mode == "int8":
        out = quant.multiply_by_quantized_multiplier(quant.wrap_int32(acc), mult, shift)
    else:
        out = quant.multiply_by_quantized_multiplier_int64(acc, mult, shift)
    return np.clip(out, -32768, 32767)


def _int_mul(a: np.ndarray, b: np.ndarray, stage: quant.OutputStage) -> np.ndarray:
    """reference_integer_ops::MulElementwise with zero input offsets: rescale, + offset, clamp."""
    out = a * b
    stage.apply(out, out)
    return out


def _int_step(data: OpData, pre_x: np.ndarray, h: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One time step; ``pre_x`` is this step's input FC of all four gates (bias included)."""
    n = h.shape[1]
    hv = h.astype(np.float64) - data.hidden_zero_point
    if data.h_stage is not None:
        pre = (hv @ data.w_h_all).astype(np.int64)  # exact: integer products far below 2**53
        data.h_stage.apply(pre, pre)
    else:
        pre = _int_fc(data, hv, data.w_h_all, None, data.mult_h_all, data.shift_h_all)
    pre += pre_x
    np.maximum(pre, -32768, out=pre)
    np.minimum(pre, 32767, out=pre)
    # CalculateLstmGate: sigmoid gates; the cell gate's Tanh with cell_state_scale_power -12 -> LUT shift 0
    sig = quant.lut_logistic_int16(pre, 0, 0).astype(np.int64)
    inp, forget, out_gate = sig[:, :n], sig[:, n:2 * n], sig[:, 3 * n:]
    cell_gate = quant.lut_tanh_int16(pre[:, 2 * n:3 * n], 0, 0).astype(np.int64)
    c = _int_mul(forget, c, data.forget_cell_stage)
    c += _int_mul(inp, cell_gate, data.input_stage)
    np.maximum(c, -32768, out=c)
    np.minimum(c, 32767, out=c)
    if data.cell_clip > 0:
        q = data.quantized_cell_clip
        c = np.maximum(np.minimum(q, c), quant.wrap_int16(-q))
    mult, shift = cell_tanh_rescale(data.cell_state_scale_power)
    tanh_c = quant.lut_tanh_int16(c, mult, shift).astype(np.int64)
    h = _int_mul(tanh_c, out_gate, data.output_stage)
    return h, c


# --------------------------------------------------------------------------- float step

def _float_fc(v: np.ndarray, w_t: np.ndarray, bias: np.ndarray | None) -> np.ndarray:
    """reference_ops::FullyConnected, ``(B, D) x (D, N) -> (B, N)``: ``total`` summed from
    0.0f in input order (``float_dot``), then ``total + bias`` (0.0f without bias),
    clamped to +-FLT_MAX."""
    total = float_dot.sequential_matmul(v, w_t)
    total = total + (bias if bias is not None else np.float32(0.0))
    return quant.clamp_float(total, -_FLT_MAX, _FLT_MAX)


def _clip_cell(c: np.ndarray, clip: np.float32) -> np.ndarray:
    """TFLM's float ``Clipping``, ``std::max(std::min(clip, c), -clip)``, as the oracle wheel
    computes it: finite values clamp to +-clip, and a NaN cell stays NaN. By the letter of
    ``std::min`` a NaN would become ``clip``, but the wheel returns NaN (measured: a NaN
    input with cell_clip 0.75 leaves NaN in the cell state), so the comparisons are written
    with the cell as the passed-through operand. C twin: the same two selects."""
    clipped = np.where(clip < c, clip, c)
    return np.where(-clip > clipped, -clip, clipped)


def _float_step(data: OpData, pre_x: np.ndarray, h: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One time step; ``pre_x`` is this step's input FC of all four gates (bias included)."""
    n = h.shape[1]
    pre = pre_x + _float_fc(h, data.w_h_all, None)
    sig = logistic_float(pre)
    inp, forget, out_gate = sig[:, :n], sig[:, n:2 * n], sig[:, 3 * n:]
    cell_gate = quant.libm_tanhf(pre[:, 2 * n:3 * n])
    c = quant.clamp_float(forget * c, -_FLT_MAX, _FLT_MAX)
    c = c + quant.clamp_float(inp * cell_gate, -_FLT_MAX, _FLT_MAX)
    if data.cell_clip > 0:
        c = _clip_cell(c, np.float32(data.cell_clip))
    h = quant.clamp_float(quant.libm_tanhf(c) * out_gate, -_FLT_MAX, _FLT_MAX)
    return h, c


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    """The input halves of every gate FC do not depend on the recurrence, so they run
    for all time steps in one product; only the recurrent half and the gate
    arithmetic stay in the per-step loop."""
    x, out = inputs[INPUT], outputs[OUTPUT]
    h_view, c_view = inputs[HIDDEN_STATE], inputs[CELL_STATE]
    xs = x if data.time_major else x.transpose(1, 0, 2)  # (T, B, I)
    steps, batch, n_input = xs.shape
    n_state = out.shape[2]
    flat = xs.reshape(steps * batch, n_input)
    if data.mode == "float32":
        h = np.array(h_view, np.float32).reshape(batch, n_state)
        c = np.array(c_view, np.float32).reshape(batch, n_state)
        pre_x = _float_fc(flat, data.w_x_all, data.bias_all)
        step = _float_step
    else:
        h = h_view.astype(np.int64).reshape(batch, n_state)
        c = c_view.astype(np.int64).reshape(batch, n_state)
        pre_x = _int_fc(data, flat.astype(np.float64) - data.input_zero_point, data.w_x_all, data.bias_all,
                        data.mult_x_all, data.shift_x_all)
        step = _int_step
    pre_x = pre_x.reshape(steps, batch, 4 * n_state)
    for t in range(steps):
        h, c = step(data, pre_x[t], h, c)
        if data.time_major:
            out[t] = h
        else:
            out[:, t] = h
    h_view[...] = h.reshape(h_view.shape)
    c_view[...] = c.reshape(c_view.shape)


def bind(node: Node, data: OpData, inputs: Sequence[np.ndarray | None],
         outputs: Sequence[np.ndarray]) -> Callable[[], None]:
    """The int8 path with every per-step function of one int16 value made a full table,
    built here once, so a time step is a dozen numpy calls on buffers allocated here:

    * the gate input ``sat16(fc_x) + sat16(fc_h)`` lies in [-65536, 65534]; its int16
      saturation followed by the LUT sigmoid (or tanh) is tabulated over that whole
      range (131071 entries), indexed by the sum + 65536 (the offset is added to the
      input half of all steps at once);
    * the cell state is int16 after its saturation: its LUT tanh is a 65536-entry table;
    * the recurrent product ``(h - zp_h) @ W_h`` is ``h @ W_h - zp_h * sum(W_h)``, an
      int64 product plus a constant, which cannot wrap int32 (checked here), so its
      output stage skips the wrap.

    Each table is the existing LUT function applied to every value it can be asked
    for, so the results are those of ``invoke`` value for value. Other modes call ``invoke``."""
    x, out = inputs[INPUT], outputs[OUTPUT]
    h_view, c_view = inputs[HIDDEN_STATE], inputs[CELL_STATE]
    n_state = out.shape[2]
    w_h = data.w_h_all.astype(np.int64) if data.w_h_all is not None else None
    worst = 0 if w_h is None else n_state * 255 * int(np.abs(w_h).max(initial=0)) + 255 * int(
        np.abs(w_h.sum(axis=0)).max(initial=0))
    if data.mode == "float32":
        return _bind_float(data, inputs, outputs)
    if data.mode != "int8" or data.h_stage is None or w_h is None or worst >= 2**31:
        return functools.partial(invoke, node, data, inputs, outputs)
    xs = x if data.time_major else x.transpose(1, 0, 2)  # (T, B, I) views
    ys = out if data.time_major else out.transpose(1, 0, 2)
    steps, batch, n_input = xs.shape
    n = n_state
    gate_sums = np.clip(np.arange(-65536, 65535, dtype=np.int64), -32768, 32767)
    sigmoid_table = quant.lut_logistic_int16(gate_sums, 0, 0).astype(np.int64)
    tanh_table = quant.lut_tanh_int16(gate_sums, 0, 0).astype(np.int64)
    cell_table = quant.lut_tanh_int16(np.arange(-32768, 32768, dtype=np.int64), *cell_tanh_rescale(data.cell_state_scale_power)).astype(np.int64)
    h_constant = -data.hidden_zero_point * w_h.sum(axis=0)
    h_stage = quant.OutputStage(data.mult_h_all, data.shift_h_all, 0, -32768, 32767, wrap=False)
    gate_in = np.empty((batch, 4 * n), np.int64)
    sig = np.empty((batch, 4 * n), np.int64)
    cell_gate, forget_c, input_g, tanh_c, h = (np.empty((batch, n), np.int64) for _ in range(5))
    c = np.empty((batch, n), np.int64)
    clip = data.cell_clip > 0
    # numpy's int64 matmul costs per multiply-add, the float64 BLAS one mostly per call
    use_blas = batch * n * 4 * n > 4096
    h_float, w_h_float = np.empty((batch, n), np.float64), w_h.astype(np.float64)
    gate_float = np.empty((batch, 4 * n), np.float64)
    q_hi, q_lo = data.quantized_cell_clip, int(quant.wrap_int16(-data.quantized_cell_clip))
    folded = _bind_int8_folded(data, xs, ys, h_view, c_view, w_h, h_constant, h_stage,
                               (sigmoid_table, tanh_table, cell_table), n)
    if folded is not None:
        return folded

    def run() -> None:
        flat = xs.reshape(steps * batch, n_input)
        with blas.single_thread():  # a few dozen rows: OpenBLAS threads only wait for a core (measured 4x slower)
            pre_x = _int_fc(data, flat.astype(np.float64) - data.input_zero_point, data.w_x_all, data.bias_all,
                            data.mult_x_all, data.shift_x_all).reshape(steps, batch, 4 * n)
        pre_x += 65536  # table index offset, once for all steps
        h[...] = h_view.reshape(batch, n)
        c[...] = c_view.reshape(batch, n)
        for t in range(steps):
            if use_blas:  # exact: every partial sum is an integer far below 2**53
                np.copyto(h_float, h)
                np.matmul(h_float, w_h_float, out=gate_float)
                np.add(gate_float, h_constant, out=gate_float)
                np.copyto(gate_in, gate_float, casting="unsafe")
            else:
                np.matmul(h, w_h, out=gate_in)
                np.add(gate_in, h_constant, out=gate_in)
            h_stage.apply(gate_in, gate_in)
            np.add(gate_in, pre_x[t], out=gate_in)
            np.take(sigmoid_table, gate_in, out=sig, mode="clip")  # "clip": unbuffered; indices in range
            np.take(tanh_table, gate_in[:, 2 * n:3 * n], out=cell_gate, mode="clip")
            np.multiply(sig[:, n:2 * n], c, out=forget_c)
            data.forget_cell_stage.apply(forget_c, forget_c)
            np.multiply(sig[:, :n], cell_gate, out=input_g)
            data.input_stage.apply(input_g, input_g)
            np.add(forget_c, input_g, out=c)
            np.maximum(c, -32768, out=c)
            np.minimum(c, 32767, out=c)
            if clip:  # std::max(std::min(q, c), -q)
                np.minimum(c, q_hi, out=c)
                np.maximum(c, q_lo, out=c)
            np.add(c, 32768, out=tanh_c)
            np.take(cell_table, tanh_c, out=tanh_c, mode="clip")
            np.multiply(tanh_c, sig[:, 3 * n:], out=h)
            data.output_stage.apply(h, h)
            ys[t] = h
        h_view[...] = h.reshape(h_view.shape)
        c_view[...] = c.reshape(c_view.shape)

    return run


def _bind_int8_folded(data: OpData, xs: np.ndarray, ys: np.ndarray, h_view: np.ndarray, c_view: np.ndarray,
                      w_h: np.ndarray, h_constant: np.ndarray, h_stage: quant.OutputStage,
                      tables: tuple[np.ndarray, np.ndarray, np.ndarray], n: int) -> Callable[[], None] | None:
    """``bind``'s int8 step with its four output stages folded (``quant.FoldedStage``):
    the recurrent product's multiplier goes into ``W_h`` (``quant.FoldedProductStage``),
    and each gate product's multiplier into the table its first factor is looked up in --
    the input and forget sigmoids, the cell state's tanh -- so every stage is an add, a
    compare, a conditional subtract, a shift and the clamp. The products of two int16
    values are below 2**30, so no int32 wraps (the stages have no left shift, checked).
    ``n`` is the number of state cells. None (``bind``'s plain step) when a stage cannot
    be folded.

    A time step is about two dozen numpy calls, whatever ``n`` (numpy's per-call cost is
    what a step of a small LSTM costs), because the gates share buffers laid out for it:

    * the gate columns are reordered to (output, input, forget, cell) and the four tables
      (plain sigmoid, sigmoid times the input stage's multiplier, sigmoid times the forget
      stage's, plain tanh) concatenated, each lane's table offset added to the input
      half of all steps once per invoke, so one ``take`` looks up all four gates;
    * the looked-up gates sit in one buffer ``U`` = (o, i, f, g, c) with the cell state
      right after the cell gate, so ``[i, f] * [g, c]`` is one multiply and both
      products go through one output stage with per-lane constants (both stages clamp
      to int16, checked);
    * ``h`` is stored straight into the output (the output stage's clamp writes the
      int8 values there) and the next step's recurrent product reads it from there.

    Every value is the one ``invoke`` computes: the tables are the LUT functions over
    every index they can be asked for, and the folds are ``quant.FoldedStage``'s."""
    sigmoid_table, tanh_table, cell_table = tables
    steps, batch, n_input = xs.shape
    # lane order (o, i, f, g): block k of the reordered columns is gate ORDER[k] of GATES
    order = (3, 0, 1, 2)
    perm = np.concatenate([np.arange(g * n, (g + 1) * n) for g in order])
    stages = [quant.FoldedStage.of(stage) for stage in (data.input_stage, data.forget_cell_stage, data.output_stage)]
    h_stage_p = quant.OutputStage(data.mult_h_all[perm], data.shift_h_all[perm], 0, -32768, 32767, wrap=False)
    recurrent = quant.FoldedProductStage.make(h_stage_p, w_h[:, perm], h_constant[perm],
                                              quant.dtype_range(h_view.dtype))
    if recurrent is None or any(f is None or not f.fits(1 << 30) for f in stages):
        return None
    fold_i, fold_f, fold_o = stages
    assert fold_i is not None and fold_f is not None and fold_o is not None
    if (fold_i.zero_point or fold_f.zero_point or (fold_i.act_min, fold_i.act_max) != (-32768, 32767)
            or (fold_f.act_min, fold_f.act_max) != (-32768, 32767)):
        return None
    size = len(sigmoid_table)  # 131071: gate sums -65536 .. 65534
    table = np.concatenate([sigmoid_table, sigmoid_table * fold_i.multiplier, sigmoid_table * fold_f.multiplier,
                            tanh_table])
    lane_offset = np.repeat(65536 + size * np.arange(4, dtype=np.int64), n)
    w_x, bias = data.w_x_all[:, perm], data.bias_all[perm]
    mult_x, shift_x = data.mult_x_all[perm], data.shift_x_all[perm]
    # the recurrent stage (FoldedStage.finisher's arithmetic with its offset folded in)
    fold_r = recurrent.folded
    w_r = recurrent.weights
    k_r = np.asarray(recurrent.constant, np.int64) * fold_r.multiplier + fold_r.constant
    thr_r, sub_r, shift_r, right_r = fold_r.threshold, fold_r.subtract, fold_r.shift, fold_r.any_right
    lo_r, hi_r = fold_r.act_min, fold_r.act_max
    if fold_r.zero_point:
        return None
    # the two gate products, per lane: the input stage on the first n, the forget stage on the next n
    lanes = lambda a, b: np.concatenate([np.broadcast_to(np.asarray(a, np.int64), (n,)),  # noqa: E731
                                         np.broadcast_to(np.asarray(b, np.int64), (n,))])
    k_p, thr_p = lanes(fold_i.constant, fold_f.constant), lanes(fold_i.threshold, fold_f.threshold)
    sub_p, shift_p = lanes(fold_i.subtract, fold_f.subtract), lanes(fold_i.shift, fold_f.shift)
    right_p = fold_i.any_right or fold_f.any_right
    k_o, thr_o, sub_o, shift_o = fold_o.constant, fold_o.threshold, fold_o.subtract, fold_o.shift
    right_o, zp_o, lo_o, hi_o = fold_o.any_right, fold_o.zero_point, fold_o.act_min, fold_o.act_max
    gates_u = np.empty((batch, 5 * n), np.int64)  # (o, i, f, g, c)
    gates, sig_o, lhs, rhs, c = (gates_u[:, :4 * n], gates_u[:, :n], gates_u[:, n:3 * n], gates_u[:, 3 * n:],
                                 gates_u[:, 4 * n:])
    acc_r, acc_p = np.empty((batch, 4 * n), np.int64), np.empty((batch, 2 * n), np.int64)
    neg_r, neg_p, neg_o = np.empty((batch, 4 * n), np.bool_), np.empty((batch, 2 * n), np.bool_), np.empty((batch, n), np.bool_)
    prod_i, prod_f = acc_p[:, :n], acc_p[:, n:]
    tanh_c = np.empty((batch, n), np.int64)
    tmp_r, tmp_p, tmp_o = np.empty_like(acc_r), np.empty_like(acc_p), np.empty_like(tanh_c)
    # the int16 saturation then the cell clip std::max(std::min(q, c), -q): one clamp to the
    # intersection of the two ranges when -q <= q lie inside int16 (else two, as invoke)
    lo, hi = -32768, 32767
    q_hi, q_lo = data.quantized_cell_clip, int(quant.wrap_int16(-data.quantized_cell_clip))
    clip_apart = data.cell_clip > 0 and not -32768 <= q_lo <= q_hi <= 32767
    if data.cell_clip > 0 and not clip_apart:
        lo, hi = q_lo, q_hi
    # every constant as an array of its operand's shape: numpy converts a Python scalar, and
    # broadcasts a row, at a cost that is most of a pass over a few dozen values
    full = lambda value, like: np.ascontiguousarray(np.broadcast_to(np.asarray(value, np.int64), like.shape))  # noqa: E731
    k_r, thr_r, sub_r, shift_r = (full(v, acc_r) for v in (k_r, thr_r, sub_r, shift_r))
    lo_r, hi_r = full(lo_r, acc_r), full(hi_r, acc_r)
    k_p, thr_p, sub_p, shift_p = (full(v, acc_p) for v in (k_p, thr_p, sub_p, shift_p))
    lo_p, hi_p = full(-32768, acc_p), full(32767, acc_p)
    lo_c, hi_c, q_hi_c, q_lo_c = (full(v, c) for v in (lo, hi, q_hi, q_lo))
    k_o, thr_o, sub_o, shift_o, zp_o_c, lo_o, hi_o = (full(v, tanh_c) for v in (k_o, thr_o, sub_o, shift_o, zp_o,
                                                                                   lo_o, hi_o))
    # the cell state's table (times the output stage's multiplier) indexed by c itself: "wrap"
    # takes c mod 65536, so row c (c >= 0) and row c + 65536 (c < 0) hold the entry of c
    cell_out_table = cell_table * fold_o.multiplier
    cell_by_c = np.concatenate([cell_out_table[32768:], cell_out_table[:32768]])
    take, take_cell = table.take, cell_by_c.take
    # h of every step, int64 (the recurrent product's operand), copied to the int8 output once
    h_all = np.empty((steps + 1, batch, n), np.int64)
    h_sources, outs = list(h_all[:-1]), list(h_all[1:])
    multiply, add, sub, less, rshift = np.multiply, np.add, np.subtract, np.less, np.right_shift
    matmul, minimum, maximum, clamp, copyto = np.matmul, np.minimum, np.maximum, quant._clip, np.copyto

    def run() -> None:
        flat = xs.reshape(steps * batch, n_input)
        with blas.single_thread():
            pre_x = _int_fc(data, flat.astype(np.float64) - data.input_zero_point, w_x, bias,
                            mult_x, shift_x).reshape(steps, batch, 4 * n)
        pre_x += lane_offset  # each lane's table and index offset, once for all steps
        c[...] = c_view.reshape(batch, n)
        h_all[0] = h_view.reshape(batch, n)
        for h_src, pre, h in zip(h_sources, pre_x, outs):
            matmul(h_src, w_r, out=acc_r)  # sat16(stage(h @ W_h + constant)), folded
            add(acc_r, k_r, out=acc_r)
            if right_r:
                less(acc_r, thr_r, out=neg_r)
                sub(acc_r, sub_r, out=tmp_r)
                copyto(acc_r, tmp_r, where=neg_r)  # (a subtract with where= costs several passes)
            rshift(acc_r, shift_r, out=acc_r)
            clamp(acc_r, lo_r, hi_r, out=acc_r)
            add(acc_r, pre, out=acc_r)
            take(acc_r, out=gates, mode="clip")  # "clip": unbuffered; indices in range
            multiply(lhs, rhs, out=acc_p)  # [i, f] * [g, c]: both gate products, folded
            add(acc_p, k_p, out=acc_p)
            if right_p:
                less(acc_p, thr_p, out=neg_p)
                sub(acc_p, sub_p, out=tmp_p)
                copyto(acc_p, tmp_p, where=neg_p)
            rshift(acc_p, shift_p, out=acc_p)
            clamp(acc_p, lo_p, hi_p, out=acc_p)
            add(prod_f, prod_i, out=c)
            clamp(c, lo_c, hi_c, out=c)
            if clip_apart:  # std::max(std::min(q, c), -q)
                minimum(c, q_hi_c, out=c)
                maximum(c, q_lo_c, out=c)
            take_cell(c, out=tanh_c, mode="wrap")
            multiply(tanh_c, sig_o, out=tanh_c)
            add(tanh_c, k_o, out=tanh_c)
            if right_o:
                less(tanh_c, thr_o, out=neg_o)
                sub(tanh_c, sub_o, out=tmp_o)
                copyto(tanh_c, tmp_o, where=neg_o)
            rshift(tanh_c, shift_o, out=tanh_c)
            if zp_o:
                add(tanh_c, zp_o_c, out=tanh_c)
            clamp(tanh_c, lo_o, hi_o, out=h)
        np.copyto(ys, h_all[1:], casting="unsafe")  # the int8 output (values in range)
        h_view[...] = h_all[-1].reshape(h_view.shape)
        c_view[...] = c.reshape(c_view.shape)

    return run


def _logistic_scalar(v: float, expf: Callable[[float], float]) -> float:
    """TFLM's float Logistic of one value with libm's ``expf`` (``logistic_float``'s cases)."""
    if v > _CUTOFF_UPPER:
        return 1.0
    if v < _CUTOFF_LOWER:
        return expf(v)
    return float(_ONE / (_ONE + np.float32(expf(-v))))


def _sequential_matmul_view(w: np.ndarray, rows: int) -> np.ndarray | None:
    """``w`` (K, N) float32 as a view numpy's matmul cannot hand to BLAS (every other
    element of a buffer twice as wide), so that ``np.matmul(h, view, out)`` on ``rows`` rows
    runs numpy's own loop: ``out = 0; out += h[k] * w[k]`` in k order -- TFLM's float
    FullyConnected sum, one call instead of a multiply and a reduce. That this numpy's loop
    is that sum (no fused multiply-add, which compilers contract ``+= a * b`` into where the
    target has one; no blocking; no copy to BLAS) is checked here on probes against
    multiply-then-reduce, bit for bit; None when it is not."""
    k, n = w.shape
    if k == 0 or n == 0 or rows == 0:
        return None
    view = np.zeros((k, 2 * n), np.float32)[:, ::2]
    probe_view = np.zeros((k, 2 * n), np.float32)[:, ::2]  # the same layout, for the probes
    rng = np.random.default_rng(20261205)
    probes = []
    for _ in range(6):  # wide exponent ranges: any other summation order shows
        probes.append(((rng.standard_normal((rows, k)) * 2.0 ** rng.integers(-24, 24, (rows, k))).astype(np.float32),
                       (rng.standard_normal((k, n)) * 2.0 ** rng.integers(-24, 24, (k, n))).astype(np.float32)))
    if k >= 2:  # -1 + (1 + 2**-12)**2: 2**-11 without a fused multiply-add, 2**-11 + 2**-24 with one
        a = np.float32(1.0 + 2.0**-12)
        h, m = np.zeros((rows, k), np.float32), np.zeros((k, n), np.float32)
        h[:, 0], h[:, 1], m[0], m[1] = 1.0, a, -1.0, a
        probes.append((h, m))
    probes.append((np.zeros((rows, k), np.float32), np.full((k, n), -1.0, np.float32)))  # -0.0 products: +0.0
    out = np.empty((rows, n), np.float32)
    with np.errstate(all="ignore"):
        for h, m in probes:
            probe_view[...] = m
            np.matmul(h, probe_view, out)
            expected = np.add.reduce(h.T[:, :, None] * m[:, None, :], axis=0, initial=np.float32(0.0))
            if not np.array_equal(out.view(np.uint32), expected.view(np.uint32)):
                return None
    view[...] = w
    return view


def _bind_float(data: OpData, inputs: Sequence[np.ndarray | None],
                outputs: Sequence[np.ndarray]) -> Callable[[], None]:
    """The float32 step at about 15 numpy calls plus two libm ``tanhf`` passes, the values of
    ``_bind_float_careful`` (TFLM's) in every case.

    Where every input FC value, the initial state and the bound of the recurrent product
    are finite and far from FLT_MAX (checked per invoke; else ``_bind_float_careful``
    runs the whole invoke), nothing can overflow: ``|h| <= 1`` after a step, ``|i*g| <= 1``,
    ``|f*c| <= |c|``. So TFLM's +-FLT_MAX clamps are no-ops, and the cell clip is one
    ``clip``. Then a step is:

    * the recurrent product summed in TFLM's order, in one call where numpy's own matmul
      loop is that sum (``_sequential_matmul_view``, probed here), else as ``float_dot``
      (multiply, reduce), plus the input half computed for all steps at once;
    * the gate columns reordered (f, i, o, g), so the sigmoid lanes are contiguous and the
      forget and input gates line up with the buffer ``(c, tanh(g))``: ``f*c`` and
      ``i*tanh(g)`` are one multiply (float32 products commute);
    * the sigmoid lanes computed negated, their input and recurrent weights and biases
      negated once: IEEE round-to-nearest is symmetric, so every product and sum is the exact
      negation of TFLM's (but for the sign of a zero, which ``exp`` ignores), and
      ``exp(-x)`` is one call on them;
    * the sigmoid ``1 / (1 + expf(-x))`` with ``expf`` a float64 ``exp`` rounded to float32,
      which is glibc's value except near a rounding midpoint; ``fdlibm.expf_flags``' test
      flags those values (0.8 %), and beyond TFLM's cut-offs (-9, 16.619047) -- a test on
      the same float64 bits, skipped when the invoke's gate bounds exclude them -- and the
      flagged lanes are recomputed one by one with libm (``_logistic_scalar``);
    * ``tanhf`` from libm, one ctypes call per value: on a few dozen values, cheaper than
      the ~60 passes of ``fdlibm.tanhf``, which takes over from
      ``quant.VECTORISED_MIN_SIZE`` values on. These calls are most of the step's time
      (~0.2 us each, two per state cell and step): glibc's ``tanhf`` is not correctly
      rounded, nor is the ``expm1f`` it is built on (measured on 4M random arguments:
      up to 2.2 ulp from tanh below 1 in magnitude, 0.77 ulp from expm1), so no float64
      ``tanh`` or ``expm1`` with a near-midpoint test stands in for it."""
    careful = _bind_float_careful(data, inputs, outputs)
    tanhf, expf = quant._libm_function("tanhf"), quant._libm_function("expf")
    x, out = inputs[INPUT], outputs[OUTPUT]
    h_view, c_view = inputs[HIDDEN_STATE], inputs[CELL_STATE]
    xs = x if data.time_major else x.transpose(1, 0, 2)
    ys = out if data.time_major else out.transpose(1, 0, 2)
    steps, batch, n_input = xs.shape
    n = out.shape[2]
    w_t = data.w_h_all
    if (tanhf is None or expf is None or steps == 0 or batch * n * w_t.shape[1] > float_dot.BLOCK
            or not np.isfinite(w_t).all()):
        return careful
    perm = np.concatenate([np.arange(g * n, (g + 1) * n) for g in (1, 0, 3, 2)])  # lanes (f, i, o, g)
    # the sigmoid lanes negated (exact): in the input FC's weights and bias too, so that
    # the input half of those lanes comes out negated
    sign = np.concatenate([np.full(3 * n, -1.0, np.float32), np.ones(n, np.float32)])
    w_x, bias = data.w_x_all[:, perm] * sign, data.bias_all[perm] * sign
    w_h = np.ascontiguousarray(w_t[:, perm]) * sign
    # |recurrent sum of lane j| <= max|h| * sum_k |W_h[k, j]|, doubled for float32 rounding
    lane_bound = 2.0 * np.abs(w_h.astype(np.float64)).sum(axis=0)[:3 * n]
    rec_bound = float(lane_bound.max(initial=0.0))
    limit = float(np.finfo(np.float32).max) / 4
    vectorised = batch * n >= quant.VECTORISED_MIN_SIZE and fdlibm.exact()
    # the input FC of all steps (float_dot's arithmetic on buffers kept here: a fresh
    # product block each invoke costs page faults); TFLM's clamp is left to the check below
    rows = steps * batch
    block_x = np.empty((n_input, rows, 4 * n), np.float32) if n_input * rows * n <= float_dot.BLOCK else None
    pre_flat = np.empty((rows, 4 * n), np.float32)
    pre_x = pre_flat.reshape(steps, batch, 4 * n)
    pre_sig = pre_x[:, :, :3 * n]
    w_x3 = w_x[:, None, :]
    h_all = np.empty((steps + 1, batch, n), np.float32)
    prod = np.empty((n, batch, 4 * n), np.float32)
    rec, gate = np.empty((batch, 4 * n), np.float32), np.empty((batch, 4 * n), np.float32)
    gate_sig, gate_cell = gate[:, :3 * n], gate[:, 3 * n:]
    e64 = np.empty((batch, 3 * n), np.float64)
    bits = e64.view(np.int64)
    low, outside = np.empty((batch, 3 * n), np.int64), np.empty((batch, 3 * n), np.bool_)
    flags = np.empty((batch, 3 * n), np.bool_)
    sig = np.empty((batch, 3 * n), np.float32)
    flat_flags, flat_sig = flags.reshape(-1), sig.reshape(-1)
    full = lambda value, dtype: np.full((batch, 3 * n), value, dtype)  # noqa: E731
    one = full(1.0, np.float32)
    mid_offset, low29, band = (full(v, np.int64) for v in (fdlibm.EXPF_MARGIN - (1 << 28), (1 << 29) - 1,
                                                           2 * fdlibm.EXPF_MARGIN))
    # the cut-offs on the bits of exp(-x) (positive doubles order as their bits):
    # x < -9 iff exp(-x) > exp(9); x > 16.619047 iff exp(-x) < exp(-16.619047)
    cut_lo = int(np.exp(-np.float64(_CUTOFF_UPPER)).view(np.int64))
    cut_hi = int(np.exp(-np.float64(_CUTOFF_LOWER)).view(np.int64))
    cut_base, cut_span = full(cut_lo, np.int64), full(cut_hi - cut_lo, np.uint64)
    sig_fi, sig_o = sig[:, :2 * n], sig[:, 2 * n:]
    # a flagged lane's input: item j of the flat sigmoid lanes
    gate_item = gate_sig.item if batch == 1 else (lambda j: gate_sig.reshape(-1).item(j))
    # (c, tanh(g)) side by side, so that (f, i) * (c, tanh(g)) is one multiply
    cell_gate = np.empty((batch, 2 * n), np.float32)
    c, tanh_g = cell_gate[:, :n], cell_gate[:, n:]
    prod_cell = np.empty((batch, 2 * n), np.float32)
    forget_c, input_g = prod_cell[:, :n], prod_cell[:, n:]
    tanh_c = np.empty((batch, n), np.float32)
    clip = data.cell_clip > 0
    lo_c, hi_c = np.full((batch, n), -np.float32(data.cell_clip)), np.full((batch, n), np.float32(data.cell_clip))
    w3 = w_h[:, None, :]
    # the recurrent product in one call where exact; numpy's loop costs per multiply-add, so
    # only while it is cheaper than multiply-then-reduce (one row)
    w_seq = _sequential_matmul_view(w_h, batch) if batch == 1 else None
    # per step: the recurrent operand ((B, n), or (n, B, 1) for multiply-reduce), the input half, where h goes
    step_views = [(h_all[t] if w_seq is not None else h_all[t].T[:, :, None], pre_x[t], h_all[t + 1])
                  for t in range(steps)]
    # one row: 1-D views for the ctypes passes (``tolist`` of a 2-D array nests lists)
    row = batch == 1 and not vectorised
    g_in, g_out, c_in, c_out = ((gate_cell[0], tanh_g[0], c[0], tanh_c[0]) if row else (None,) * 4)
    zero = np.float32(0.0)
    multiply, add, divide, exp, copyto = np.multiply, np.add, np.divide, np.exp, np.copyto
    reduce, clamp, bitwise_and, less, greater, logical_or = (np.add.reduce, quant._clip, np.bitwise_and, np.less,
                                                             np.greater, np.logical_or)
    subtract, matmul = np.subtract, np.matmul

    def libm_tanh(v: np.ndarray, target: np.ndarray) -> None:
        if vectorised:
            target[...] = fdlibm.tanhf(v)
        else:
            # (target may be a strided view: reshape would copy it) float32 values: exact
            target[...] = np.array(list(map(tanhf, v.ravel().tolist())), np.float32).reshape(target.shape)

    def run() -> None:
        with np.errstate(all="ignore"):
            if block_x is None:
                pre_flat[...] = _float_fc(xs.reshape(rows, n_input), w_x, bias)
            else:  # summed over the input in order from +0.0, then + bias
                multiply(xs.reshape(rows, n_input).T[:, :, None], w_x3, out=block_x)
                reduce(block_x, axis=0, out=pre_flat, initial=zero)
                add(pre_flat, bias, out=pre_flat)
            h0 = max(float(np.abs(h_view).max(initial=0.0)), 1.0)
            c0 = float(np.abs(c_view).max(initial=0.0))
            top = max(float(pre_flat.max()), -float(pre_flat.min()))  # NaN if any is NaN
        if not (top + h0 * rec_bound < limit and c0 <= limit * 4):
            careful()  # a NaN, an infinity or values near FLT_MAX: every clamp as TFLM's
            return
        # can a sigmoid input pass a cut-off in any step? (|recurrent| <= h0 * lane_bound)
        # (pre_sig holds -x: x + bound > upper is -x - bound < -upper)
        check_cut = bool((pre_sig - h0 * lane_bound).min() < -_CUTOFF_UPPER
                         or (pre_sig + h0 * lane_bound).max() > -_CUTOFF_LOWER)
        h_all[0] = h_view.reshape(batch, n)
        c[...] = c_view.reshape(batch, n)
        with np.errstate(over="ignore", under="ignore"):  # exp of a gate beyond the cut-offs
            # (outputs passed positionally: numpy's keyword parsing costs ~30 ns a call, a tenth of these)
            for h_prev, pre, h in step_views:
                if w_seq is not None:
                    matmul(h_prev, w_seq, rec)  # summed in k order from +0.0 (see _sequential_matmul_view)
                else:
                    multiply(h_prev, w3, prod)
                    reduce(prod, 0, None, rec, False, zero)  # summed in k order from +0.0  # summed in k order from +0.0
                add(pre, rec, gate)  # sigmoid lanes: -x
                copyto(e64, gate_sig)  # -x, widened (exact)
                exp(e64, e64)
                copyto(sig, e64, casting="same_kind")  # expf(-x), where not flagged
                add(one, sig, sig)
                divide(one, sig, sig)
                add(bits, mid_offset, low)  # near a float32 rounding midpoint?
                bitwise_and(low, low29, low)
                less(low, band, flags)
                if check_cut:
                    subtract(bits, cut_base, out=low)
                    greater(low.view(np.uint64), cut_span, out=outside)
                    logical_or(flags, outside, out=flags)
                where = flat_flags.nonzero()[0]
                if where.size > 4:  # a batch: logistic_float on the flagged lanes (-lane: exact)
                    flat_sig[where] = logistic_float(-gate_sig.reshape(-1)[where])
                elif where.size:  # one by one (0.8 % of lanes: about one every two steps)
                    for j in where.tolist():
                        flat_sig[j] = _logistic_scalar(-gate_item(j), expf)
                if row:
                    g_out[:] = list(map(tanhf, g_in.tolist()))  # float32 values: exact
                else:
                    libm_tanh(gate_cell, tanh_g)
                multiply(sig_fi, cell_gate, prod_cell)  # f*c, i*tanh(g)
                add(forget_c, input_g, c)
                if clip:
                    clamp(c, lo_c, hi_c, c)
                if row:
                    c_out[:] = list(map(tanhf, c_in.tolist()))
                else:
                    libm_tanh(c, tanh_c)
                multiply(tanh_c, sig_o, h)
        copyto(ys, h_all[1:])
        h_view[...] = h_all[-1].reshape(h_view.shape)
        c_view[...] = c.reshape(c_view.shape)

    return run


def _bind_float_careful(data: OpData, inputs: Sequence[np.ndarray | None],
                outputs: Sequence[np.ndarray]) -> Callable[[], None]:
    """``_float_step``'s arithmetic on buffers allocated here, in the same order:

    * the recurrent product is ``float_dot.bind_matmul`` (summed from +0.0, so never
      -0.0, which makes ``_float_fc``'s ``+ 0.0f`` a no-op that is skipped);
    * the +-FLT_MAX clamps are ``quant.clamp_flt_max`` (one pass each);
    * the sigmoid is ``logistic_float`` on all four gates at once and ``tanhf`` the C
      library's (``quant.libm_tanhf``), element by element as before."""
    x, out = inputs[INPUT], outputs[OUTPUT]
    h_view, c_view = inputs[HIDDEN_STATE], inputs[CELL_STATE]
    xs = x if data.time_major else x.transpose(1, 0, 2)
    ys = out if data.time_major else out.transpose(1, 0, 2)
    steps, batch, n_input = xs.shape
    n = out.shape[2]
    h, c = np.empty((batch, n), np.float32), np.empty((batch, n), np.float32)
    recurrent = np.empty((batch, 4 * n), np.float32)
    product = float_dot.bind_matmul(h, data.w_h_all, recurrent)
    forget_c, input_g = np.empty((batch, n), np.float32), np.empty((batch, n), np.float32)
    clip = np.float32(data.cell_clip) if data.cell_clip > 0 else None

    def run() -> None:
        # the inputs this step takes are non-finite or huge: IEEE inf/NaN as in TFLM's C float code
        with np.errstate(over="ignore", invalid="ignore"):
            pre_x = _float_fc(xs.reshape(steps * batch, n_input), data.w_x_all, data.bias_all)
            pre_x = pre_x.reshape(steps, batch, 4 * n)
            h[...] = h_view.reshape(batch, n)
            c[...] = c_view.reshape(batch, n)
            for t in range(steps):
                if product is not None:
                    product()
                else:
                    recurrent[...] = float_dot.sequential_matmul(h, data.w_h_all)
                quant.clamp_flt_max(recurrent, recurrent)
                np.add(pre_x[t], recurrent, out=recurrent)
                sig = logistic_float(recurrent)
                cell_gate = quant.libm_tanhf(recurrent[:, 2 * n:3 * n])
                np.multiply(sig[:, n:2 * n], c, out=forget_c)
                quant.clamp_flt_max(forget_c, forget_c)
                np.multiply(sig[:, :n], cell_gate, out=input_g)
                quant.clamp_flt_max(input_g, input_g)
                np.add(forget_c, input_g, out=c)
                if clip is not None:
                    c[...] = _clip_cell(c, clip)
                np.multiply(quant.libm_tanhf(c), sig[:, 3 * n:], out=h)
                quant.clamp_flt_max(h, h)
                ys[t] = h
            h_view[...] = h.reshape(h_view.shape)
            c_view[...] = c.reshape(c_view.shape)

    return run


def memory(node: Node, pointer_bytes: int) -> OpMemory:
    """TFLM (unidirectional_sequence_lstm.cc Prepare): temporaries for the 24 inputs
    and the output, and four gate buffers of batch x state cells as scratch."""
    x, hidden, cell = node.input(0), node.input(18), node.input(19)
    batch = x.shape[1] if bool(node.options.time_major) else x.shape[0]
    gate = batch * hidden.shape[-1] * (4 if cell.type_name == "FLOAT32" else 2)
    return OpMemory(scratch=(gate,) * 4, tflm_prepare=temps(node, tuple(range(24)), (0,)))


MEMORY = KernelMemory(tflm_params="TfLiteUnidirectionalSequenceLSTMParams", tflm_op_data="OpDataLSTM",
                      c_op_data=c_struct(w=42, b=2), needs=memory)
REGISTRATION = Registration("UNIDIRECTIONAL_SEQUENCE_LSTM", prepare, invoke, memory=MEMORY, bind=bind)
