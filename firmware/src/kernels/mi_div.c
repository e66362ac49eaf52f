/* DIV (TFLM: kernels/div.cc; Python twin: kernels/div.py).
 *
 * float32: IEEE division (of two NaNs the first, quieted, as x86 SSE and
 *   div.py give it), then the activation clamp.
 * int32 (unquantized only): C division truncating toward zero, then the
 *   integer activation clamp; x / 0 gives 0 (undefined in TFLM: SIGFPE), and
 *   INT32_MIN / -1 wraps, as div.py computes them.
 * int8: never divides. Per element both operands are negated if the divisor
 *   is negative, the divisor's fixed-point reciprocal (GetReciprocal) and the
 *   dividend's leading sign bits normalise the product
 *   (MultiplyByQuantizedMultiplierGreaterThanOne), which is rescaled by
 *   s1 / (s2 s_out) (double from the float32 scales) with the shift lowered by
 *   both exponents. A zero dividend drives that rounding shift to 32 or more,
 *   where mi_rounding_divide_by_pot reproduces the x86-64 oracle; the int32
 *   addition of the zero point then wraps, as in TFLM.
 * The binary loop is mi_elementwise's; the per-element functions are here. */

#include "mi_elementwise.h"

/* op data layout (kernels/div.py MEMORY): 0 pointers, 19 + 9 words, 1 byte */
typedef struct op_data {
    mi_broadcast_t bc;
    int32_t act_min, act_max; /* int32 / int8 */
    float float_min, float_max;
    int32_t input1_offset, input2_offset, output_offset, output_multiplier, output_shift;
    uint8_t type;
} op_data_t;

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t a, b, out;
    uint32_t type;
    int act = options->div.fused_activation_function;
    double denominator;
    MI_TRY(mi_elementwise_prepare(ctx, node,
                                  MI_TYPE_BIT(MI_TYPE_FLOAT32) | MI_TYPE_BIT(MI_TYPE_INT32) | MI_TYPE_BIT(MI_TYPE_INT8),
                                  &a, &b, &out, &type, &d->bc));
    d->type = (uint8_t)type;
    if (type == MI_TYPE_INT32 && (a.scales.count || b.scales.count)) return MI_ERR_UNSUPPORTED_TYPE;
    if (type == MI_TYPE_FLOAT32) return mi_activation_range_float(act, &d->float_min, &d->float_max);
    if (type == MI_TYPE_INT32) {
        mi_elementwise_int32_activation_range(act, &d->act_min, &d->act_max);
        return MI_OK;
    }
    MI_TRY(mi_activation_range_quantized(act, -128, 127, mi_scale0(ctx, &out), mi_zero_point0(ctx, &out),
                                         &d->act_min, &d->act_max));
    denominator = (double)mi_scale0(ctx, &b) * (double)mi_scale0(ctx, &out);
    /* div.py: a zero input 2 or output scale (an unquantized int8 tensor has scale 0) makes the
     * multiplier infinite (TFLM converts it with undefined behaviour): refused */
    if (denominator == 0.0) return MI_ERR_BAD_PARAM;
    MI_TRY(mi_quantize_multiplier((double)mi_scale0(ctx, &a) / denominator, &d->output_multiplier,
                                  &d->output_shift));
    d->input1_offset = -mi_zero_point0(ctx, &a);
    d->input2_offset = -mi_zero_point0(ctx, &b);
    d->output_offset = mi_zero_point0(ctx, &out);
    return MI_OK;
}

#if MI_ENABLE_FLOAT
static float divide_float32(const void *data, float u, float v)
{
    const op_data_t *d = (const op_data_t *)data;
    return mi_clamp_float(mi_elementwise_nan_first(u / v, u, v), d->float_min, d->float_max);
}
#endif

static int32_t divide_int32(const void *data, int32_t n, int32_t q)
{
    const op_data_t *d = (const op_data_t *)data;
    int64_t r = 0;
    if (q != 0) r = (int64_t)n / (int64_t)q; /* C truncation; only INT32_MIN / -1 leaves int32 */
    return mi_clip_i32(mi_wrap_int32(r), d->act_min, d->act_max);
}

static int32_t divide_int8(const void *data, int32_t x1, int32_t x2)
{
    const op_data_t *d = (const op_data_t *)data;
    /* int64 only against hostile zero points; the offsets of a valid model keep v in int9 */
    int32_t v1 = mi_wrap_int32((int64_t)x1 + d->input1_offset);
    int32_t v2 = mi_wrap_int32((int64_t)x2 + d->input2_offset);
    int32_t reciprocal, headroom, unscaled, high, raw;
    int recip_shift, exponent;
    if (v2 < 0) {
        v1 = mi_wrap_int32(-(int64_t)v1);
        v2 = mi_wrap_int32(-(int64_t)v2);
    }
    reciprocal = mi_get_reciprocal(v2, 31, &recip_shift);
    headroom = mi_count_leading_sign_bits_i32(v1);
    unscaled = mi_multiply_by_quantized_multiplier_greater_than_one(v1, reciprocal, headroom);
    /* div.py: TFLM's exponents exceed 31 for a zero dividend; a positive total
     * shift would need a multiplier above 2**22 (a negative-shift UB in TFLM)
     * and is clamped to 0 */
    exponent = recip_shift + headroom - d->output_shift;
    if (exponent < 0) exponent = 0;
    high = mi_saturating_rounding_doubling_high_mul(unscaled, d->output_multiplier);
    raw = mi_rounding_divide_by_pot(high, exponent);
    return mi_clip_i32(mi_wrap_int32((int64_t)raw + d->output_offset), d->act_min, d->act_max);
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    static const mi_binary_arithmetic_t arithmetic = {MI_IF_FLOAT(divide_float32), divide_int32, divide_int8};
    const op_data_t *d = (const op_data_t *)node->op_data;
    mi_elementwise_binary_invoke(ctx, node, &d->bc, d->type, d, &arithmetic);
    return MI_OK;
}

const mi_registration_t mi_registration_div = {MI_OP_DIV, (uint32_t)sizeof(op_data_t), "DIV", prepare, invoke};
