/* QUANTIZE (TFLM: kernels/quantize.cc + quantize_common.cc, reference
 * AffineQuantize and Requantize; Python twin: kernels/quantize.py).
 *
 * The type pairs TFLM evaluates:
 *   float32 -> int8/int16 (AffineQuantize): clamp(int32(roundf(x / scale)) + zp),
 *     in float32;
 *   requantization, clamp(MultiplyByQuantizedMultiplier(q - zp_in, M, shift) +
 *     zp_out) with M, shift from double(s_in) / double(s_out): int8 -> int8 /
 *     uint8 / int16 / int32, int16 -> int8 / int16 / int32, int32 -> int8 /
 *     int16, uint8 -> int8.
 * Quirks reproduced: float -> int32 is x86's cvttss2si (NaN and values outside
 * int32 become INT32_MIN), the zero point is then added with int32
 * wrap-around before the clamp; q - zp_in and the final + zp_out wrap in
 * int32. Only per-tensor output quantization, as TFLM. */
#include "mi_kernel_util.h"

#define INPUT 0
#define OUTPUT 0

/* op data layout (kernels/quantize.py MEMORY): 0 pointers, 7 words, 3 bytes */
typedef struct op_data {
    int32_t multiplier, shift, input_zero_point, output_zero_point, out_min, out_max;
    float scale;
    uint8_t affine, input_type, output_type;
} op_data_t;

static int requantize_pair(uint32_t in, uint32_t out)
{
    switch (in) {
    case MI_TYPE_INT8: return out == MI_TYPE_INT8 || out == MI_TYPE_UINT8 || out == MI_TYPE_INT16 || out == MI_TYPE_INT32;
    case MI_TYPE_INT16: return out == MI_TYPE_INT8 || out == MI_TYPE_INT16 || out == MI_TYPE_INT32;
    case MI_TYPE_INT32: return out == MI_TYPE_INT8 || out == MI_TYPE_INT16;
    case MI_TYPE_UINT8: return out == MI_TYPE_INT8;
    default: return 0;
    }
}

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t in, out;
    (void)options;
    if (mi_node_num_inputs(node) != 1 || mi_node_num_outputs(node) != 1) return MI_ERR_BAD_PARAM;
    MI_TRY(mi_node_input_info(ctx, node, INPUT, &in));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &out));
    if (!out.scales.count) return MI_ERR_BAD_PARAM;
    if (out.scales.count != 1) return MI_ERR_UNSUPPORTED_TYPE; /* per-channel output, as TFLM */
    d->affine = in.type == MI_TYPE_FLOAT32 && (out.type == MI_TYPE_INT8 || out.type == MI_TYPE_INT16);
    if (!(d->affine && MI_ENABLE_FLOAT) && !requantize_pair(in.type, out.type)) return MI_ERR_UNSUPPORTED_TYPE;
    if (in.count != out.count) return MI_ERR_BAD_PARAM;
    d->input_type = in.type;
    d->output_type = out.type;
    d->scale = mi_scale0(ctx, &out);
    d->input_zero_point = mi_zero_point0(ctx, &in);
    d->output_zero_point = mi_zero_point0(ctx, &out);
    MI_TRY(mi_type_range(out.type, &d->out_min, &d->out_max));
    if (d->affine) return MI_OK;
    if (d->scale == 0.0f) return MI_ERR_BAD_PARAM;
    /* QuantizeMultiplier refuses shift > 30, where TFLM's left shift would overflow */
    return mi_quantize_multiplier((double)mi_scale0(ctx, &in) / (double)d->scale, &d->multiplier, &d->shift);
}

static int32_t load(uint8_t type, const void *x, size_t i)
{
    switch (type) {
    case MI_TYPE_INT8: return ((const int8_t *)x)[i];
    case MI_TYPE_UINT8: return ((const uint8_t *)x)[i];
    case MI_TYPE_INT16: return ((const int16_t *)x)[i];
    default: return ((const int32_t *)x)[i];
    }
}

static void store(const op_data_t *d, void *y, size_t i, int32_t v)
{
    v = mi_clip_i32(v, d->out_min, d->out_max);
    switch (d->output_type) {
    case MI_TYPE_INT8: ((int8_t *)y)[i] = (int8_t)v; break;
    case MI_TYPE_UINT8: ((uint8_t *)y)[i] = (uint8_t)v; break;
    case MI_TYPE_INT16: ((int16_t *)y)[i] = (int16_t)v; break;
    default: ((int32_t *)y)[i] = v; break;
    }
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const void *x = mi_node_input_data(ctx, node, INPUT);
    void *y = mi_node_output_data(ctx, node, OUTPUT);
    const mi_tensor_t *t = &ctx->tensors[mi_node_output_index(ctx, node, OUTPUT)];
    size_t i, n = t->bytes / mi_type_size(t->type);
#if MI_ENABLE_FLOAT
    if (d->affine) {
        for (i = 0; i < n; i++) {
            float r = mi_roundf(((const float *)x)[i] / d->scale);
            /* x86 cvttss2si: NaN and out-of-range values give INT32_MIN */
            int32_t q = (r >= -2147483648.0f && r < 2147483648.0f) ? (int32_t)r : MI_INT32_MIN;
            store(d, y, i, mi_wrap_int32((int64_t)q + d->output_zero_point));
        }
        return MI_OK;
    }
#endif
    for (i = 0; i < n; i++) {
        int32_t centred = mi_wrap_int32((int64_t)load(d->input_type, x, i) - d->input_zero_point);
        int32_t v = mi_multiply_by_quantized_multiplier(centred, d->multiplier, d->shift);
        store(d, y, i, mi_wrap_int32((int64_t)v + d->output_zero_point));
    }
    return MI_OK;
}

const mi_registration_t mi_registration_quantize = {MI_OP_QUANTIZE, (uint32_t)sizeof(op_data_t), "QUANTIZE",
                                                    prepare, invoke};
