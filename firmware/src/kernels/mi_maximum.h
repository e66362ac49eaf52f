/* What MINIMUM shares with MAXIMUM (minimum.py imports maximum.py's prepare). */
#ifndef MI_MAXIMUM_H
#define MI_MAXIMUM_H

#include "mi_elementwise.h"

/* op data layout (kernels/maximum.py MEMORY): 0 pointers, 19 words (mi_broadcast_t), 1 byte */
typedef struct mi_maximum_op_data {
    mi_broadcast_t bc;
    uint8_t type;
} mi_maximum_op_data_t;

mi_status_t mi_maximum_prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options);

/* a > b ? a : b (minimum: a < b ? a : b) on raw stored values. */
mi_status_t mi_maximum_minimum_invoke(mi_context_t *ctx, const mi_node_t *node, int minimum);

#endif /* MI_MAXIMUM_H */
