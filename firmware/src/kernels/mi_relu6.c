/* RELU6 (TFLM: kernels/activations.cc + activations_common.cc; Python twin:
 * kernels/relu6.py).
 *
 * float32: val > 6 ? 6 : (val < 0 ? 0 : val). TFLM quirk reproduced: unlike
 * RELU, quantized RELU6 does not requantize. It clamps the raw input values
 * to [input zero point, quantized 6.0] computed with the input's scale and
 * zero point (round(6.0f / scale) in float, plus the zero point, clamped to
 * the type) and ignores the output's quantization entirely. */
#include "mi_unary.h"

/* fwplan.py layout: 0 pointers, 3 words, 1 byte */
typedef struct op_data {
    int32_t count, zero, six;
    uint8_t type;
} op_data_t;

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t src;
    uint32_t type;
    int32_t qmin, qmax;
    float six;
    int64_t q;
    (void)options;
    MI_TRY(mi_unary_check_float_or(ctx, node, MI_TYPE_BIT(MI_TYPE_INT8) | MI_TYPE_BIT(MI_TYPE_INT16), &type));
    MI_TRY(mi_node_input_info(ctx, node, MI_UNARY_INPUT, &src));
    d->type = (uint8_t)type;
    d->count = (int32_t)src.count;
    if (type == MI_TYPE_FLOAT32) return MI_OK;
    MI_TRY(mi_type_range(type, &qmin, &qmax));
    six = 6.0f / mi_scale0(ctx, &src);
    if (!(six - six == 0.0f)) return MI_ERR_BAD_PARAM; /* quant.round_half_away refuses a non-finite value */
    q = mi_round_half_away((double)six) + mi_zero_point0(ctx, &src);
    d->zero = mi_zero_point0(ctx, &src);
    d->six = q < qmin ? qmin : (q > qmax ? qmax : (int32_t)q);
    return MI_OK;
}

/* val > upper ? upper : val < lower ? lower : val (upper tested first) */
static int32_t relu6_quantized(const op_data_t *d, int32_t x) { return x > d->six ? d->six : (x < d->zero ? d->zero : x); }

/* two's-complement wrap to int8 (a store into an int8_t) */
static int32_t wrap_int8(int32_t v)
{
    const int32_t low = (int32_t)((uint32_t)v & 0xFFu);
    return low >= 128 ? low - 256 : low;
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
            ((float *)y)[i] = v > 6.0f ? 6.0f : (v < 0.0f ? 0.0f : v);
        }
        break;
#endif
    case MI_TYPE_INT8: /* the zero point may lie outside the type: the store wraps, as numpy's astype */
        for (i = 0; i < d->count; i++)
            ((int8_t *)y)[i] = (int8_t)wrap_int8(relu6_quantized(d, ((const int8_t *)x)[i]));
        break;
    default:
        for (i = 0; i < d->count; i++)
            ((int16_t *)y)[i] = (int16_t)mi_wrap_int16(relu6_quantized(d, ((const int16_t *)x)[i]));
        break;
    }
    return MI_OK;
}

const mi_registration_t mi_registration_relu6 = {MI_OP_RELU6, (uint32_t)sizeof(op_data_t), "RELU6", prepare, invoke};
