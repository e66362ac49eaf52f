/* SVDF (TFLM: kernels/svdf.cc + svdf_common.cc; Python twin: kernels/svdf.py,
 * which documents the arithmetic reproduced here).
 *
 * Inputs: input (B, I), weights_feature (F, I), weights_time (F, M), bias
 * (units; required, as TFLM dereferences it), activation_state: a variable
 * tensor (B, M*F) in the persistent arena, carried across invokes and reset
 * by mi_interpreter_reset (int8 to its zero point). Each invoke shifts every
 * filter's memory left by one, writes the new feature activation into the
 * last slot, dots each memory row with the time weights and sums `rank`
 * filters per unit.
 *
 * The state update happens in place, and each output element sums its rank
 * filters itself (bias first, then filter 0, 1, ... in float32, exactly the
 * order of svdf.py's "acc = bias; acc += partial[r]"), so no scratch buffer
 * is needed: the per-filter results TFLM keeps in scratch are consumed as
 * they are produced.
 *
 *   - float32: every dot product summed from 0.0f in index order, then TFLM's
 *     ActivationValFloat (fmaxf/fminf clamps, tanhf, signbit);
 *   - int8 (int16 or int8 time weights and state, int32 bias): the feature
 *     dot in int32, rescaled by effective_scale_1, clamped to the state type,
 *     plus the state zero point (stored with a C wrap); the time dot of
 *     (state - state_zp) * time_weight; bias + rank sum in int32 (defined
 *     wrap-around here); rescaled by effective_scale_2, output zero point,
 *     int8 clamp. The fused activation is ignored on this path, as in TFLM. */
#include <math.h>
#include <string.h>

#include "mi_kernel_util.h"

#define INPUT 0
#define WEIGHTS_FEATURE 1
#define WEIGHTS_TIME 2
#define BIAS 3
#define STATE 4
#define OUTPUT 0

enum { KIND_FLOAT32 = 0, KIND_INT8 = 1 };

/* op data layout (kernels/svdf.py MEMORY): 0 pointers, 15 words, 3 bytes */
typedef struct op_data {
    int32_t batch, n_input, filters, memory, units, rank;
    int32_t scale_1_multiplier, scale_1_shift, scale_2_multiplier, scale_2_shift;
    int32_t input_zero_point, output_zero_point, state_zero_point, state_min, state_max;
    uint8_t kind, activation, state_type;
} op_data_t;

static int is_2d(const mi_tensor_info_t *t) { return t->rank == 2; }

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t x, wf, wt, bias, state, y;
    const int has_bias = mi_node_input_index(ctx, node, BIAS) >= 0;
    if (mi_node_num_inputs(node) != 5 || mi_node_num_outputs(node) != 1) return MI_ERR_BAD_PARAM;
    MI_TRY(mi_node_input_info(ctx, node, INPUT, &x));
    MI_TRY(mi_node_input_info(ctx, node, WEIGHTS_FEATURE, &wf));
    MI_TRY(mi_node_input_info(ctx, node, WEIGHTS_TIME, &wt));
    if (has_bias) MI_TRY(mi_node_input_info(ctx, node, BIAS, &bias));
    MI_TRY(mi_node_input_info(ctx, node, STATE, &state));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &y));
    d->rank = options->svdf.rank;
    if (!is_2d(&x) || !is_2d(&wf) || !is_2d(&wt) || !is_2d(&y) || !is_2d(&state)) return MI_ERR_BAD_PARAM;
    d->batch = x.dims[0];
    d->n_input = x.dims[1];
    d->filters = wf.dims[0];
    d->memory = wt.dims[1];
    if (d->rank <= 0 || d->filters % d->rank) return MI_ERR_BAD_PARAM;
    d->units = d->filters / d->rank;
    if (wf.dims[1] != d->n_input || wt.dims[0] != d->filters) return MI_ERR_BAD_PARAM;
    if (y.dims[0] != d->batch || y.dims[1] != d->units) return MI_ERR_BAD_PARAM;
    if (has_bias && bias.dims[0] != d->units) return MI_ERR_BAD_PARAM; /* checked before requiring it, as TFLM */
    if (state.dims[0] != d->batch || (int64_t)state.dims[1] != (int64_t)d->memory * d->filters)
        return MI_ERR_BAD_PARAM;
    if (!state.is_variable) return MI_ERR_BAD_PARAM;
    if (d->memory < 1) return MI_ERR_UNSUPPORTED_SHAPE; /* no memory slot to write (numpy raises too) */
    if (!has_bias) return MI_ERR_UNSUPPORTED_SHAPE; /* TFLM crashes without a bias */
    if (!wf.data || !wt.data || !bias.data) return MI_ERR_UNSUPPORTED_SHAPE;
    d->activation = options->svdf.fused_activation_function;

    if (x.type == MI_TYPE_FLOAT32) {
        if (wf.type != MI_TYPE_FLOAT32 || wt.type != MI_TYPE_FLOAT32 || state.type != MI_TYPE_FLOAT32 ||
            y.type != MI_TYPE_FLOAT32 || bias.type != MI_TYPE_FLOAT32 || !MI_ENABLE_FLOAT)
            return MI_ERR_UNSUPPORTED_TYPE;
        d->kind = KIND_FLOAT32;
        return MI_OK;
    }
    if (x.type != MI_TYPE_INT8) return MI_ERR_UNSUPPORTED_TYPE;
    if (wf.type != MI_TYPE_INT8 || y.type != MI_TYPE_INT8) return MI_ERR_UNSUPPORTED_TYPE;
    if ((wt.type != MI_TYPE_INT16 && wt.type != MI_TYPE_INT8) || state.type != wt.type) return MI_ERR_UNSUPPORTED_TYPE;
    if (bias.type != MI_TYPE_INT32) return MI_ERR_UNSUPPORTED_TYPE;
    if (!x.scales.count || !wf.scales.count || !wt.scales.count || !bias.scales.count || !state.scales.count ||
        !y.scales.count)
        return MI_ERR_BAD_PARAM;
    {
        /* double arithmetic on the float32 scales, as the oracle wheel's PrepareSvdf */
        const double s_x = (double)mi_scale0(ctx, &x), s_wf = (double)mi_scale0(ctx, &wf);
        const double s_wt = (double)mi_scale0(ctx, &wt), s_state = (double)mi_scale0(ctx, &state);
        const double s_y = (double)mi_scale0(ctx, &y), s_bias = (double)mi_scale0(ctx, &bias);
        const double scale_1 = s_x * s_wf / s_state;
        const double state_time = s_state * s_wt;
        const double scale_2 = state_time / s_y;
        if (!(fabs(s_bias - state_time) < 1e-5)) return MI_ERR_BAD_PARAM;
        MI_TRY(mi_type_range(state.type, &d->state_min, &d->state_max));
        MI_TRY(mi_quantize_multiplier(scale_1, &d->scale_1_multiplier, &d->scale_1_shift));
        MI_TRY(mi_quantize_multiplier(scale_2, &d->scale_2_multiplier, &d->scale_2_shift));
    }
    d->input_zero_point = mi_zero_point0(ctx, &x);
    d->output_zero_point = mi_zero_point0(ctx, &y);
    d->state_zero_point = mi_zero_point0(ctx, &state);
    d->state_type = state.type;
    d->kind = KIND_INT8;
    return MI_OK;
}

#if MI_ENABLE_FLOAT
/* std::fmax / std::fmin as numpy's fmax / fmin compute them: a NaN second
 * operand is ignored (no libm call needed). */
static float fmax_f(float a, float b) { return (a >= b || b != b) ? a : b; }
static float fmin_f(float a, float b) { return (a <= b || b != b) ? a : b; }

/* TFLM ActivationValFloat (svdf.py activation_val_float): fmax/fmin ignore NaN. */
static float activation_val_float(int activation, float x)
{
    switch (activation) {
    case MI_ACT_NONE: return x;
    case MI_ACT_RELU: return fmax_f(0.0f, x);
    case MI_ACT_RELU_N1_TO_1: return fmax_f(-1.0f, fmin_f(x, 1.0f));
    case MI_ACT_RELU6: return fmax_f(0.0f, fmin_f(x, 6.0f));
    case MI_ACT_TANH: return tanhf(x);
    case MI_ACT_SIGN_BIT: return signbit(x) ? 1.0f : 0.0f;
    default: return 0.0f; /* an activation TFLM does not know */
    }
}

static void invoke_float(const op_data_t *d, const float *x, const float *wf, const float *wt, const float *bias,
                         float *state, float *y)
{
    int32_t b, f, k, u, r;
    const int32_t M = d->memory;
    for (b = 0; b < d->batch; b++) {
        const float *xr = x + (size_t)b * (size_t)d->n_input;
        for (f = 0; f < d->filters; f++) {
            float *mem = state + ((size_t)b * (size_t)d->filters + (size_t)f) * (size_t)M;
            const float *w = wf + (size_t)f * (size_t)d->n_input;
            float acc = 0.0f;
            memmove(mem, mem + 1, (size_t)(M - 1) * sizeof *mem);
            for (k = 0; k < d->n_input; k++) acc += w[k] * xr[k];
            mem[M - 1] = acc;
        }
        for (u = 0; u < d->units; u++) {
            float acc = bias[u];
            for (r = 0; r < d->rank; r++) {
                const int32_t f2 = u * d->rank + r;
                const float *mem = state + ((size_t)b * (size_t)d->filters + (size_t)f2) * (size_t)M;
                const float *w = wt + (size_t)f2 * (size_t)M;
                float dot = 0.0f;
                for (k = 0; k < M; k++) dot += w[k] * mem[k];
                acc += dot;
            }
            y[(size_t)b * (size_t)d->units + (size_t)u] = activation_val_float(d->activation, acc);
        }
    }
}
#endif

/* Element k of the int8 or int16 state / time weights. */
static int32_t at(const void *p, int wide, size_t k)
{
    return wide ? ((const int16_t *)p)[k] : ((const int8_t *)p)[k];
}

static int32_t wrap_int8(int64_t v)
{
    uint32_t u = (uint32_t)(uint64_t)v & 0xFFu;
    return u >= 0x80u ? (int32_t)u - 0x100 : (int32_t)u;
}

static void invoke_int8(const op_data_t *d, const int8_t *x, const int8_t *wf, const void *wt,
                        const int32_t *bias, void *state, int8_t *y)
{
    int32_t b, f, k, u, r;
    const int32_t M = d->memory;
    const int wide = d->state_type == MI_TYPE_INT16;
    const size_t elem = wide ? 2u : 1u;
    for (b = 0; b < d->batch; b++) {
        const int8_t *xr = x + (size_t)b * (size_t)d->n_input;
        for (f = 0; f < d->filters; f++) {
            const size_t row = ((size_t)b * (size_t)d->filters + (size_t)f) * (size_t)M;
            const int8_t *w = wf + (size_t)f * (size_t)d->n_input;
            uint32_t dot = 0; /* wrapped to int32 below: modulo-2**32 arithmetic gives the same bits */
            int32_t scaled;
            int64_t fresh;
            memmove((uint8_t *)state + row * elem, (uint8_t *)state + (row + 1u) * elem, (size_t)(M - 1) * elem);
            for (k = 0; k < d->n_input; k++) dot += ((uint32_t)xr[k] - (uint32_t)d->input_zero_point) * (uint32_t)w[k];
            scaled = mi_multiply_by_quantized_multiplier(mi_wrap_int32(dot), d->scale_1_multiplier, d->scale_1_shift);
            scaled = mi_clip_i32(scaled, d->state_min, d->state_max);
            fresh = (int64_t)scaled + d->state_zero_point;
            /* a C store into the narrow state type wraps (svdf.py: astype(state.dtype)) */
            if (wide) ((int16_t *)state)[row + (size_t)M - 1u] = (int16_t)mi_wrap_int16(fresh);
            else ((int8_t *)state)[row + (size_t)M - 1u] = (int8_t)wrap_int8(fresh);
        }
        for (u = 0; u < d->units; u++) {
            uint32_t acc = (uint32_t)bias[u]; /* bias + every time dot, modulo 2**32 (wrapped below) */
            int32_t v;
            for (r = 0; r < d->rank; r++) {
                const int32_t f2 = u * d->rank + r;
                const size_t row = ((size_t)b * (size_t)d->filters + (size_t)f2) * (size_t)M;
                const size_t wrow = (size_t)f2 * (size_t)M;
                for (k = 0; k < M; k++)
                    acc += (uint32_t)at(wt, wide, wrow + (size_t)k) *
                           ((uint32_t)at(state, wide, row + (size_t)k) - (uint32_t)d->state_zero_point);
            }
            v = mi_multiply_by_quantized_multiplier(mi_wrap_int32(acc), d->scale_2_multiplier, d->scale_2_shift);
            y[(size_t)b * (size_t)d->units + (size_t)u] = (int8_t)mi_clip_i32((int64_t)v + d->output_zero_point, -128, 127);
        }
    }
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const void *x = mi_node_input_data(ctx, node, INPUT);
    const void *wf = mi_node_input_data(ctx, node, WEIGHTS_FEATURE);
    const void *wt = mi_node_input_data(ctx, node, WEIGHTS_TIME);
    const void *bias = mi_node_input_data(ctx, node, BIAS);
    void *state = ctx->tensors[mi_node_input_index(ctx, node, STATE)].data; /* variable: writable */
    void *y = mi_node_output_data(ctx, node, OUTPUT);
    switch (d->kind) {
#if MI_ENABLE_FLOAT
    case KIND_FLOAT32:
        invoke_float(d, (const float *)x, (const float *)wf, (const float *)wt, (const float *)bias, (float *)state,
                     (float *)y);
        break;
#endif
    case KIND_INT8:
        invoke_int8(d, (const int8_t *)x, (const int8_t *)wf, wt, (const int32_t *)bias, state, (int8_t *)y);
        break;
    default: return MI_ERR_UNSUPPORTED_TYPE;
    }
    return MI_OK;
}

const mi_registration_t mi_registration_svdf = {MI_OP_SVDF, (uint32_t)sizeof(op_data_t), "SVDF", prepare, invoke};
