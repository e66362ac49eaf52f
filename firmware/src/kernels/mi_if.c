/* IF (TFLM: kernels/if.cc; Python twin: kernels/if.py).
 *
 * Input 0 is a one-element bool condition; the other inputs are copied into
 * the inputs of the `then` subgraph (condition true) or the `else` subgraph,
 * that subgraph runs (mi_invoke_subgraph), and its outputs are copied into
 * the op's outputs. Both branches' copies are checked in prepare (counts,
 * types, byte lengths), as the Python twin checks them. */
#include "mi_kernel_util.h"

#define COND 0

/* op data layout (kernels/if.py MEMORY): 2 words */
typedef struct {
    int32_t then_subgraph, else_subgraph;
} if_op_data_t;

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    if_op_data_t *d = (if_op_data_t *)node->op_data;
    mi_tensor_info_t cond;
    mi_tensor_list_t args = {0, 0, 1, 0}, outs = {0, 0, 0, 1};
    int32_t branches[2];
    uint32_t b;
    MI_TRY(mi_node_input_info(ctx, node, COND, &cond));
    if (cond.type != MI_TYPE_BOOL || cond.count != 1) return MI_ERR_BAD_PARAM;
    d->then_subgraph = branches[0] = options->calls.first;
    d->else_subgraph = branches[1] = options->calls.second;
    args.node = outs.node = node;
    for (b = 0; b < 2; b++) {
        mi_tensor_list_t in = {0, 0, 0, 0}, out = {0, 0, 0, 1};
        in.subgraph = out.subgraph = (uint32_t)branches[b]; /* in range: mi_model_init */
        MI_TRY(mi_check_copies(ctx, args, in));
        if (mi_list_count(ctx, out)) {
            MI_TRY(mi_check_copies(ctx, out, outs));
        } else if (b == 0 && node->outputs.count) { /* TFLM copies nothing back from a branch without outputs */
            return MI_ERR_BAD_PARAM;
        }
    }
    return MI_OK;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const if_op_data_t *d = (const if_op_data_t *)node->op_data;
    const uint8_t *cond = (const uint8_t *)mi_node_input_data(ctx, node, COND);
    mi_tensor_list_t args = {0, 0, 1, 0}, outs = {0, 0, 0, 1}, in = {0, 0, 0, 0}, out = {0, 0, 0, 1};
    uint32_t branch = (uint32_t)(cond[0] ? d->then_subgraph : d->else_subgraph);
    args.node = outs.node = node;
    in.subgraph = out.subgraph = branch;
    mi_copy_tensors(ctx, in, args);
    MI_TRY(mi_invoke_subgraph(ctx, branch));
    if (mi_list_count(ctx, out)) mi_copy_tensors(ctx, outs, out);
    return MI_OK;
}

const mi_registration_t mi_registration_if = {MI_OP_IF, (uint32_t)sizeof(if_op_data_t), "IF", prepare, invoke};
