/* Shared pieces of TFLM's reductions MEAN, SUM, REDUCE_MAX and REDUCE_MIN (C
 * twin of kernels/reduction.py; TFLM: kernels/reduce.cc + reduce_common.cc,
 * reference ReduceGeneric and QuantizedMeanOrSum in reference/reduce.h).
 *
 * TFLM reads the int32 axis list at invoke time (it may be a graph input),
 * wraps negative axes, drops duplicates, and visits the input in row-major
 * order, folding every element into the output it maps to; for one output the
 * elements arrive in the row-major order of the reduced axes, which is the
 * order mi_reduction_step walks. An axis out of range is an error, and so is
 * an output whose element count differs from the kept extents (TFLM would
 * write out of bounds). */
#include <string.h>

#include "mi_reduction.h"

#include "mi_kernel_util.h"

mi_status_t mi_reduction_resolve_axes(const int32_t *axis_values, const mi_reduction_shape_t *shape,
                                      uint32_t out_count, mi_reduction_axes_t *axes)
{
    int reduced[MI_MAX_DIMS] = {0};
    int32_t k, stride = 1;
    int64_t outputs = 1, per_output = 1;
    const int32_t rank = shape->rank;
    for (k = 0; rank > 0 && k < shape->num_axis_values; k++) {
        int64_t a = axis_values[k] < 0 ? (int64_t)axis_values[k] + rank : axis_values[k];
        if (a < 0 || a >= rank) return MI_ERR_BAD_PARAM;
        reduced[a] = 1;
    }
    axes->num_kept = axes->num_reduced_axes = 0;
    for (k = rank - 1; k >= 0; k--) { /* innermost first, for the strides */
        if (reduced[k]) {
            axes->reduced_dims[axes->num_reduced_axes] = shape->in_dims[k];
            axes->reduced_stride[axes->num_reduced_axes++] = stride;
            per_output *= shape->in_dims[k];
        } else {
            axes->kept_dims[axes->num_kept] = shape->in_dims[k];
            axes->kept_stride[axes->num_kept++] = stride;
            outputs *= shape->in_dims[k];
        }
        stride *= shape->in_dims[k];
    }
    if (outputs != (int64_t)out_count) return MI_ERR_BAD_PARAM;
    axes->num_outputs = (int32_t)outputs;
    axes->num_reduced = (int32_t)per_output;
    return MI_OK;
}

mi_status_t mi_reduction_check_axis_tensor(mi_context_t *ctx, const mi_node_t *node, mi_reduction_shape_t *shape,
                                           int *constant)
{
    mi_tensor_info_t src, axis_t, dst;
    mi_reduction_axes_t axes;
    uint32_t k;
    MI_TRY(mi_node_input_info(ctx, node, MI_REDUCTION_INPUT, &src));
    MI_TRY(mi_node_input_info(ctx, node, MI_REDUCTION_AXIS, &axis_t));
    MI_TRY(mi_node_output_info(ctx, node, MI_REDUCTION_OUTPUT, &dst));
    if (axis_t.type != MI_TYPE_INT32) return MI_ERR_BAD_PARAM;
    if (dst.type != src.type) return MI_ERR_BAD_PARAM;
    shape->rank = src.rank;
    for (k = 0; k < MI_MAX_DIMS; k++) shape->in_dims[k] = k < src.rank ? src.dims[k] : 1;
    shape->num_axis_values = (int32_t)axis_t.count;
    *constant = axis_t.data != NULL && !axis_t.is_variable;
    if (*constant)
        MI_TRY(mi_reduction_resolve_axes((const int32_t *)(const void *)axis_t.data, shape, dst.count, &axes));
    return MI_OK;
}

mi_status_t mi_reduction_axes_now(const mi_context_t *ctx, const mi_node_t *node, const mi_reduction_shape_t *shape,
                                  uint32_t out_count, mi_reduction_axes_t *axes)
{
    const int32_t *values = (const int32_t *)mi_node_input_data(ctx, node, MI_REDUCTION_AXIS);
    return mi_reduction_resolve_axes(values, shape, out_count, axes);
}

int32_t mi_reduction_base(const mi_reduction_axes_t *axes, int32_t o)
{
    int32_t k, at = 0;
    for (k = 0; k < axes->num_kept; k++) { /* innermost first */
        at += (o % axes->kept_dims[k]) * axes->kept_stride[k];
        o /= axes->kept_dims[k];
    }
    return at;
}

int32_t mi_reduction_step(const mi_reduction_axes_t *axes, int32_t r)
{
    int32_t k, at = 0;
    for (k = 0; k < axes->num_reduced_axes; k++) {
        at += (r % axes->reduced_dims[k]) * axes->reduced_stride[k];
        r /= axes->reduced_dims[k];
    }
    return at;
}

float mi_reduction_sum_float32(const mi_reduction_axes_t *axes, const float *x, int32_t o)
{
    const int32_t base = mi_reduction_base(axes, o);
    float sum = 0.0f;
    int32_t r;
    for (r = 0; r < axes->num_reduced; r++) sum += x[base + mi_reduction_step(axes, r)];
    return sum;
}

int32_t mi_reduction_requantized_sum(const mi_reduction_axes_t *axes, const void *x, int elem_size, int32_t o,
                                     int32_t input_zero_point, int32_t multiplier, int32_t shift,
                                     int32_t output_zero_point, int32_t qmin, int32_t qmax)
{
    const int32_t base = mi_reduction_base(axes, o);
    uint32_t total = 0; /* int32 accumulator, wrapping */
    int32_t r, shifted;
    for (r = 0; r < axes->num_reduced; r++) {
        const int32_t at = base + mi_reduction_step(axes, r);
        total += (uint32_t)(elem_size == 1 ? (int32_t)((const int8_t *)x)[at] : (int32_t)((const int16_t *)x)[at]);
    }
    shifted = mi_wrap_int32((int64_t)mi_wrap_int32((int64_t)total) - (int64_t)input_zero_point * axes->num_reduced);
    return mi_clip_i32((int64_t)mi_multiply_by_quantized_multiplier(shifted, multiplier, shift) + output_zero_point,
                       qmin, qmax);
}

mi_status_t mi_reduction_prepare_sum(mi_context_t *ctx, mi_node_t *node, mi_reduction_sum_data_t *d)
{
    mi_tensor_info_t src, dst;
    int constant;
    MI_TRY(mi_node_input_info(ctx, node, MI_REDUCTION_INPUT, &src));
    MI_TRY(mi_node_output_info(ctx, node, MI_REDUCTION_OUTPUT, &dst));
    if (src.type == MI_TYPE_FLOAT32 && MI_ENABLE_FLOAT) d->kind = MI_REDUCTION_FLOAT32;
    else if (src.type == MI_TYPE_INT8) d->kind = MI_REDUCTION_INT8;
    else if (src.type == MI_TYPE_INT16 && MI_ENABLE_INT16) d->kind = MI_REDUCTION_INT16;
    else return MI_ERR_UNSUPPORTED_TYPE;
    MI_TRY(mi_reduction_check_axis_tensor(ctx, node, &d->shape, &constant));
    d->out_count = (int32_t)dst.count;
    if (d->kind == MI_REDUCTION_FLOAT32) return MI_OK;
    d->input_zero_point = mi_zero_point0(ctx, &src);
    d->output_zero_point = mi_zero_point0(ctx, &dst);
    return mi_quantize_multiplier((double)mi_scale0(ctx, &src) / (double)mi_scale0(ctx, &dst), &d->multiplier,
                                  &d->shift);
}

mi_status_t mi_reduction_sum_invoke(const mi_context_t *ctx, const mi_node_t *node,
                                    const mi_reduction_sum_data_t *d, int mean)
{
    const void *x = mi_node_input_data(ctx, node, MI_REDUCTION_INPUT);
    void *y = mi_node_output_data(ctx, node, MI_REDUCTION_OUTPUT);
    mi_reduction_axes_t axes;
    int32_t o;
    MI_TRY(mi_reduction_axes_now(ctx, node, &d->shape, (uint32_t)d->out_count, &axes));
    if (mean && axes.num_reduced == 0) {
        const size_t elem = d->kind == MI_REDUCTION_INT8 ? 1u : d->kind == MI_REDUCTION_INT16 ? 2u : 4u;
        memset(y, 0, (size_t)d->out_count * elem);
        return MI_OK;
    }
    for (o = 0; o < axes.num_outputs; o++) {
        switch (d->kind) {
#if MI_ENABLE_FLOAT
        case MI_REDUCTION_FLOAT32: {
            const float sum = mi_reduction_sum_float32(&axes, (const float *)x, o);
            ((float *)y)[o] = mean ? sum / (float)axes.num_reduced : sum;
            break;
        }
#endif
        case MI_REDUCTION_INT8:
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
