/* REDUCE_MAX (TFLM: kernels/reduce.cc + reduce_common.cc; Python twin:
 * kernels/reduce_max.py, which also holds REDUCE_MIN's shared code).
 *
 * float32 or int8 maximum over an int32 axis list read at invoke
 * (mi_reduction.c). TFLM folds (in > current) ? in : current from the type's
 * lowest value (-FLT_MAX for float32, not -inf), so NaN never wins, the first
 * of equal values is kept (-0.0 before +0.0 stays -0.0), and a row of only
 * -inf/NaN (or no element at all) gives -FLT_MAX. int8 requires the output to
 * share the input's scale and zero point. REDUCE_MIN (mi_reduce_min.c) is the
 * mirror image: (in < current) from FLT_MAX, or 127. */
#include <float.h>

#include "mi_kernel_util.h"
#include "mi_reduce_max.h"

mi_status_t mi_reduce_min_max_prepare(mi_context_t *ctx, mi_node_t *node, int is_max)
{
    mi_reduce_min_max_op_data_t *d = (mi_reduce_min_max_op_data_t *)node->op_data;
    mi_tensor_info_t src, dst;
    int constant;
    MI_TRY(mi_node_input_info(ctx, node, MI_REDUCTION_INPUT, &src));
    MI_TRY(mi_node_output_info(ctx, node, MI_REDUCTION_OUTPUT, &dst));
    if (src.type == MI_TYPE_FLOAT32 && MI_ENABLE_FLOAT) d->is_float = 1;
    else if (src.type == MI_TYPE_INT8) d->is_float = 0;
    else return MI_ERR_UNSUPPORTED_TYPE;
    MI_TRY(mi_reduction_check_axis_tensor(ctx, node, &d->shape, &constant));
    if (!d->is_float &&
        (mi_scale0(ctx, &src) != mi_scale0(ctx, &dst) || mi_zero_point0(ctx, &src) != mi_zero_point0(ctx, &dst)))
        return MI_ERR_BAD_PARAM;
    d->out_count = (int32_t)dst.count;
    d->is_max = (uint8_t)(is_max != 0);
    return MI_OK;
}

mi_status_t mi_reduce_min_max_invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const mi_reduce_min_max_op_data_t *d = (const mi_reduce_min_max_op_data_t *)node->op_data;
    const void *x = mi_node_input_data(ctx, node, MI_REDUCTION_INPUT);
    void *y = mi_node_output_data(ctx, node, MI_REDUCTION_OUTPUT);
    mi_reduction_axes_t axes;
    int32_t o, r;
    MI_TRY(mi_reduction_axes_now(ctx, node, &d->shape, (uint32_t)d->out_count, &axes));
    for (o = 0; o < axes.num_outputs; o++) {
        const int32_t base = mi_reduction_base(&axes, o);
#if MI_ENABLE_FLOAT
        if (d->is_float) {
            float current = d->is_max ? -FLT_MAX : FLT_MAX;
            for (r = 0; r < axes.num_reduced; r++) {
                const float v = ((const float *)x)[base + mi_reduction_step(&axes, r)];
                if (d->is_max ? v > current : v < current) current = v;
            }
            ((float *)y)[o] = current;
            continue;
        }
#endif
        {
            int32_t current = d->is_max ? -128 : 127;
            for (r = 0; r < axes.num_reduced; r++) {
                const int32_t v = ((const int8_t *)x)[base + mi_reduction_step(&axes, r)];
                if (d->is_max ? v > current : v < current) current = v;
            }
            ((int8_t *)y)[o] = (int8_t)current;
        }
    }
    return MI_OK;
}

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    (void)options;
    return mi_reduce_min_max_prepare(ctx, node, 1);
}

const mi_registration_t mi_registration_reduce_max = {MI_OP_REDUCE_MAX, (uint32_t)sizeof(mi_reduce_min_max_op_data_t),
                                                      "REDUCE_MAX", prepare, mi_reduce_min_max_invoke};
