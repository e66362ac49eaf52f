/* BROADCAST_ARGS (TFLM: kernels/broadcast_args.cc + reference_ops::BroadcastArgs;
 * Python twin: kernels/broadcast_args.py).
 *
 * The broadcast of two int32 or int64 shape vectors (all three tensors share
 * the type), right-aligned into the output vector; entries beyond both
 * inputs' lengths are 1. Read at invoke time (the shapes may be graph
 * inputs). Every entry is truncated to 32 bits as TFLM's cast to int does;
 * two entries neither equal nor 1 make TFLM abort, and are a status here. */
#include "mi_kernel_util.h"

#define SHAPE1 0
#define SHAPE2 1
#define OUTPUT 0

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    mi_tensor_info_t a, b, dst;
    (void)options;
    MI_TRY(mi_node_input_info(ctx, node, SHAPE1, &a));
    MI_TRY(mi_node_input_info(ctx, node, SHAPE2, &b));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &dst));
    if (a.type != MI_TYPE_INT32 && a.type != MI_TYPE_INT64) return MI_ERR_UNSUPPORTED_TYPE;
    if (b.type != a.type || dst.type != a.type) return MI_ERR_BAD_PARAM;
    if (a.rank != 1 || b.rank != 1 || dst.rank != 1) return MI_ERR_BAD_PARAM;
    return MI_OK;
}

/* Entry i of the output-aligned vector: 1 before the shape starts. */
static int32_t aligned(const mi_tensor_t *t, uint32_t n, uint32_t i)
{
    const uint32_t count = t->bytes / mi_type_size(t->type), lead = n > count ? n - count : 0;
    const uint32_t k = i - lead + (count > n ? count - n : 0); /* only the last n entries count */
    if (i < lead) return 1;
    if (t->type == MI_TYPE_INT64) return mi_wrap_int32(((const int64_t *)t->data)[k]);
    return ((const int32_t *)t->data)[k];
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const mi_tensor_t *a = &ctx->tensors[mi_node_input_index(ctx, node, SHAPE1)];
    const mi_tensor_t *b = &ctx->tensors[mi_node_input_index(ctx, node, SHAPE2)];
    const mi_tensor_t *y = &ctx->tensors[mi_node_output_index(ctx, node, OUTPUT)];
    const uint32_t n = y->bytes / mi_type_size(y->type);
    uint32_t i;
    for (i = 0; i < n; i++) {
        const int32_t s1 = aligned(a, n, i), s2 = aligned(b, n, i);
        if (s1 != 1 && s2 != 1 && s1 != s2) return MI_ERR_BAD_PARAM;
    }
    for (i = 0; i < n; i++) {
        const int32_t s1 = aligned(a, n, i), s2 = aligned(b, n, i);
        const int32_t v = s1 == 1 ? s2 : s1;
        if (y->type == MI_TYPE_INT64) ((int64_t *)y->data)[i] = v;
        else ((int32_t *)y->data)[i] = v;
    }
    return MI_OK;
}

const mi_registration_t mi_registration_broadcast_args = {MI_OP_BROADCAST_ARGS, 0, "BROADCAST_ARGS", prepare, invoke};
