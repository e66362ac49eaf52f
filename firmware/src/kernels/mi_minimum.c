/* MINIMUM (TFLM: kernels/maximum_minimum.cc; Python twin: kernels/minimum.py).
 *
 * The mirror of MAXIMUM (same types, same prepare, mi_maximum.c):
 * a < b ? a : b on raw stored values, so a NaN in a yields b. */
#include "mi_maximum.h"

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    return mi_maximum_minimum_invoke(ctx, node, 1);
}

/* op data layout (kernels/minimum.py MEMORY): mi_maximum_op_data_t */
const mi_registration_t mi_registration_minimum = {MI_OP_MINIMUM, (uint32_t)sizeof(mi_maximum_op_data_t), "MINIMUM",
                                                   mi_maximum_prepare, invoke};
