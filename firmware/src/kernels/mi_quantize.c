/* QUANTIZE (TFLM: kernels/quantize.cc + quantize_common.cc, reference
 * AffineQuantize and Requantize; Python twin: kernels/quantize.py).
 *
 *   float32 -> int8/int16: q = (int32)roundf(x / scale) + zero_point, clamped
 *     (the division in float32, the scale read as float, as TFLM);
 *   int8/int16/int32 -> int8/int16: (x - in_zp) through QuantizeMultiplier of
 *     double(s_in) / double(s_out), + out_zp, clamped (TFLM's Requantize).
 * The output must be per-tensor quantized (one scale), as TFLM requires.
 * A float whose rounded quotient does not fit in int32 (or NaN) becomes
 * INT32_MIN before the zero point is added, which is what TFLM's x86 build
 * (cvttss2si) produces; the sum then wraps. */
#include <math.h>

#include "mi_kernel_util.h"

#define INPUT 0
#define OUTPUT 0

/* fwplan.py layout: 0 pointers, 5 words, 2 bytes */
typedef struct op_data {
    int32_t multiplier, shift, input_zero_point, output_zero_point;
    float scale;
    uint8_t input_type, output_type;
} op_data_t;

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t in, out;
    (void)options;
    if (mi_node_num_inputs(node) != 1 || mi_node_num_outputs(node) != 1) return MI_ERR_BAD_PARAM;
    MI_TRY(mi_node_input_info(ctx, node, INPUT, &in));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &out));
    if (out.scales.count != 1) return MI_ERR_BAD_PARAM;
    if (in.count != out.count) return MI_ERR_BAD_PARAM;
    if (out.type != MI_TYPE_INT8 && out.type != MI_TYPE_INT16) return MI_ERR_UNSUPPORTED_TYPE;
    d->input_type = in.type;
    d->output_type = out.type;
    d->scale = mi_scale0(ctx, &out);
    d->output_zero_point = mi_zero_point0(ctx, &out);
    if (in.type == MI_TYPE_FLOAT32 && MI_ENABLE_FLOAT) return MI_OK;
    if (in.type != MI_TYPE_INT8 && in.type != MI_TYPE_INT16 && in.type != MI_TYPE_INT32) return MI_ERR_UNSUPPORTED_TYPE;
    if (!in.scales.count || d->scale == 0.0f) return MI_ERR_BAD_PARAM;
    d->input_zero_point = mi_zero_point0(ctx, &in);
    return mi_quantize_multiplier((double)mi_scale0(ctx, &in) / (double)d->scale, &d->multiplier, &d->shift);
}

static int32_t load(uint8_t type, const void *x, size_t i)
{
    switch (type) {
    case MI_TYPE_INT8: return ((const int8_t *)x)[i];
    case MI_TYPE_INT16: return ((const int16_t *)x)[i];
    default: return ((const int32_t *)x)[i];
    }
}

static void store(const op_data_t *d, void *y, size_t i, int64_t v)
{
    if (d->output_type == MI_TYPE_INT8) ((int8_t *)y)[i] = (int8_t)mi_clip_i32(v, -128, 127);
    else ((int16_t *)y)[i] = (int16_t)mi_clip_i32(v, -32768, 32767);
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const void *x = mi_node_input_data(ctx, node, INPUT);
    void *y = mi_node_output_data(ctx, node, OUTPUT);
    size_t i, n = ctx->tensors[mi_node_output_index(ctx, node, OUTPUT)].bytes /
                  (d->output_type == MI_TYPE_INT8 ? 1u : 2u);
#if MI_ENABLE_FLOAT
    if (d->input_type == MI_TYPE_FLOAT32) {
        for (i = 0; i < n; i++) {
            float r = mi_roundf(((const float *)x)[i] / d->scale);
            int32_t q = (r >= -2147483648.0f && r < 2147483648.0f) ? (int32_t)r : MI_INT32_MIN;
            store(d, y, i, (int64_t)mi_wrap_int32((int64_t)q + d->output_zero_point));
        }
        return MI_OK;
    }
#endif
    for (i = 0; i < n; i++) {
        int32_t v = mi_wrap_int32((int64_t)load(d->input_type, x, i) - d->input_zero_point);
        store(d, y, i, (int64_t)mi_multiply_by_quantized_multiplier(v, d->multiplier, d->shift) + d->output_zero_point);
    }
    return MI_OK;
}

const mi_registration_t mi_registration_quantize = {MI_OP_QUANTIZE, (uint32_t)sizeof(op_data_t), "QUANTIZE",
                                                    prepare, invoke};
