/* EXP (TFLM: kernels/exp.cc, reference_ops::Exp; Python twin: kernels/exp.py).
 *
 * float32 only: the C library's expf (quant.libm_expf on the Python side:
 * glibc's on the host, bit for bit; newlib's on Cortex-M may differ from
 * TFLM's x86 build in the last bit, see mi_unary.h). */
#include <math.h>

#include "mi_unary.h"

static float exponential(float x) { return expf(x); }

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    (void)options;
    return mi_unary_prepare_float(ctx, node);
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    return mi_unary_invoke_float(ctx, node, exponential);
}

/* op data layout (kernels/exp.py MEMORY): mi_unary_op_data_t */
const mi_registration_t mi_registration_exp = {MI_OP_EXP, (uint32_t)sizeof(mi_unary_op_data_t), "EXP", prepare,
                                               invoke};
