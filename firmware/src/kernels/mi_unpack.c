/* UNPACK (TFLM: kernels/unpack.cc; Python twin: kernels/unpack.py).
 *
 * Splits a float32, int32, int16 or int8 tensor into `num` outputs along an
 * axis (negative axes count from the input's rank), removing that axis. TFLM
 * has no prepare step; the shapes it DCHECKs are validated here. */
#include <string.h>

#include "mi_kernel_util.h"

#define INPUT 0

/* op data layout (kernels/unpack.py MEMORY): 0 pointers, 3 words */
typedef struct op_data {
    int32_t count, outer, inner_bytes;
} op_data_t;

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t src, dst;
    int32_t axis, count = options->unpack.num, i;
    uint32_t j;
    MI_TRY(mi_node_input_info(ctx, node, INPUT, &src));
    if (src.type != MI_TYPE_FLOAT32 && src.type != MI_TYPE_INT32 && src.type != MI_TYPE_INT16 &&
        src.type != MI_TYPE_INT8)
        return MI_ERR_UNSUPPORTED_TYPE;
    axis = mi_axis(options->unpack.axis, src.rank);
    if (axis < 0) return MI_ERR_BAD_PARAM;
    if (count < 0 || (uint32_t)count != mi_node_num_outputs(node) || count != src.dims[axis]) return MI_ERR_BAD_PARAM;
    for (i = 0; i < count; i++) {
        MI_TRY(mi_node_output_info(ctx, node, (uint32_t)i, &dst));
        if (dst.type != src.type || dst.rank + 1u != src.rank) return MI_ERR_BAD_PARAM;
        for (j = 0; j < dst.rank; j++)
            if (dst.dims[j] != src.dims[(int32_t)j < axis ? j : j + 1]) return MI_ERR_BAD_PARAM;
    }
    d->count = count;
    d->outer = mi_dims_product(&src, 0, (uint32_t)axis);
    d->inner_bytes = (int32_t)(mi_dims_product(&src, (uint32_t)axis + 1u, src.rank) * (int64_t)mi_type_size(src.type));
    return MI_OK;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const uint8_t *src = (const uint8_t *)mi_node_input_data(ctx, node, INPUT);
    const size_t inner = (size_t)d->inner_bytes;
    int32_t o, i;
    for (i = 0; i < d->count; i++) {
        uint8_t *out = (uint8_t *)mi_node_output_data(ctx, node, (uint32_t)i);
        for (o = 0; o < d->outer; o++)
            memcpy(out + (size_t)o * inner, src + ((size_t)o * (size_t)d->count + (size_t)i) * inner, inner);
    }
    return MI_OK;
}

const mi_registration_t mi_registration_unpack = {MI_OP_UNPACK, (uint32_t)sizeof(op_data_t), "UNPACK", prepare,
                                                  invoke};
