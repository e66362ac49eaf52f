/* NEG (TFLM: kernels/neg.cc, reference_ops::Negate; Python twin: kernels/neg.py).
 *
 * float32 only: -x, which flips the sign bit of zeros and NaNs too. */
#include <math.h>

#include "mi_unary.h"

static float negate(float x) { return -x; }

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    (void)options;
    return mi_unary_prepare_float(ctx, node);
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    return mi_unary_invoke_float(ctx, node, negate);
}

/* op data layout (kernels/neg.py MEMORY): mi_unary_op_data_t */
const mi_registration_t mi_registration_neg = {MI_OP_NEG, (uint32_t)sizeof(mi_unary_op_data_t), "NEG", prepare,
                                               invoke};
