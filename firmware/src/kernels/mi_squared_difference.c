/* SQUARED_DIFFERENCE (TFLM: kernels/squared_difference.cc; Python twin:
 * kernels/squared_difference.py).
 *
 * (x - y)**2 element-wise, broadcast as in mi_elementwise, no activation.
 * float32: one float32 subtraction and one float32 product.
 * int32: the same in int32 arithmetic (both steps wrap).
 * int8 / int16: both inputs are offset, shifted left by left_shift (7 for
 *   int8, whose zero points must lie in its range, 0 for int16, whose zero
 *   points must be 0), scaled by
 *   s_i / (2 max(s1, s2)) (MultiplyByQuantizedMultiplierSmallerThanOneExp),
 *   subtracted and squared in int32, then rescaled by
 *   (2 max)**2 / (2**(2 left_shift) s_out) with the plain
 *   MultiplyByQuantizedMultiplier (it may exceed 1), plus zp_out, clamped.
 *   A zero input scale (TFLM aborts) or output scale is refused.
 *   Multipliers from double arithmetic on the float32 scales; the inputs are
 *   rescaled by mi_elementwise_rescale_input (elementwise.rescale_input).
 * The binary loop is mi_elementwise's; the per-element functions are here. */
#include <float.h>

#include "mi_elementwise.h"

/* op data layout (kernels/squared_difference.py MEMORY): 0 pointers, 19 + 12 words, 1 byte */
typedef struct op_data {
    mi_broadcast_t bc;
    int32_t left_shift;
    int32_t input1_offset, input1_multiplier, input1_shift;
    int32_t input2_offset, input2_multiplier, input2_shift;
    int32_t output_offset, output_multiplier, output_shift;
    int32_t qmin, qmax;
    uint8_t type;
} op_data_t;

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t a, b, out;
    uint32_t type;
    double s1, s2, so, twice_max, scaled_out;
    (void)options;
    MI_TRY(mi_elementwise_prepare(ctx, node, MI_ARITHMETIC_TYPES, &a, &b, &out, &type, &d->bc));
    d->type = (uint8_t)type;
    if (type == MI_TYPE_FLOAT32 || type == MI_TYPE_INT32) return MI_OK;
    if (!a.scales.count || !b.scales.count || !out.scales.count) return MI_ERR_UNSUPPORTED_TYPE;
    d->input1_offset = -mi_zero_point0(ctx, &a);
    d->input2_offset = -mi_zero_point0(ctx, &b);
    d->output_offset = mi_zero_point0(ctx, &out);
    if (type == MI_TYPE_INT16 && (d->input1_offset || d->input2_offset || d->output_offset)) return MI_ERR_BAD_PARAM;
    if (type == MI_TYPE_INT8 && !(mi_zero_point_in(-d->input1_offset, -128, 127) &&
                                  mi_zero_point_in(-d->input2_offset, -128, 127) &&
                                  mi_zero_point_in(d->output_offset, -128, 127)))
        return MI_ERR_BAD_PARAM; /* TFLM's prepare checks them */
    d->left_shift = type == MI_TYPE_INT8 ? 7 : 0;
    s1 = (double)mi_scale0(ctx, &a);
    s2 = (double)mi_scale0(ctx, &b);
    so = (double)mi_scale0(ctx, &out);
    /* TFLM's QuantizeMultiplierSmallerThanOneExp CHECK-aborts unless both input multipliers
     * (each scale over twice the larger) lie in (0, 1): both scales finite and positive */
    if (!(s1 > 0.0 && s1 <= FLT_MAX && s2 > 0.0 && s2 <= FLT_MAX)) return MI_ERR_UNSUPPORTED_TYPE;
    if (so == 0.0) return MI_ERR_BAD_PARAM;                     /* elementwise.nonzero_output_scale */
    twice_max = 2.0 * (s1 > s2 ? s1 : s2);
    /* in (0, 1/2]: SmallerThanOneExp's CHECKs hold */
    MI_TRY(mi_quantize_multiplier(s1 / twice_max, &d->input1_multiplier, &d->input1_shift));
    MI_TRY(mi_quantize_multiplier(s2 / twice_max, &d->input2_multiplier, &d->input2_shift));
    scaled_out = (double)((float)(1 << (2 * d->left_shift)) * (float)so); /* exact float32 product */
    if (mi_quantize_multiplier(twice_max * twice_max / scaled_out, &d->output_multiplier, &d->output_shift) != MI_OK)
        return MI_ERR_UNSUPPORTED_TYPE;
    return mi_type_range(type, &d->qmin, &d->qmax);
}

#if MI_ENABLE_FLOAT
static float squared_difference_float32(const void *data, float a, float b)
{
    const float diff = a - b;
    (void)data;
    return diff * diff;
}
#endif

static int32_t squared_difference_int32(const void *data, int32_t a, int32_t b)
{
    const int64_t diff = mi_wrap_int32((int64_t)a - b);
    (void)data;
    return mi_wrap_int32(diff * diff);
}

static int32_t squared_difference_quantized(const void *data, int32_t x1, int32_t x2)
{
    const op_data_t *d = (const op_data_t *)data;
    const int64_t diff = (int64_t)mi_elementwise_rescale_input(x1, d->input1_offset, d->left_shift,
                                                               d->input1_multiplier, d->input1_shift) -
                         mi_elementwise_rescale_input(x2, d->input2_offset, d->left_shift, d->input2_multiplier,
                                                      d->input2_shift);
    const int32_t raw = mi_multiply_by_quantized_multiplier(mi_wrap_int32(diff * diff), d->output_multiplier,
                                                            d->output_shift);
    return mi_clip_i32((int64_t)raw + d->output_offset, d->qmin, d->qmax);
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    static const mi_binary_arithmetic_t arithmetic = {MI_IF_FLOAT(squared_difference_float32),
                                                      squared_difference_int32, squared_difference_quantized};
    const op_data_t *d = (const op_data_t *)node->op_data;
    mi_elementwise_binary_invoke(ctx, node, &d->bc, d->type, d, &arithmetic);
    return MI_OK;
}

const mi_registration_t mi_registration_squared_difference = {
    MI_OP_SQUARED_DIFFERENCE, (uint32_t)sizeof(op_data_t), "SQUARED_DIFFERENCE", prepare, invoke};
