/* REDUCE_MAX's prepare and invoke, shared with REDUCE_MIN (mi_reduce_min.c),
 * as reduce_min.py imports them from reduce_max.py. Internal header. */
#ifndef MI_REDUCE_MAX_H
#define MI_REDUCE_MAX_H

#include "mi_reduction.h"

/* fwplan.py layout: 0 pointers, 9 words, 2 bytes */
typedef struct mi_reduce_min_max_op_data {
    mi_reduction_shape_t shape;
    int32_t out_count;
    uint8_t is_float, is_max;
} mi_reduce_min_max_op_data_t;

/* reduce_max.prepare_min_max */
mi_status_t mi_reduce_min_max_prepare(mi_context_t *ctx, mi_node_t *node, int is_max);
mi_status_t mi_reduce_min_max_invoke(mi_context_t *ctx, const mi_node_t *node);

#endif /* MI_REDUCE_MAX_H */
