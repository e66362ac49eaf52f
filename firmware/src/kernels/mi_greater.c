/* GREATER (TFLM: kernels/comparisons.cc; Python twin: kernels/greater.py).
 *
 * > on float32, int32, int64, int8 (int16 refused: see comparisons.py); bool output, broadcast, int8 compared after TFLM's per-input
 * rescaling (mi_comparisons.c). */
#include "mi_comparisons.h"

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    (void)options;
    return mi_comparisons_prepare(ctx, node, MI_COMPARISONS_ORDERED_TYPES);
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    return mi_comparisons_invoke(ctx, node, MI_COMPARE_GREATER);
}

/* op data layout (kernels/greater.py MEMORY): mi_comparisons_op_data_t */
const mi_registration_t mi_registration_greater = {MI_OP_GREATER, (uint32_t)sizeof(mi_comparisons_op_data_t), "GREATER",
                                               prepare, invoke};
