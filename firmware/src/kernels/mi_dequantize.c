/* placeholder, replaced below */
#include "mi_kernel_util.h"
static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    (void)ctx; (void)node; (void)options;
    return MI_ERR_UNSUPPORTED_TYPE;
}
static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node) { (void)ctx; (void)node; return MI_ERR_UNSUPPORTED_TYPE; }
const mi_registration_t mi_registration_dequantize = {MI_OP_DEQUANTIZE, 0, "DEQUANTIZE", prepare, invoke};
