/* LOG (TFLM: kernels/elementwise.cc, LogEval; Python twin: kernels/log.py).
 *
 * float32 only: the C library's logf (negative inputs give NaN, zeros -inf).
 * glibc's on the host, as quant.libm_logf calls; newlib's on Cortex-M may
 * differ in the last bit (see mi_unary.h). */
#include <math.h>

#include "mi_unary.h"

static float logarithm(float x) { return logf(x); }

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    (void)options;
    return mi_unary_prepare_float(ctx, node);
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    return mi_unary_invoke_float(ctx, node, logarithm);
}

/* op data layout (kernels/log.py MEMORY): mi_unary_op_data_t */
const mi_registration_t mi_registration_log = {MI_OP_LOG, (uint32_t)sizeof(mi_unary_op_data_t), "LOG", prepare,
                                               invoke};
