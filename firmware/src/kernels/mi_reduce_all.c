/* REDUCE_ALL (TFLM: kernels/reduce.cc + reduce_common.cc; Python twin: kernels/reduce_all.py).
 *
 * Logical AND of a bool tensor over an int32 axis list read at invoke
 * (mi_reduction.c). TFLM's ReduceGeneric starts every output at true and
 * folds in && current, so an output that reduces no element is true. Only
 * bool is accepted, as TFLM's PrepareAllHelper requires. */
#include "mi_kernel_util.h"
#include "mi_reduction.h"

/* op data layout (kernels/reduce_all.py MEMORY): 0 pointers, 9 words, 0 bytes */
typedef struct op_data {
    mi_reduction_shape_t shape;
    int32_t out_count;
} op_data_t;

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t src, dst;
    int constant;
    (void)options;
    MI_TRY(mi_node_input_info(ctx, node, MI_REDUCTION_INPUT, &src));
    MI_TRY(mi_node_output_info(ctx, node, MI_REDUCTION_OUTPUT, &dst));
    if (src.type != MI_TYPE_BOOL) return MI_ERR_UNSUPPORTED_TYPE;
    MI_TRY(mi_reduction_check_axis_tensor(ctx, node, &d->shape, &constant));
    d->out_count = (int32_t)dst.count;
    return MI_OK;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const uint8_t *x = (const uint8_t *)mi_node_input_data(ctx, node, MI_REDUCTION_INPUT);
    uint8_t *y = (uint8_t *)mi_node_output_data(ctx, node, MI_REDUCTION_OUTPUT);
    mi_reduction_axes_t axes;
    int32_t o, r;
    MI_TRY(mi_reduction_axes_now(ctx, node, &d->shape, (uint32_t)d->out_count, &axes));
    for (o = 0; o < axes.num_outputs; o++) {
        const int32_t base = mi_reduction_base(&axes, o);
        uint8_t current = 1;
        for (r = 0; r < axes.num_reduced; r++) current = (uint8_t)(x[base + mi_reduction_step(&axes, r)] != 0 && current);
        y[o] = current;
    }
    return MI_OK;
}

const mi_registration_t mi_registration_reduce_all = {MI_OP_REDUCE_ALL, (uint32_t)sizeof(op_data_t), "REDUCE_ALL",
                                                      prepare, invoke};
