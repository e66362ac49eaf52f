/* What DEPTH_TO_SPACE and SPACE_TO_DEPTH share (twin of depth_to_space.py's
 * check_block_op, which space_to_depth.py imports). Internal header. */
#ifndef MI_DEPTH_TO_SPACE_H
#define MI_DEPTH_TO_SPACE_H

#include "mi_kernel_util.h"

/* op data layout (kernels/depth_to_space.py and space_to_depth.py MEMORY): 0 pointers, 5 words */
typedef struct mi_block_op_data {
    int32_t block_size, batch, in_h, in_w, in_depth;
} mi_block_op_data_t;

/* The checks both ops make: a 4-D float32 or int8 input, the same output
 * type, a positive block_size. Fills src/dst and the op data's dims. */
mi_status_t mi_check_block_op(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options,
                              mi_tensor_info_t *src, mi_tensor_info_t *dst, mi_block_op_data_t *d);

#endif /* MI_DEPTH_TO_SPACE_H */
