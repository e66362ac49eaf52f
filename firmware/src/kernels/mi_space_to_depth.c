/* SPACE_TO_DEPTH (TFLM: kernels/space_to_depth.cc + reference_ops::SpaceToDepth;
 * Python twin: kernels/space_to_depth.py).
 *
 * The inverse of DEPTH_TO_SPACE for a 4-D float32 or int8 NHWC tensor: input
 * pixel (h, w) channel c goes to output pixel (h / bs, w / bs) channel
 * c + ((h % bs) * bs + w % bs) * in_depth. Height and width must be multiples
 * of block_size and the output (n, h/bs, w/bs, c*bs^2). A pure byte copy.
 * The shared checks live in mi_depth_to_space.c, as in Python. */
#include <string.h>

#include "mi_depth_to_space.h"

#define INPUT 0
#define OUTPUT 0

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    mi_block_op_data_t *d = (mi_block_op_data_t *)node->op_data;
    mi_tensor_info_t src, dst;
    int64_t bs;
    MI_TRY(mi_check_block_op(ctx, node, options, &src, &dst, d));
    bs = d->block_size;
    if (d->in_h % bs || d->in_w % bs) return MI_ERR_BAD_PARAM;
    if (dst.rank != 4 || dst.dims[0] != d->batch || dst.dims[1] != d->in_h / bs || dst.dims[2] != d->in_w / bs ||
        dst.dims[3] != (int64_t)d->in_depth * bs * bs)
        return MI_ERR_BAD_PARAM;
    return MI_OK;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const mi_block_op_data_t *d = (const mi_block_op_data_t *)node->op_data;
    const uint8_t *x = (const uint8_t *)mi_node_input_data(ctx, node, INPUT);
    uint8_t *out = (uint8_t *)mi_node_output_data(ctx, node, OUTPUT);
    const int32_t bs = d->block_size, oh = d->in_h / bs, ow = d->in_w / bs;
    const size_t e = (size_t)mi_type_size(ctx->tensors[mi_node_output_index(ctx, node, OUTPUT)].type);
    const size_t in_depth = (size_t)d->in_depth * e, out_depth = in_depth * (size_t)bs * (size_t)bs;
    int32_t n, h, w;
    for (n = 0; n < d->batch; n++)
        for (h = 0; h < d->in_h; h++)
            for (w = 0; w < d->in_w; w++) {
                const size_t pixel = ((size_t)n * (size_t)oh + (size_t)(h / bs)) * (size_t)ow + (size_t)(w / bs);
                memcpy(out + pixel * out_depth + (size_t)((h % bs) * bs + w % bs) * in_depth, x, in_depth);
                x += in_depth;
            }
    return MI_OK;
}

const mi_registration_t mi_registration_space_to_depth = {MI_OP_SPACE_TO_DEPTH, (uint32_t)sizeof(mi_block_op_data_t),
                                                          "SPACE_TO_DEPTH", prepare, invoke};
