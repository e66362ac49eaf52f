/* LOG_SOFTMAX (TFLM: kernels/log_softmax.cc + reference_ops::LogSoftmax /
 * LogSoftmaxQuantized; Python twin: kernels/log_softmax.py).
 *
 * Along the last dimension of a float32 or int8 tensor (same shape in and out).
 *   float32: the row maximum is TFLM's std::max fold from -FLT_MAX (NaN
 *     ignored, the first of equal values kept); then sum += expf(x - max)
 *     sequentially from +0.0f with the C library's expf, log_sum =
 *     logf(sum), and (x - max) - log_sum;
 *   int8: the output must have scale 16/256 and zero point 127. Differences
 *     to the row maximum at or above diff_min are rescaled to Q5.26,
 *     exponentiated (gemmlowp exp_on_negative_values) and summed in Q12.19;
 *     gemmlowp's fixed-point log of the sum (Q5.26) is subtracted from every
 *     rescaled difference above the adjusted cut-off, divided by 2^22 with
 *     rounding and offset by 127; the rest get -128. The multipliers come
 *     from TFLM's PreprocessLogSoftmaxScalingExp (beta 1, 5 integer bits). */
#include <float.h>
#include <math.h>

#include "mi_kernel_util.h"

#define INPUT 0
#define OUTPUT 0
#define SCALED_DIFF_INTEGER_BITS 5
#define ACCUMULATION_INTEGER_BITS 12
#define OUTPUT_INTEGER_BITS 4

/* fwplan.py layout: 0 pointers, 7 words, 1 byte */
typedef struct op_data {
    int32_t input_multiplier, input_left_shift, reverse_scaling_divisor, reverse_scaling_left_shift, diff_min;
    int32_t depth, rows;
    uint8_t is_float;
} op_data_t;

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t src, dst;
    uint32_t k;
    (void)options;
    MI_TRY(mi_node_input_info(ctx, node, INPUT, &src));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &dst));
    if (src.type != dst.type) return MI_ERR_BAD_PARAM;
    if (src.rank < 1 || src.rank != dst.rank) return MI_ERR_BAD_PARAM;
    for (k = 0; k < src.rank; k++)
        if (src.dims[k] != dst.dims[k]) return MI_ERR_BAD_PARAM;
    d->depth = src.dims[src.rank - 1];
    d->rows = d->depth ? (int32_t)(src.count / (uint32_t)d->depth) : 0;
    if (src.type == MI_TYPE_FLOAT32 && MI_ENABLE_FLOAT) {
        d->is_float = 1;
        return MI_OK;
    }
    if (src.type != MI_TYPE_INT8) return MI_ERR_UNSUPPORTED_TYPE;
    if (mi_scale0(ctx, &dst) != 16.0f / 256.0f || mi_zero_point0(ctx, &dst) != 127) return MI_ERR_BAD_PARAM;
    if (mi_preprocess_log_softmax_scaling_exp(1.0, (double)mi_scale0(ctx, &src), SCALED_DIFF_INTEGER_BITS,
                                              &d->input_multiplier, &d->input_left_shift,
                                              &d->reverse_scaling_divisor, &d->reverse_scaling_left_shift) != MI_OK)
        return MI_ERR_UNSUPPORTED_TYPE; /* log_softmax.py: unsupported input scale */
    d->diff_min = -mi_calculate_input_radius(SCALED_DIFF_INTEGER_BITS, d->input_left_shift, 31);
    return MI_OK;
}

#if MI_ENABLE_FLOAT
static void log_softmax_float(const op_data_t *d, const float *x, float *y)
{
    int32_t r, c;
    for (r = 0; r < d->rows; r++) {
        const float *xr = x + (size_t)r * (size_t)d->depth;
        float *yr = y + (size_t)r * (size_t)d->depth;
        float max = -FLT_MAX, sum = 0.0f, log_sum;
        for (c = 0; c < d->depth; c++) max = max < xr[c] ? xr[c] : max; /* std::max(max, x) */
        for (c = 0; c < d->depth; c++) sum += expf(xr[c] - max);
        log_sum = logf(sum);
        for (c = 0; c < d->depth; c++) yr[c] = (xr[c] - max) - log_sum;
    }
}
#endif

static int32_t rescaled_diff(const op_data_t *d, int32_t diff)
{
    return mi_multiply_by_quantized_multiplier(diff, d->input_multiplier, d->input_left_shift);
}

static void log_softmax_int8(const op_data_t *d, const int8_t *x, int8_t *y)
{
    int32_t r, c;
    for (r = 0; r < d->rows; r++) {
        const int8_t *xr = x + (size_t)r * (size_t)d->depth;
        int8_t *yr = y + (size_t)r * (size_t)d->depth;
        int32_t max = -128, log_sum, adjusted_diff_min, cut;
        uint32_t total = 0; /* Q12.19, wrapping */
        for (c = 0; c < d->depth; c++)
            if (xr[c] > max) max = xr[c];
        for (c = 0; c < d->depth; c++) {
            const int32_t diff = (int32_t)xr[c] - max;
            if (diff >= d->diff_min)
                total += (uint32_t)mi_rounding_divide_by_pot(
                    mi_gemmlowp_exp_on_negative_values(rescaled_diff(d, diff), SCALED_DIFF_INTEGER_BITS),
                    ACCUMULATION_INTEGER_BITS);
        }
        log_sum = mi_gemmlowp_log_x_for_x_greater_than_or_equal_to_1(mi_wrap_int32((int64_t)total),
                                                                      SCALED_DIFF_INTEGER_BITS,
                                                                      ACCUMULATION_INTEGER_BITS);
        cut = mi_multiply_by_quantized_multiplier(mi_wrap_int32((int64_t)log_sum + MI_INT32_MIN),
                                                  d->reverse_scaling_divisor, d->reverse_scaling_left_shift);
        adjusted_diff_min = (int64_t)d->diff_min - 1 > cut ? d->diff_min - 1 : cut;
        for (c = 0; c < d->depth; c++) {
            const int32_t diff = (int32_t)xr[c] - max;
            int32_t v = -128;
            if (diff > adjusted_diff_min) {
                const int32_t result = mi_rounding_divide_by_pot(
                    mi_wrap_int32((int64_t)rescaled_diff(d, diff) - log_sum),
                    31 - SCALED_DIFF_INTEGER_BITS - OUTPUT_INTEGER_BITS);
                v = mi_clip_i32((int64_t)result + 127, -128, 127);
            }
            yr[c] = (int8_t)v;
        }
    }
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const void *x = mi_node_input_data(ctx, node, INPUT);
    void *y = mi_node_output_data(ctx, node, OUTPUT);
#if MI_ENABLE_FLOAT
    if (d->is_float) {
        log_softmax_float(d, (const float *)x, (float *)y);
        return MI_OK;
    }
#endif
    log_softmax_int8(d, (const int8_t *)x, (int8_t *)y);
    return MI_OK;
}

const mi_registration_t mi_registration_log_softmax = {MI_OP_LOG_SOFTMAX, (uint32_t)sizeof(op_data_t), "LOG_SOFTMAX",
                                                       prepare, invoke};
