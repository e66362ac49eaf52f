/* READ_VARIABLE (TFLM: kernels/read_variable.cc, micro_resource_variable.cc; Python twin:
 * kernels/read_variable.py).
 *
 * Copies the bytes of the resource variable whose id is in input 0 into the
 * output (mi_resource_variables.h). Where TFLM only checks in debug builds
 * (the variable exists, is sized, has the output's byte length) and would read
 * a null buffer or out of bounds otherwise, invoke fails with MI_ERR_BAD_PARAM,
 * as the Python twin raises. */
#include "mi_resource_variables.h"

#define RESOURCE 0
#define OUTPUT 0

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    mi_tensor_info_t handle;
    (void)options;
    MI_TRY(mi_node_input_info(ctx, node, RESOURCE, &handle));
    if (handle.type != MI_TYPE_RESOURCE || handle.count != 1) return MI_ERR_BAD_PARAM;
    if (mi_node_num_inputs(node) != 1 || mi_node_num_outputs(node) != 1) return MI_ERR_BAD_PARAM;
    return MI_OK;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const int32_t *id = (const int32_t *)mi_node_input_data(ctx, node, RESOURCE);
    int32_t t = mi_node_output_index(ctx, node, OUTPUT);
    const uint8_t *buffer = id ? mi_resource_buffer(ctx, *id, ctx->tensors[t].bytes) : NULL;
    if (!buffer) return MI_ERR_BAD_PARAM;
    if (ctx->tensors[t].bytes) memcpy(ctx->tensors[t].data, buffer, ctx->tensors[t].bytes);
    return MI_OK;
}

const mi_registration_t mi_registration_read_variable = {MI_OP_READ_VARIABLE, 0, "READ_VARIABLE", prepare, invoke};
