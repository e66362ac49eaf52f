/* What BATCH_TO_SPACE_ND and SPACE_TO_BATCH_ND share (twin of
 * batch_to_space_nd.py's read_block_params, which space_to_batch_nd.py
 * imports). Internal header. */
#ifndef MI_BATCH_TO_SPACE_ND_H
#define MI_BATCH_TO_SPACE_ND_H

#include "mi_kernel_util.h"

/* op data layout (kernels/batch_to_space_nd.py and space_to_batch_nd.py MEMORY): 0 pointers, 12 words, 1 byte */
typedef struct mi_space_batch_op_data {
    int32_t block_h, block_w, top, left;
    int32_t in_n, in_h, in_w, out_n, out_h, out_w, depth_bytes; /* NHWC (3-D tensors as NH1C) */
    int32_t pad_byte;                                           /* SPACE_TO_BATCH_ND's padding */
    uint8_t stale; /* stored batch shapes the blocks do not imply: TFLM's loops over them (stale_shapes.py) */
} mi_space_batch_op_data_t;

/* Checks both ops make and their block parameters: float32 or int8, equal
 * types, both 3-D or both 4-D, constant int32 block_shape and crops/paddings
 * (input 2), positive blocks, non-negative top/left amounts. */
mi_status_t mi_read_block_params(mi_context_t *ctx, mi_node_t *node, mi_space_batch_op_data_t *d);

/* stale_shapes.py's test that a stale shape can be named: the spatial size h x w
 * (SPACE_TO_BATCH_ND's input, BATCH_TO_SPACE_ND's output) plus both amounts of input 2
 * divides into the blocks. */
int mi_blocks_divide(mi_context_t *ctx, const mi_node_t *node, const mi_space_batch_op_data_t *d, int32_t h,
                     int32_t w);

#endif /* MI_BATCH_TO_SPACE_ND_H */
