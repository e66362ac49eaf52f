/* CALL_ONCE (TFLM: kernels/call_once.cc; Python twin: kernels/call_once.py).
 *
 * Runs its `init` subgraph the first time the op is invoked and nothing
 * afterwards, for the life of the interpreter: mi_interpreter_reset() does not
 * make it run again (TFLM's kernel has no reset). No inputs, no outputs. */
#include "mi_kernel_util.h"

/* op data layout (kernels/call_once.py MEMORY): 1 word, 1 byte */
typedef struct {
    int32_t init_subgraph;
    uint8_t has_run;
} call_once_op_data_t;

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    call_once_op_data_t *d = (call_once_op_data_t *)node->op_data;
    (void)ctx;
    if (node->inputs.count || node->outputs.count) return MI_ERR_BAD_PARAM;
    d->init_subgraph = options->calls.first; /* in range: mi_model_init */
    d->has_run = 0;
    return MI_OK;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    call_once_op_data_t *d = (call_once_op_data_t *)node->op_data;
    if (d->has_run) return MI_OK;
    MI_TRY(mi_invoke_subgraph(ctx, (uint32_t)d->init_subgraph));
    d->has_run = 1;
    return MI_OK;
}

const mi_registration_t mi_registration_call_once = {MI_OP_CALL_ONCE, (uint32_t)sizeof(call_once_op_data_t),
                                                     "CALL_ONCE", prepare, invoke};
