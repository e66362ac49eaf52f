/* ROUND (TFLM: kernels/round.cc, reference_ops::Round; Python twin: kernels/round.py).
 *
 * float32 only, TFLM's RoundToNearest rather than roundf: f = floor(x) and
 * d = x - f (float32); f when d < 0.5 or when d == 0.5 and f is even, else
 * f + 1.0f. Halves go to even, and a negative input that rounds up to zero
 * gives +0.0 (-1 + 1). */
#include <math.h>

#include "mi_unary.h"

static float round_to_nearest(float x)
{
    float floor_val = floorf(x);
    float diff = x - floor_val;
    int even = fmodf(floor_val, 2.0f) == 0.0f; /* only read where diff == 0.5, |floor_val| < 2**23 */
    if (diff < 0.5f || (diff == 0.5f && even)) return floor_val;
    return floor_val + 1.0f;
}

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    (void)options;
    return mi_unary_prepare_float(ctx, node);
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    return mi_unary_invoke_float(ctx, node, round_to_nearest);
}

/* op data layout (kernels/round.py MEMORY): mi_unary_op_data_t */
const mi_registration_t mi_registration_round = {MI_OP_ROUND, (uint32_t)sizeof(mi_unary_op_data_t), "ROUND", prepare,
                                               invoke};
