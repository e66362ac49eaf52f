/* Shared pieces of the binary logical kernels LOGICAL_AND and LOGICAL_OR (C
 * twin of src/microinterp/kernels/logical.py; TFLM: kernels/logical.cc +
 * logical_common.cc). Not a kernel: no registration.
 *
 * bool only (TFLM reads any other type's bytes as bool; refused here, as in
 * logical.py), element-wise, broadcast as in mi_elementwise. */
#ifndef MI_LOGICAL_H
#define MI_LOGICAL_H

#include "mi_elementwise.h"

/* elementwise.py BroadcastOpData. Op data layout (kernels/logical.py C_OP_DATA): mi_broadcast_t (19 words) */
typedef struct mi_logical_op_data {
    mi_broadcast_t bc;
} mi_logical_op_data_t;

mi_status_t mi_logical_prepare(mi_context_t *ctx, mi_node_t *node);

/* x && y (or_ = 0) or x || y (or_ = 1) on bools, 0/1 out. */
mi_status_t mi_logical_invoke(mi_context_t *ctx, const mi_node_t *node, int or_);

#endif /* MI_LOGICAL_H */
