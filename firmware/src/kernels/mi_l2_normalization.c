/* L2_NORMALIZATION (TFLM: kernels/l2norm.cc + reference_ops /
 * reference_integer_ops L2Normalization; Python twin: kernels/l2_normalization.py).
 *
 * Normalises every row along the last dimension of a float32 or int8 tensor
 * of rank 1 to 4 (same shape in and out); TFLM accepts no fused activation.
 *   float32: sum(val * val) sequentially from +0.0f, the square root
 *     (correctly rounded: the double sqrt of a float rounds back to the float
 *     sqrt), then std::max(norm, 1e-6f) (a NaN norm stays NaN), and x / norm;
 *   int8: the int32 (wrapping) sum of squared x - zp_in goes through TFLM's
 *     GetInvSqrtQuantizedMultiplierExp and every x - zp_in is scaled by
 *     MultiplyByQuantizedMultiplier with shift + 7 (an output in 1/128 units),
 *     clamped to int8. The output's scale and zero point are never read. */
#include <math.h>

#include "mi_kernel_util.h"

#define INPUT 0
#define OUTPUT 0
#define OUTPUT_SCALE_BITS 7 /* kOutputScale: the int8 output is in 1/128 units */

/* fwplan.py layout: 0 pointers, 3 words, 1 byte */
typedef struct op_data {
    int32_t input_zero_point, depth, rows;
    uint8_t is_float;
} op_data_t;

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t src, dst;
    uint32_t k;
    MI_TRY(mi_node_input_info(ctx, node, INPUT, &src));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &dst));
    if (src.rank > 4 || src.rank == 0) return MI_ERR_UNSUPPORTED_SHAPE;
    if (dst.type != MI_TYPE_INT8 && !(dst.type == MI_TYPE_FLOAT32 && MI_ENABLE_FLOAT)) return MI_ERR_UNSUPPORTED_TYPE;
    if (src.type != dst.type || src.rank != dst.rank) return MI_ERR_BAD_PARAM;
    for (k = 0; k < src.rank; k++)
        if (src.dims[k] != dst.dims[k]) return MI_ERR_BAD_PARAM;
    if (options->add.fused_activation_function != MI_ACT_NONE) return MI_ERR_UNSUPPORTED_TYPE;
    d->is_float = src.type == MI_TYPE_FLOAT32;
    d->input_zero_point = d->is_float ? 0 : mi_zero_point0(ctx, &src);
    d->depth = src.dims[src.rank - 1];
    d->rows = d->depth ? (int32_t)(src.count / (uint32_t)d->depth) : 0;
    return MI_OK;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const void *x = mi_node_input_data(ctx, node, INPUT);
    void *y = mi_node_output_data(ctx, node, OUTPUT);
    int32_t r, c;
    for (r = 0; r < d->rows; r++) {
        const size_t row = (size_t)r * (size_t)d->depth;
#if MI_ENABLE_FLOAT
        if (d->is_float) {
            const float *xr = (const float *)x + row;
            float *yr = (float *)y + row;
            float sum = 0.0f, norm;
            for (c = 0; c < d->depth; c++) sum += xr[c] * xr[c];
            norm = (float)sqrt((double)sum);
            norm = norm < 1e-6f ? 1e-6f : norm;
            for (c = 0; c < d->depth; c++) yr[c] = xr[c] / norm;
            continue;
        }
#endif
        {
            const int8_t *xr = (const int8_t *)x + row;
            int8_t *yr = (int8_t *)y + row;
            uint32_t acc = 0; /* int32, wrapping */
            int32_t multiplier, shift;
            for (c = 0; c < d->depth; c++) {
                const int64_t diff = (int64_t)xr[c] - d->input_zero_point;
                acc += (uint32_t)(uint64_t)(diff * diff);
            }
            mi_inv_sqrt_quantized_multiplier_exp(mi_wrap_int32((int64_t)acc), -1, &multiplier, &shift);
            for (c = 0; c < d->depth; c++) {
                const int32_t scaled = mi_multiply_by_quantized_multiplier(
                    mi_wrap_int32((int64_t)xr[c] - d->input_zero_point), multiplier, shift + OUTPUT_SCALE_BITS);
                yr[c] = (int8_t)mi_clip_i32(scaled, -128, 127);
            }
        }
    }
    return MI_OK;
}

const mi_registration_t mi_registration_l2_normalization = {MI_OP_L2_NORMALIZATION, (uint32_t)sizeof(op_data_t),
                                                            "L2_NORMALIZATION", prepare, invoke};
