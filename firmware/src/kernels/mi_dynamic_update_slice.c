/* DYNAMIC_UPDATE_SLICE (TFLM: kernels/dynamic_update_slice.cc; Python twin: kernels/dynamic_update_slice.py).
 *
 * The output is the operand with the block `update` written at `start`: a raw
 * copy of float32, int8, int16 or int32 values (no requantization, as TFLM).
 * `start` is an int32 or int64 vector, one entry per operand dimension, read at
 * invoke time (it may be a graph input); each entry is clamped to
 * [0, operand_dim - update_dim] as TFLM's CalculateClampedStartIndices does, so
 * the block always fits, and an update as large as the operand replaces it.
 * Refused in prepare, as in the Python twin: other types, an update of another
 * type or rank or larger than the operand, a start vector of the wrong length,
 * operands of rank 0 or above 6 (TFLM's limits), and an output that cannot
 * hold the operand (TFLM never checks it and would overrun it). */
#include <string.h>

#include "mi_kernel_util.h"

#define OPERAND 0
#define UPDATE 1
#define START 2
#define OUTPUT 0
#define MAX_DIMS 6u /* RuntimeShape::kMaxSmallSize */

/* op data layout (kernels/dynamic_update_slice.py MEMORY): 0 pointers, 13 words, 2 bytes */
typedef struct op_data {
    int32_t in_dims[MAX_DIMS], upd_dims[MAX_DIMS];
    int32_t elem_bytes;
    uint8_t rank, wide; /* wide: int64 start indices */
} op_data_t;

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t src, upd, start, dst;
    uint32_t i;
    (void)options;
    MI_TRY(mi_node_input_info(ctx, node, OPERAND, &src));
    MI_TRY(mi_node_input_info(ctx, node, UPDATE, &upd));
    MI_TRY(mi_node_input_info(ctx, node, START, &start));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &dst));
    if (src.type != MI_TYPE_FLOAT32 && src.type != MI_TYPE_INT8 && src.type != MI_TYPE_INT16 &&
        src.type != MI_TYPE_INT32)
        return MI_ERR_UNSUPPORTED_TYPE;
    if (upd.type != src.type) return MI_ERR_BAD_PARAM;
    if (dst.type != src.type || dst.count != src.count) return MI_ERR_BAD_PARAM;
    if (start.type != MI_TYPE_INT32 && start.type != MI_TYPE_INT64) return MI_ERR_UNSUPPORTED_TYPE;
    if (src.rank < 1 || src.rank > MAX_DIMS) return MI_ERR_BAD_PARAM;
    if (start.rank != 1 || start.dims[0] != (int32_t)src.rank) return MI_ERR_BAD_PARAM;
    if (upd.rank != src.rank) return MI_ERR_BAD_PARAM;
    for (i = 0; i < src.rank; i++) {
        if (upd.dims[i] > src.dims[i]) return MI_ERR_BAD_PARAM;
        d->in_dims[i] = src.dims[i];
        d->upd_dims[i] = upd.dims[i];
    }
    d->rank = src.rank;
    d->wide = start.type == MI_TYPE_INT64;
    d->elem_bytes = (int32_t)mi_type_size(src.type);
    return MI_OK;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const uint8_t *src = (const uint8_t *)mi_node_input_data(ctx, node, OPERAND);
    const uint8_t *upd = (const uint8_t *)mi_node_input_data(ctx, node, UPDATE);
    const void *start = mi_node_input_data(ctx, node, START);
    uint8_t *out = (uint8_t *)mi_node_output_data(ctx, node, OUTPUT);
    const size_t e = (size_t)d->elem_bytes;
    const uint32_t last = d->rank - 1u;
    size_t in_count = 1, upd_count = 1, stride[MAX_DIMS], row, r;
    int32_t first[MAX_DIMS], at[MAX_DIMS];
    uint32_t i;
    for (i = 0; i < d->rank; i++) {
        in_count *= (size_t)d->in_dims[i];
        upd_count *= (size_t)d->upd_dims[i];
    }
    if (in_count == upd_count) { /* the update is the whole operand */
        memcpy(out, upd, in_count * e);
        return MI_OK;
    }
    if (out != src) memcpy(out, src, in_count * e);
    if (upd_count == 0) return MI_OK;
    stride[last] = 1;
    for (i = last; i > 0; i--) stride[i - 1] = stride[i] * (size_t)d->in_dims[i];
    for (i = 0; i < d->rank; i++) {
        const int64_t b = d->wide ? ((const int64_t *)start)[i] : (int64_t)((const int32_t *)start)[i];
        const int64_t hi = (int64_t)d->in_dims[i] - d->upd_dims[i];
        first[i] = (int32_t)(b < 0 ? 0 : (b > hi ? hi : b));
        at[i] = 0;
    }
    /* one contiguous row of the update (its last dimension) per step, odometer over the others */
    row = (size_t)d->upd_dims[last] * e;
    for (r = 0; r < upd_count / (size_t)d->upd_dims[last]; r++) {
        size_t offset = (size_t)first[last];
        for (i = 0; i < last; i++) offset += (size_t)(first[i] + at[i]) * stride[i];
        memcpy(out + offset * e, upd + r * row, row);
        for (i = last; i > 0; i--) {
            if (++at[i - 1] < d->upd_dims[i - 1]) break;
            at[i - 1] = 0;
        }
    }
    return MI_OK;
}

const mi_registration_t mi_registration_dynamic_update_slice = {
    MI_OP_DYNAMIC_UPDATE_SLICE, (uint32_t)sizeof(op_data_t), "DYNAMIC_UPDATE_SLICE", prepare, invoke};
