/* PAD (TFLM: kernels/pad.cc + pad_common.cc; Python twin: kernels/pad.py).
 *
 * Constant padding of up to 5-D float32, int8, int16 and int32 tensors. The
 * paddings tensor is a constant int32 [rank, 2] (TFLM reads it in prepare),
 * non-negative, and the output shape must equal input + paddings. The pad
 * value is 0 for float32/int16/int32 and the output zero point for int8 (it
 * must fit in int8), unless a third input holds it (PADV2, mi_padv2.c, shares
 * this kernel): then it is read at invoke time, must be a scalar of the
 * input's type and, for int8, share the output's scale and zero point.
 * Invoke fills the output with the pad value, then copies the input rows in. */
#include <string.h>

#include "mi_kernel_util.h"
#include "mi_pad.h"

#define INPUT 0
#define PADDINGS 1
#define CONSTANT_VALUES 2
#define OUTPUT 0
#define RANK MI_PAD_MAX_DIMS

mi_status_t mi_pad_prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    mi_pad_op_data_t *d = (mi_pad_op_data_t *)node->op_data;
    mi_tensor_info_t src, dst, pads, values;
    const int32_t *p;
    uint32_t k, rank;
    int has_values;
    (void)options;
    MI_TRY(mi_node_input_info(ctx, node, INPUT, &src));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &dst));
    MI_TRY(mi_node_input_info(ctx, node, PADDINGS, &pads));
    if (src.type != dst.type) return MI_ERR_BAD_PARAM;
    switch (src.type) {
    case MI_TYPE_FLOAT32: case MI_TYPE_INT8: case MI_TYPE_INT16: case MI_TYPE_INT32: break;
    default: return MI_ERR_UNSUPPORTED_TYPE;
    }
    rank = src.rank;
    if (rank > RANK) return MI_ERR_UNSUPPORTED_SHAPE;
    if (!pads.data) return MI_ERR_UNSUPPORTED_TYPE; /* not constant */
    if (pads.type != MI_TYPE_INT32) return MI_ERR_UNSUPPORTED_TYPE;
    if (pads.count != 2u * dst.rank || rank != dst.rank) return MI_ERR_BAD_PARAM;
    p = (const int32_t *)(const void *)pads.data;
    for (k = 0; k < 2u * rank; k++)
        if (p[k] < 0) return MI_ERR_UNSUPPORTED_TYPE;
    for (k = 0; k < rank; k++)
        if ((int64_t)src.dims[k] + p[2 * k] + p[2 * k + 1] != dst.dims[k]) return MI_ERR_BAD_PARAM;
    has_values = mi_node_num_inputs(node) > CONSTANT_VALUES && mi_node_input_index(ctx, node, CONSTANT_VALUES) >= 0;
    d->default_value = 0;
    if (src.type == MI_TYPE_INT8) {
        if (!has_values) {
            int32_t zp = mi_zero_point0(ctx, &dst);
            if (zp < -128 || zp > 127) return MI_ERR_BAD_PARAM;
            d->default_value = zp;
        } else {
            MI_TRY(mi_node_input_info(ctx, node, CONSTANT_VALUES, &values));
            if (mi_zero_point0(ctx, &values) != mi_zero_point0(ctx, &dst) ||
                mi_scale0(ctx, &values) != mi_scale0(ctx, &dst))
                return MI_ERR_BAD_PARAM;
        }
    }
    if (has_values) {
        MI_TRY(mi_node_input_info(ctx, node, CONSTANT_VALUES, &values));
        if (values.type != src.type || values.count != 1) return MI_ERR_BAD_PARAM;
    }
    for (k = 0; k < RANK; k++) {
        d->out_dims[k] = 1;
        d->in_dims[k] = 1;
        d->lo[k] = 0;
    }
    for (k = 0; k < rank; k++) {
        d->out_dims[RANK - rank + k] = dst.dims[k];
        d->in_dims[RANK - rank + k] = src.dims[k];
        d->lo[RANK - rank + k] = p[2 * k];
    }
    d->count = (int32_t)dst.count;
    d->elem_size = (uint8_t)mi_type_size(src.type);
    return MI_OK;
}

mi_status_t mi_pad_invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const mi_pad_op_data_t *d = (const mi_pad_op_data_t *)node->op_data;
    const uint8_t *x = (const uint8_t *)mi_node_input_data(ctx, node, INPUT);
    uint8_t *y = (uint8_t *)mi_node_output_data(ctx, node, OUTPUT);
    const size_t size = d->elem_size;
    size_t stride[RANK], row = (size_t)d->in_dims[RANK - 1] * size, in = 0;
    uint8_t value[4] = {0, 0, 0, 0};
    int32_t i, i0, i1, i2, i3;
    if (mi_node_num_inputs(node) > CONSTANT_VALUES && mi_node_input_index(ctx, node, CONSTANT_VALUES) >= 0)
        memcpy(value, mi_node_input_data(ctx, node, CONSTANT_VALUES), size);
    else
        value[0] = (uint8_t)(d->default_value & 0xFF); /* int8 zero point; 0 for every other type */
    for (i = 0; i < d->count; i++) memcpy(y + (size_t)i * size, value, size);
    stride[RANK - 1] = size;
    for (i = RANK - 2; i >= 0; i--) stride[i] = stride[i + 1] * (size_t)d->out_dims[i + 1];
    if (!row) return MI_OK;
    for (i0 = 0; i0 < d->in_dims[0]; i0++)
        for (i1 = 0; i1 < d->in_dims[1]; i1++)
            for (i2 = 0; i2 < d->in_dims[2]; i2++)
                for (i3 = 0; i3 < d->in_dims[3]; i3++) {
                    size_t o = (size_t)(i0 + d->lo[0]) * stride[0] + (size_t)(i1 + d->lo[1]) * stride[1] +
                               (size_t)(i2 + d->lo[2]) * stride[2] + (size_t)(i3 + d->lo[3]) * stride[3] +
                               (size_t)d->lo[4] * stride[4];
                    memcpy(y + o, x + in, row);
                    in += row;
                }
    return MI_OK;
}

const mi_registration_t mi_registration_pad = {MI_OP_PAD, (uint32_t)sizeof(mi_pad_op_data_t), "PAD",
                                               mi_pad_prepare, mi_pad_invoke};
