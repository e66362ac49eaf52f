/* ASSIGN_VARIABLE (TFLM: kernels/assign_variable.cc, micro_resource_variable.cc; Python
 * twin: kernels/assign_variable.py, which documents the behaviour).
 *
 * Copies input 1's bytes into the resource variable whose id is in input 0
 * (mi_resource_variables.h). Prepare sizes the variable's buffer when the id is
 * already known (input 0 is the output of a VAR_HANDLE prepared before it:
 * MI_TENSOR_BOUND) and no earlier ASSIGN_VARIABLE sized it: a kernel state of
 * the value's byte length whose default byte, written again by every reset, is
 * the value's zero point taken as an int8 (0 without quantization), as TFLM's
 * MicroResourceVariables::Allocate. Invoke fails with MI_ERR_BAD_PARAM where the
 * variable does not exist, is unsized or has another byte length, as the Python
 * twin raises. */
#include "mi_resource_variables.h"

#define RESOURCE 0
#define VALUE 1

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    mi_tensor_info_t handle, value;
    const mi_tensor_t *h;
    (void)options;
    if (mi_node_num_inputs(node) != 2 || mi_node_num_outputs(node) != 0) return MI_ERR_BAD_PARAM;
    MI_TRY(mi_node_input_info(ctx, node, RESOURCE, &handle));
    MI_TRY(mi_node_input_info(ctx, node, VALUE, &value));
    if ((handle.type != MI_TYPE_RESOURCE && handle.type != MI_TYPE_INT32) || handle.count != 1)
        return MI_ERR_BAD_PARAM;
    h = &ctx->tensors[mi_node_input_index(ctx, node, RESOURCE)];
    if (h->flags == MI_TENSOR_BOUND && ctx->resources) {
        int32_t id = *(const int32_t *)h->data;
        mi_resource_variable_t *v;
        if (id < 0 || (uint32_t)id >= ctx->resources->count) return MI_ERR_BAD_PARAM;
        v = &ctx->resources->variables[id];
        if (!v->buffer.data) {
            if (!mi_alloc_state(ctx, &v->buffer, value.bytes)) return MI_ERR_ARENA_TOO_SMALL;
            v->buffer.fill = value.scales.count ? (uint32_t)(mi_zero_point0(ctx, &value) & 0xFF) : 0u;
        }
    }
    return MI_OK;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const int32_t *id = (const int32_t *)mi_node_input_data(ctx, node, RESOURCE);
    int32_t t = mi_node_input_index(ctx, node, VALUE);
    uint8_t *buffer = id ? mi_resource_buffer(ctx, *id, ctx->tensors[t].bytes) : NULL;
    if (!buffer) return MI_ERR_BAD_PARAM;
    if (ctx->tensors[t].bytes) memcpy(buffer, ctx->tensors[t].data, ctx->tensors[t].bytes);
    return MI_OK;
}

const mi_registration_t mi_registration_assign_variable = {MI_OP_ASSIGN_VARIABLE, 0, "ASSIGN_VARIABLE", prepare,
                                                           invoke};
