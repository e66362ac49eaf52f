/* PACK (TFLM: kernels/pack.cc; Python twin: kernels/pack.py).
 *
 * Stacks values_count equally shaped inputs along a new axis (negative axes
 * count from the output's rank) for float32, int8, int16, int32 and int64.
 * Like TFLM, quantization parameters are never compared: int8/int16 inputs
 * of different scales are stacked raw. Shapes are validated (TFLM only
 * DCHECKs them). Each output row of `outer` holds `count` input blocks of
 * `inner` bytes. */
#include <string.h>

#include "mi_kernel_util.h"

#define OUTPUT 0

/* op data layout (kernels/pack.py MEMORY): 0 pointers, 3 words */
typedef struct op_data {
    int32_t count, outer, inner_bytes;
} op_data_t;

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t dst, first, src;
    int32_t count = options->pack.values_count, axis, i;
    uint32_t j;
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &dst));
    if (dst.type != MI_TYPE_FLOAT32 && dst.type != MI_TYPE_INT8 && dst.type != MI_TYPE_INT16 &&
        dst.type != MI_TYPE_INT32 && dst.type != MI_TYPE_INT64)
        return MI_ERR_UNSUPPORTED_TYPE;
    if (count < 1 || (uint32_t)count > mi_node_num_inputs(node)) return MI_ERR_BAD_PARAM;
    MI_TRY(mi_node_input_info(ctx, node, 0, &first));
    for (i = 1; i < count; i++) MI_TRY(mi_node_input_info(ctx, node, (uint32_t)i, &src));
    axis = mi_axis(options->pack.axis, dst.rank);
    if (axis < 0) return MI_ERR_BAD_PARAM;
    for (i = 0; i < count; i++) {
        MI_TRY(mi_node_input_info(ctx, node, (uint32_t)i, &src));
        if (src.type != dst.type || !mi_same_shape(&src, &first)) return MI_ERR_BAD_PARAM;
    }
    if (dst.rank != first.rank + 1u) return MI_ERR_BAD_PARAM;
    for (j = 0; j < dst.rank; j++) {
        const int32_t want = (int32_t)j < axis ? first.dims[j] : (int32_t)j == axis ? count : first.dims[j - 1];
        if (dst.dims[j] != want) return MI_ERR_BAD_PARAM;
    }
    d->count = count;
    d->outer = mi_dims_product(&first, 0, (uint32_t)axis);
    d->inner_bytes = (int32_t)(mi_dims_product(&first, (uint32_t)axis, first.rank) * (int64_t)mi_type_size(dst.type));
    return MI_OK;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    uint8_t *out = (uint8_t *)mi_node_output_data(ctx, node, OUTPUT);
    const size_t inner = (size_t)d->inner_bytes;
    int32_t o, i;
    for (i = 0; i < d->count; i++) {
        const uint8_t *src = (const uint8_t *)mi_node_input_data(ctx, node, (uint32_t)i);
        for (o = 0; o < d->outer; o++)
            memcpy(out + ((size_t)o * (size_t)d->count + (size_t)i) * inner, src + (size_t)o * inner, inner);
    }
    return MI_OK;
}

const mi_registration_t mi_registration_pack = {MI_OP_PACK, (uint32_t)sizeof(op_data_t), "PACK", prepare, invoke};
