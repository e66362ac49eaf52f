/* UNIDIRECTIONAL_SEQUENCE_LSTM (TFLM: kernels/unidirectional_sequence_lstm.cc,
 * lstm_eval.cc, lstm_eval_common.cc; Python twin:
 * kernels/unidirectional_sequence_lstm.py, which documents the arithmetic).
 *
 * The standard Keras LSTM only (no peephole, projection or layer norm; all
 * four gates), as TFLM. The hidden and cell states are variable tensors in the
 * persistent arena: carried across invokes, reset by mi_interpreter_reset.
 *
 * Per time step and batch row, every gate of every unit is computed from the
 * old hidden row h (gate = act(FC(x_t, W_x) + bias + FC(h, W_h))), then the
 * cell is updated in place (c = f*c + i*g, optional clip) and the new hidden
 * value tanh(c)*o is written straight into the output row. Only after the
 * whole row is done is it copied back into h, so every gate still saw the old
 * h. Each (batch, unit) element goes through exactly the operations of
 * TFLM's gate-buffer formulation, in the same order, so no scratch buffer is
 * needed (TFLM keeps four gate buffers in scratch).
 *
 *   - integer (int8 activations with int32 biases, or int16 with int64; int8
 *     weights; int16 cell): each FC is a per-tensor integer FullyConnected into
 *     int16 at scale 2^-12, the two are added with int16 saturation, the
 *     gates use the int16 LUT sigmoid/tanh (mi_lut_*_int16), the products are
 *     MulElementwise with the multipliers unidirectional_sequence_lstm.py
 *     derives, tanh(c) picks its LUT shift from CheckedLog2(cell scale);
 *   - float32: reference FullyConnected (sum from 0.0f in input order, then
 *     + bias, clamp to +-FLT_MAX), TFLM's float Logistic (cut-offs + expf),
 *     tanhf, products and sums in float32 with the +-FLT_MAX clamps. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "mi_kernel_util.h"
#include "mi_logistic.h"

#define INPUT 0
#define INPUT_WEIGHTS 1     /* 1..4: input-to-{input, forget, cell, output} */
#define RECURRENT_WEIGHTS 5 /* 5..8 */
#define PEEPHOLE 9          /* 9..11 */
#define BIASES 12           /* 12..15 */
#define PROJECTION 16       /* 16..17 */
#define HIDDEN_STATE 18
#define CELL_STATE 19
#define LAYER_NORM 20       /* 20..23 */
#define OUTPUT 0

enum { GATE_INPUT = 0, GATE_FORGET = 1, GATE_CELL = 2, GATE_OUTPUT = 3 };
enum { KIND_FLOAT32 = 0, KIND_INT8 = 1, KIND_INT16 = 2 };

#define GATE_INPUT_SCALE (1.0 / 4096.0)   /* 2^-12: FC output / nonlinearity input (Q3.12) */
#define GATE_OUTPUT_SCALE (1.0 / 32768.0) /* 2^-15: nonlinearity output (Q0.15) */

/* op data layout (kernels/unidirectional_sequence_lstm.py MEMORY): 0 pointers, 42 words, 2 bytes */
typedef struct op_data {
    int32_t batch, steps, n_input, n_state;
    int32_t mult_x[4], shift_x[4], mult_h[4], shift_h[4];
    int32_t weight_offset_x[4], weight_offset_h[4]; /* minus the weights' zero points */
    int32_t quantized_cell_clip, tanh_multiplier, tanh_shift;
    int32_t input_zero_point, hidden_zero_point, hidden_min, hidden_max;
    int32_t forget_cell_multiplier, forget_cell_shift, input_multiplier, input_shift;
    int32_t output_multiplier, output_shift;
    float cell_clip;
    uint8_t kind, time_major;
} op_data_t;

/* The constant tensors of one gate, resolved at invoke. */
typedef struct gate_tensors {
    const void *w_x, *w_h, *bias;
} gate_tensors_t;

static int absent(const mi_context_t *ctx, const mi_node_t *node, uint32_t first, uint32_t count)
{
    uint32_t i;
    for (i = first; i < first + count; i++)
        if (mi_node_input_index(ctx, node, i) >= 0) return 0;
    return 1;
}

static int has_shape(const mi_tensor_info_t *t, uint32_t rank, int32_t d0, int32_t d1)
{
    return t->rank == rank && t->dims[0] == d0 && (rank < 2 || t->dims[1] == d1);
}

/* TFLM GetQuantizedConvolutionMultipler into the 2^-12 gate scale, in double. */
static mi_status_t fc_multiplier(float in_scale, float w_scale, int32_t *m, int32_t *s)
{
    return mi_quantize_multiplier((double)in_scale * (double)w_scale / GATE_INPUT_SCALE, m, s);
}

/* TFLM CreateInterGateMulParams: double(s1) * double(s2) / double(s_out). */
static mi_status_t mul_multiplier(double s1, double s2, float out_scale, int32_t *m, int32_t *s)
{
    return mi_quantize_multiplier(s1 * s2 / (double)out_scale, m, s);
}

static mi_status_t prepare_integer(mi_context_t *ctx, op_data_t *d, const mi_tensor_info_t *x,
                                   const mi_tensor_info_t *hidden, const mi_tensor_info_t *cell,
                                   const mi_tensor_info_t *w_in, const mi_tensor_info_t *w_rec,
                                   const mi_tensor_info_t *biases)
{
    uint8_t bias_type;
    int g, power = 0, is_pot;
    int32_t log2_result;
    float cell_scale;
    double qclip;
    if (cell->type != MI_TYPE_INT16 || !MI_ENABLE_INT16) return MI_ERR_UNSUPPORTED_TYPE;
    if (x->type == MI_TYPE_INT8) bias_type = MI_TYPE_INT32;
    else if (x->type == MI_TYPE_INT16) bias_type = MI_TYPE_INT64;
    else return MI_ERR_UNSUPPORTED_TYPE;
    if (w_in[0].type != MI_TYPE_INT8 || biases[0].type != bias_type) return MI_ERR_UNSUPPORTED_TYPE;
    {
        const mi_tensor_info_t *quantized[11];
        quantized[0] = x;
        quantized[1] = hidden;
        quantized[2] = cell;
        for (g = 0; g < 4; g++) {
            quantized[3 + g] = &w_in[g];
            quantized[7 + g] = &w_rec[g];
        }
        for (g = 0; g < 11; g++) {
            if (!quantized[g]->scales.count) return MI_ERR_BAD_PARAM;
            if (quantized[g]->scales.count > 1) return MI_ERR_UNSUPPORTED_SHAPE; /* per-channel: TFLM has none */
        }
    }
    for (g = 0; g < 4; g++) {
        MI_TRY(fc_multiplier(mi_scale0(ctx, x), mi_scale0(ctx, &w_in[g]), &d->mult_x[g], &d->shift_x[g]));
        MI_TRY(fc_multiplier(mi_scale0(ctx, hidden), mi_scale0(ctx, &w_rec[g]), &d->mult_h[g], &d->shift_h[g]));
        d->weight_offset_x[g] = -mi_zero_point0(ctx, &w_in[g]);
        d->weight_offset_h[g] = -mi_zero_point0(ctx, &w_rec[g]);
    }
    cell_scale = mi_scale0(ctx, cell);
    /* a zero, negative or infinite scale has no finite log2: Python's CheckedLog2 raises */
    MI_TRY(mi_checked_log2(cell_scale, &is_pot, &log2_result));
    power = (int)log2_result;
    qclip = (double)d->cell_clip / (double)cell_scale;
    if (qclip != qclip) return MI_ERR_BAD_PARAM; /* int(nan) raises in Python */
    qclip = qclip > -32768.0 ? qclip : -32768.0;
    qclip = qclip < 32767.0 ? qclip : 32767.0;
    d->quantized_cell_clip = (int32_t)qclip; /* truncation toward zero, as int() */
    /* tanh(c): Q(15 - power ... ) -> the LUT's Q3.12 input */
    d->tanh_shift = 15 + power - 3;
    d->tanh_multiplier = 0;
    if (d->tanh_shift < 0) {
        d->tanh_shift = -d->tanh_shift;
        d->tanh_multiplier = 3;
    }
    /* Python's cell_tanh_rescale bound: beyond it TFLM's int32 3 << shift or rounding overflows */
    if (d->tanh_shift > (d->tanh_multiplier == 0 ? 29 : 31)) return MI_ERR_UNSUPPORTED_SHAPE;
    d->input_zero_point = mi_zero_point0(ctx, x);
    d->hidden_zero_point = mi_zero_point0(ctx, hidden);
    MI_TRY(mi_type_range(hidden->type, &d->hidden_min, &d->hidden_max));
    MI_TRY(mul_multiplier(GATE_OUTPUT_SCALE, (double)cell_scale, cell_scale, &d->forget_cell_multiplier,
                          &d->forget_cell_shift));
    MI_TRY(mul_multiplier(GATE_OUTPUT_SCALE, GATE_OUTPUT_SCALE, cell_scale, &d->input_multiplier, &d->input_shift));
    MI_TRY(mul_multiplier(GATE_OUTPUT_SCALE, GATE_OUTPUT_SCALE, mi_scale0(ctx, hidden), &d->output_multiplier,
                          &d->output_shift));
    d->kind = x->type == MI_TYPE_INT8 ? KIND_INT8 : KIND_INT16;
    return MI_OK;
}

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    const mi_sequence_lstm_options_t *opts = &options->sequence_lstm;
    mi_tensor_info_t x, y, hidden, cell, w_in[4], w_rec[4], biases[4];
    uint32_t g;
    if (mi_node_num_inputs(node) != 24 || mi_node_num_outputs(node) != 1) return MI_ERR_BAD_PARAM;
    MI_TRY(mi_node_input_info(ctx, node, INPUT, &x));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &y));
    MI_TRY(mi_node_input_info(ctx, node, HIDDEN_STATE, &hidden));
    MI_TRY(mi_node_input_info(ctx, node, CELL_STATE, &cell));
    if (!absent(ctx, node, PEEPHOLE, 3) || !absent(ctx, node, PROJECTION, 2) || !absent(ctx, node, LAYER_NORM, 4))
        return MI_ERR_UNSUPPORTED_SHAPE;
    if (!hidden.is_variable || !cell.is_variable) return MI_ERR_BAD_PARAM;
    if (hidden.type != x.type || y.type != x.type) return MI_ERR_BAD_PARAM;
    for (g = 0; g < 4; g++) {
        MI_TRY(mi_node_input_info(ctx, node, INPUT_WEIGHTS + g, &w_in[g]));
        MI_TRY(mi_node_input_info(ctx, node, RECURRENT_WEIGHTS + g, &w_rec[g]));
        MI_TRY(mi_node_input_info(ctx, node, BIASES + g, &biases[g]));
    }
    for (g = 0; g < 4; g++) {
        if (w_in[g].type != w_in[0].type || w_rec[g].type != w_in[0].type) return MI_ERR_BAD_PARAM;
        if (biases[g].type != biases[0].type) return MI_ERR_BAD_PARAM;
    }
    if (x.rank != 3 || y.rank != 3 || hidden.rank != 2) return MI_ERR_BAD_PARAM;
    d->time_major = opts->time_major != 0;
    d->batch = d->time_major ? x.dims[1] : x.dims[0];
    d->steps = d->time_major ? x.dims[0] : x.dims[1];
    d->n_input = x.dims[2];
    d->n_state = hidden.dims[1];
    for (g = 0; g < 4; g++) {
        if (!has_shape(&w_in[g], 2, d->n_state, d->n_input)) return MI_ERR_BAD_PARAM;
        if (!has_shape(&w_rec[g], 2, d->n_state, d->n_state)) return MI_ERR_BAD_PARAM;
        if (!has_shape(&biases[g], 1, d->n_state, 0)) return MI_ERR_BAD_PARAM;
    }
    if ((int64_t)hidden.count != (int64_t)d->batch * d->n_state ||
        (int64_t)cell.count != (int64_t)d->batch * d->n_state)
        return MI_ERR_BAD_PARAM;
    if (y.dims[0] != x.dims[0] || y.dims[1] != x.dims[1] || y.dims[2] != d->n_state) return MI_ERR_BAD_PARAM;
    for (g = 0; g < 4; g++)
        if (!w_in[g].data || !w_rec[g].data || !biases[g].data) return MI_ERR_UNSUPPORTED_SHAPE;
    if (opts->fused_activation_function != MI_ACT_TANH) return MI_ERR_UNSUPPORTED_SHAPE;
    d->cell_clip = opts->cell_clip;

    if (cell.type == MI_TYPE_FLOAT32) {
        if (x.type != MI_TYPE_FLOAT32 || w_in[0].type != MI_TYPE_FLOAT32 || biases[0].type != MI_TYPE_FLOAT32 ||
            !MI_ENABLE_FLOAT)
            return MI_ERR_UNSUPPORTED_TYPE;
        d->kind = KIND_FLOAT32;
        return MI_OK;
    }
    return prepare_integer(ctx, d, &x, &hidden, &cell, w_in, w_rec, biases);
}

/* ------------------------------------------------------------------ integer step */

static int32_t sat16(int64_t v) { return mi_clip_i32(v, -32768, 32767); }

/* reference_integer_ops::FullyConnected into int16 for one unit: `v` holds
 * the activations, `offset` their minus zero point. int8: int32 accumulator
 * (wraps) and the 32-bit rescale; int16: int64 accumulator and its rescale. */
static int32_t int_fc(const op_data_t *d, const void *v, int32_t offset, uint32_t n, const int8_t *w,
                      int32_t w_offset, int64_t bias, int32_t mult, int32_t shift)
{
    int64_t acc = 0;
    uint32_t k;
    if (d->kind == KIND_INT8) {
        /* the sum is wrapped to int32 anyway, so modulo-2**32 (unsigned) products
         * and sums give the same bits, without 64-bit multiplies on Cortex-M0+ */
        const int8_t *a = (const int8_t *)v;
        uint32_t acc32 = (uint32_t)(uint64_t)bias;
        for (k = 0; k < n; k++) acc32 += ((uint32_t)a[k] + (uint32_t)offset) * ((uint32_t)w[k] + (uint32_t)w_offset);
        return sat16(mi_multiply_by_quantized_multiplier(mi_wrap_int32(acc32), mult, shift));
    } else {
        const int16_t *a = (const int16_t *)v;
        for (k = 0; k < n; k++) acc += ((int64_t)a[k] + offset) * ((int64_t)w[k] + w_offset);
        return sat16(mi_multiply_by_quantized_multiplier_int64(acc + bias, mult, shift));
    }
}

static int32_t int_gate(const op_data_t *d, const gate_tensors_t *t, int gate, const void *x_row,
                        const void *h_row, uint32_t unit, int tanh)
{
    const uint32_t ni = (uint32_t)d->n_input, ns = (uint32_t)d->n_state;
    const int64_t bias = d->kind == KIND_INT8 ? (int64_t)((const int32_t *)t[gate].bias)[unit]
                                              : ((const int64_t *)t[gate].bias)[unit];
    const int32_t from_x = int_fc(d, x_row, -d->input_zero_point, ni, (const int8_t *)t[gate].w_x + (size_t)unit * ni,
                                  d->weight_offset_x[gate], bias, d->mult_x[gate], d->shift_x[gate]);
    const int32_t from_h = int_fc(d, h_row, -d->hidden_zero_point, ns, (const int8_t *)t[gate].w_h + (size_t)unit * ns,
                                  d->weight_offset_h[gate], 0, d->mult_h[gate], d->shift_h[gate]);
    const int32_t pre = sat16((int64_t)from_x + from_h);
    /* CalculateLstmGate: tanh with cell_state_scale_power -12 -> LUT shift 0 */
    return tanh ? mi_lut_tanh_int16(pre, 0, 0) : mi_lut_logistic_int16(pre, 0, 0);
}

/* reference_integer_ops::MulElementwise with zero input offsets */
static int32_t int_mul(int32_t a, int32_t b, int32_t mult, int32_t shift, int32_t offset, int32_t lo, int32_t hi)
{
    return mi_clip_i32((int64_t)offset + mi_multiply_by_quantized_multiplier(a * b, mult, shift), lo, hi);
}

static void int_row(const op_data_t *d, const gate_tensors_t *t, const void *x_row, const void *h_row,
                    int16_t *c_row, void *out_row)
{
    uint32_t s;
    for (s = 0; s < (uint32_t)d->n_state; s++) {
        const int32_t forget = int_gate(d, t, GATE_FORGET, x_row, h_row, s, 0);
        const int32_t in = int_gate(d, t, GATE_INPUT, x_row, h_row, s, 0);
        const int32_t cell_gate = int_gate(d, t, GATE_CELL, x_row, h_row, s, 1);
        const int32_t out_gate = int_gate(d, t, GATE_OUTPUT, x_row, h_row, s, 0);
        int32_t c = int_mul(forget, c_row[s], d->forget_cell_multiplier, d->forget_cell_shift, 0, -32768, 32767);
        int32_t h, tanh_c;
        c = sat16((int64_t)c + int_mul(in, cell_gate, d->input_multiplier, d->input_shift, 0, -32768, 32767));
        if (d->cell_clip > 0.0f) {
            const int32_t q = d->quantized_cell_clip, neg = mi_wrap_int16(-(int64_t)q);
            c = q < c ? q : c;
            c = c > neg ? c : neg;
        }
        c_row[s] = (int16_t)c;
        tanh_c = mi_lut_tanh_int16(c, d->tanh_multiplier, d->tanh_shift);
        h = int_mul(tanh_c, out_gate, d->output_multiplier, d->output_shift, d->hidden_zero_point, d->hidden_min,
                    d->hidden_max);
        if (d->kind == KIND_INT8) ((int8_t *)out_row)[s] = (int8_t)h;
        else ((int16_t *)out_row)[s] = (int16_t)h;
    }
}

/* ------------------------------------------------------------------ float step */

#if MI_ENABLE_FLOAT
static float clamp_max(float v) { return mi_clamp_float(v, -FLT_MAX, FLT_MAX); }

/* reference_ops::FullyConnected for one unit: total from 0.0f, then + bias. */
static float float_fc(const float *v, const float *w, uint32_t n, float bias)
{
    float total = 0.0f;
    uint32_t k;
    for (k = 0; k < n; k++) total += v[k] * w[k];
    return clamp_max(total + bias);
}

static float float_gate(const op_data_t *d, const gate_tensors_t *t, int gate, const float *x_row,
                        const float *h_row, uint32_t unit, int tanh)
{
    const uint32_t ni = (uint32_t)d->n_input, ns = (uint32_t)d->n_state;
    const float pre = float_fc(x_row, (const float *)t[gate].w_x + (size_t)unit * ni, ni,
                               ((const float *)t[gate].bias)[unit]) +
                      float_fc(h_row, (const float *)t[gate].w_h + (size_t)unit * ns, ns, 0.0f);
    return tanh ? tanhf(pre) : mi_logistic_float(pre); /* LOGISTIC's, shared */
}

static void float_row(const op_data_t *d, const gate_tensors_t *t, const float *x_row, const float *h_row,
                      float *c_row, float *out_row)
{
    uint32_t s;
    for (s = 0; s < (uint32_t)d->n_state; s++) {
        const float forget = float_gate(d, t, GATE_FORGET, x_row, h_row, s, 0);
        const float in = float_gate(d, t, GATE_INPUT, x_row, h_row, s, 0);
        const float cell_gate = float_gate(d, t, GATE_CELL, x_row, h_row, s, 1);
        const float out_gate = float_gate(d, t, GATE_OUTPUT, x_row, h_row, s, 0);
        float c = clamp_max(forget * c_row[s]);
        c = c + clamp_max(in * cell_gate);
        if (d->cell_clip > 0.0f) {
            const float clip = d->cell_clip;
            /* TFLM's std::max(std::min(clip, c), -clip) as the oracle wheel computes it: a
             * NaN cell stays NaN (Python: _clip_cell) */
            const float clipped = clip < c ? clip : c;
            c = -clip > clipped ? -clip : clipped;
        }
        c_row[s] = c;
        out_row[s] = clamp_max(tanhf(c) * out_gate);
    }
}
#endif

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const uint8_t *x = (const uint8_t *)mi_node_input_data(ctx, node, INPUT);
    uint8_t *h = (uint8_t *)ctx->tensors[mi_node_input_index(ctx, node, HIDDEN_STATE)].data; /* variables */
    uint8_t *c = (uint8_t *)ctx->tensors[mi_node_input_index(ctx, node, CELL_STATE)].data;
    uint8_t *out = (uint8_t *)mi_node_output_data(ctx, node, OUTPUT);
    const size_t act = d->kind == KIND_INT8 ? 1u : d->kind == KIND_INT16 ? 2u : 4u;
    const size_t cell = d->kind == KIND_FLOAT32 ? 4u : 2u;
    const size_t ni = (size_t)d->n_input, ns = (size_t)d->n_state;
    gate_tensors_t t[4];
    int32_t step, b;
    uint32_t g;
    for (g = 0; g < 4; g++) {
        t[g].w_x = mi_node_input_data(ctx, node, INPUT_WEIGHTS + g);
        t[g].w_h = mi_node_input_data(ctx, node, RECURRENT_WEIGHTS + g);
        t[g].bias = mi_node_input_data(ctx, node, BIASES + g);
    }
    for (step = 0; step < d->steps; step++) {
        for (b = 0; b < d->batch; b++) {
            /* row (step, b) of x and out: [steps, batch, .] time-major, [batch, steps, .] otherwise */
            const size_t row = d->time_major ? (size_t)step * (size_t)d->batch + (size_t)b
                                             : (size_t)b * (size_t)d->steps + (size_t)step;
            const uint8_t *x_row = x + row * ni * act;
            uint8_t *out_row = out + row * ns * act;
            uint8_t *h_row = h + (size_t)b * ns * act;
            uint8_t *c_row = c + (size_t)b * ns * cell;
#if MI_ENABLE_FLOAT
            if (d->kind == KIND_FLOAT32)
                float_row(d, t, (const float *)(const void *)x_row, (const float *)(void *)h_row,
                          (float *)(void *)c_row, (float *)(void *)out_row);
            else
#endif
                int_row(d, t, x_row, h_row, (int16_t *)(void *)c_row, out_row);
            memcpy(h_row, out_row, ns * act); /* every gate of this row saw the old h */
        }
    }
    return MI_OK;
}

const mi_registration_t mi_registration_unidirectional_sequence_lstm = {
    MI_OP_UNIDIRECTIONAL_SEQUENCE_LSTM, (uint32_t)sizeof(op_data_t), "UNIDIRECTIONAL_SEQUENCE_LSTM", prepare, invoke};
