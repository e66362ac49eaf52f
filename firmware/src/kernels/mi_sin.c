/* SIN (TFLM: kernels/elementwise.cc, SinEval; Python twin: kernels/sin.py).
 *
 * float32 only: the C library's sinf, as quant.libm_float("sinf") calls it on
 * the host; newlib's on Cortex-M may differ in the last bit (see mi_unary.h). */
#include <math.h>

#include "mi_unary.h"

static float sine(float x) { return sinf(x); }

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    (void)options;
    return mi_unary_prepare_float(ctx, node);
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    return mi_unary_invoke_float(ctx, node, sine);
}

/* op data layout (kernels/sin.py MEMORY): mi_unary_op_data_t */
const mi_registration_t mi_registration_sin = {MI_OP_SIN, (uint32_t)sizeof(mi_unary_op_data_t), "SIN", prepare,
                                               invoke};
