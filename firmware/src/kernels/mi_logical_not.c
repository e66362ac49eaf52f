/* LOGICAL_NOT (TFLM: kernels/elementwise.cc, LogicalNotEval; Python twin:
 * kernels/logical_not.py).
 *
 * bool only: !v element-wise (0 -> 1, anything else -> 0). */
#include "mi_unary.h"

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    (void)options;
    return mi_unary_prepare(ctx, node, MI_TYPE_BIT(MI_TYPE_BOOL));
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const mi_unary_op_data_t *d = (const mi_unary_op_data_t *)node->op_data;
    const uint8_t *x = (const uint8_t *)mi_node_input_data(ctx, node, MI_UNARY_INPUT);
    uint8_t *y = (uint8_t *)mi_node_output_data(ctx, node, MI_UNARY_OUTPUT);
    int32_t i;
    for (i = 0; i < d->count; i++) y[i] = (uint8_t)(x[i] == 0);
    return MI_OK;
}

/* op data layout (kernels/logical_not.py MEMORY): mi_unary_op_data_t */
const mi_registration_t mi_registration_logical_not = {MI_OP_LOGICAL_NOT, (uint32_t)sizeof(mi_unary_op_data_t),
                                                       "LOGICAL_NOT", prepare, invoke};
