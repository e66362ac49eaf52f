/* The shape checks RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR share, as
 * resize_bilinear.py imports them from resize_nearest_neighbor.py. Internal header. */
#ifndef MI_RESIZE_NEAREST_NEIGHBOR_H
#define MI_RESIZE_NEAREST_NEIGHBOR_H

#include "mi/mi_kernels.h"

/* resize_nearest_neighbor.check_resize_shapes: input type one of `types`
 * (n_types of them), output of the same type, 4-D input, a constant int32
 * size [new_height, new_width] > 0 and an output of [N, new_h, new_w, C]. */
mi_status_t mi_resize_check_shapes(mi_context_t *ctx, const mi_node_t *node, const uint32_t *types, uint32_t n_types,
                                   mi_tensor_info_t *src, int32_t *new_h, int32_t *new_w);

#endif /* MI_RESIZE_NEAREST_NEIGHBOR_H */
