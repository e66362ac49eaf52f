/* MEAN (TFLM: kernels/reduce.cc + reduce_common.cc; Python twin: kernels/mean.py).
 *
 * Reduces over a constant int32 axis list (negative axes wrap, duplicates
 * count once, keep_dims only changes the output's declared shape); the axis
 * handling and the sums are SUM's too (mi_reduction.c).
 *   float32: the sum in TFLM's order (one float32 addition per element from
 *     0.0f) divided by the element count as float;
 *   int8/int16: an int32 (wrapping) sum per output, minus zp_in * n, then one
 *     MultiplyByQuantizedMultiplier whose multiplier TFLM derives from
 *     s_in / s_out (double) by an integer division by n (mi_mean_multiplier),
 *     plus the output zero point, clamped.
 * An empty reduction (a reduced extent of 0) writes zeros.
 * The C port requests no scratch: it folds each output in one pass. The
 * prepare and invoke are SUM's (mi_reduction_prepare_sum, mi_reduction_sum_invoke)
 * plus the division by n. */
#include "mi_kernel_util.h"
#include "mi_reduction.h"

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    mi_reduction_sum_data_t *d = (mi_reduction_sum_data_t *)node->op_data;
    mi_tensor_info_t dst, axis_t;
    mi_reduction_axes_t axes;
    (void)options;
    MI_TRY(mi_node_output_info(ctx, node, MI_REDUCTION_OUTPUT, &dst));
    MI_TRY(mi_node_input_info(ctx, node, MI_REDUCTION_AXIS, &axis_t));
    if (axis_t.type != MI_TYPE_INT32) return MI_ERR_BAD_PARAM;
    if (!axis_t.data) return MI_ERR_UNSUPPORTED_TYPE; /* mean.py: a non-constant axis tensor */
    MI_TRY(mi_reduction_prepare_sum(ctx, node, d));
    MI_TRY(mi_reduction_resolve_axes((const int32_t *)(const void *)axis_t.data, &d->shape, dst.count, &axes));
    if (d->kind != MI_REDUCTION_FLOAT32 && axes.num_reduced > 0)
        mi_mean_multiplier(d->multiplier, d->shift, axes.num_reduced, &d->multiplier, &d->shift);
    return MI_OK;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    return mi_reduction_sum_invoke(ctx, node, (const mi_reduction_sum_data_t *)node->op_data, 1);
}

const mi_registration_t mi_registration_mean = {MI_OP_MEAN, (uint32_t)sizeof(mi_reduction_sum_data_t), "MEAN",
                                                prepare, invoke};
