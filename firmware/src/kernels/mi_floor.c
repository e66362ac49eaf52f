/* FLOOR (TFLM: kernels/floor.cc, reference_ops::Floor; Python twin: kernels/floor.py).
 *
 * float32 only: floorf, exact in IEEE arithmetic (keeps -0.0); NaNs are
 * passed through bit for bit, as the oracle's floor returns them. */
#include <math.h>

#include "mi_unary.h"

static float round_down(float x) { return floorf(x); }

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    (void)options;
    return mi_unary_prepare_float(ctx, node);
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    return mi_unary_invoke_nan_preserving(ctx, node, round_down);
}

/* op data layout (kernels/floor.py MEMORY): mi_unary_op_data_t */
const mi_registration_t mi_registration_floor = {MI_OP_FLOOR, (uint32_t)sizeof(mi_unary_op_data_t), "FLOOR", prepare,
                                               invoke};
