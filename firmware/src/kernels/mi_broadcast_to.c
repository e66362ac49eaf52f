/* BROADCAST_TO (TFLM: kernels/broadcast_to.cc + reference_ops::BroadcastTo;
 * Python twin: kernels/broadcast_to.py).
 *
 * Copies a tensor of rank <= 5 into the constant int32 or int64 `shape`
 * (rank <= 5) with numpy broadcasting: the input's dimensions align to the
 * right and each must be 1 or equal to the target's. Raw bytes are copied,
 * so every fixed-size type works; the output must have exactly the target
 * shape. */
#include <string.h>

#include "mi_kernel_util.h"

#define INPUT 0
#define SHAPE 1
#define OUTPUT 0
#define MAX_DIMS 5u

/* op data layout (kernels/broadcast_to.py MEMORY): 0 pointers, 11 words */
typedef struct op_data {
    int32_t out_dims[MAX_DIMS], in_stride[MAX_DIMS]; /* rank-5 extended; stride 0 where broadcast */
    int32_t elem_bytes;
} op_data_t;

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t src, shape_t, dst;
    int64_t target[MAX_DIMS];
    int32_t stride = 1;
    uint32_t i, n, lead;
    (void)options;
    MI_TRY(mi_node_input_info(ctx, node, INPUT, &src));
    MI_TRY(mi_node_input_info(ctx, node, SHAPE, &shape_t));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &dst));
    if (src.rank > MAX_DIMS) return MI_ERR_UNSUPPORTED_SHAPE;
    if (shape_t.type != MI_TYPE_INT32 && shape_t.type != MI_TYPE_INT64) return MI_ERR_BAD_PARAM;
    if (mi_type_size(src.type) == 0) return MI_ERR_UNSUPPORTED_TYPE;
    if (src.type != dst.type) return MI_ERR_BAD_PARAM;
    if (!mi_is_constant(&shape_t)) return MI_ERR_UNSUPPORTED_SHAPE;
    if (shape_t.rank != 1) return MI_ERR_BAD_PARAM;
    n = shape_t.count;
    if (n > MAX_DIMS || src.rank > n) return MI_ERR_BAD_PARAM;
    for (i = 0; i < n; i++)
        target[i] = shape_t.type == MI_TYPE_INT64 ? ((const int64_t *)(const void *)shape_t.data)[i]
                                                  : ((const int32_t *)(const void *)shape_t.data)[i];
    lead = n - src.rank;
    for (i = 0; i < src.rank; i++)
        if (src.dims[i] != 1 && src.dims[i] != target[lead + i]) return MI_ERR_BAD_PARAM;
    if (dst.rank != n) return MI_ERR_BAD_PARAM;
    for (i = 0; i < n; i++)
        if (dst.dims[i] != target[i]) return MI_ERR_BAD_PARAM;
    /* right-align everything into 5 dims */
    for (i = 0; i < MAX_DIMS; i++) {
        const uint32_t k = MAX_DIMS - 1u - i; /* from the innermost */
        const int32_t out_d = k >= MAX_DIMS - n ? dst.dims[k - (MAX_DIMS - n)] : 1;
        const int32_t in_d = k >= MAX_DIMS - src.rank ? src.dims[k - (MAX_DIMS - src.rank)] : 1;
        d->out_dims[k] = out_d;
        d->in_stride[k] = in_d == 1 ? 0 : stride;
        stride *= in_d;
    }
    d->elem_bytes = (int32_t)mi_type_size(src.type);
    return MI_OK;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const uint8_t *x = (const uint8_t *)mi_node_input_data(ctx, node, INPUT);
    uint8_t *out = (uint8_t *)mi_node_output_data(ctx, node, OUTPUT);
    const int32_t *n = d->out_dims, *s = d->in_stride;
    const size_t e = (size_t)d->elem_bytes;
    int32_t i0, i1, i2, i3, i4;
    for (i0 = 0; i0 < n[0]; i0++)
        for (i1 = 0; i1 < n[1]; i1++)
            for (i2 = 0; i2 < n[2]; i2++)
                for (i3 = 0; i3 < n[3]; i3++)
                    for (i4 = 0; i4 < n[4]; i4++) {
                        const size_t at = (size_t)i0 * (size_t)s[0] + (size_t)i1 * (size_t)s[1] +
                                          (size_t)i2 * (size_t)s[2] + (size_t)i3 * (size_t)s[3] +
                                          (size_t)i4 * (size_t)s[4];
                        memcpy(out, x + at * e, e);
                        out += e;
                    }
    return MI_OK;
}

const mi_registration_t mi_registration_broadcast_to = {MI_OP_BROADCAST_TO, (uint32_t)sizeof(op_data_t),
                                                        "BROADCAST_TO", prepare, invoke};
