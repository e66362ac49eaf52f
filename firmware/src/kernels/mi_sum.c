/* SUM (TFLM: kernels/reduce.cc + reduce_common.cc; Python twin: kernels/sum.py).
 *
 * Reduces over an int32 axis list read at invoke (it may be a graph input;
 * negative axes wrap, duplicates count once; keep_dims only changes the
 * output's declared shape), with MEAN's helpers (mi_reduction.c):
 *   float32: every output starts at +0.0f and adds its elements one by one
 *     in row-major input order;
 *   int8/int16: QuantizedMeanOrSum with compute_sum: an int32 (wrapping) sum
 *     per output, minus zp_in * n (int32 wrap), one
 *     MultiplyByQuantizedMultiplier with the multiplier of s_in / s_out
 *     (double; unlike MEAN not divided by n), plus the output zero point,
 *     clamped. An axis out of range fails invoke, as TFLM's ResolveAxis does.
 * Prepare and invoke are mi_reduction_prepare_sum / mi_reduction_sum_invoke. */
#include "mi_kernel_util.h"
#include "mi_reduction.h"

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    (void)options;
    return mi_reduction_prepare_sum(ctx, node, (mi_reduction_sum_data_t *)node->op_data);
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    return mi_reduction_sum_invoke(ctx, node, (const mi_reduction_sum_data_t *)node->op_data, 0);
}

const mi_registration_t mi_registration_sum = {MI_OP_SUM, (uint32_t)sizeof(mi_reduction_sum_data_t), "SUM", prepare,
                                               invoke};
