/* PAD's prepare and invoke, shared with PADV2 (mi_padv2.c), as padv2.py
 * imports them from pad.py. Internal header, not installed. */
#ifndef MI_PAD_H
#define MI_PAD_H

#include "mi/mi_kernels.h"

#define MI_PAD_MAX_DIMS 5

/* fwplan.py layout: 0 pointers, 17 words, 1 byte */
typedef struct mi_pad_op_data {
    int32_t out_dims[MI_PAD_MAX_DIMS]; /* rank-5 extended, leading 1s */
    int32_t lo[MI_PAD_MAX_DIMS];       /* padding before each dimension */
    int32_t in_dims[MI_PAD_MAX_DIMS];
    int32_t count;                     /* output elements */
    int32_t default_value;             /* pad value without a constant-values input */
    uint8_t elem_size;
} mi_pad_op_data_t;

mi_status_t mi_pad_prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options);
mi_status_t mi_pad_invoke(mi_context_t *ctx, const mi_node_t *node);

#endif /* MI_PAD_H */
