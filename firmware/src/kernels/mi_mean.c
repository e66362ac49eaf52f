/* MEAN (TFLM: kernels/reduce.cc + reduce_common.cc; Python twin: kernels/mean.py).
 *
 * Reduces over a constant int32 axis list (negative axes wrap, duplicates
 * count once, keep_dims only changes the output's declared shape); the axis
 * handling and the sums are SUM's too (mi_reduction.c).
 *   float32: the sum in TFLM's order (one float32 addition per element from
 *     0.0f) divided by the element count as float;
 *   int8/int16: an int32 (wrapping) sum per output, minus zp_in * n, then one
 *     MultiplyByQuantizedMultiplier whose multiplier TFLM derives from
 *     s_in / s_out (double) by an integer division by n (mi_mean_multiplier),
 *     plus the output zero point, clamped.
 * An empty reduction (a reduced extent of 0) writes zeros.
 * The C port requests no scratch: it folds each output in one pass. */
#include <string.h>

#include "mi_kernel_util.h"
#include "mi_reduction.h"

enum { KIND_FLOAT32 = 0, KIND_INT8 = 1, KIND_INT16 = 2 };

/* fwplan.py layout: 0 pointers, 13 words, 1 byte */
typedef struct op_data {
    mi_reduction_shape_t shape;
    int32_t input_zero_point, output_zero_point, multiplier, shift;
    int32_t out_count;
    uint8_t kind;
} op_data_t;

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t src, dst, axis_t;
    mi_reduction_axes_t axes;
    double real;
    (void)options;
    MI_TRY(mi_node_input_info(ctx, node, MI_REDUCTION_INPUT, &src));
    MI_TRY(mi_node_output_info(ctx, node, MI_REDUCTION_OUTPUT, &dst));
    MI_TRY(mi_node_input_info(ctx, node, MI_REDUCTION_AXIS, &axis_t));
    if (src.type == MI_TYPE_FLOAT32 && MI_ENABLE_FLOAT) d->kind = KIND_FLOAT32;
    else if (src.type == MI_TYPE_INT8) d->kind = KIND_INT8;
    else if (src.type == MI_TYPE_INT16 && MI_ENABLE_INT16) d->kind = KIND_INT16;
    else return MI_ERR_UNSUPPORTED_TYPE;
    if (dst.type != src.type || axis_t.type != MI_TYPE_INT32) return MI_ERR_BAD_PARAM;
    if (!axis_t.data) return MI_ERR_UNSUPPORTED_TYPE; /* mean.py: a non-constant axis tensor */
    {
        int constant;
        MI_TRY(mi_reduction_check_axis_tensor(ctx, node, &d->shape, &constant));
    }
    MI_TRY(mi_reduction_resolve_axes((const int32_t *)(const void *)axis_t.data, &d->shape, dst.count, &axes));
    d->out_count = (int32_t)dst.count;
    if (d->kind == KIND_FLOAT32) return MI_OK;
    real = (double)mi_scale0(ctx, &src) / (double)mi_scale0(ctx, &dst);
    MI_TRY(mi_quantize_multiplier(real, &d->multiplier, &d->shift));
    if (axes.num_reduced > 0) mi_mean_multiplier(d->multiplier, d->shift, axes.num_reduced, &d->multiplier, &d->shift);
    d->input_zero_point = mi_zero_point0(ctx, &src);
    d->output_zero_point = mi_zero_point0(ctx, &dst);
    return MI_OK;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const void *x = mi_node_input_data(ctx, node, MI_REDUCTION_INPUT);
    void *y = mi_node_output_data(ctx, node, MI_REDUCTION_OUTPUT);
    mi_reduction_axes_t axes;
    int32_t o;
    MI_TRY(mi_reduction_axes_now(ctx, node, &d->shape, (uint32_t)d->out_count, &axes));
    if (axes.num_reduced == 0) {
        memset(y, 0, (size_t)d->out_count * (d->kind == KIND_INT8 ? 1u : d->kind == KIND_INT16 ? 2u : 4u));
        return MI_OK;
    }
    for (o = 0; o < axes.num_outputs; o++) {
        switch (d->kind) {
#if MI_ENABLE_FLOAT
        case KIND_FLOAT32:
            ((float *)y)[o] = mi_reduction_sum_float32(&axes, (const float *)x, o) / (float)axes.num_reduced;
            break;
#endif
        case KIND_INT8:
            ((int8_t *)y)[o] = (int8_t)mi_reduction_requantized_sum(&axes, x, 1, o, d->input_zero_point,
                                                                    d->multiplier, d->shift, d->output_zero_point,
                                                                    -128, 127);
            break;
        default:
            ((int16_t *)y)[o] = (int16_t)mi_reduction_requantized_sum(&axes, x, 2, o, d->input_zero_point,
                                                                      d->multiplier, d->shift, d->output_zero_point,
                                                                      -32768, 32767);
            break;
        }
    }
    return MI_OK;
}

const mi_registration_t mi_registration_mean = {MI_OP_MEAN, (uint32_t)sizeof(op_data_t), "MEAN", prepare, invoke};
