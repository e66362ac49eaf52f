/* SHAPE (TFLM: kernels/shape.cc; Python twin: kernels/shape.py).
 *
 * Writes the input's dimensions (any input type) into an int32 output of one
 * element per dimension (out_type int64 is refused, as TFLM's eval fails it);
 * the output must hold exactly the input's rank. Known at prepare time. */
#include "mi_kernel_util.h"

#define INPUT 0
#define OUTPUT 0

/* op data layout (kernels/shape.py MEMORY): 0 pointers, 7 words */
typedef struct op_data {
    int32_t rank;
    int32_t dims[MI_MAX_DIMS];
} op_data_t;

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t src, out;
    uint32_t i;
    (void)options;
    MI_TRY(mi_node_input_info(ctx, node, INPUT, &src));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &out));
    if (out.type != MI_TYPE_INT32) return MI_ERR_UNSUPPORTED_TYPE;
    if (out.count != src.rank) return MI_ERR_BAD_PARAM;
    d->rank = src.rank;
    for (i = 0; i < src.rank && i < MI_MAX_DIMS; i++) d->dims[i] = src.dims[i];
    return MI_OK;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    int32_t *y = (int32_t *)mi_node_output_data(ctx, node, OUTPUT);
    int32_t i;
    for (i = 0; i < d->rank; i++) y[i] = d->dims[i];
    return MI_OK;
}

const mi_registration_t mi_registration_shape = {MI_OP_SHAPE, (uint32_t)sizeof(op_data_t), "SHAPE", prepare,
                                                 invoke};
