/* BATCH_TO_SPACE_ND (TFLM: kernels/batch_to_space_nd.cc + reference_ops::BatchToSpaceND;
 * Python twin: kernels/batch_to_space_nd.py).
 *
 * Moves blocks of the batch of a 3-D (NHC) or 4-D (NHWC) float32 or int8
 * tensor back into space: input batch (sh * bw + sw) * out_batch + b fills
 * output pixels (h * bh + sh - crop_top, w * bw + sw - crop_left) of batch b.
 * A 3-D tensor is handled as NH1C with a block width of 1 and no left crop.
 * Only block_shape[0..1] and the top/left crops are read, as in TFLM; both
 * tensors must be constants, and the block must cover the whole output --
 * unless the stored input is stale (a dynamic batch stored as 1,
 * stale_shapes.py): then TFLM's loop over the stored input runs as it is and
 * leaves the output pixels no block reaches as they were, as the Python twin. */
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

int mi_blocks_divide(mi_context_t *ctx, const mi_node_t *node, const mi_space_batch_op_data_t *d, int32_t h,
                     int32_t w)
{
    mi_tensor_info_t src, amounts;
    const int32_t *a;
    int64_t ph, pw;
    /* both checked by mi_read_block_params (rank 3 or 4, 2 * (rank - 2) amounts at least) */
    if (mi_node_input_info(ctx, node, INPUT, &src) != MI_OK) return 0;
    if (mi_node_input_info(ctx, node, AMOUNTS, &amounts) != MI_OK) return 0;
    a = (const int32_t *)(const void *)amounts.data;
    ph = (int64_t)h + a[0] + a[1];
    pw = src.rank == 4 ? (int64_t)w + a[2] + a[3] : (int64_t)w; /* a 3-D tensor has no width amounts */
    return ph % d->block_h == 0 && pw % d->block_w == 0;
}

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    mi_space_batch_op_data_t *d = (mi_space_batch_op_data_t *)node->op_data;
    (void)options;
    MI_TRY(mi_read_block_params(ctx, node, d));
    if ((int64_t)d->in_n != (int64_t)d->out_n * d->block_h * d->block_w &&
        mi_blocks_divide(ctx, node, d, d->out_h, d->out_w)) {
        d->stale = 1; /* the Python twin warns (StaleShapeWarning) */
        return MI_OK;
    }
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
    if (d->stale) { /* reference_ops::BatchToSpaceND over the stored input; later batches win */
        for (b = 0; b < d->in_n; b++) {
            const int32_t ob = b % d->out_n, s = b / d->out_n;
            for (y = 0; y < d->in_h; y++) {
                const int32_t Y = y * d->block_h + s / d->block_w - d->top;
                if (Y < 0 || Y >= d->out_h) continue;
                for (w = 0; w < d->in_w; w++) {
                    const int32_t X = w * d->block_w + s % d->block_w - d->left;
                    const size_t from = (((size_t)b * (size_t)d->in_h + (size_t)y) * (size_t)d->in_w + (size_t)w);
                    if (X < 0 || X >= d->out_w) continue;
                    memcpy(out + (((size_t)ob * (size_t)d->out_h + (size_t)Y) * (size_t)d->out_w + (size_t)X) * depth,
                           x + from * depth, depth);
                }
            }
        }
        return MI_OK;
    }
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
