/* HARD_SWISH (TFLM: kernels/hard_swish.cc + hard_swish_common.cc,
 * reference_ops::HardSwish; Python twin: kernels/hard_swish.py).
 *
 * float32: x * min(6, max(0, x + 3)) / 6 in float32, in that order.
 * int8: TFLM's 16-bit fixed-point recipe in int16 semantics (mi_quant.c): the
 * input moved to a "high-res" scale (x 2^7), multiplied by a Q15 output
 * multiplier and by a "relu-ish" multiplier (saturating left shifts around the
 * multiply, or a rounding right shift), mapped to [0, 1], combined with a
 * truncating doubling high mul and right-shifted with gemmlowp's int16
 * RoundingDivideByPOT (whose int16 mask is -1 for shifts >= 16); the output
 * zero point is added with an int16 wrap before the clamp to int8. The
 * multipliers come from double ratios of float32 scales, rounded from Q31 to
 * Q15 (DownScaleInt32ToInt16Multiplier). */
#include "mi_unary.h"

/* fwplan.py layout: 0 pointers, 7 words, 1 byte */
typedef struct op_data {
    int32_t count, input_zero_point, output_zero_point;
    int32_t output_multiplier_fixedpoint_int16, output_multiplier_exponent;
    int32_t reluish_multiplier_fixedpoint_int16, reluish_multiplier_exponent;
    uint8_t type;
} op_data_t;

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t src, dst;
    uint32_t type;
    float hires_input_scale;
    const float reluish_scale = 3.0f / 32768.0f;
    int32_t out_mult, out_exp, rel_mult, rel_exp;
    (void)options;
    MI_TRY(mi_unary_check_float_or(ctx, node, MI_TYPE_BIT(MI_TYPE_INT8), &type));
    MI_TRY(mi_node_input_info(ctx, node, MI_UNARY_INPUT, &src));
    MI_TRY(mi_node_output_info(ctx, node, MI_UNARY_OUTPUT, &dst));
    d->type = (uint8_t)type;
    d->count = (int32_t)src.count;
    if (type == MI_TYPE_FLOAT32) return MI_OK;
    hires_input_scale = (1.0f / 128.0f) * mi_scale0(ctx, &src); /* float32, then double divisions */
    MI_TRY(mi_quantize_multiplier((double)hires_input_scale / (double)mi_scale0(ctx, &dst), &out_mult, &out_exp));
    if (out_exp > 0) return MI_ERR_BAD_PARAM; /* input scale too large for the output scale */
    MI_TRY(mi_quantize_multiplier((double)hires_input_scale / (double)reluish_scale, &rel_mult, &rel_exp));
    d->input_zero_point = mi_zero_point0(ctx, &src);
    d->output_zero_point = mi_zero_point0(ctx, &dst);
    d->output_multiplier_fixedpoint_int16 = mi_downscale_int32_to_int16_multiplier(out_mult);
    d->output_multiplier_exponent = out_exp;
    d->reluish_multiplier_fixedpoint_int16 = mi_downscale_int32_to_int16_multiplier(rel_mult);
    d->reluish_multiplier_exponent = rel_exp;
    return MI_OK;
}

static int32_t hard_swish_int8(const op_data_t *d, int32_t x)
{
    const int64_t hires = ((int64_t)x - d->input_zero_point) * 128;
    const int32_t preshift_output = mi_saturating_rounding_doubling_high_mul_int16(
        hires, d->output_multiplier_fixedpoint_int16);
    const int32_t exp = d->reluish_multiplier_exponent;
    int64_t reluish = hires;
    int32_t preshift, v;
    if (exp > 0) reluish = mi_saturating_left_shift_int16(reluish, exp - 1);
    reluish = mi_saturating_rounding_doubling_high_mul_int16(reluish, d->reluish_multiplier_fixedpoint_int16);
    if (exp > 0) reluish = mi_saturating_left_shift_int16(reluish, 1);
    if (exp < 0) reluish = mi_rounding_divide_by_pot_int16(reluish, -exp);
    reluish = (reluish + (1 << 15)) >> 1;
    preshift = mi_saturating_doubling_high_mul_int16(reluish, preshift_output);
    v = mi_rounding_divide_by_pot_int16(preshift, -d->output_multiplier_exponent);
    v = mi_wrap_int16((int64_t)v + d->output_zero_point);
    return v < -128 ? -128 : (v > 127 ? 127 : v);
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const void *x = mi_node_input_data(ctx, node, MI_UNARY_INPUT);
    void *y = mi_node_output_data(ctx, node, MI_UNARY_OUTPUT);
    int32_t i;
#if MI_ENABLE_FLOAT
    if (d->type == MI_TYPE_FLOAT32) {
        for (i = 0; i < d->count; i++) {
            const float v = ((const float *)x)[i], t = v + 3.0f;
            const float relu = 0.0f < t ? t : 0.0f;       /* std::max(0, t) */
            const float relu6 = relu < 6.0f ? relu : 6.0f; /* std::min(6, .) */
            ((float *)y)[i] = (v * relu6) / 6.0f;
        }
        return MI_OK;
    }
#endif
    for (i = 0; i < d->count; i++) ((int8_t *)y)[i] = (int8_t)hard_swish_int8(d, ((const int8_t *)x)[i]);
    return MI_OK;
}

const mi_registration_t mi_registration_hard_swish = {MI_OP_HARD_SWISH, (uint32_t)sizeof(op_data_t), "HARD_SWISH",
                                                      prepare, invoke};
