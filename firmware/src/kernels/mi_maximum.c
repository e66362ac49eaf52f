/* MAXIMUM (TFLM: kernels/maximum_minimum.cc; Python twin: kernels/maximum.py).
 *
 * a > b ? a : b on raw stored values for float32, int8, int16, int32 and
 * int64, broadcast as in mi_elementwise: quantization parameters are never
 * looked at, and a NaN in a yields b. MINIMUM (mi_minimum.c) shares the
 * prepare and the loop. */
#include "mi_maximum.h"

#define INPUT1 0
#define INPUT2 1
#define OUTPUT 0

#define PICK(T)                                                                          \
    do {                                                                                 \
        const T *a_ = (const T *)a, *b_ = (const T *)b;                                  \
        T *y_ = (T *)y;                                                                  \
        for (i = 0; i < d->bc.count; i++) {                                              \
            T u = a_[it.offset[0]], v = b_[it.offset[1]];                                \
            y_[i] = minimum ? (u < v ? u : v) : (u > v ? u : v);                         \
            mi_broadcast_iter_next(&it, d->bc.dims, d->bc.strides, 2);                   \
        }                                                                                \
    } while (0)

mi_status_t mi_maximum_prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    mi_maximum_op_data_t *d = (mi_maximum_op_data_t *)node->op_data;
    mi_tensor_info_t a, b, out;
    uint32_t type;
    (void)options;
    MI_TRY(mi_elementwise_tensors_of(ctx, node, &a, &b, &out, &type));
    MI_TRY(mi_elementwise_require_type(type, MI_TYPE_BIT(MI_TYPE_FLOAT32) | MI_TYPE_BIT(MI_TYPE_INT8) |
                                                 MI_TYPE_BIT(MI_TYPE_INT16) | MI_TYPE_BIT(MI_TYPE_INT32) |
                                                 MI_TYPE_BIT(MI_TYPE_INT64)));
    d->type = (uint8_t)type;
    return mi_elementwise_check_shapes(&a, &b, &out, &d->bc);
}

mi_status_t mi_maximum_minimum_invoke(mi_context_t *ctx, const mi_node_t *node, int minimum)
{
    const mi_maximum_op_data_t *d = (const mi_maximum_op_data_t *)node->op_data;
    const void *a = mi_node_input_data(ctx, node, INPUT1);
    const void *b = mi_node_input_data(ctx, node, INPUT2);
    void *y = mi_node_output_data(ctx, node, OUTPUT);
    mi_broadcast_iter_t it;
    int32_t i;
    mi_broadcast_iter_init(&it);
    switch (d->type) {
    case MI_TYPE_FLOAT32: PICK(float); break;
    case MI_TYPE_INT8: PICK(int8_t); break;
    case MI_TYPE_INT16: PICK(int16_t); break;
    case MI_TYPE_INT32: PICK(int32_t); break;
    default: PICK(int64_t); break;
    }
    return MI_OK;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    return mi_maximum_minimum_invoke(ctx, node, 0);
}

const mi_registration_t mi_registration_maximum = {MI_OP_MAXIMUM, (uint32_t)sizeof(mi_maximum_op_data_t), "MAXIMUM",
                                                   mi_maximum_prepare, invoke};
