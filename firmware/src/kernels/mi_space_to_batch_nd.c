/* SPACE_TO_BATCH_ND (TFLM: kernels/space_to_batch_nd.cc + reference_ops::SpaceToBatchND;
 * Python twin: kernels/space_to_batch_nd.py).
 *
 * Moves spatial blocks of a 3-D (NHC) or 4-D (NHWC) float32 or int8 tensor
 * into the batch: output batch (sh * bw + sw) * in_batch + b holds input
 * pixels (h * bh + sh - pad_top, w * bw + sw - pad_left) of batch b; pixels
 * outside the input are padding. TFLM's padding byte comes from an
 * uninitialised field, 0 in a fresh arena (see the Python twin); like it, this
 * pads with byte 0 (+0.0 for float32, 0 for int8, not the zero point). The shared checks live in mi_batch_to_space_nd.c. Stale
 * stored shapes (a dynamic batch stored as 1, stale_shapes.py) run this same
 * loop over the stored output, as TFLM does. */
#include <string.h>

#include "mi_batch_to_space_nd.h"

#define INPUT 0
#define OUTPUT 0

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    mi_space_batch_op_data_t *d = (mi_space_batch_op_data_t *)node->op_data;
    mi_tensor_info_t dst;
    (void)options;
    MI_TRY(mi_read_block_params(ctx, node, d));
    /* a stale stored output (stale_shapes.py) runs TFLM's loop as it is; the Python twin warns */
    if ((int64_t)d->out_n != (int64_t)d->in_n * d->block_h * d->block_w &&
        !mi_blocks_divide(ctx, node, d, d->in_h, d->in_w))
        return MI_ERR_BAD_PARAM;
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &dst));
    /* TFLM's uninitialised output_offset as a fresh arena holds it (the Python twin's pad_value) */
    d->pad_byte = 0;
    return MI_OK;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const mi_space_batch_op_data_t *d = (const mi_space_batch_op_data_t *)node->op_data;
    const uint8_t *x = (const uint8_t *)mi_node_input_data(ctx, node, INPUT);
    uint8_t *out = (uint8_t *)mi_node_output_data(ctx, node, OUTPUT);
    const size_t depth = (size_t)d->depth_bytes;
    int32_t ob, y, w;
    for (ob = 0; ob < d->out_n; ob++) {
        const int32_t b = ob % d->in_n, s = ob / d->in_n, sh = s / d->block_w, sw = s % d->block_w;
        for (y = 0; y < d->out_h; y++)
            for (w = 0; w < d->out_w; w++) {
                const int32_t Y = y * d->block_h + sh - d->top, X = w * d->block_w + sw - d->left;
                if (Y >= 0 && Y < d->in_h && X >= 0 && X < d->in_w) {
                    const size_t pixel = ((size_t)b * (size_t)d->in_h + (size_t)Y) * (size_t)d->in_w + (size_t)X;
                    memcpy(out, x + pixel * depth, depth);
                } else {
                    memset(out, d->pad_byte, depth);
                }
                out += depth;
            }
    }
    return MI_OK;
}

const mi_registration_t mi_registration_space_to_batch_nd = {
    MI_OP_SPACE_TO_BATCH_ND, (uint32_t)sizeof(mi_space_batch_op_data_t), "SPACE_TO_BATCH_ND", prepare, invoke};
