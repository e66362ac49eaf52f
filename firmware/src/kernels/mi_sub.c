/* SUB (TFLM: kernels/sub.cc + sub_common.cc; Python twin: kernels/sub.py).
 *
 * float32 and int32 subtract directly (int32 wraps) and clamp to the fused
 * activation's range (float32: the first operand's NaN wins when both are
 * NaN, as x86 SSE). int8 and int16 follow TFLM's general rescaling, shared
 * with ADD (mi_elementwise_general_rescaling): both inputs are offset,
 * shifted left by left_shift (20 for int8, 15 for int16), scaled to a common
 * scale of twice the larger input scale, subtracted, and rescaled to the
 * output. TFLM micro never takes the int16 power-of-two path. Broadcasting
 * as in mi_elementwise. */
#include "mi_elementwise.h"

#define INPUT1 0
#define INPUT2 1
#define OUTPUT 0

/* fwplan.py layout: 0 pointers, 19 + 15 words, 1 byte */
typedef struct op_data {
    mi_broadcast_t bc;
    mi_general_rescaling_t r;
    int32_t input1_offset, input2_offset, output_offset;
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
    if (type == MI_TYPE_INT32 && (a.scales.count || b.scales.count || out.scales.count))
        return MI_ERR_UNSUPPORTED_TYPE; /* TFLM: unquantized int32 only */
    MI_TRY(mi_elementwise_activation_range(ctx, type, options->add.fused_activation_function, &out, &d->act_min,
                                           &d->act_max, &d->float_min, &d->float_max));
    if (type == MI_TYPE_FLOAT32 || type == MI_TYPE_INT32) return MI_OK;
    MI_TRY(mi_elementwise_general_rescaling(ctx, &a, &b, &out, &d->r));
    d->input1_offset = -mi_zero_point0(ctx, &a);
    d->input2_offset = -mi_zero_point0(ctx, &b);
    d->output_offset = mi_zero_point0(ctx, &out);
    return MI_OK;
}

static int32_t sub_quantized(const op_data_t *d, int32_t x1, int32_t x2)
{
    const mi_general_rescaling_t *r = &d->r;
    const int32_t a = mi_elementwise_rescale_input(x1, d->input1_offset, r->left_shift, r->input1_multiplier,
                                                   r->input1_shift);
    const int32_t b = mi_elementwise_rescale_input(x2, d->input2_offset, r->left_shift, r->input2_multiplier,
                                                   r->input2_shift);
    const int32_t raw = mi_multiply_by_quantized_multiplier_smaller_than_one_exp(
        mi_wrap_int32((int64_t)a - b), r->output_multiplier, r->output_shift);
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
            ((float *)y)[i] = mi_clamp_float(mi_elementwise_nan_first(va - vb, va, vb), d->float_min, d->float_max);
            break;
        }
#endif
        case MI_TYPE_INT32:
            ((int32_t *)y)[i] = mi_clip_i32(
                mi_wrap_int32((int64_t)((const int32_t *)a)[ia] - ((const int32_t *)b)[ib]), d->act_min, d->act_max);
            break;
        case MI_TYPE_INT8:
            ((int8_t *)y)[i] = (int8_t)sub_quantized(d, ((const int8_t *)a)[ia], ((const int8_t *)b)[ib]);
            break;
        default:
            ((int16_t *)y)[i] = (int16_t)sub_quantized(d, ((const int16_t *)a)[ia], ((const int16_t *)b)[ib]);
            break;
        }
        mi_broadcast_iter_next(&it, d->bc.dims, d->bc.strides, 2);
    }
    return MI_OK;
}

const mi_registration_t mi_registration_sub = {MI_OP_SUB, (uint32_t)sizeof(op_data_t), "SUB", prepare, invoke};
