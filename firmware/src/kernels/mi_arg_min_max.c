/* What ARG_MAX and ARG_MIN share (TFLM: kernels/arg_min_max.cc, reference
 * ArgMinMax; Python twin: kernels/arg_min_max.py). Not a kernel.
 *
 * The index of the best float32 or int8 value along an int32 axis (read at
 * invoke time, as TFLM; negative counts from the rank), written as int32.
 * TFLM scans from index 0 and replaces the running best only when
 * candidate > best (ARG_MAX) or candidate < best (ARG_MIN): the first extreme
 * wins ties (-0.0 and +0.0 tie), a NaN never wins, and a NaN in first place
 * is never replaced -- exactly what the comparisons below do. */
#include "mi_arg_min_max.h"

#define INPUT 0
#define AXIS 1
#define OUTPUT 0

mi_status_t mi_arg_min_max_prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    mi_tensor_info_t src, axis_t, dst;
    (void)options;
    MI_TRY(mi_node_input_info(ctx, node, INPUT, &src));
    MI_TRY(mi_node_input_info(ctx, node, AXIS, &axis_t));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &dst));
    if (src.type != MI_TYPE_FLOAT32 && src.type != MI_TYPE_INT8) return MI_ERR_UNSUPPORTED_TYPE;
    if (axis_t.type != MI_TYPE_INT32) return MI_ERR_UNSUPPORTED_TYPE;
    if (dst.type != MI_TYPE_INT32) return MI_ERR_UNSUPPORTED_TYPE;
    if (src.rank == 0 || axis_t.count < 1) return MI_ERR_BAD_PARAM;
    if (mi_is_constant(&axis_t)) {
        const int32_t axis = mi_axis(((const int32_t *)(const void *)axis_t.data)[0], src.rank);
        uint32_t i;
        if (axis < 0) return MI_ERR_BAD_PARAM;
        if (dst.rank + 1u != src.rank) return MI_ERR_BAD_PARAM;
        for (i = 0; i < dst.rank; i++)
            if (dst.dims[i] != src.dims[(int32_t)i < axis ? i : i + 1]) return MI_ERR_BAD_PARAM;
    }
    return MI_OK;
}

mi_status_t mi_arg_min_max_invoke(mi_context_t *ctx, const mi_node_t *node, int largest)
{
    const int32_t t_in = mi_node_input_index(ctx, node, INPUT);
    const int32_t t_out = mi_node_output_index(ctx, node, OUTPUT);
    const void *x = ctx->tensors[t_in].data;
    int32_t *out = (int32_t *)ctx->tensors[t_out].data;
    const int is_float = ctx->tensors[t_in].type == MI_TYPE_FLOAT32;
    mi_tensor_info_t src;
    int32_t axis, n, k;
    int64_t outer, inner, o, i;
    MI_TRY(mi_model_tensor(&ctx->model, (uint32_t)t_in, &src));
    axis = mi_axis(((const int32_t *)mi_node_input_data(ctx, node, AXIS))[0], src.rank);
    if (axis < 0) return MI_ERR_BAD_PARAM;
    n = src.dims[axis];
    outer = mi_dims_product(&src, 0, (uint32_t)axis);
    inner = mi_dims_product(&src, (uint32_t)axis + 1u, src.rank);
    if ((int64_t)ctx->tensors[t_out].bytes / 4 != (int64_t)src.count / (n > 1 ? n : 1)) return MI_ERR_BAD_PARAM;
    if (n == 0) return MI_OK;
    for (o = 0; o < outer; o++)
        for (i = 0; i < inner; i++) {
            const size_t base = (size_t)(o * n * inner + i);
            int32_t best_index = 0;
            if (is_float) {
                const float *v = (const float *)x;
                float best = v[base];
                for (k = 1; k < n; k++) {
                    const float c = v[base + (size_t)k * (size_t)inner];
                    if (largest ? c > best : c < best) {
                        best = c;
                        best_index = k;
                    }
                }
            } else {
                const int8_t *v = (const int8_t *)x;
                int32_t best = v[base];
                for (k = 1; k < n; k++) {
                    const int32_t c = v[base + (size_t)k * (size_t)inner];
                    if (largest ? c > best : c < best) {
                        best = c;
                        best_index = k;
                    }
                }
            }
            out[o * inner + i] = best_index;
        }
    return MI_OK;
}
