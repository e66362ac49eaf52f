/* SQUEEZE (TFLM: kernels/squeeze.cc; Python twin: kernels/squeeze.py).
 *
 * Drops size-1 dimensions (the listed squeeze_dims, negative ones counted
 * from the input's rank, or every size-1 dimension when the list is empty)
 * of a tensor of any fixed-size type; the bytes are copied (TFLM's eval is a
 * memcpy of equal byte lengths). The output shape comes from the model and is
 * checked. Ranks above MI_MAX_DIMS (6) are refused by the model reader. */
#include <string.h>

#include "mi_kernel_util.h"

#define INPUT 0
#define OUTPUT 0

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    mi_tensor_info_t src, dst;
    uint32_t squeeze = 0, i, k = 0;
    const mi_vec_t dims = options->squeeze.squeeze_dims;
    MI_TRY(mi_node_input_info(ctx, node, INPUT, &src));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &dst));
    if (mi_type_size(src.type) == 0) return MI_ERR_UNSUPPORTED_TYPE;
    if (dims.count) {
        for (i = 0; i < dims.count; i++) {
            const int32_t d = mi_axis(mi_model_i32(&ctx->model, dims, i), src.rank);
            if (d < 0 || src.dims[d] != 1) return MI_ERR_BAD_PARAM;
            squeeze |= 1u << d;
        }
    } else {
        for (i = 0; i < src.rank; i++)
            if (src.dims[i] == 1) squeeze |= 1u << i;
    }
    for (i = 0; i < src.rank; i++) {
        if (squeeze & (1u << i)) continue;
        if (k >= dst.rank || dst.dims[k] != src.dims[i]) return MI_ERR_BAD_PARAM;
        k++;
    }
    if (k != dst.rank) return MI_ERR_BAD_PARAM;
    if (src.bytes != dst.bytes) return MI_ERR_BAD_PARAM;
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

const mi_registration_t mi_registration_squeeze = {MI_OP_SQUEEZE, 0, "SQUEEZE", prepare, invoke};
