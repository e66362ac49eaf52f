/* BATCH_TO_SPACE_ND (TFLM: kernels/batch_to_space_nd.cc + reference_ops::BatchToSpaceND;
 * Python twin: kernels/batch_to_space_nd.py).
 *
 * Moves blocks of the batch of a 3-D (NHC) or 4-D (NHWC) float32 or int8
 * tensor back into space: input batch (sh * bw + sw) * out_batch + b fills
 * output pixels (h * bh + sh - crop_top, w * bw + sw - crop_left) of batch b.
 * A 3-D tensor is handled as NH1C with a block width of 1 and no left crop.
 * Only block_shape[0..1] and the top/left crops are read, as in TFLM; both
 * tensors must be constants, and the block must cover the whole output. */
#include <string.h>

#include "mi_batch_to_space_nd.h"

#define INPUT 0
#define BLOCK_SHAPE 1
#define AMOUNTS 2 /* crops here, paddings in SPACE_TO_BATCH_ND */
#define OUTPUT 0

mi_status_t mi_read_block_params(mi_context_t *ctx, mi_node_t *node, mi_space_batch_op_data_t *d)
{
    mi_tensor_info_t src, block, amounts, dst;
    const int32_t *b, *a;
    uint32_t rank;
    MI_TRY(mi_node_input_info(ctx, node, INPUT, &src));
    MI_TRY(mi_node_input_info(ctx, node, BLOCK_SHAPE, &block));
    MI_TRY(mi_node_input_info(ctx, node, AMOUNTS, &amounts));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &dst));
    if (dst.type != MI_TYPE_FLOAT32 && dst.type != MI_TYPE_INT8) return MI_ERR_UNSUPPORTED_TYPE;
    if (src.type != dst.type) return MI_ERR_BAD_PARAM;
    rank = src.rank;
    if ((rank != 3 && rank != 4) || dst.rank != rank) return MI_ERR_BAD_PARAM;
    if (!mi_is_constant(&block) || !mi_is_constant(&amounts)) return MI_ERR_UNSUPPORTED_SHAPE;
    if (block.type != MI_TYPE_INT32 || amounts.type != MI_TYPE_INT32) return MI_ERR_UNSUPPORTED_TYPE;
    if (block.count < rank - 2u || amounts.count < 2u * (rank - 2u)) return MI_ERR_BAD_PARAM;
    b = (const int32_t *)(const void *)block.data;
    a = (const int32_t *)(const void *)amounts.data;
    d->block_h = b[0];
    d->block_w = rank == 4 ? b[1] : 1;
    d->top = a[0];
    d->left = rank == 4 ? a[2] : 0;
    if (d->block_h < 1 || d->block_w < 1 || d->top < 0 || d->left < 0) return MI_ERR_BAD_PARAM;
    d->in_n = src.dims[0];
    d->in_h = src.dims[1];
    d->in_w = rank == 4 ? src.dims[2] : 1;
    d->out_n = dst.dims[0];
    d->out_h = dst.dims[1];
    d->out_w = rank == 4 ? dst.dims[2] : 1;
    if (src.dims[rank - 1] != dst.dims[rank - 1]) return MI_ERR_BAD_PARAM; /* c == oc (both ops check it) */
    d->depth_bytes = (int32_t)((int64_t)src.dims[rank - 1] * (int64_t)mi_type_size(src.type));
    return MI_OK;
}

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    mi_space_batch_op_data_t *d = (mi_space_batch_op_data_t *)node->op_data;
    (void)options;
    MI_TRY(mi_read_block_params(ctx, node, d));
    if ((int64_t)d->in_n != (int64_t)d->out_n * d->block_h * d->block_w ||
        (int64_t)d->top + d->out_h > (int64_t)d->in_h * d->block_h ||
        (int64_t)d->left + d->out_w > (int64_t)d->in_w * d->block_w)
        return MI_ERR_BAD_PARAM;
    return MI_OK;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const mi_space_batch_op_data_t *d = (const mi_space_batch_op_data_t *)node->op_data;
    const uint8_t *x = (const uint8_t *)mi_node_input_data(ctx, node, INPUT);
    uint8_t *out = (uint8_t *)mi_node_output_data(ctx, node, OUTPUT);
    const size_t depth = (size_t)d->depth_bytes;
    int32_t b, y, w;
    for (b = 0; b < d->out_n; b++)
        for (y = 0; y < d->out_h; y++)
            for (w = 0; w < d->out_w; w++) {
                const int32_t Y = y + d->top, X = w + d->left;
                const int32_t sh = Y % d->block_h, sw = X % d->block_w;
                const size_t in_b = (size_t)(sh * d->block_w + sw) * (size_t)d->out_n + (size_t)b;
                const size_t pixel = (in_b * (size_t)d->in_h + (size_t)(Y / d->block_h)) * (size_t)d->in_w +
                                     (size_t)(X / d->block_w);
                memcpy(out, x + pixel * depth, depth);
                out += depth;
            }
    return MI_OK;
}

const mi_registration_t mi_registration_batch_to_space_nd = {
    MI_OP_BATCH_TO_SPACE_ND, (uint32_t)sizeof(mi_space_batch_op_data_t), "BATCH_TO_SPACE_ND", prepare, invoke};
