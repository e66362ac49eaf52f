/* RSQRT (TFLM: kernels/elementwise.cc, RsqrtEval / RsqrtEvalQuantized; Python
 * twin: kernels/rsqrt.py).
 *
 * float32: 1.f / sqrtf(x) (both correctly rounded in IEEE arithmetic; a
 *   negative x gives x86's default NaN on every target, mi_unary_sqrt).
 * int8 and int16 (quantized; int16 with zero points 0): v = x - zp_in must be
 *   >= 0 -- invoke fails with MI_ERR_BAD_PARAM otherwise, as TFLM and rsqrt.py
 *   do. v == 0 gives the type's maximum; otherwise
 *   GetInvSqrtQuantizedMultiplierExp(v) gives 1/sqrt(v) as a multiplier,
 *   applied to 1 with an extra left shift of 20, then rescaled by
 *   1 / (sqrt(s_in) * s_out) (all in double, as the oracle computes it) with
 *   the shift lowered by 20, plus zp_out, clamped. rsqrt.py tabulates this per
 *   input value in prepare; here it is computed per element, so the arena
 *   holds no table (the same arithmetic, the same bytes). An int16 tensor
 *   without quantization is refused (TFLM reads uninitialised parameters). */
#include <math.h>

#include "mi_unary.h"

#define K_SHIFT 20 /* TFLM's kShift: keeps the intermediate 1/sqrt(v) an integer */

enum { KIND_FLOAT32 = 0, KIND_INT8 = 1, KIND_INT16 = 2 };

/* op data layout (kernels/rsqrt.py MEMORY): 0 pointers, 7 words, 1 byte */
typedef struct op_data {
    int32_t count, input_zero_point, output_zero_point, multiplier, shift, qmin, qmax;
    uint8_t kind;
} op_data_t;

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t src, dst;
    uint32_t type;
    double real;
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
    if (!src.scales.count || !dst.scales.count)
        return type == MI_TYPE_INT8 ? MI_ERR_BAD_PARAM : MI_ERR_UNSUPPORTED_TYPE;
    d->input_zero_point = mi_zero_point0(ctx, &src);
    d->output_zero_point = mi_zero_point0(ctx, &dst);
    if (type == MI_TYPE_INT16 && (d->input_zero_point != 0 || d->output_zero_point != 0)) return MI_ERR_BAD_PARAM;
    real = 1.0 / (sqrt((double)mi_scale0(ctx, &src)) * (double)mi_scale0(ctx, &dst));
    if (mi_quantize_multiplier(real, &d->multiplier, &d->shift) != MI_OK) return MI_ERR_UNSUPPORTED_TYPE;
    MI_TRY(mi_type_range(type, &d->qmin, &d->qmax));
    d->kind = type == MI_TYPE_INT8 ? KIND_INT8 : KIND_INT16;
    return MI_OK;
}

/* the rsqrt.py table entry of v = x - zp_in >= 0 */
static int32_t rsqrt_quantized(const op_data_t *d, int64_t v64)
{
    int32_t v = mi_wrap_int32(v64); /* v64 < 2**31 unless a hostile zero point is outside the type's range */
    int32_t inv_multiplier, inv_shift, scaled, raw;
    if (v == 0) return d->qmax; /* "any value close to 0 represents the max output value" */
    mi_inv_sqrt_quantized_multiplier_exp(v, -1, &inv_multiplier, &inv_shift);
    scaled = mi_multiply_by_quantized_multiplier(1, inv_multiplier, inv_shift + K_SHIFT);
    raw = mi_multiply_by_quantized_multiplier(scaled, d->multiplier, d->shift - K_SHIFT);
    return mi_clip_i32((int64_t)raw + d->output_zero_point, d->qmin, d->qmax);
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const void *x = mi_node_input_data(ctx, node, MI_UNARY_INPUT);
    void *y = mi_node_output_data(ctx, node, MI_UNARY_OUTPUT);
    int32_t i;
    if (d->kind == KIND_FLOAT32) {
        for (i = 0; i < d->count; i++) ((float *)y)[i] = 1.0f / mi_unary_sqrt(((const float *)x)[i]);
        return MI_OK;
    }
    /* the whole input is checked first: rsqrt.py raises before writing anything */
    for (i = 0; i < d->count; i++) {
        int64_t v = d->kind == KIND_INT8 ? ((const int8_t *)x)[i] : ((const int16_t *)x)[i];
        if (v - d->input_zero_point < 0) return MI_ERR_BAD_PARAM;
    }
    for (i = 0; i < d->count; i++) {
        if (d->kind == KIND_INT8)
            ((int8_t *)y)[i] = (int8_t)rsqrt_quantized(d, (int64_t)((const int8_t *)x)[i] - d->input_zero_point);
        else
            ((int16_t *)y)[i] = (int16_t)rsqrt_quantized(d, (int64_t)((const int16_t *)x)[i] - d->input_zero_point);
    }
    return MI_OK;
}

const mi_registration_t mi_registration_rsqrt = {MI_OP_RSQRT, (uint32_t)sizeof(op_data_t), "RSQRT", prepare,
                                                 invoke};
