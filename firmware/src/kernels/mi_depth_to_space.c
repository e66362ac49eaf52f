/* DEPTH_TO_SPACE (TFLM: kernels/depth_to_space.cc + reference_ops::DepthToSpace;
 * Python twin: kernels/depth_to_space.py).
 *
 * Moves channel blocks of a 4-D float32 or int8 NHWC tensor into space:
 * output pixel (h, w) channel c reads input pixel (h / bs, w / bs) channel
 * c + ((h % bs) * bs + w % bs) * out_depth (TensorFlow's DCR order). The
 * output shape must be (n, h*bs, w*bs, c/bs^2). A pure byte copy. */
#include <string.h>

#include "mi_depth_to_space.h"

#define INPUT 0
#define OUTPUT 0

mi_status_t mi_check_block_op(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options,
                              mi_tensor_info_t *src, mi_tensor_info_t *dst, mi_block_op_data_t *d)
{
    MI_TRY(mi_node_input_info(ctx, node, INPUT, src));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, dst));
    if (src->rank != 4) return MI_ERR_BAD_PARAM;
    if (dst->type != MI_TYPE_FLOAT32 && dst->type != MI_TYPE_INT8) return MI_ERR_UNSUPPORTED_TYPE;
    if (src->type != dst->type) return MI_ERR_BAD_PARAM;
    d->block_size = options->block.block_size;
    if (d->block_size <= 0) return MI_ERR_BAD_PARAM;
    d->batch = src->dims[0];
    d->in_h = src->dims[1];
    d->in_w = src->dims[2];
    d->in_depth = src->dims[3];
    return MI_OK;
}

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    mi_block_op_data_t *d = (mi_block_op_data_t *)node->op_data;
    mi_tensor_info_t src, dst;
    int64_t bs;
    MI_TRY(mi_check_block_op(ctx, node, options, &src, &dst, d));
    bs = d->block_size;
    if (d->in_depth % (bs * bs)) return MI_ERR_BAD_PARAM;
    if (dst.rank != 4 || dst.dims[0] != d->batch || dst.dims[1] != d->in_h * bs || dst.dims[2] != d->in_w * bs ||
        dst.dims[3] != d->in_depth / (bs * bs))
        return MI_ERR_BAD_PARAM;
    return MI_OK;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const mi_block_op_data_t *d = (const mi_block_op_data_t *)node->op_data;
    const uint8_t *x = (const uint8_t *)mi_node_input_data(ctx, node, INPUT);
    uint8_t *out = (uint8_t *)mi_node_output_data(ctx, node, OUTPUT);
    const int32_t bs = d->block_size, oh = d->in_h * bs, ow = d->in_w * bs;
    const size_t e = (size_t)mi_type_size(ctx->tensors[mi_node_output_index(ctx, node, OUTPUT)].type);
    const size_t out_depth = (size_t)(d->in_depth / (bs * bs)) * e, in_depth = (size_t)d->in_depth * e;
    int32_t n, h, w;
    for (n = 0; n < d->batch; n++)
        for (h = 0; h < oh; h++)
            for (w = 0; w < ow; w++) {
                const size_t pixel = ((size_t)n * (size_t)d->in_h + (size_t)(h / bs)) * (size_t)d->in_w + (size_t)(w / bs);
                memcpy(out, x + pixel * in_depth + (size_t)((h % bs) * bs + w % bs) * out_depth, out_depth);
                out += out_depth;
            }
    return MI_OK;
}

const mi_registration_t mi_registration_depth_to_space = {MI_OP_DEPTH_TO_SPACE, (uint32_t)sizeof(mi_block_op_data_t),
                                                          "DEPTH_TO_SPACE", prepare, invoke};
