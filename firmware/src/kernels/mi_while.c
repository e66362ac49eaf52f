/* WHILE (TFLM: kernels/while.cc; Python twin: kernels/while.py).
 *
 * The op's inputs are copied into the `cond` subgraph's inputs and into the
 * op's outputs; while cond's first output is true, the outputs are copied
 * into the `body` subgraph's inputs, body runs, its outputs are copied back
 * into the op's outputs, and cond runs again on them: TFLM's WhileEval, copy
 * for copy. Every copy is checked in prepare (counts, types, byte lengths),
 * cond's first output must be a non-empty bool, and a loop that runs
 * MI_MAX_WHILE_ITERATIONS times stops with MI_ERR_BAD_PARAM (TFLM would hang),
 * as the Python twin. */
#include "mi_kernel_util.h"

/* op data layout (kernels/while.py MEMORY): 2 words */
typedef struct {
    int32_t cond_subgraph, body_subgraph;
} while_op_data_t;

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    while_op_data_t *d = (while_op_data_t *)node->op_data;
    mi_tensor_list_t ins = {0, 0, 0, 0}, outs = {0, 0, 0, 1};
    mi_tensor_list_t cond_in = {0, 0, 0, 0}, body_in = {0, 0, 0, 0}, body_out = {0, 0, 0, 1};
    mi_tensor_info_t flag;
    d->cond_subgraph = options->calls.first; /* in range: mi_model_init */
    d->body_subgraph = options->calls.second;
    ins.node = outs.node = node;
    cond_in.subgraph = (uint32_t)d->cond_subgraph;
    body_in.subgraph = body_out.subgraph = (uint32_t)d->body_subgraph;
    MI_TRY(mi_check_copies(ctx, ins, outs));
    MI_TRY(mi_check_copies(ctx, ins, cond_in));
    MI_TRY(mi_check_copies(ctx, outs, body_in));
    MI_TRY(mi_check_copies(ctx, body_out, outs));
    if (mi_subgraph_io_info(ctx, (uint32_t)d->cond_subgraph, 1, 0, &flag) != MI_OK) return MI_ERR_BAD_PARAM;
    if (flag.type != MI_TYPE_BOOL || flag.bytes == 0) return MI_ERR_BAD_PARAM;
    return MI_OK;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const while_op_data_t *d = (const while_op_data_t *)node->op_data;
    const uint32_t cond = (uint32_t)d->cond_subgraph, body = (uint32_t)d->body_subgraph;
    mi_tensor_list_t ins = {0, 0, 0, 0}, outs = {0, 0, 0, 1};
    mi_tensor_list_t cond_in = {0, 0, 0, 0}, body_in = {0, 0, 0, 0}, body_out = {0, 0, 0, 1};
    const uint8_t *flag = (const uint8_t *)mi_subgraph_io_data(ctx, cond, 1, 0);
    long iterations = 0;
    ins.node = outs.node = node;
    cond_in.subgraph = cond;
    body_in.subgraph = body_out.subgraph = body;
    if (!flag) return MI_ERR_BAD_STATE;
    mi_copy_tensors(ctx, cond_in, ins);
    mi_copy_tensors(ctx, outs, ins);
    MI_TRY(mi_invoke_subgraph(ctx, cond));
    while (flag[0]) {
        if (iterations == MI_MAX_WHILE_ITERATIONS) return MI_ERR_BAD_PARAM;
        iterations++;
        mi_copy_tensors(ctx, body_in, outs);
        MI_TRY(mi_invoke_subgraph(ctx, body));
        mi_copy_tensors(ctx, outs, body_out);
        mi_copy_tensors(ctx, cond_in, outs);
        MI_TRY(mi_invoke_subgraph(ctx, cond));
    }
    return MI_OK;
}

const mi_registration_t mi_registration_while = {MI_OP_WHILE, (uint32_t)sizeof(while_op_data_t), "WHILE", prepare,
                                                 invoke};
