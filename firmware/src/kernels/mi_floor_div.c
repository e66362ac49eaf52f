/* FLOOR_DIV (TFLM: kernels/floor_div.cc, reference_ops::FloorDiv; Python twin:
 * kernels/floor_div.py).
 *
 * float32 only: each quotient is floor(double(x) / double(y)) converted back
 * to float32, broadcast as in mi_elementwise. Before computing anything the
 * whole denominator tensor is scanned and invoke fails with MI_ERR_BAD_PARAM
 * if any element equals 0 (-0.0 included), as TFLM ("Division by 0") and
 * floor_div.py do. */
#include <math.h>

#include "mi_elementwise.h"

#define INPUT1 0
#define INPUT2 1
#define OUTPUT 0

/* op data layout (kernels/floor_div.py MEMORY): mi_broadcast_t (19 words) */
typedef struct op_data {
    mi_broadcast_t bc;
} op_data_t;

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    (void)options;
    return mi_elementwise_prepare_unquantized(ctx, node, MI_TYPE_BIT(MI_TYPE_FLOAT32), &d->bc);
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const float *a = (const float *)mi_node_input_data(ctx, node, INPUT1);
    const float *b = (const float *)mi_node_input_data(ctx, node, INPUT2);
    float *y = (float *)mi_node_output_data(ctx, node, OUTPUT);
    int32_t t = mi_node_input_index(ctx, node, INPUT2);
    uint32_t j, denominators = ctx->tensors[t].bytes / 4u;
    mi_broadcast_iter_t it;
    int32_t i;
    for (j = 0; j < denominators; j++)
        if (b[j] == 0.0f) return MI_ERR_BAD_PARAM;
    mi_broadcast_iter_init(&it);
    for (i = 0; i < d->bc.count; i++) {
        y[i] = (float)floor((double)a[it.offset[0]] / (double)b[it.offset[1]]);
        mi_broadcast_iter_next(&it, d->bc.dims, d->bc.strides, 2);
    }
    return MI_OK;
}

const mi_registration_t mi_registration_floor_div = {MI_OP_FLOOR_DIV, (uint32_t)sizeof(op_data_t), "FLOOR_DIV",
                                                     prepare, invoke};
