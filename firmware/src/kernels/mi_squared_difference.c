/* SQUARED_DIFFERENCE (TFLM: kernels/squared_difference.cc; Python twin:
 * kernels/squared_difference.py).
 *
 * (x - y)**2 element-wise, broadcast as in mi_elementwise, no activation.
 * float32: one float32 subtraction and one float32 product.
 * int32: the same in int32 arithmetic (both steps wrap).
 * int8 / int16: both inputs are offset, shifted left by left_shift (7 for
 *   int8, 0 for int16, whose zero points must be 0), scaled by
 *   s_i / (2 max(s1, s2)) (MultiplyByQuantizedMultiplierSmallerThanOneExp),
 *   subtracted and squared in int32, then rescaled by
 *   (2 max)**2 / (2**(2 left_shift) s_out) with the plain
 *   MultiplyByQuantizedMultiplier (it may exceed 1), plus zp_out, clamped.
 *   Multipliers from double arithmetic on the float32 scales. */
#include "mi_elementwise.h"

#define INPUT1 0
#define INPUT2 1
#define OUTPUT 0

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
    MI_TRY(mi_elementwise_tensors_of(ctx, node, &a, &b, &out, &type));
    MI_TRY(mi_elementwise_require_type(type, MI_TYPE_BIT(MI_TYPE_FLOAT32) | MI_TYPE_BIT(MI_TYPE_INT32) |
                                                 MI_TYPE_BIT(MI_TYPE_INT8) | MI_TYPE_BIT(MI_TYPE_INT16)));
    MI_TRY(mi_elementwise_check_shapes(&a, &b, &out, &d->bc));
    d->type = (uint8_t)type;
    if (type == MI_TYPE_FLOAT32 || type == MI_TYPE_INT32) return MI_OK;
    if (!a.scales.count || !b.scales.count || !out.scales.count) return MI_ERR_UNSUPPORTED_TYPE;
    d->input1_offset = -mi_zero_point0(ctx, &a);
    d->input2_offset = -mi_zero_point0(ctx, &b);
    d->output_offset = mi_zero_point0(ctx, &out);
    if (type == MI_TYPE_INT16 && (d->input1_offset || d->input2_offset || d->output_offset)) return MI_ERR_BAD_PARAM;
    d->left_shift = type == MI_TYPE_INT8 ? 7 : 0;
    s1 = (double)mi_scale0(ctx, &a);
    s2 = (double)mi_scale0(ctx, &b);
    so = (double)mi_scale0(ctx, &out);
    twice_max = 2.0 * (s1 > s2 ? s1 : s2);
    /* in (0, 1/2]: SmallerThanOneExp's CHECKs hold */
    MI_TRY(mi_quantize_multiplier(s1 / twice_max, &d->input1_multiplier, &d->input1_shift));
    MI_TRY(mi_quantize_multiplier(s2 / twice_max, &d->input2_multiplier, &d->input2_shift));
    scaled_out = (double)((float)(1 << (2 * d->left_shift)) * (float)so); /* exact float32 product */
    if (mi_quantize_multiplier(twice_max * twice_max / scaled_out, &d->output_multiplier, &d->output_shift) != MI_OK)
        return MI_ERR_UNSUPPORTED_TYPE;
    return mi_type_range(type, &d->qmin, &d->qmax);
}

static int32_t rescale_input(int32_t x, int32_t offset, int32_t left_shift, int32_t multiplier, int32_t shift)
{
    /* wraps only for zero points outside the type's range (hostile models): defined, never a fault */
    int32_t shifted = mi_wrap_int32(((int64_t)x + offset) * ((int64_t)1 << left_shift));
    return mi_multiply_by_quantized_multiplier_smaller_than_one_exp(shifted, multiplier, shift);
}

static int32_t squared_difference_quantized(const op_data_t *d, int32_t x1, int32_t x2)
{
    int64_t diff = (int64_t)rescale_input(x1, d->input1_offset, d->left_shift, d->input1_multiplier,
                                          d->input1_shift) -
                   rescale_input(x2, d->input2_offset, d->left_shift, d->input2_multiplier, d->input2_shift);
    int32_t raw = mi_multiply_by_quantized_multiplier(mi_wrap_int32(diff * diff), d->output_multiplier,
                                                      d->output_shift);
    return mi_clip_i32((int64_t)raw + d->output_offset, d->qmin, d->qmax);
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const void *a = mi_node_input_data(ctx, node, INPUT1);
    const void *b = mi_node_input_data(ctx, node, INPUT2);
    void *y = mi_node_output_data(ctx, node, OUTPUT);
    mi_broadcast_iter_t it;
    int32_t i;
    mi_broadcast_iter_init(&it);
    for (i = 0; i < d->bc.count; i++) {
        uint32_t ia = it.offset[0], ib = it.offset[1];
        switch (d->type) {
        case MI_TYPE_FLOAT32: {
            float diff = ((const float *)a)[ia] - ((const float *)b)[ib];
            ((float *)y)[i] = diff * diff;
            break;
        }
        case MI_TYPE_INT32: {
            int64_t diff = mi_wrap_int32((int64_t)((const int32_t *)a)[ia] - ((const int32_t *)b)[ib]);
            ((int32_t *)y)[i] = mi_wrap_int32(diff * diff);
            break;
        }
        case MI_TYPE_INT8:
            ((int8_t *)y)[i] = (int8_t)squared_difference_quantized(d, ((const int8_t *)a)[ia], ((const int8_t *)b)[ib]);
            break;
        default:
            ((int16_t *)y)[i] =
                (int16_t)squared_difference_quantized(d, ((const int16_t *)a)[ia], ((const int16_t *)b)[ib]);
            break;
        }
        mi_broadcast_iter_next(&it, d->bc.dims, d->bc.strides, 2);
    }
    return MI_OK;
}

const mi_registration_t mi_registration_squared_difference = {
    MI_OP_SQUARED_DIFFERENCE, (uint32_t)sizeof(op_data_t), "SQUARED_DIFFERENCE", prepare, invoke};
