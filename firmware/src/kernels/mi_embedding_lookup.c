/* EMBEDDING_LOOKUP (TFLM: kernels/embedding_lookup.cc; Python twin:
 * kernels/embedding_lookup.py).
 *
 * Copies the rows value[ids[i]] of a float32 or int8 table (rank >= 2) for a
 * 1-D int32 ids tensor; the output shape must be (len(ids),) + value.shape[1:].
 * float32 -> float32 and int8 -> int8 copy raw rows; int8 -> float32 is
 * TFLM's hybrid path: float(q) * scale in float32 (one rounding), with a
 * per-tensor zero point of 0. An id outside [0, rows) is a status (TFLM's
 * invoke fails too); with no rows the output is left untouched, as TFLM. */
#include <string.h>

#include "mi_kernel_util.h"

#define IDS 0
#define VALUE 1
#define OUTPUT 0

/* op data layout (kernels/embedding_lookup.py MEMORY): 0 pointers, 4 words, 1 byte */
typedef struct op_data {
    int32_t rows, ids, row_elems;
    float scale;
    uint8_t dequantize;
} op_data_t;

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t ids, value, dst;
    uint32_t i;
    (void)options;
    MI_TRY(mi_node_input_info(ctx, node, IDS, &ids));
    MI_TRY(mi_node_input_info(ctx, node, VALUE, &value));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &dst));
    if (ids.type != MI_TYPE_INT32 || ids.rank != 1) return MI_ERR_BAD_PARAM;
    if (value.rank < 2) return MI_ERR_BAD_PARAM;
    if (value.type != MI_TYPE_FLOAT32 && value.type != MI_TYPE_INT8) return MI_ERR_UNSUPPORTED_TYPE;
    if (dst.type != MI_TYPE_FLOAT32 && !(value.type == MI_TYPE_INT8 && dst.type == MI_TYPE_INT8))
        return MI_ERR_UNSUPPORTED_TYPE;
    if (dst.rank != value.rank || dst.dims[0] != ids.dims[0]) return MI_ERR_BAD_PARAM;
    for (i = 1; i < value.rank; i++)
        if (dst.dims[i] != value.dims[i]) return MI_ERR_BAD_PARAM;
    d->dequantize = value.type == MI_TYPE_INT8 && dst.type == MI_TYPE_FLOAT32;
    if (d->dequantize) {
        if (!MI_ENABLE_FLOAT) return MI_ERR_UNSUPPORTED_TYPE;
        if (value.scales.count != 1) return MI_ERR_UNSUPPORTED_SHAPE; /* none, or per-channel */
        if (mi_zero_point0(ctx, &value) != 0) return MI_ERR_BAD_PARAM;
        d->scale = mi_scale0(ctx, &value);
    }
    d->rows = value.dims[0];
    d->ids = ids.dims[0];
    d->row_elems = mi_dims_product(&value, 1, value.rank);
    return MI_OK;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const int32_t *ids = (const int32_t *)mi_node_input_data(ctx, node, IDS);
    const int32_t t_value = mi_node_input_index(ctx, node, VALUE);
    const uint8_t *value = (const uint8_t *)ctx->tensors[t_value].data;
    const size_t e = (size_t)mi_type_size(ctx->tensors[t_value].type), row = (size_t)d->row_elems;
    void *out = mi_node_output_data(ctx, node, OUTPUT);
    int32_t i;
    size_t k;
    if (d->rows == 0) return MI_OK;
    for (i = 0; i < d->ids; i++)
        if (ids[i] < 0 || ids[i] >= d->rows) return MI_ERR_BAD_PARAM;
    for (i = 0; i < d->ids; i++) {
        const uint8_t *src = value + (size_t)ids[i] * row * e;
#if MI_ENABLE_FLOAT
        if (d->dequantize) {
            float *y = (float *)out + (size_t)i * row;
            for (k = 0; k < row; k++) y[k] = (float)((const int8_t *)src)[k] * d->scale;
            continue;
        }
#endif
        memcpy((uint8_t *)out + (size_t)i * row * e, src, row * e);
    }
    (void)k;
    return MI_OK;
}

const mi_registration_t mi_registration_embedding_lookup = {MI_OP_EMBEDDING_LOOKUP, (uint32_t)sizeof(op_data_t),
                                                            "EMBEDDING_LOOKUP", prepare, invoke};
