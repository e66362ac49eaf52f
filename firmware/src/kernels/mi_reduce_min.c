/* REDUCE_MIN (TFLM: kernels/reduce.cc + reduce_common.cc; Python twin:
 * kernels/reduce_min.py): the mirror image of REDUCE_MAX, whose file holds the
 * shared code (mi_reduce_max.c). TFLM folds (in < current) ? in : current from
 * FLT_MAX (not +inf): NaN never wins, the first of equal values is kept, and a
 * row of only +inf/NaN gives FLT_MAX; int8 input and output must share scale
 * and zero point. */
#include "mi_reduce_max.h"

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    (void)options;
    return mi_reduce_min_max_prepare(ctx, node, 0);
}

const mi_registration_t mi_registration_reduce_min = {MI_OP_REDUCE_MIN, (uint32_t)sizeof(mi_reduce_min_max_op_data_t),
                                                      "REDUCE_MIN", prepare, mi_reduce_min_max_invoke};
