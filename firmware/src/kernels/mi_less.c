/* LESS (TFLM: kernels/comparisons.cc; Python twin: kernels/less.py).
 *
 * < on float32, int32, int64, int8 (int16 refused: see comparisons.py); bool output, broadcast, int8 compared after TFLM's per-input
 * rescaling (mi_comparisons.c). */
#include "mi_comparisons.h"

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    (void)options;
    return mi_comparisons_prepare(ctx, node, MI_COMPARISONS_ORDERED_TYPES);
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    return mi_comparisons_invoke(ctx, node, MI_COMPARE_LESS);
}

/* op data layout (kernels/less.py MEMORY): mi_comparisons_op_data_t */
const mi_registration_t mi_registration_less = {MI_OP_LESS, (uint32_t)sizeof(mi_comparisons_op_data_t), "LESS",
                                               prepare, invoke};
