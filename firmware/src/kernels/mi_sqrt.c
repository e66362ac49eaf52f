/* SQRT (TFLM: kernels/elementwise.cc, SqrtEval; Python twin: kernels/sqrt.py).
 *
 * float32 only: sqrtf, correctly rounded in IEEE arithmetic on every target
 * (negative inputs give x86's default NaN on every target, mi_unary_sqrt). */
#include <math.h>

#include "mi_unary.h"

static float square_root(float x) { return mi_unary_sqrt(x); }

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    (void)options;
    return mi_unary_prepare_float(ctx, node);
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    return mi_unary_invoke_float(ctx, node, square_root);
}

/* op data layout (kernels/sqrt.py MEMORY): mi_unary_op_data_t */
const mi_registration_t mi_registration_sqrt = {MI_OP_SQRT, (uint32_t)sizeof(mi_unary_op_data_t), "SQRT", prepare,
                                               invoke};
