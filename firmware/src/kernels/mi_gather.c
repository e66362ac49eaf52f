/* GATHER (TFLM: kernels/gather.cc; Python twin: kernels/gather.py).
 *
 * Picks slices of a float32 or int8 tensor along `axis` at int32 positions,
 * with `batch_dims` leading dimensions shared by input and positions
 * (negative axis counts from the input's rank, negative batch_dims from the
 * positions' rank). The output shape is input[:axis] + positions[batch_dims:]
 * + input[axis+1:] and the model's must agree. An out-of-range position is a
 * read past the tensor in TFLM (only DCHECKed); here, as in gather.py, every
 * position is checked before anything is written and a bad one is a status. */
#include <string.h>

#include "mi_kernel_util.h"

#define INPUT 0
#define POSITIONS 1
#define OUTPUT 0

/* op data layout (kernels/gather.py MEMORY): 0 pointers, 5 words */
typedef struct op_data {
    int32_t batch, outer, axis_size, inner_bytes, coords;
} op_data_t;

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t src, pos, dst;
    int32_t axis, batch_dims;
    uint32_t i, k = 0;
    MI_TRY(mi_node_input_info(ctx, node, INPUT, &src));
    MI_TRY(mi_node_input_info(ctx, node, POSITIONS, &pos));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &dst));
    if (pos.type != MI_TYPE_INT32) return MI_ERR_UNSUPPORTED_TYPE;
    if (src.type != MI_TYPE_FLOAT32 && src.type != MI_TYPE_INT8) return MI_ERR_UNSUPPORTED_TYPE;
    if (dst.type != src.type) return MI_ERR_BAD_PARAM;
    axis = mi_axis(options->gather.axis, src.rank);
    if (axis < 0) return MI_ERR_BAD_PARAM;
    batch_dims = options->gather.batch_dims < 0 ? options->gather.batch_dims + (int32_t)pos.rank
                                                : options->gather.batch_dims;
    if (!(batch_dims >= 0 && batch_dims <= axis && batch_dims < (int32_t)src.rank && batch_dims <= (int32_t)pos.rank))
        return MI_ERR_BAD_PARAM;
    for (i = 0; i < (uint32_t)batch_dims; i++)
        if (src.dims[i] != pos.dims[i]) return MI_ERR_BAD_PARAM;
    /* expected = src[:axis] + pos[batch_dims:] + src[axis+1:] */
    if ((uint32_t)axis + (pos.rank - (uint32_t)batch_dims) + (src.rank - (uint32_t)axis - 1u) != dst.rank)
        return MI_ERR_BAD_PARAM;
    for (i = 0; i < (uint32_t)axis; i++)
        if (dst.dims[k++] != src.dims[i]) return MI_ERR_BAD_PARAM;
    for (i = (uint32_t)batch_dims; i < pos.rank; i++)
        if (dst.dims[k++] != pos.dims[i]) return MI_ERR_BAD_PARAM;
    for (i = (uint32_t)axis + 1u; i < src.rank; i++)
        if (dst.dims[k++] != src.dims[i]) return MI_ERR_BAD_PARAM;
    d->batch = mi_dims_product(&src, 0, (uint32_t)batch_dims);
    d->outer = mi_dims_product(&src, (uint32_t)batch_dims, (uint32_t)axis);
    d->axis_size = src.dims[axis];
    d->inner_bytes = (int32_t)(mi_dims_product(&src, (uint32_t)axis + 1u, src.rank) * (int64_t)mi_type_size(src.type));
    d->coords = mi_dims_product(&pos, (uint32_t)batch_dims, pos.rank);
    return MI_OK;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const uint8_t *x = (const uint8_t *)mi_node_input_data(ctx, node, INPUT);
    const int32_t *pos = (const int32_t *)mi_node_input_data(ctx, node, POSITIONS);
    uint8_t *out = (uint8_t *)mi_node_output_data(ctx, node, OUTPUT);
    const size_t inner = (size_t)d->inner_bytes, n_pos = (size_t)d->batch * (size_t)d->coords;
    size_t i;
    int32_t b, o, c;
    for (i = 0; i < n_pos; i++)
        if (pos[i] < 0 || pos[i] >= d->axis_size) return MI_ERR_BAD_PARAM;
    for (b = 0; b < d->batch; b++)
        for (o = 0; o < d->outer; o++) {
            const uint8_t *block = x + ((size_t)b * (size_t)d->outer + (size_t)o) * (size_t)d->axis_size * inner;
            for (c = 0; c < d->coords; c++) {
                memcpy(out, block + (size_t)pos[(size_t)b * (size_t)d->coords + (size_t)c] * inner, inner);
                out += inner;
            }
        }
    return MI_OK;
}

const mi_registration_t mi_registration_gather = {MI_OP_GATHER, (uint32_t)sizeof(op_data_t), "GATHER", prepare,
                                                  invoke};
