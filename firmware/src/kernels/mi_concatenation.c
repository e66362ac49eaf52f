/* CONCATENATION (TFLM: kernels/concatenation.cc; Python twin: kernels/concatenation.py).
 *
 * Joins up to 10 inputs along one axis (negative axes count from the
 * output's rank) for float32, int8, int16, int32, int64 and bool. It is a pure
 * copy, so TFLM refuses anything needing a rescale: int8 inputs must have
 * exactly the output's scale and zero point; int16 inputs and output must
 * have zero point 0 (their scales are not compared: values are copied raw).
 * The fused activation must be NONE. Invoke copies, for every index of the
 * axes before `axis`, each input's contiguous block in turn. */
#include <string.h>

#include "mi_kernel_util.h"

#define OUTPUT 0
#define MAX_INPUTS 10

/* fwplan.py layout: 0 pointers, 2 words */
typedef struct op_data {
    int32_t outer;      /* product of the output dims before the axis */
    int32_t num_inputs;
} op_data_t;

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t dst, t;
    uint32_t i, n = mi_node_num_inputs(node), type;
    int32_t axis = options->concatenation.axis, rank, k;
    int64_t total = 0;
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &dst));
    if (n == 0) return MI_ERR_BAD_PARAM;
    if (options->concatenation.fused_activation_function != MI_ACT_NONE) return MI_ERR_UNSUPPORTED_TYPE;
    MI_TRY(mi_node_input_info(ctx, node, 0, &t));
    type = t.type;
    switch (type) {
    case MI_TYPE_FLOAT32: case MI_TYPE_INT8: case MI_TYPE_INT16: case MI_TYPE_INT32: case MI_TYPE_INT64:
    case MI_TYPE_BOOL: break;
    default: return MI_ERR_UNSUPPORTED_TYPE;
    }
    if (dst.type != type) return MI_ERR_BAD_PARAM;
    if (n > MAX_INPUTS) return MI_ERR_UNSUPPORTED_SHAPE;
    rank = (int32_t)dst.rank;
    if (axis < 0) axis += rank;
    if (axis < 0 || axis >= rank) return MI_ERR_BAD_PARAM;
    for (i = 0; i < n; i++) {
        MI_TRY(mi_node_input_info(ctx, node, i, &t));
        if (t.type != type) return MI_ERR_BAD_PARAM;
        if (type == MI_TYPE_INT8 &&
            (mi_scale0(ctx, &t) != mi_scale0(ctx, &dst) || mi_zero_point0(ctx, &t) != mi_zero_point0(ctx, &dst)))
            return MI_ERR_UNSUPPORTED_TYPE;
        if (type == MI_TYPE_INT16 && mi_zero_point0(ctx, &t) != 0) return MI_ERR_BAD_PARAM;
        if ((int32_t)t.rank != rank) return MI_ERR_BAD_PARAM;
        for (k = 0; k < rank; k++)
            if (k != axis && t.dims[k] != dst.dims[k]) return MI_ERR_BAD_PARAM;
        total += t.dims[axis];
    }
    if (type == MI_TYPE_INT16 && mi_zero_point0(ctx, &dst) != 0) return MI_ERR_BAD_PARAM;
    if (total != dst.dims[axis]) return MI_ERR_BAD_PARAM;
    d->outer = mi_dims_product(&dst, 0, (uint32_t)axis);
    d->num_inputs = (int32_t)n;
    return MI_OK;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    uint8_t *y = (uint8_t *)mi_node_output_data(ctx, node, OUTPUT);
    size_t o = 0;
    int32_t outer, i;
    if (d->outer == 0) return MI_OK;
    for (outer = 0; outer < d->outer; outer++)
        for (i = 0; i < d->num_inputs; i++) {
            /* each input's block: its bytes over the outer count (a runtime table, no flatbuffer) */
            const size_t block = ctx->tensors[mi_node_input_index(ctx, node, (uint32_t)i)].bytes / (size_t)d->outer;
            const uint8_t *x = (const uint8_t *)mi_node_input_data(ctx, node, (uint32_t)i);
            memcpy(y + o, x + (size_t)outer * block, block);
            o += block;
        }
    return MI_OK;
}

const mi_registration_t mi_registration_concatenation = {MI_OP_CONCATENATION, (uint32_t)sizeof(op_data_t),
                                                         "CONCATENATION", prepare, invoke};
