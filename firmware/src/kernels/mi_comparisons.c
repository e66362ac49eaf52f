/* Shared pieces of the comparison kernels: see mi_comparisons.h (C twin of
 * src/microinterp/kernels/comparisons.py). */
#include "mi_comparisons.h"

#define INPUT1 0
#define INPUT2 1
#define OUTPUT 0
#define LEFT_SHIFT 8 /* kLeftShift of ComparisonsPrepare */

/* QuantizeMultiplierSmallerThanOneExp(double(scale)); its CHECKs abort TFLM */
static mi_status_t own_scale_multiplier(float scale, int32_t *multiplier, int32_t *shift)
{
    double real = (double)scale;
    if (!(real > 0.0 && real < 1.0)) return MI_ERR_UNSUPPORTED_TYPE;
    return mi_quantize_multiplier(real, multiplier, shift);
}

mi_status_t mi_comparisons_prepare(mi_context_t *ctx, mi_node_t *node, uint32_t types)
{
    mi_comparisons_op_data_t *d = (mi_comparisons_op_data_t *)node->op_data;
    mi_tensor_info_t a, b, out;
    MI_TRY(mi_node_input_info(ctx, node, INPUT1, &a));
    MI_TRY(mi_node_input_info(ctx, node, INPUT2, &b));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &out));
    if (a.type != b.type) return MI_ERR_BAD_PARAM;
    MI_TRY(mi_elementwise_require_type(a.type, types));
    if (out.type != MI_TYPE_BOOL) return MI_ERR_BAD_PARAM;
    MI_TRY(mi_elementwise_check_shapes(&a, &b, &out, &d->bc));
    d->type = (uint8_t)a.type;
    if (a.type != MI_TYPE_INT8) return MI_OK;
    if (!a.scales.count || !b.scales.count) return MI_ERR_UNSUPPORTED_TYPE;
    MI_TRY(own_scale_multiplier(mi_scale0(ctx, &a), &d->input1_multiplier, &d->input1_shift));
    MI_TRY(own_scale_multiplier(mi_scale0(ctx, &b), &d->input2_multiplier, &d->input2_shift));
    d->input1_offset = -mi_zero_point0(ctx, &a);
    d->input2_offset = -mi_zero_point0(ctx, &b);
    return MI_OK;
}

static int32_t rescale(int32_t x, int32_t offset, int32_t multiplier, int32_t shift)
{
    /* wraps only for a hostile zero point outside int8's range: defined, never a fault */
    int32_t shifted = mi_wrap_int32(((int64_t)x + offset) * (1 << LEFT_SHIFT));
    return mi_multiply_by_quantized_multiplier_smaller_than_one_exp(shifted, multiplier, shift);
}

#define COMPARE(T, u, v)                                      \
    do {                                                      \
        switch (compare) {                                    \
        case MI_COMPARE_EQUAL: r = (u) == (v); break;         \
        case MI_COMPARE_NOT_EQUAL: r = (u) != (v); break;     \
        case MI_COMPARE_GREATER: r = (u) > (v); break;        \
        case MI_COMPARE_GREATER_EQUAL: r = (u) >= (v); break; \
        case MI_COMPARE_LESS: r = (u) < (v); break;           \
        default: r = (u) <= (v); break;                       \
        }                                                     \
    } while (0)

#define LOOP(T, LOAD)                                                           \
    do {                                                                        \
        for (i = 0; i < d->bc.count; i++) {                                     \
            T u = LOAD((const T *)a, it.offset[0], 1);                          \
            T v = LOAD((const T *)b, it.offset[1], 2);                          \
            int r;                                                              \
            COMPARE(T, u, v);                                                   \
            y[i] = (uint8_t)r;                                                  \
            mi_broadcast_iter_next(&it, d->bc.dims, d->bc.strides, 2);          \
        }                                                                       \
    } while (0)

#define RAW(p, k, which) ((p)[k])
#define RESCALED(p, k, which) \
    rescale((p)[k], d->input##which##_offset, d->input##which##_multiplier, d->input##which##_shift)

mi_status_t mi_comparisons_invoke(mi_context_t *ctx, const mi_node_t *node, mi_compare_t compare)
{
    const mi_comparisons_op_data_t *d = (const mi_comparisons_op_data_t *)node->op_data;
    const void *a = mi_node_input_data(ctx, node, INPUT1);
    const void *b = mi_node_input_data(ctx, node, INPUT2);
    uint8_t *y = (uint8_t *)mi_node_output_data(ctx, node, OUTPUT);
    mi_broadcast_iter_t it;
    int32_t i;
    mi_broadcast_iter_init(&it);
    switch (d->type) {
    case MI_TYPE_FLOAT32: LOOP(float, RAW); break;
    case MI_TYPE_INT32: LOOP(int32_t, RAW); break;
    case MI_TYPE_INT64: LOOP(int64_t, RAW); break;
    case MI_TYPE_BOOL: LOOP(uint8_t, RAW); break;
    default: {
        /* int8: both sides rescaled first (int32 values) */
        const int8_t *a8 = (const int8_t *)a, *b8 = (const int8_t *)b;
        for (i = 0; i < d->bc.count; i++) {
            int32_t u = RESCALED(a8, it.offset[0], 1);
            int32_t v = RESCALED(b8, it.offset[1], 2);
            int r;
            COMPARE(int32_t, u, v);
            y[i] = (uint8_t)r;
            mi_broadcast_iter_next(&it, d->bc.dims, d->bc.strides, 2);
        }
        break;
    }
    }
    return MI_OK;
}
