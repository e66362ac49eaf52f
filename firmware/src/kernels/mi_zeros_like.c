/* ZEROS_LIKE (TFLM: kernels/zeros_like.cc; Python twin: kernels/zeros_like.py).
 *
 * int64, int32, int8 and float32: the output (of the input's type and element
 * count) is filled with zero bytes -- the integer 0, not the zero point, for
 * a quantized int8 tensor too; +0.0 for float32. Other types are refused in
 * prepare (TFLM fails them in eval). */
#include <string.h>

#include "mi_unary.h"

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    (void)options;
    return mi_unary_prepare(ctx, node,
                            MI_TYPE_BIT(MI_TYPE_INT64) | MI_TYPE_BIT(MI_TYPE_INT32) | MI_TYPE_BIT(MI_TYPE_INT8) |
                                MI_TYPE_BIT(MI_TYPE_FLOAT32));
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    void *y = mi_node_output_data(ctx, node, MI_UNARY_OUTPUT);
    int32_t t = mi_node_output_index(ctx, node, MI_UNARY_OUTPUT);
    memset(y, 0, ctx->tensors[t].bytes);
    return MI_OK;
}

/* op data layout (kernels/zeros_like.py MEMORY): mi_unary_op_data_t */
const mi_registration_t mi_registration_zeros_like = {MI_OP_ZEROS_LIKE, (uint32_t)sizeof(mi_unary_op_data_t),
                                                      "ZEROS_LIKE", prepare, invoke};
