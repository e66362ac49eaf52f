/* RELU (TFLM: kernels/activations.cc + activations_common.cc; Python twin:
 * kernels/relu.py).
 *
 * float32: val < 0 ? 0 : val (-0.0 and NaN pass). Quantized RELU in TFLM is
 * a requantization: every value is rescaled from the input to the output
 * scale with MultiplyByQuantizedMultiplier (multiplier from input_scale /
 * output_scale divided in double), then clamped below at the output zero
 * point. int16 requires zero points of 0. */
#include "mi_unary.h"

/* fwplan.py layout: 0 pointers, 7 words, 1 byte */
typedef struct op_data {
    int32_t count, output_multiplier, output_shift, input_offset, output_offset, act_min, act_max;
    uint8_t type;
} op_data_t;

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t src, dst;
    uint32_t type;
    float zero;
    int32_t qmin;
    (void)options;
    MI_TRY(mi_unary_check_float_or(ctx, node, MI_TYPE_BIT(MI_TYPE_INT8) | MI_TYPE_BIT(MI_TYPE_INT16), &type));
    MI_TRY(mi_node_input_info(ctx, node, MI_UNARY_INPUT, &src));
    MI_TRY(mi_node_output_info(ctx, node, MI_UNARY_OUTPUT, &dst));
    d->type = (uint8_t)type;
    d->count = (int32_t)src.count;
    if (type == MI_TYPE_FLOAT32) return MI_OK;
    d->input_offset = mi_zero_point0(ctx, &src);
    d->output_offset = mi_zero_point0(ctx, &dst);
    if (type == MI_TYPE_INT16 && (d->input_offset != 0 || d->output_offset != 0)) return MI_ERR_BAD_PARAM;
    MI_TRY(mi_type_range(type, &qmin, &d->act_max));
    MI_TRY(mi_quantize_multiplier((double)mi_scale0(ctx, &src) / (double)mi_scale0(ctx, &dst), &d->output_multiplier,
                                  &d->output_shift));
    zero = 0.0f / mi_scale0(ctx, &dst); /* TFLM quantizes the 0.0 bound in float32 */
    if (!(zero - zero == 0.0f)) return MI_ERR_BAD_PARAM;
    {
        const int64_t bound = (int64_t)d->output_offset + mi_round_half_away((double)zero);
        d->act_min = bound > qmin ? (int32_t)bound : qmin;
    }
    return MI_OK;
}

static int32_t relu_quantized(const op_data_t *d, int32_t x)
{
    const int32_t v = mi_multiply_by_quantized_multiplier(mi_wrap_int32((int64_t)x - d->input_offset),
                                                          d->output_multiplier, d->output_shift);
    return mi_clip_i32((int64_t)v + d->output_offset, d->act_min, d->act_max);
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const void *x = mi_node_input_data(ctx, node, MI_UNARY_INPUT);
    void *y = mi_node_output_data(ctx, node, MI_UNARY_OUTPUT);
    int32_t i;
    switch (d->type) {
#if MI_ENABLE_FLOAT
    case MI_TYPE_FLOAT32:
        for (i = 0; i < d->count; i++) {
            const float v = ((const float *)x)[i];
            ((float *)y)[i] = v < 0.0f ? 0.0f : v;
        }
        break;
#endif
    case MI_TYPE_INT8:
        for (i = 0; i < d->count; i++) ((int8_t *)y)[i] = (int8_t)relu_quantized(d, ((const int8_t *)x)[i]);
        break;
    default:
        for (i = 0; i < d->count; i++) ((int16_t *)y)[i] = (int16_t)relu_quantized(d, ((const int16_t *)x)[i]);
        break;
    }
    return MI_OK;
}

const mi_registration_t mi_registration_relu = {MI_OP_RELU, (uint32_t)sizeof(op_data_t), "RELU", prepare, invoke};
