/* CUMSUM (TFLM: kernels/cumsum.cc + reference_ops::CumSum; Python twin:
 * kernels/cumsum.py, which documents the quirks reproduced here).
 *
 * Running sum of a float32 or int8 tensor along an int32 axis (read at
 * invoke; negative counts from the rank), optionally exclusive and/or
 * reversed.
 *   - float32: a sequential float32 accumulator starting at +0.0f;
 *   - int8: every (x - zp_in) << 20 is scaled by the multiplier of 1/2, summed
 *     in a wrapping int32 accumulator that starts at the rescaled
 *     -zp_in << 20 (TFLM's quirk), rescaled by 2 * s_in / (2^20 * s_out), plus
 *     the output zero point, clamped. Input zero points must lie in the int8
 *     range, so the shifted values fit in int32 (as for ADD). */
#include "mi_kernel_util.h"

#define INPUT 0
#define AXIS 1
#define OUTPUT 0
#define LEFT_SHIFT 20 /* kCumSumIntegerShift */

/* op data layout (kernels/cumsum.py MEMORY): 0 pointers, 6 words, 3 bytes */
typedef struct op_data {
    int32_t input_offset, output_offset, input_multiplier, input_shift, output_multiplier, output_shift;
    uint8_t is_float, exclusive, reverse;
} op_data_t;

static mi_status_t smaller_than_one(double real, int32_t *m, int32_t *s)
{
    if (!(real > 0.0 && real < 1.0)) return MI_ERR_UNSUPPORTED_SHAPE; /* TFLM's CHECK aborts */
    return mi_quantize_multiplier(real, m, s);
}

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t src, axis_t, dst;
    double s_in, s_out, twice_max;
    MI_TRY(mi_node_input_info(ctx, node, INPUT, &src));
    MI_TRY(mi_node_input_info(ctx, node, AXIS, &axis_t));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &dst));
    if (src.type != MI_TYPE_FLOAT32 && src.type != MI_TYPE_INT8) return MI_ERR_UNSUPPORTED_TYPE;
    if (axis_t.type != MI_TYPE_INT32 || axis_t.count != 1) return MI_ERR_BAD_PARAM;
    if (src.rank == 0) return MI_ERR_BAD_PARAM;
    if (dst.type != src.type || !mi_same_shape(&dst, &src)) return MI_ERR_BAD_PARAM;
    d->exclusive = options->cumsum.exclusive != 0;
    d->reverse = options->cumsum.reverse != 0;
    if (src.type == MI_TYPE_FLOAT32) {
        if (!MI_ENABLE_FLOAT) return MI_ERR_UNSUPPORTED_TYPE;
        d->is_float = 1;
        return MI_OK;
    }
    s_in = (double)mi_scale0(ctx, &src);
    s_out = (double)mi_scale0(ctx, &dst);
    twice_max = 2.0 * s_in;
    MI_TRY(smaller_than_one(s_in / twice_max, &d->input_multiplier, &d->input_shift));
    MI_TRY(smaller_than_one(twice_max / ((double)(1 << LEFT_SHIFT) * s_out), &d->output_multiplier,
                            &d->output_shift));
    d->input_offset = -mi_zero_point0(ctx, &src);
    d->output_offset = mi_zero_point0(ctx, &dst);
    if (!mi_zero_point_in(-d->input_offset, -128, 127)) return MI_ERR_UNSUPPORTED_TYPE;
    return MI_OK;
}

static int32_t scale_in(const op_data_t *d, int32_t x)
{
    return mi_multiply_by_quantized_multiplier_smaller_than_one_exp((x + d->input_offset) * (1 << LEFT_SHIFT),
                                                                    d->input_multiplier, d->input_shift);
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const int32_t t_in = mi_node_input_index(ctx, node, INPUT);
    const void *x = ctx->tensors[t_in].data;
    void *out = mi_node_output_data(ctx, node, OUTPUT);
    mi_tensor_info_t src;
    int32_t axis, n, k;
    int64_t outer, inner, o, i;
    MI_TRY(mi_model_tensor(&ctx->model, (uint32_t)t_in, &src));
    axis = mi_axis(((const int32_t *)mi_node_input_data(ctx, node, AXIS))[0], src.rank);
    if (axis < 0) return MI_ERR_BAD_PARAM;
    n = src.dims[axis];
    outer = mi_dims_product(&src, 0, (uint32_t)axis);
    inner = mi_dims_product(&src, (uint32_t)axis + 1u, src.rank);
    for (o = 0; o < outer; o++)
        for (i = 0; i < inner; i++) {
            const size_t base = (size_t)(o * n * inner + i);
            float facc = 0.0f;
            uint32_t acc = (uint32_t)scale_in(d, 0); /* the quirk: starts at the rescaled -zp_in */
            for (k = 0; k < n; k++) {
                const size_t at = base + (size_t)(d->reverse ? n - 1 - k : k) * (size_t)inner;
#if MI_ENABLE_FLOAT
                if (d->is_float) {
                    const float v = ((const float *)x)[at];
                    if (d->exclusive) {
                        ((float *)out)[at] = facc;
                        facc += v;
                    } else {
                        facc += v;
                        ((float *)out)[at] = facc;
                    }
                    continue;
                }
#endif
                {
                    const uint32_t v = (uint32_t)scale_in(d, ((const int8_t *)x)[at]);
                    int32_t r;
                    if (!d->exclusive) acc += v;
                    r = mi_multiply_by_quantized_multiplier_smaller_than_one_exp(mi_wrap_int32(acc), d->output_multiplier,
                                                                                 d->output_shift);
                    ((int8_t *)out)[at] = (int8_t)mi_clip_i32((int64_t)r + d->output_offset, -128, 127);
                    if (d->exclusive) acc += v;
                }
            }
            (void)facc;
        }
    return MI_OK;
}

const mi_registration_t mi_registration_cumsum = {MI_OP_CUMSUM, (uint32_t)sizeof(op_data_t), "CUMSUM", prepare,
                                                  invoke};
