/* CEIL (TFLM: kernels/ceil.cc, reference_ops::Ceil; Python twin: kernels/ceil.py).
 *
 * float32 only: ceilf, exact in IEEE arithmetic (ceil(-0.5) is -0.0); NaNs
 * are passed through bit for bit, as the oracle's ceil returns them. */
#include <math.h>

#include "mi_unary.h"

static float round_up(float x) { return ceilf(x); }

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    (void)options;
    return mi_unary_prepare_float(ctx, node);
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    return mi_unary_invoke_nan_preserving(ctx, node, round_up);
}

/* op data layout (kernels/ceil.py MEMORY): mi_unary_op_data_t */
const mi_registration_t mi_registration_ceil = {MI_OP_CEIL, (uint32_t)sizeof(mi_unary_op_data_t), "CEIL", prepare,
                                               invoke};
