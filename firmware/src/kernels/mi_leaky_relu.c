/* LEAKY_RELU (TFLM: kernels/leaky_relu.cc + leaky_relu_common.cc;
 * Python twin: kernels/leaky_relu.py).
 *
 * float32: x > 0 ? x : x * alpha (so -0.0 and NaN take the alpha branch).
 * int8 / int16: two multipliers, s_in / s_out for x >= zero point (the
 * "identity") and s_in * alpha / s_out below it, both computed in double from
 * the float32 values (what the oracle build's prepare does). A negative alpha
 * gives a negative multiplier, which TFLM applies as
 * -MultiplyByQuantizedMultiplier(x, -m). */
#include "mi_kernel_util.h"

#define INPUT 0
#define OUTPUT 0

enum { KIND_FLOAT32 = 0, KIND_INT8 = 1, KIND_INT16 = 2 };

/* fwplan.py layout: 0 pointers, 8 words, 2 bytes */
typedef struct op_data {
    float alpha;
    int32_t input_offset, output_offset;
    int32_t identity_multiplier, identity_shift;
    int32_t alpha_multiplier, alpha_shift; /* magnitude; the sign is in alpha_negative */
    int32_t count;
    uint8_t kind, alpha_negative;
} op_data_t;

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t src, dst;
    double s_in, s_out;
    MI_TRY(mi_node_input_info(ctx, node, INPUT, &src));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &dst));
    if (src.type != dst.type) return MI_ERR_BAD_PARAM;
    if (src.count != dst.count) return MI_ERR_BAD_PARAM; /* numpy would refuse to broadcast */
    d->alpha = options->leaky_relu.alpha;
    d->count = (int32_t)src.count;
    if (src.type == MI_TYPE_FLOAT32 && MI_ENABLE_FLOAT) {
        d->kind = KIND_FLOAT32;
        return MI_OK;
    }
    if (src.type == MI_TYPE_INT8) d->kind = KIND_INT8;
    else if (src.type == MI_TYPE_INT16 && MI_ENABLE_INT16) d->kind = KIND_INT16;
    else return MI_ERR_UNSUPPORTED_TYPE;
    s_in = (double)mi_scale0(ctx, &src);
    s_out = (double)mi_scale0(ctx, &dst);
    MI_TRY(mi_quantize_multiplier(s_in * (double)d->alpha / s_out, &d->alpha_multiplier, &d->alpha_shift));
    MI_TRY(mi_quantize_multiplier(s_in / s_out, &d->identity_multiplier, &d->identity_shift));
    d->alpha_negative = d->alpha_multiplier < 0;
    /* -2**31 stays as it is: its magnitude 2**31 has no int32 (see scale_by_alpha) */
    if (d->alpha_negative && d->alpha_multiplier != MI_INT32_MIN) d->alpha_multiplier = -d->alpha_multiplier;
    d->input_offset = mi_zero_point0(ctx, &src);
    d->output_offset = mi_zero_point0(ctx, &dst);
    return MI_OK;
}

/* |m_alpha| * x with the shift; a magnitude of exactly 2**31 (a negative
 * multiplier whose mantissa rounded to -1) makes the doubling high multiply
 * return x itself, as the Python twin's int64 arithmetic computes it. */
static int64_t scale_by_alpha(const op_data_t *d, int32_t v)
{
    int left = d->alpha_shift > 0 ? d->alpha_shift : 0, right = d->alpha_shift > 0 ? 0 : -d->alpha_shift;
    if (d->alpha_multiplier != MI_INT32_MIN)
        return mi_multiply_by_quantized_multiplier(v, d->alpha_multiplier, d->alpha_shift);
    if (left) v = mi_wrap_int32((int64_t)((uint64_t)(uint32_t)v << left));
    return mi_rounding_divide_by_pot(v, right);
}

static int32_t leaky_quantized(const op_data_t *d, int32_t x, int32_t qmin, int32_t qmax)
{
    int64_t v = (int64_t)x - d->input_offset, r;
    if (v >= 0) {
        r = mi_multiply_by_quantized_multiplier((int32_t)v, d->identity_multiplier, d->identity_shift);
    } else {
        r = scale_by_alpha(d, (int32_t)v);
        if (d->alpha_negative) r = -r;
    }
    return mi_clip_i32(r + d->output_offset, qmin, qmax);
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const void *x = mi_node_input_data(ctx, node, INPUT);
    void *y = mi_node_output_data(ctx, node, OUTPUT);
    int32_t i;
    switch (d->kind) {
#if MI_ENABLE_FLOAT
    case KIND_FLOAT32:
        for (i = 0; i < d->count; i++) {
            float v = ((const float *)x)[i];
            ((float *)y)[i] = v > 0.0f ? v : v * d->alpha;
        }
        break;
#endif
    case KIND_INT8:
        for (i = 0; i < d->count; i++)
            ((int8_t *)y)[i] = (int8_t)leaky_quantized(d, ((const int8_t *)x)[i], -128, 127);
        break;
    default:
        for (i = 0; i < d->count; i++)
            ((int16_t *)y)[i] = (int16_t)leaky_quantized(d, ((const int16_t *)x)[i], -32768, 32767);
        break;
    }
    return MI_OK;
}

const mi_registration_t mi_registration_leaky_relu = {MI_OP_LEAKY_RELU, (uint32_t)sizeof(op_data_t), "LEAKY_RELU",
                                                      prepare, invoke};
