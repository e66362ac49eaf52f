/* FULLY_CONNECTED (TFLM: kernels/fully_connected.cc + fully_connected_common.cc,
 * reference FullyConnected / integer_ops::FullyConnected[PerChannel];
 * Python twin: kernels/fully_connected.py, which documents the TFLM quirks
 * reproduced here:
 *   - batches = output size without its last dim; the input is read as
 *     [batches, accum_depth]; only the first output_depth filter rows are used;
 *   - multipliers in double throughout, as the oracle wheel computes them:
 *     double(s_in) * double(s_w) / s_out per tensor, double(s_in) * double(s_w[c])
 *     / s_out per channel;
 *   - per-tensor weights keep their zero point, per-channel ones ignore it;
 *   - int32 accumulators wrap (unsigned arithmetic here), int64 ones use the
 *     16-bit-reduced multiplier;
 *   - float32: ((0 + x0*w0) + x1*w1) + ... in float32, + bias, clamp.
 * Supported: float32, int8 x int8 (per-tensor or per-channel, int32 bias),
 * int16 x int8 (int64/int32/no bias).
 *
 * Reading order: prepare, the reference loops (invoke_float, invoke_int8,
 * invoke_int16: the twins of fully_connected.py and the fallback), then the
 * fast path invoke_int8_fast (int8 with symmetric weights, the usual case):
 * the same int32 sums as dot products four output rows at a time (mi_simd.h:
 * SMLAD on a Cortex-M4, plain C elsewhere). */
#include <math.h>

#include "mi_kernel_util.h"
#include "mi_simd.h"

#define INPUT 0
#define WEIGHTS 1
#define BIAS 2
#define OUTPUT 0

enum { KIND_FLOAT32 = 0, KIND_INT8 = 1, KIND_INT16 = 2 };
#define NO_BIAS 0xFFu

/* op data layout (kernels/fully_connected.py MEMORY): 2 pointers, 12 words, 3 bytes */
typedef struct op_data {
    int32_t *multiplier; /* per output channel, NULL when per-tensor */
    int32_t *shift;
    int32_t output_multiplier, output_shift;
    int32_t batches, accum_depth, output_depth;
    int32_t input_offset, weights_offset, output_offset;
    int32_t act_min, act_max;
    float float_min, float_max;
    uint8_t kind, acc64, bias_type;
} op_data_t;

/* invoke's choice for int8: the fast path takes symmetric weights and inputs
 * whose offset keeps them in int16 */
static inline int int8_fast(const op_data_t *d) { return d->weights_offset == 0 && mi_simd_offset_ok(d->input_offset); }

MI_COLD static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    const mi_fully_connected_options_t *opts = &options->fully_connected;
    mi_tensor_info_t in, w, out, bias;
    int has_bias = mi_node_input_index(ctx, node, BIAS) >= 0;
    int64_t batches;
    float in_scale, out_scale;
    int32_t qmin, qmax, c;

    MI_TRY(mi_node_input_info(ctx, node, INPUT, &in));
    MI_TRY(mi_node_input_info(ctx, node, WEIGHTS, &w));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &out));
    if (has_bias) MI_TRY(mi_node_input_info(ctx, node, BIAS, &bias));
    d->bias_type = has_bias ? bias.type : NO_BIAS;
    if (in.type != out.type) return MI_ERR_BAD_PARAM;
    if (in.type == MI_TYPE_FLOAT32 && w.type == MI_TYPE_FLOAT32 && MI_ENABLE_FLOAT) d->kind = KIND_FLOAT32;
    else if (in.type == MI_TYPE_INT8 && w.type == MI_TYPE_INT8) d->kind = KIND_INT8;
    else if (in.type == MI_TYPE_INT16 && w.type == MI_TYPE_INT8 && MI_ENABLE_INT16) d->kind = KIND_INT16;
    else return MI_ERR_UNSUPPORTED_TYPE;
    if (w.rank < 2 || out.rank < 1) return MI_ERR_BAD_PARAM;
    d->accum_depth = w.dims[w.rank - 1];
    d->output_depth = out.dims[out.rank - 1];
    batches = mi_dims_product(&out, 0, out.rank - 1u);
    d->batches = (int32_t)batches;
    if (w.dims[w.rank - 2] < d->output_depth) return MI_ERR_BAD_PARAM;
    if ((int64_t)in.count != batches * d->accum_depth) return MI_ERR_BAD_PARAM;
    if (has_bias && bias.count < (uint32_t)d->output_depth) return MI_ERR_BAD_PARAM;

    if (d->kind == KIND_FLOAT32) {
        if (has_bias && bias.type != MI_TYPE_FLOAT32) return MI_ERR_UNSUPPORTED_TYPE;
        return mi_activation_range_float(opts->fused_activation_function, &d->float_min, &d->float_max);
    }

    if (!in.scales.count || !out.scales.count || !w.scales.count) return MI_ERR_BAD_PARAM;
    if (d->kind == KIND_INT8) {
        if (has_bias && bias.type != MI_TYPE_INT32) return MI_ERR_UNSUPPORTED_TYPE;
        d->acc64 = 0;
    } else {
        if (has_bias && bias.type != MI_TYPE_INT32 && bias.type != MI_TYPE_INT64) return MI_ERR_UNSUPPORTED_TYPE;
        d->acc64 = has_bias ? bias.type == MI_TYPE_INT64 : opts->quantized_bias_type != MI_TYPE_INT32;
    }

    in_scale = mi_scale0(ctx, &in);
    out_scale = mi_scale0(ctx, &out);
    if (mi_float_is_zero(out_scale)) return MI_ERR_BAD_PARAM;
    if (w.scales.count > 1) {
        int32_t qdim = w.quantized_dimension;
        if (qdim >= (int32_t)w.rank || (uint32_t)w.dims[qdim] != w.scales.count) return MI_ERR_BAD_PARAM;
        if (w.scales.count < (uint32_t)d->output_depth) return MI_ERR_BAD_PARAM;
        d->multiplier = mi_alloc_i32(ctx, (uint32_t)d->output_depth);
        d->shift = mi_alloc_i32(ctx, (uint32_t)d->output_depth);
        if (!d->multiplier || !d->shift) return MI_ERR_ARENA_TOO_SMALL;
        for (c = 0; c < d->output_depth; c++) {
            MI_TRY(mi_quantize_scale_ratio(in_scale, mi_info_scale(ctx, &w, (uint32_t)c), out_scale, &d->multiplier[c],
                                           &d->shift[c]));
            if (d->kind == KIND_INT16 && d->shift[c] > MI_INT64_MULTIPLIER_MAX_SHIFT) return MI_ERR_BAD_PARAM;
        }
        d->weights_offset = 0; /* TFLM's per-channel kernel ignores the weights zero point */
    } else {
        const float w_scale = mi_scale0(ctx, &w);
        /* TFLM GetQuantizedConvolutionMultipler's sanity check on the bias scale */
        if (has_bias && mi_bias_scale_mismatch(in_scale, w_scale, mi_scale0(ctx, &bias), out_scale))
            return MI_ERR_BAD_PARAM;
        if (mi_scale_product_negative(in_scale, w_scale)) return MI_ERR_BAD_PARAM;
        /* in double throughout, as the TFLM oracle wheel computes it (twin of fully_connected.py),
         * here in integers (mi_quant.h) */
        MI_TRY(mi_quantize_scale_ratio(in_scale, w_scale, out_scale, &d->output_multiplier, &d->output_shift));
        if (d->kind == KIND_INT16 && d->output_shift > MI_INT64_MULTIPLIER_MAX_SHIFT) return MI_ERR_BAD_PARAM;
        d->weights_offset = -mi_zero_point0(ctx, &w);
    }
    d->input_offset = -mi_zero_point0(ctx, &in);
    d->output_offset = mi_zero_point0(ctx, &out);
    /* headroom so every (x + offset) * (w + offset) product fits in int32 */
    if (!mi_zero_point_in(d->input_offset, -32767, 32768)) return MI_ERR_UNSUPPORTED_TYPE;
    if (!mi_zero_point_in(d->weights_offset, d->kind == KIND_INT8 ? -32767 : -127,
                          d->kind == KIND_INT8 ? 32768 : 128))
        return MI_ERR_UNSUPPORTED_TYPE;
#if !MI_ENABLE_INT8_REFERENCE
    if (d->kind == KIND_INT8 && !int8_fast(d)) return MI_ERR_UNSUPPORTED_SHAPE; /* compiled out (mi_config.h) */
#endif
    MI_TRY(mi_type_range(out.type, &qmin, &qmax));
    return mi_activation_range_quantized(opts->fused_activation_function, qmin, qmax, out_scale,
                                         d->output_offset, &d->act_min, &d->act_max);
}

#if MI_ENABLE_FLOAT
static void invoke_float(const op_data_t *d, const float *x, const float *w, const float *bias, float *y)
{
    int32_t b, c, k;
    const int32_t depth = d->accum_depth;
    for (b = 0; b < d->batches; b++) {
        const float *xr = x + (size_t)b * (size_t)depth;
        for (c = 0; c < d->output_depth; c++) {
            const float *wr = w + (size_t)c * (size_t)depth;
            float total = 0.0f;
            for (k = 0; k < depth; k++) total += xr[k] * wr[k];
            y[(size_t)b * (size_t)d->output_depth + (size_t)c] =
                mi_clamp_float(total + (bias ? bias[c] : 0.0f), d->float_min, d->float_max);
        }
    }
}
#endif

static int32_t requantize(const op_data_t *d, int32_t acc, int32_t c)
{
    int32_t scaled = d->multiplier
                         ? mi_multiply_by_quantized_multiplier_inline(acc, d->multiplier[c], d->shift[c])
                         : mi_multiply_by_quantized_multiplier_inline(acc, d->output_multiplier, d->output_shift);
    return mi_clip_i32((int64_t)scaled + d->output_offset, d->act_min, d->act_max);
}

/* The int32 two's-complement value of a wrapping sum (compiles to nothing). */
static inline int32_t as_int32(uint32_t u)
{
    return u >= 0x80000000u ? (int32_t)(u - 0x80000000u) + MI_INT32_MIN : (int32_t)u;
}

/* The fast path of invoke_int8 (see the file comment): symmetric weights. */
static void invoke_int8_fast(const op_data_t *d, const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y)
{
    const int32_t depth = d->accum_depth;
    int32_t b, c;
    for (b = 0; b < d->batches; b++) {
        const int8_t *xr = x + (size_t)b * (size_t)depth;
        int8_t *out = y + (size_t)b * (size_t)d->output_depth;
        for (c = 0; c + 4 <= d->output_depth; c += 4) {
            uint32_t acc[4] = {0, 0, 0, 0};
            int j;
            mi_dot4_int8(xr, w + (size_t)c * (size_t)depth, (size_t)depth, depth, d->input_offset, acc);
            for (j = 0; j < 4; j++)
                out[c + j] = (int8_t)requantize(d, as_int32(acc[j] + (bias ? (uint32_t)bias[c + j] : 0u)), c + j);
        }
        for (; c < d->output_depth; c++) {
            uint32_t acc = mi_dot1_int8(xr, w + (size_t)c * (size_t)depth, depth, d->input_offset);
            out[c] = (int8_t)requantize(d, as_int32(acc + (bias ? (uint32_t)bias[c] : 0u)), c);
        }
    }
}

#if MI_ENABLE_INT8_REFERENCE
static void invoke_int8(const op_data_t *d, const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y)
{
    int32_t b, c, k;
    const int32_t depth = d->accum_depth;
    for (b = 0; b < d->batches; b++) {
        const int8_t *xr = x + (size_t)b * (size_t)depth;
        for (c = 0; c < d->output_depth; c++) {
            const int8_t *wr = w + (size_t)c * (size_t)depth;
            uint32_t acc = 0; /* int32 accumulator with defined wrap-around */
            if (d->weights_offset == 0) { /* symmetric weights: the usual case, one add less */
                for (k = 0; k < depth; k++) acc += (uint32_t)((int32_t)wr[k] * ((int32_t)xr[k] + d->input_offset));
            } else {
                for (k = 0; k < depth; k++)
                    acc += (uint32_t)(((int32_t)wr[k] + d->weights_offset) * ((int32_t)xr[k] + d->input_offset));
            }
            if (bias) acc += (uint32_t)bias[c];
            y[(size_t)b * (size_t)d->output_depth + (size_t)c] = (int8_t)requantize(d, mi_wrap_int32(acc), c);
        }
    }
}
#endif

#if MI_ENABLE_INT16
static void invoke_int16(const op_data_t *d, const int16_t *x, const int8_t *w, const void *bias, int16_t *y)
{
    int32_t b, c, k;
    const int32_t depth = d->accum_depth;
    for (b = 0; b < d->batches; b++) {
        const int16_t *xr = x + (size_t)b * (size_t)depth;
        for (c = 0; c < d->output_depth; c++) {
            const int8_t *wr = w + (size_t)c * (size_t)depth;
            int32_t v;
            if (d->acc64) {
                int64_t acc = 0;
                for (k = 0; k < depth; k++)
                    acc += ((int32_t)wr[k] + d->weights_offset) * ((int32_t)xr[k] + d->input_offset);
                if (bias) acc = mi_wrap_add_i64(acc, d->bias_type == MI_TYPE_INT64 ? mi_load_i64(bias, (size_t)c) : ((const int32_t *)bias)[c]);
                v = mi_multiply_by_quantized_multiplier_int64(
                    acc, d->multiplier ? d->multiplier[c] : d->output_multiplier,
                    d->multiplier ? d->shift[c] : d->output_shift);
                v = mi_clip_i32((int64_t)v + d->output_offset, d->act_min, d->act_max);
            } else {
                uint32_t acc = 0;
                for (k = 0; k < depth; k++)
                    acc += (uint32_t)(((int32_t)wr[k] + d->weights_offset) * ((int32_t)xr[k] + d->input_offset));
                if (bias) acc += d->bias_type == MI_TYPE_INT64 ? (uint32_t)(uint64_t)mi_load_i64(bias, (size_t)c)
                                                               : (uint32_t)((const int32_t *)bias)[c];
                v = requantize(d, mi_wrap_int32(acc), c);
            }
            y[(size_t)b * (size_t)d->output_depth + (size_t)c] = (int16_t)v;
        }
    }
}
#endif

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const void *x = mi_node_input_data(ctx, node, INPUT);
    const void *w = mi_node_input_data(ctx, node, WEIGHTS);
    const void *bias = mi_node_input_data(ctx, node, BIAS);
    void *y = mi_node_output_data(ctx, node, OUTPUT);
    switch (d->kind) {
#if MI_ENABLE_FLOAT
    case KIND_FLOAT32: invoke_float(d, (const float *)x, (const float *)w, (const float *)bias, (float *)y); break;
#endif
    case KIND_INT8:
        if (int8_fast(d))
            invoke_int8_fast(d, (const int8_t *)x, (const int8_t *)w, (const int32_t *)bias, (int8_t *)y);
#if MI_ENABLE_INT8_REFERENCE
        else
            invoke_int8(d, (const int8_t *)x, (const int8_t *)w, (const int32_t *)bias, (int8_t *)y);
#endif
        break;
#if MI_ENABLE_INT16
    case KIND_INT16: invoke_int16(d, (const int16_t *)x, (const int8_t *)w, bias, (int16_t *)y); break;
#endif
    default: return MI_ERR_UNSUPPORTED_TYPE;
    }
    return MI_OK;
}

const mi_registration_t mi_registration_fully_connected = {
    MI_OP_FULLY_CONNECTED, (uint32_t)sizeof(op_data_t), "FULLY_CONNECTED", prepare, invoke};
