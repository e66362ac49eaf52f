/* MUL (TFLM: kernels/mul.cc + mul_common.cc; Python twin: kernels/mul.py).
 *
 * float32 multiplies and clamps to the fused activation's range (when both
 * operands are NaN the second one wins: TFLM's binary lambda gets them
 * swapped); int32 multiplies with two's-complement wrap (WrappingMul) and
 * clamps to the integer activation range (RELU6 is 0..6). int8 and int16
 * multiply the offset inputs in int32 and requantize the product once with
 * MultiplyByQuantizedMultiplier by s1 * s2 / s_out (double, from the float32
 * scales); int16 requires all zero points to be 0. TFLM's int32 arithmetic:
 * with zero points outside the type's range the product and the sum with the
 * output zero point wrap. Broadcasting as in
 * mi_elementwise, whose binary loop calls the per-element functions here. */
#include "mi_elementwise.h"

/* fwplan.py layout: 0 pointers, 19 + 9 words, 1 byte */
typedef struct op_data {
    mi_broadcast_t bc;
    int32_t input1_offset, input2_offset, output_offset, output_multiplier, output_shift;
    int32_t act_min, act_max;
    float float_min, float_max;
    uint8_t type;
} op_data_t;

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t a, b, out;
    uint32_t type;
    MI_TRY(mi_elementwise_prepare(ctx, node, MI_ARITHMETIC_TYPES, &a, &b, &out, &type, &d->bc));
    d->type = (uint8_t)type;
    MI_TRY(mi_elementwise_activation_range(ctx, type, options->add.fused_activation_function, &out, &d->act_min,
                                           &d->act_max, &d->float_min, &d->float_max));
    if (type == MI_TYPE_FLOAT32 || type == MI_TYPE_INT32) return MI_OK;
    d->input1_offset = -mi_zero_point0(ctx, &a);
    d->input2_offset = -mi_zero_point0(ctx, &b);
    d->output_offset = mi_zero_point0(ctx, &out);
    if (type == MI_TYPE_INT16 && (d->input1_offset || d->input2_offset || d->output_offset)) return MI_ERR_BAD_PARAM;
    if (mi_scale0(ctx, &out) == 0.0f) return MI_ERR_BAD_PARAM; /* elementwise.nonzero_output_scale */
    return mi_quantize_multiplier((double)mi_scale0(ctx, &a) * (double)mi_scale0(ctx, &b) /
                                      (double)mi_scale0(ctx, &out),
                                  &d->output_multiplier, &d->output_shift);
}

#if MI_ENABLE_FLOAT
static float mul_float32(const void *data, float a, float b)
{
    const op_data_t *d = (const op_data_t *)data;
    return mi_clamp_float(mi_elementwise_nan_first(a * b, b, a), d->float_min, d->float_max);
}
#endif

/* WrappingMul: the low 32 bits of the product */
static int32_t mul_int32(const void *data, int32_t a, int32_t b)
{
    const op_data_t *d = (const op_data_t *)data;
    return mi_clip_i32(mi_wrap_int32((int64_t)((uint32_t)a * (uint32_t)b)), d->act_min, d->act_max);
}

static int32_t mul_quantized(const void *data, int32_t x1, int32_t x2)
{
    const op_data_t *d = (const op_data_t *)data;
    const int64_t product = ((int64_t)x1 + d->input1_offset) * ((int64_t)x2 + d->input2_offset);
    const int32_t raw = mi_multiply_by_quantized_multiplier(mi_wrap_int32(product), d->output_multiplier,
                                                            d->output_shift);
    return mi_clip_i32(mi_wrap_int32((int64_t)raw + d->output_offset), d->act_min, d->act_max);
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    static const mi_binary_arithmetic_t arithmetic = {MI_IF_FLOAT(mul_float32), mul_int32, mul_quantized};
    const op_data_t *d = (const op_data_t *)node->op_data;
    mi_elementwise_binary_invoke(ctx, node, &d->bc, d->type, d, &arithmetic);
    return MI_OK;
}

const mi_registration_t mi_registration_mul = {MI_OP_MUL, (uint32_t)sizeof(op_data_t), "MUL", prepare, invoke};
