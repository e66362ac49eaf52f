/* SPLIT (TFLM: kernels/split.cc; Python twin: kernels/split.py).
 *
 * Cuts a float32, int8, int16 or int32 tensor (input 1) into as many equal
 * parts along a constant int32 axis (input 0; negative counts from the rank)
 * as the operator has outputs. num_splits is not consulted, as in TFLM. */
#include <string.h>

#include "mi_kernel_util.h"

#define AXIS 0
#define INPUT 1

/* op data layout (kernels/split.py MEMORY): 0 pointers, 3 words */
typedef struct op_data {
    int32_t count, outer, part_bytes;
} op_data_t;

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t axis_t, src, dst;
    const uint32_t count = mi_node_num_outputs(node);
    int32_t axis;
    uint32_t i, j;
    (void)options;
    MI_TRY(mi_node_input_info(ctx, node, AXIS, &axis_t));
    MI_TRY(mi_node_input_info(ctx, node, INPUT, &src));
    if (!axis_t.data) return MI_ERR_UNSUPPORTED_SHAPE; /* non-constant axis, as TFLM */
    if (axis_t.type != MI_TYPE_INT32 || axis_t.count < 1) return MI_ERR_BAD_PARAM;
    if (src.type != MI_TYPE_FLOAT32 && src.type != MI_TYPE_INT8 && src.type != MI_TYPE_INT16 &&
        src.type != MI_TYPE_INT32)
        return MI_ERR_UNSUPPORTED_TYPE;
    axis = mi_axis(((const int32_t *)(const void *)axis_t.data)[0], src.rank);
    if (axis < 0 || count == 0) return MI_ERR_BAD_PARAM;
    if ((uint32_t)src.dims[axis] % count) return MI_ERR_BAD_PARAM;
    for (i = 0; i < count; i++) {
        MI_TRY(mi_node_output_info(ctx, node, i, &dst));
        if (dst.type != src.type || dst.rank != src.rank) return MI_ERR_BAD_PARAM;
        for (j = 0; j < src.rank; j++) {
            const int32_t want = (int32_t)j == axis ? (int32_t)((uint32_t)src.dims[j] / count) : src.dims[j];
            if (dst.dims[j] != want) return MI_ERR_BAD_PARAM;
        }
    }
    d->count = (int32_t)count;
    d->outer = mi_dims_product(&src, 0, (uint32_t)axis);
    d->part_bytes = (int32_t)((int64_t)((uint32_t)src.dims[axis] / count) *
                              mi_dims_product(&src, (uint32_t)axis + 1u, src.rank) * (int64_t)mi_type_size(src.type));
    return MI_OK;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const uint8_t *src = (const uint8_t *)mi_node_input_data(ctx, node, INPUT);
    const size_t part = (size_t)d->part_bytes;
    int32_t o, i;
    for (i = 0; i < d->count; i++) {
        uint8_t *out = (uint8_t *)mi_node_output_data(ctx, node, (uint32_t)i);
        for (o = 0; o < d->outer; o++)
            memcpy(out + (size_t)o * part, src + ((size_t)o * (size_t)d->count + (size_t)i) * part, part);
    }
    return MI_OK;
}

const mi_registration_t mi_registration_split = {MI_OP_SPLIT, (uint32_t)sizeof(op_data_t), "SPLIT", prepare, invoke};
