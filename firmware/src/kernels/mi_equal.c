/* EQUAL (TFLM: kernels/comparisons.cc; Python twin: kernels/equal.py).
 *
 * == on bool, float32, int32, int64, int8; bool output, broadcast, int8 compared after TFLM's per-input
 * rescaling (mi_comparisons.c). */
#include "mi_comparisons.h"

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    (void)options;
    return mi_comparisons_prepare(ctx, node, MI_COMPARISONS_EQUALITY_TYPES);
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    return mi_comparisons_invoke(ctx, node, MI_COMPARE_EQUAL);
}

/* op data layout (kernels/equal.py MEMORY): mi_comparisons_op_data_t */
const mi_registration_t mi_registration_equal = {MI_OP_EQUAL, (uint32_t)sizeof(mi_comparisons_op_data_t), "EQUAL",
                                               prepare, invoke};
