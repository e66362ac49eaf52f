/* SPLIT_V (TFLM: kernels/split_v.cc; Python twin: kernels/split_v.py).
 *
 * Cuts a float32, int8, int16 or int32 tensor (input 0) along a constant
 * int32 axis (input 2; negative counts from the rank) into parts whose
 * extents are the outputs' extents along that axis. Like TFLM, size_splits
 * (input 1) is never read: the output shapes decide; that they tile the
 * input is checked here (TFLM only DCHECKs it). */
#include <string.h>

#include "mi_kernel_util.h"

#define INPUT 0
#define AXIS 2

/* op data layout (kernels/split_v.py MEMORY): 0 pointers, 3 words */
typedef struct op_data {
    int32_t outer, row_bytes, inner_bytes; /* row = the whole axis extent of one outer index */
} op_data_t;

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t src, axis_t, dst;
    int64_t total = 0;
    int32_t axis;
    uint32_t i, j;
    (void)options;
    MI_TRY(mi_node_input_info(ctx, node, INPUT, &src));
    MI_TRY(mi_node_input_info(ctx, node, AXIS, &axis_t));
    if (!mi_is_constant(&axis_t)) return MI_ERR_UNSUPPORTED_SHAPE; /* as TFLM */
    if (axis_t.type != MI_TYPE_INT32 || axis_t.count < 1) return MI_ERR_BAD_PARAM;
    if (src.type != MI_TYPE_FLOAT32 && src.type != MI_TYPE_INT8 && src.type != MI_TYPE_INT16 &&
        src.type != MI_TYPE_INT32)
        return MI_ERR_UNSUPPORTED_TYPE;
    axis = mi_axis(((const int32_t *)(const void *)axis_t.data)[0], src.rank);
    if (axis < 0) return MI_ERR_BAD_PARAM;
    for (i = 0; i < mi_node_num_outputs(node); i++) {
        MI_TRY(mi_node_output_info(ctx, node, i, &dst));
        if (dst.type != src.type || dst.rank != src.rank) return MI_ERR_BAD_PARAM;
        for (j = 0; j < src.rank; j++)
            if ((int32_t)j != axis && dst.dims[j] != src.dims[j]) return MI_ERR_BAD_PARAM;
        total += dst.dims[axis];
    }
    if (total != src.dims[axis]) return MI_ERR_BAD_PARAM;
    d->outer = mi_dims_product(&src, 0, (uint32_t)axis);
    d->inner_bytes = (int32_t)(mi_dims_product(&src, (uint32_t)axis + 1u, src.rank) * (int64_t)mi_type_size(src.type));
    d->row_bytes = (int32_t)((int64_t)src.dims[axis] * d->inner_bytes);
    return MI_OK;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const uint8_t *src = (const uint8_t *)mi_node_input_data(ctx, node, INPUT);
    size_t start = 0; /* byte offset of this output's part inside a row */
    uint32_t i;
    int32_t o;
    for (i = 0; i < mi_node_num_outputs(node); i++) {
        const int32_t t = mi_node_output_index(ctx, node, i);
        uint8_t *out = (uint8_t *)ctx->tensors[t].data;
        const size_t part = d->outer ? ctx->tensors[t].bytes / (size_t)d->outer : 0;
        for (o = 0; o < d->outer; o++)
            memcpy(out + (size_t)o * part, src + (size_t)o * (size_t)d->row_bytes + start, part);
        start += part;
    }
    return MI_OK;
}

const mi_registration_t mi_registration_split_v = {MI_OP_SPLIT_V, (uint32_t)sizeof(op_data_t), "SPLIT_V", prepare,
                                                   invoke};
