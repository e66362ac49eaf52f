/* EXPAND_DIMS (TFLM: kernels/expand_dims.cc; Python twin: kernels/expand_dims.py).
 *
 * Inserts a size-1 dimension at a constant int32 axis (negative axes count
 * from rank + 1) of a float32, int8 or int16 tensor; the values are copied.
 * The output shape comes from the model and is verified, as TFLM does. */
#include <string.h>

#include "mi_kernel_util.h"

#define INPUT 0
#define AXIS 1
#define OUTPUT 0

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    mi_tensor_info_t src, axis_t, dst;
    int64_t axis;
    uint32_t i;
    (void)options;
    MI_TRY(mi_node_input_info(ctx, node, INPUT, &src));
    MI_TRY(mi_node_input_info(ctx, node, AXIS, &axis_t));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &dst));
    if (src.type != MI_TYPE_FLOAT32 && src.type != MI_TYPE_INT8 && src.type != MI_TYPE_INT16)
        return MI_ERR_UNSUPPORTED_TYPE;
    if (dst.type != src.type) return MI_ERR_BAD_PARAM;
    if (!axis_t.data) return MI_ERR_UNSUPPORTED_SHAPE; /* non-constant axis, as TFLM */
    if (axis_t.type != MI_TYPE_INT32 || axis_t.rank > 1 || axis_t.count < 1) return MI_ERR_BAD_PARAM;
    axis = ((const int32_t *)(const void *)axis_t.data)[0];
    if (axis < 0) axis += (int64_t)src.rank + 1;
    if (axis < 0 || axis > (int64_t)src.rank) return MI_ERR_BAD_PARAM;
    if (dst.rank != src.rank + 1u) return MI_ERR_BAD_PARAM;
    for (i = 0; i < dst.rank; i++) {
        const int32_t want = (int64_t)i < axis ? src.dims[i] : (int64_t)i == axis ? 1 : src.dims[i - 1];
        if (dst.dims[i] != want) return MI_ERR_BAD_PARAM;
    }
    return MI_OK;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const void *src = mi_node_input_data(ctx, node, INPUT);
    void *dst = mi_node_output_data(ctx, node, OUTPUT);
    const int32_t t = mi_node_output_index(ctx, node, OUTPUT);
    if (src != dst) memmove(dst, src, ctx->tensors[t].bytes);
    return MI_OK;
}

const mi_registration_t mi_registration_expand_dims = {MI_OP_EXPAND_DIMS, 0, "EXPAND_DIMS", prepare, invoke};
