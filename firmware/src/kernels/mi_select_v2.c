/* SELECT_V2 (TFLM: kernels/select.cc; Python twin: kernels/select_v2.py).
 *
 * condition ? x : y element-wise; the condition is bool, x, y and the output
 * share one type out of float32, int8 and int16 (values are copied, never
 * requantized). Shapes as TFLM's prepare:
 *   - all three inputs of the same shape, or all four tensors of one element
 *     (the "mixed scalar" case): a flat select over the condition's element
 *     count (the output must hold as many);
 *   - otherwise numpy-style broadcasting of the three inputs, and the output's
 *     shape must be exactly the broadcast shape (CheckBroadcastShape). */
#include <string.h>

#include "mi_elementwise.h"

#define CONDITION 0
#define X 1
#define Y 2
#define OUTPUT 0

/* op data layout (kernels/select_v2.py MEMORY): 0 pointers, 25 words, 1 byte */
typedef struct op_data {
    int32_t dims[MI_BROADCAST_RANK];
    int32_t strides[3][MI_BROADCAST_RANK]; /* condition, x, y */
    int32_t count;
    uint8_t element_bytes;
} op_data_t;

static int same_shape(const mi_tensor_info_t *a, const mi_tensor_info_t *b)
{
    uint32_t i;
    if (a->rank != b->rank) return 0;
    for (i = 0; i < a->rank; i++)
        if (a->dims[i] != b->dims[i]) return 0;
    return 1;
}

/* np.broadcast_shapes of rank-extended shapes, one dimension: 0 on failure */
static int broadcast_dim(int32_t a, int32_t b, int32_t *out)
{
    if (a == b || b == 1) *out = a;
    else if (a == 1) *out = b;
    else return 0;
    return 1;
}

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t cond, x, y, out;
    int32_t ec[MI_BROADCAST_RANK], ex[MI_BROADCAST_RANK], ey[MI_BROADCAST_RANK], expected[MI_BROADCAST_RANK];
    uint32_t rank, i;
    (void)options;
    MI_TRY(mi_node_input_info(ctx, node, CONDITION, &cond));
    MI_TRY(mi_node_input_info(ctx, node, X, &x));
    MI_TRY(mi_node_input_info(ctx, node, Y, &y));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &out));
    if (cond.type != MI_TYPE_BOOL) return MI_ERR_BAD_PARAM;
    if (x.type != y.type || x.type != out.type) return MI_ERR_BAD_PARAM;
    MI_TRY(mi_elementwise_require_type(
        x.type, MI_TYPE_BIT(MI_TYPE_FLOAT32) | MI_TYPE_BIT(MI_TYPE_INT8) | MI_TYPE_BIT(MI_TYPE_INT16)));
    d->element_bytes = (uint8_t)mi_type_size(x.type);
    memset(d->dims, 0, sizeof d->dims);
    memset(d->strides, 0, sizeof d->strides);
    if ((same_shape(&cond, &x) && same_shape(&x, &y)) ||
        (cond.count == 1 && x.count == 1 && y.count == 1 && out.count == 1)) {
        if (out.count != cond.count) return MI_ERR_BAD_PARAM;
        for (i = 0; i < MI_BROADCAST_RANK; i++) d->dims[i] = 1;
        d->dims[MI_BROADCAST_RANK - 1] = (int32_t)cond.count;
        d->strides[0][MI_BROADCAST_RANK - 1] = d->strides[1][MI_BROADCAST_RANK - 1] =
            d->strides[2][MI_BROADCAST_RANK - 1] = 1;
        d->count = (int32_t)cond.count;
        return MI_OK;
    }
    mi_broadcast_extend(&cond, ec);
    mi_broadcast_extend(&x, ex);
    mi_broadcast_extend(&y, ey);
    for (i = 0; i < MI_BROADCAST_RANK; i++) {
        int32_t cx;
        if (!broadcast_dim(ec[i], ex[i], &cx) || !broadcast_dim(cx, ey[i], &expected[i])) return MI_ERR_BAD_PARAM;
    }
    rank = cond.rank > x.rank ? cond.rank : x.rank;
    if (y.rank > rank) rank = y.rank;
    if (out.rank != rank) return MI_ERR_BAD_PARAM;
    for (i = 0; i < rank; i++)
        if (out.dims[i] != expected[MI_BROADCAST_RANK - rank + i]) return MI_ERR_BAD_PARAM;
    for (i = 0; i < MI_BROADCAST_RANK; i++) d->dims[i] = expected[i];
    /* a 1 where the output has 1 reads stride 0 as well: the same elements */
    mi_broadcast_strides(ec, d->strides[0]);
    mi_broadcast_strides(ex, d->strides[1]);
    mi_broadcast_strides(ey, d->strides[2]);
    d->count = (int32_t)out.count;
    return MI_OK;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const uint8_t *cond = (const uint8_t *)mi_node_input_data(ctx, node, CONDITION);
    const uint8_t *x = (const uint8_t *)mi_node_input_data(ctx, node, X);
    const uint8_t *y = (const uint8_t *)mi_node_input_data(ctx, node, Y);
    uint8_t *out = (uint8_t *)mi_node_output_data(ctx, node, OUTPUT);
    size_t n = d->element_bytes;
    mi_broadcast_iter_t it;
    int32_t i;
    mi_broadcast_iter_init(&it);
    for (i = 0; i < d->count; i++) {
        const uint8_t *src = cond[it.offset[0]] ? x + n * it.offset[1] : y + n * it.offset[2];
        memcpy(out + n * (size_t)i, src, n);
        mi_broadcast_iter_next(&it, d->dims, d->strides, 3);
    }
    return MI_OK;
}

const mi_registration_t mi_registration_select_v2 = {MI_OP_SELECT_V2, (uint32_t)sizeof(op_data_t), "SELECT_V2",
                                                     prepare, invoke};
