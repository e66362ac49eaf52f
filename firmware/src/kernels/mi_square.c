/* SQUARE (TFLM: kernels/elementwise.cc, SquareEval; Python twin: kernels/square.py).
 *
 * float32 only: one float32 product x * x (IEEE inf/NaN as they come). */
#include <math.h>

#include "mi_unary.h"

static float square(float x) { return x * x; }

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    (void)options;
    return mi_unary_prepare_float(ctx, node);
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    return mi_unary_invoke_float(ctx, node, square);
}

/* op data layout (kernels/square.py MEMORY): mi_unary_op_data_t */
const mi_registration_t mi_registration_square = {MI_OP_SQUARE, (uint32_t)sizeof(mi_unary_op_data_t), "SQUARE", prepare,
                                               invoke};
