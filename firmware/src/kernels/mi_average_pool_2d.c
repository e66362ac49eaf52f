/* AVERAGE_POOL_2D (TFLM: kernels/pooling.cc AverageEval; Python twin:
 * kernels/average_pool_2d.py). The arithmetic lives in mi_pooling.c. */
#include "mi_pooling.h"

MI_COLD static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    return mi_pool_prepare(ctx, node, options, 1);
}

const mi_registration_t mi_registration_average_pool_2d = {
    MI_OP_AVERAGE_POOL_2D, (uint32_t)sizeof(mi_pool_data_t), "AVERAGE_POOL_2D", prepare, mi_pool_invoke_average};
