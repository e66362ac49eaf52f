/* LOGICAL_OR (TFLM: kernels/logical.cc + logical_common.cc; Python twin: kernels/logical_or.py).
 *
 * x || y element-wise on bools, broadcast; other types refused. Prepare and
 * invoke are shared with its sibling (mi_logical.c). */
#include "mi_logical.h"

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    (void)options;
    return mi_logical_prepare(ctx, node);
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node) { return mi_logical_invoke(ctx, node, 1); }

/* op data layout (kernels/logical_or.py MEMORY): mi_logical_op_data_t */
const mi_registration_t mi_registration_logical_or = {MI_OP_LOGICAL_OR, (uint32_t)sizeof(mi_logical_op_data_t), "LOGICAL_OR", prepare,
                                               invoke};
