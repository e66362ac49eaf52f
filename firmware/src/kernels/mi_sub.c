/* SUB (TFLM: kernels/sub.cc + sub_common.cc; Python twin: kernels/sub.py).
 *
 * float32 and int32 subtract directly (int32 wraps) and clamp to the fused
 * activation's range (float32: the first operand's NaN wins when both are
 * NaN, as x86 SSE). int8 and int16 follow TFLM's general rescaling, shared
 * with ADD (mi_elementwise_general_rescaling): both inputs are offset,
 * shifted left by left_shift (20 for int8, 15 for int16), scaled to a common
 * scale of twice the larger input scale, subtracted, and rescaled to the
 * output. TFLM micro never takes the int16 power-of-two path. Broadcasting
 * as in mi_elementwise, whose binary loop calls the per-element functions here. */
#include "mi_elementwise.h"

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
    MI_TRY(mi_elementwise_prepare(ctx, node, MI_ARITHMETIC_TYPES, &a, &b, &out, &type, &d->bc));
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

#if MI_ENABLE_FLOAT
static float sub_float32(const void *data, float a, float b)
{
    const op_data_t *d = (const op_data_t *)data;
    return mi_clamp_float(mi_elementwise_nan_first(a - b, a, b), d->float_min, d->float_max);
}
#endif

static int32_t sub_int32(const void *data, int32_t a, int32_t b)
{
    const op_data_t *d = (const op_data_t *)data;
    return mi_clip_i32(mi_wrap_int32((int64_t)a - b), d->act_min, d->act_max);
}

static int32_t sub_quantized(const void *data, int32_t x1, int32_t x2)
{
    const op_data_t *d = (const op_data_t *)data;
    const int32_t raw =
        mi_elementwise_general_rescaled(&d->r, d->input1_offset, d->input2_offset, x1, x2, 1);
    return mi_clip_i32((int64_t)raw + d->output_offset, d->act_min, d->act_max);
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    static const mi_binary_arithmetic_t arithmetic = {MI_IF_FLOAT(sub_float32), sub_int32, sub_quantized};
    const op_data_t *d = (const op_data_t *)node->op_data;
    mi_elementwise_binary_invoke(ctx, node, &d->bc, d->type, d, &arithmetic);
    return MI_OK;
}

const mi_registration_t mi_registration_sub = {MI_OP_SUB, (uint32_t)sizeof(op_data_t), "SUB", prepare, invoke};
