/* ABS (TFLM: kernels/elementwise.cc, AbsEval / AbsEvalQuantized; Python twin:
 * kernels/abs.py).
 *
 * float32: fabsf (clears the sign bit, of -0.0 and NaN too).
 * int16 without quantization: abs on the promoted int, cast back, so -32768
 *   stays -32768.
 * int8, and int16 with quantization (zero points 0): v = |x - zp_in|; when the
 *   two float32 scales are equal the result is v + zp_out, otherwise
 *   MultiplyByQuantizedMultiplier(v, s_in / s_out) + zp_out (the ratio divided
 *   in double, as the oracle computes it); clamped to the type's range. An
 *   int8 tensor without quantization is refused, as TFLM's prepare does, and
 *   so is an output scale of 0 under a non-zero input scale (as abs.py
 *   refuses it; TFLM converts the infinite multiplier with undefined behaviour). */
#include <math.h>

#include "mi_unary.h"

enum { KIND_FLOAT32 = 0, KIND_INT16_PLAIN = 1, KIND_QUANTIZED = 2 };

/* op data layout (kernels/abs.py MEMORY): 0 pointers, 7 words, 2 bytes */
typedef struct op_data {
    int32_t count, input_zero_point, output_zero_point, multiplier, shift, qmin, qmax;
    uint8_t kind, needs_rescale;
} op_data_t;

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t src, dst;
    uint32_t type;
    float s_in, s_out;
    (void)options;
    MI_TRY(mi_unary_check_same_type(
        ctx, node, MI_TYPE_BIT(MI_TYPE_FLOAT32) | MI_TYPE_BIT(MI_TYPE_INT8) | MI_TYPE_BIT(MI_TYPE_INT16), &type));
    MI_TRY(mi_node_input_info(ctx, node, MI_UNARY_INPUT, &src));
    MI_TRY(mi_node_output_info(ctx, node, MI_UNARY_OUTPUT, &dst));
    d->count = (int32_t)src.count;
    if (type == MI_TYPE_FLOAT32) {
        d->kind = KIND_FLOAT32;
        return MI_OK;
    }
    if (type == MI_TYPE_INT16 && !src.scales.count) {
        d->kind = KIND_INT16_PLAIN;
        return MI_OK;
    }
    if (!src.scales.count || !dst.scales.count) return MI_ERR_BAD_PARAM;
    d->input_zero_point = mi_zero_point0(ctx, &src);
    d->output_zero_point = mi_zero_point0(ctx, &dst);
    if (type == MI_TYPE_INT16 && (d->input_zero_point != 0 || d->output_zero_point != 0)) return MI_ERR_BAD_PARAM;
    d->kind = KIND_QUANTIZED;
    MI_TRY(mi_type_range(type, &d->qmin, &d->qmax));
    s_in = mi_scale0(ctx, &src);
    s_out = mi_scale0(ctx, &dst);
    d->needs_rescale = s_in != s_out;
    if (d->needs_rescale && s_out == 0.0f) return MI_ERR_BAD_PARAM; /* abs.py: s_in / s_out is infinite */
    if (d->needs_rescale && mi_quantize_multiplier((double)s_in / (double)s_out, &d->multiplier, &d->shift) != MI_OK)
        return MI_ERR_UNSUPPORTED_TYPE;
    return MI_OK;
}

static int32_t abs_quantized(const op_data_t *d, int32_t x)
{
    int64_t v = (int64_t)x - d->input_zero_point;
    if (v < 0) v = -v;
    /* |v| fits int32 unless a hostile zero point lies outside the type's range: wrapped, never a fault */
    if (d->needs_rescale) v = mi_multiply_by_quantized_multiplier(mi_wrap_int32(v), d->multiplier, d->shift);
    return mi_clip_i32(v + d->output_zero_point, d->qmin, d->qmax);
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const void *x = mi_node_input_data(ctx, node, MI_UNARY_INPUT);
    void *y = mi_node_output_data(ctx, node, MI_UNARY_OUTPUT);
    int32_t i;
    if (d->kind == KIND_FLOAT32) {
        for (i = 0; i < d->count; i++) ((float *)y)[i] = fabsf(((const float *)x)[i]);
    } else if (d->kind == KIND_INT16_PLAIN) {
        for (i = 0; i < d->count; i++) {
            int32_t v = ((const int16_t *)x)[i];
            ((int16_t *)y)[i] = (int16_t)mi_wrap_int16(v < 0 ? -v : v);
        }
    } else if (d->qmax == 127) {
        for (i = 0; i < d->count; i++) ((int8_t *)y)[i] = (int8_t)abs_quantized(d, ((const int8_t *)x)[i]);
    } else {
        for (i = 0; i < d->count; i++) ((int16_t *)y)[i] = (int16_t)abs_quantized(d, ((const int16_t *)x)[i]);
    }
    return MI_OK;
}

const mi_registration_t mi_registration_abs = {MI_OP_ABS, (uint32_t)sizeof(op_data_t), "ABS", prepare, invoke};
