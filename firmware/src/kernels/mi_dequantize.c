/* DEQUANTIZE (TFLM: kernels/dequantize.cc + dequantize_common.cc, reference
 * Dequantize; Python twin: kernels/dequantize.py).
 *
 * int8/int16/uint8 -> float32: (float)(double(scale) * (x - zero_point)),
 * the product in double as TFLM's DequantizationParams holds the scale.
 * A tensor without quantization parameters has scale 0: the output is zeros. */
#include "mi_kernel_util.h"

#define INPUT 0
#define OUTPUT 0

/* op data layout (kernels/dequantize.py MEMORY): 0 pointers, 2 words, 1 byte */
typedef struct op_data {
    int32_t zero_point;
    float scale;
    uint8_t input_type;
} op_data_t;

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t in, out;
    (void)options;
    if (mi_node_num_inputs(node) != 1 || mi_node_num_outputs(node) != 1) return MI_ERR_BAD_PARAM;
    MI_TRY(mi_node_input_info(ctx, node, INPUT, &in));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &out));
    if (out.type != MI_TYPE_FLOAT32 || !MI_ENABLE_FLOAT) return MI_ERR_UNSUPPORTED_TYPE;
    if (in.type != MI_TYPE_INT8 && in.type != MI_TYPE_INT16 && in.type != MI_TYPE_UINT8) return MI_ERR_UNSUPPORTED_TYPE;
    if (in.count != out.count) return MI_ERR_BAD_PARAM;
    /* without quantization parameters TFLM reads scale 0, zero point 0: zeros out */
    d->input_type = in.type;
    d->scale = mi_scale0(ctx, &in);
    d->zero_point = mi_zero_point0(ctx, &in);
    return MI_OK;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const void *x = mi_node_input_data(ctx, node, INPUT);
    float *y = (float *)mi_node_output_data(ctx, node, OUTPUT);
    size_t i, n = ctx->tensors[mi_node_output_index(ctx, node, OUTPUT)].bytes / sizeof(float);
    for (i = 0; i < n; i++) {
        int32_t v = d->input_type == MI_TYPE_INT8    ? ((const int8_t *)x)[i]
                    : d->input_type == MI_TYPE_INT16 ? ((const int16_t *)x)[i]
                                                     : ((const uint8_t *)x)[i];
        y[i] = (float)((double)d->scale * ((int64_t)v - d->zero_point));
    }
    return MI_OK;
}

const mi_registration_t mi_registration_dequantize = {MI_OP_DEQUANTIZE, (uint32_t)sizeof(op_data_t), "DEQUANTIZE",
                                                      prepare, invoke};
