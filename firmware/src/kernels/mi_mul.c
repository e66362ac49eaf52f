/* MUL (TFLM: kernels/mul.cc + mul_common.cc; Python twin: kernels/mul.py).
 *
 * float32 multiplies and clamps to the fused activation's range (when both
 * operands are NaN the second one wins: TFLM's binary lambda gets them
 * swapped); int32 multiplies with two's-complement wrap (WrappingMul) and
 * clamps to the integer activation range (RELU6 is 0..6). int8 and int16
 * multiply the offset inputs in int32 and requantize the product once with
 * MultiplyByQuantizedMultiplier by s1 * s2 / s_out (double, from the float32
 * scales); int16 requires all zero points to be 0. Broadcasting as in
 * mi_elementwise. */
#include "mi_elementwise.h"

#define INPUT1 0
#define INPUT2 1
#define OUTPUT 0

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
    MI_TRY(mi_elementwise_tensors_of(ctx, node, &a, &b, &out, &type));
    MI_TRY(mi_elementwise_check_shapes(&a, &b, &out, &d->bc));
    MI_TRY(mi_elementwise_require_type(type, MI_TYPE_BIT(MI_TYPE_FLOAT32) | MI_TYPE_BIT(MI_TYPE_INT32) |
                                                 MI_TYPE_BIT(MI_TYPE_INT8) | MI_TYPE_BIT(MI_TYPE_INT16)));
    d->type = (uint8_t)type;
    MI_TRY(mi_elementwise_activation_range(ctx, type, options->add.fused_activation_function, &out, &d->act_min,
                                           &d->act_max, &d->float_min, &d->float_max));
    if (type == MI_TYPE_FLOAT32 || type == MI_TYPE_INT32) return MI_OK;
    d->input1_offset = -mi_zero_point0(ctx, &a);
    d->input2_offset = -mi_zero_point0(ctx, &b);
    d->output_offset = mi_zero_point0(ctx, &out);
    if (type == MI_TYPE_INT16 && (d->input1_offset || d->input2_offset || d->output_offset)) return MI_ERR_BAD_PARAM;
    return mi_quantize_multiplier((double)mi_scale0(ctx, &a) * (double)mi_scale0(ctx, &b) /
                                      (double)mi_scale0(ctx, &out),
                                  &d->output_multiplier, &d->output_shift);
}

static int32_t mul_quantized(const op_data_t *d, int32_t x1, int32_t x2)
{
    const int64_t product = ((int64_t)x1 + d->input1_offset) * ((int64_t)x2 + d->input2_offset);
    const int32_t raw = mi_multiply_by_quantized_multiplier(mi_wrap_int32(product), d->output_multiplier,
                                                            d->output_shift);
    return mi_clip_i32((int64_t)raw + d->output_offset, d->act_min, d->act_max);
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
        const uint32_t ia = it.offset[0], ib = it.offset[1];
        switch (d->type) {
#if MI_ENABLE_FLOAT
        case MI_TYPE_FLOAT32: {
            const float va = ((const float *)a)[ia], vb = ((const float *)b)[ib];
            ((float *)y)[i] = mi_clamp_float(mi_elementwise_nan_first(va * vb, vb, va), d->float_min, d->float_max);
            break;
        }
#endif
        case MI_TYPE_INT32: { /* WrappingMul: the low 32 bits of the product */
            const uint32_t p = (uint32_t)((const int32_t *)a)[ia] * (uint32_t)((const int32_t *)b)[ib];
            ((int32_t *)y)[i] = mi_clip_i32(mi_wrap_int32((int64_t)p), d->act_min, d->act_max);
            break;
        }
        case MI_TYPE_INT8:
            ((int8_t *)y)[i] = (int8_t)mul_quantized(d, ((const int8_t *)a)[ia], ((const int8_t *)b)[ib]);
            break;
        default:
            ((int16_t *)y)[i] = (int16_t)mul_quantized(d, ((const int16_t *)a)[ia], ((const int16_t *)b)[ib]);
            break;
        }
        mi_broadcast_iter_next(&it, d->bc.dims, d->bc.strides, 2);
    }
    return MI_OK;
}

const mi_registration_t mi_registration_mul = {MI_OP_MUL, (uint32_t)sizeof(op_data_t), "MUL", prepare, invoke};
