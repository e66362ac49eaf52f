/* Shared AVERAGE_POOL_2D / MAX_POOL_2D machinery (C twin of
 * src/microinterp/kernels/pooling.py; TFLM kernels/pooling_common.cc). */
#ifndef MI_POOLING_H
#define MI_POOLING_H

#include "mi_kernel_util.h"

mi_status_t mi_pool_prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options, int average);
mi_status_t mi_pool_invoke_average(mi_context_t *ctx, const mi_node_t *node);
mi_status_t mi_pool_invoke_max(mi_context_t *ctx, const mi_node_t *node);

/* op data layout (kernels/average_pool_2d.py and max_pool_2d.py MEMORY): 0 pointers, 16 words, 1 byte */
typedef struct mi_pool_data {
    int32_t filter_h, filter_w, stride_h, stride_w, pad_h, pad_w;
    int32_t batches, in_h, in_w, channels, out_h, out_w;
    int32_t act_min, act_max;
    float float_min, float_max;
    uint8_t kind;
} mi_pool_data_t;

#endif /* MI_POOLING_H */
