/* Shared pieces of LOGICAL_AND and LOGICAL_OR: see mi_logical.h (C twin of
 * src/microinterp/kernels/logical.py). */
#include "mi_logical.h"

#define INPUT1 0
#define INPUT2 1
#define OUTPUT 0

mi_status_t mi_logical_prepare(mi_context_t *ctx, mi_node_t *node)
{
    mi_logical_op_data_t *d = (mi_logical_op_data_t *)node->op_data;
    mi_tensor_info_t a, b, out;
    MI_TRY(mi_node_input_info(ctx, node, INPUT1, &a));
    MI_TRY(mi_node_input_info(ctx, node, INPUT2, &b));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &out));
    if (a.type != MI_TYPE_BOOL || b.type != MI_TYPE_BOOL || out.type != MI_TYPE_BOOL) return MI_ERR_UNSUPPORTED_TYPE;
    return mi_elementwise_check_shapes(&a, &b, &out, &d->bc);
}

mi_status_t mi_logical_invoke(mi_context_t *ctx, const mi_node_t *node, int or_)
{
    const mi_logical_op_data_t *d = (const mi_logical_op_data_t *)node->op_data;
    const uint8_t *a = (const uint8_t *)mi_node_input_data(ctx, node, INPUT1);
    const uint8_t *b = (const uint8_t *)mi_node_input_data(ctx, node, INPUT2);
    uint8_t *y = (uint8_t *)mi_node_output_data(ctx, node, OUTPUT);
    mi_broadcast_iter_t it;
    int32_t i;
    mi_broadcast_iter_init(&it);
    for (i = 0; i < d->bc.count; i++) {
        int u = a[it.offset[0]] != 0, v = b[it.offset[1]] != 0;
        y[i] = (uint8_t)(or_ ? (u || v) : (u && v));
        mi_broadcast_iter_next(&it, d->bc.dims, d->bc.strides, 2);
    }
    return MI_OK;
}
