/* COS (TFLM: kernels/elementwise.cc, CosEval; Python twin: kernels/cos.py).
 *
 * float32 only: the C library's cosf, as quant.libm_float("cosf") calls it on
 * the host; newlib's on Cortex-M may differ in the last bit (see mi_unary.h). */
#include <math.h>

#include "mi_unary.h"

static float cosine(float x) { return cosf(x); }

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    (void)options;
    return mi_unary_prepare_float(ctx, node);
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    return mi_unary_invoke_float(ctx, node, cosine);
}

/* op data layout (kernels/cos.py MEMORY): mi_unary_op_data_t */
const mi_registration_t mi_registration_cos = {MI_OP_COS, (uint32_t)sizeof(mi_unary_op_data_t), "COS", prepare,
                                               invoke};
