/* Shared pieces of the one-input element-wise kernels: see mi_unary.h
 * (C twin of src/microinterp/kernels/unary.py). */
#include <math.h>
#include <string.h>

#include "mi_unary.h"

mi_status_t mi_unary_check_same_type(const mi_context_t *ctx, const mi_node_t *node, uint32_t allowed,
                                     uint32_t *type)
{
    mi_tensor_info_t src, dst;
    MI_TRY(mi_node_input_info(ctx, node, MI_UNARY_INPUT, &src));
    MI_TRY(mi_node_output_info(ctx, node, MI_UNARY_OUTPUT, &dst));
    if (src.type != dst.type) return MI_ERR_BAD_PARAM;
    MI_TRY(mi_elementwise_require_type(src.type, allowed));
    if (src.count != dst.count) return MI_ERR_BAD_PARAM;
    *type = src.type;
    return MI_OK;
}

mi_status_t mi_unary_prepare(mi_context_t *ctx, mi_node_t *node, uint32_t allowed)
{
    mi_unary_op_data_t *d = (mi_unary_op_data_t *)node->op_data;
    mi_tensor_info_t src;
    uint32_t type;
    MI_TRY(mi_unary_check_same_type(ctx, node, allowed, &type));
    MI_TRY(mi_node_input_info(ctx, node, MI_UNARY_INPUT, &src));
    d->count = (int32_t)src.count;
    return MI_OK;
}

mi_status_t mi_unary_prepare_float(mi_context_t *ctx, mi_node_t *node)
{
    return mi_unary_prepare(ctx, node, MI_TYPE_BIT(MI_TYPE_FLOAT32));
}

mi_status_t mi_unary_invoke_float(mi_context_t *ctx, const mi_node_t *node, float (*function)(float))
{
    const mi_unary_op_data_t *d = (const mi_unary_op_data_t *)node->op_data;
    const float *x = (const float *)mi_node_input_data(ctx, node, MI_UNARY_INPUT);
    float *y = (float *)mi_node_output_data(ctx, node, MI_UNARY_OUTPUT);
    int32_t i;
    for (i = 0; i < d->count; i++) y[i] = function(x[i]);
    return MI_OK;
}

mi_status_t mi_unary_invoke_nan_preserving(mi_context_t *ctx, const mi_node_t *node, float (*function)(float))
{
    const mi_unary_op_data_t *d = (const mi_unary_op_data_t *)node->op_data;
    const uint8_t *x = (const uint8_t *)mi_node_input_data(ctx, node, MI_UNARY_INPUT);
    uint8_t *y = (uint8_t *)mi_node_output_data(ctx, node, MI_UNARY_OUTPUT);
    int32_t i;
    for (i = 0; i < d->count; i++) {
        uint32_t bits;
        float v;
        memcpy(&bits, x + 4 * i, 4);
        if ((bits & 0x7FFFFFFFu) <= 0x7F800000u) { /* not a NaN: the bits are copied below otherwise */
            memcpy(&v, &bits, 4);
            v = function(v);
            memcpy(&bits, &v, 4);
        }
        memcpy(y + 4 * i, &bits, 4);
    }
    return MI_OK;
}

mi_status_t mi_unary_check_float_or(const mi_context_t *ctx, const mi_node_t *node, uint32_t quantized,
                                    uint32_t *type)
{
    mi_tensor_info_t src, dst;
    MI_TRY(mi_node_input_info(ctx, node, MI_UNARY_INPUT, &src));
    MI_TRY(mi_node_output_info(ctx, node, MI_UNARY_OUTPUT, &dst));
    if (src.type != dst.type) return MI_ERR_BAD_PARAM;
    MI_TRY(mi_elementwise_require_type(src.type, MI_TYPE_BIT(MI_TYPE_FLOAT32) | quantized));
    if (src.count != dst.count) return MI_ERR_BAD_PARAM; /* the Python twin fails at invoke */
    *type = src.type;
    return MI_OK;
}

float mi_unary_sqrt(float x)
{
    if (x < 0.0f) {
        const uint32_t default_nan = 0xFFC00000u;
        float nan;
        memcpy(&nan, &default_nan, sizeof nan);
        return nan;
    }
    return sqrtf(x);
}
