/* RESHAPE (TFLM: kernels/reshape.cc; Python twin: kernels/reshape.py).
 *
 * The output is a separate planned tensor, as in TFLM, so the bytes are
 * copied; the new shape comes from the output tensor, known at parse time. */
#include <string.h>

#include "mi_kernel_util.h"

#define INPUT 0
#define OUTPUT 0

MI_COLD static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    mi_tensor_info_t src, dst;
    (void)options;
    MI_TRY(mi_node_input_info(ctx, node, INPUT, &src));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &dst));
    if (src.bytes != dst.bytes || src.type != dst.type) return MI_ERR_BAD_PARAM;
    return MI_OK;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const void *src = mi_node_input_data(ctx, node, INPUT);
    void *dst = mi_node_output_data(ctx, node, OUTPUT);
    int32_t t = mi_node_output_index(ctx, node, OUTPUT);
    if (src != dst) memmove(dst, src, ctx->tensors[t].bytes);
    return MI_OK;
}

const mi_registration_t mi_registration_reshape = {MI_OP_RESHAPE, 0, "RESHAPE", prepare, invoke};
