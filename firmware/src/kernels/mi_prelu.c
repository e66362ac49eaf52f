/* PRELU (TFLM: kernels/prelu.cc + prelu_common.cc, reference/prelu.h; Python
 * twin: kernels/prelu.py).
 *
 * x >= 0 ? x : x * alpha, with alpha broadcast numpy-style against x; the
 * output must have exactly the broadcast shape.
 *   float32: BroadcastPrelu4DSlowFloat -- the comparison keeps -0.0 and sends
 *     NaN to the product; at most 4 dimensions;
 *   int8 (alpha int8) and int16 (alpha int8, as TFLM requires): with
 *     v = x - zp_in, v >= 0 gives MultiplyByQuantizedMultiplier(v, m1),
 *     m1 = s_in / s_out, otherwise MultiplyByQuantizedMultiplier(v * (alpha -
 *     zp_alpha), m2), m2 = s_in * s_alpha / s_out; plus zp_out, clamped to the
 *     type (both multipliers from double arithmetic on the float32 scales);
 *     every step in TFLM's int32 arithmetic: with zero points outside the
 *     type's range the offset input, its product with the offset alpha and
 *     the sum with zp_out wrap, and the sign test sees the wrapped value.
 * Invoke walks the output and reads both inputs with stride 0 along their
 * broadcast dimensions. */
#include "mi_kernel_util.h"

#define INPUT 0
#define ALPHA 1
#define OUTPUT 0
#define RANK MI_MAX_DIMS
#define MAX_FLOAT_RANK 4

enum { KIND_FLOAT32 = 0, KIND_INT8 = 1, KIND_INT16 = 2 };

/* fwplan.py layout: 0 pointers, 25 words, 1 byte (MI_MAX_DIMS = 6) */
typedef struct op_data {
    int32_t out_dims[RANK], x_stride[RANK], alpha_stride[RANK]; /* rank-extended, stride 0 where broadcast */
    int32_t input_offset, alpha_offset, output_offset, multiplier_1, shift_1, multiplier_2, shift_2;
    uint8_t kind;
} op_data_t;

static void extend(const mi_tensor_info_t *t, int32_t *ext)
{
    uint32_t i;
    for (i = 0; i < RANK; i++) ext[i] = 1;
    for (i = 0; i < t->rank; i++) ext[RANK - t->rank + i] = t->dims[i];
}

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t x, alpha, out;
    int32_t ex[RANK], ea[RANK], eo[RANK], sx = 1, sa = 1, i;
    uint32_t rank;
    (void)options;
    MI_TRY(mi_node_input_info(ctx, node, INPUT, &x));
    MI_TRY(mi_node_input_info(ctx, node, ALPHA, &alpha));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &out));
    if (x.type != out.type) return MI_ERR_BAD_PARAM;
    if (x.type == MI_TYPE_FLOAT32 && MI_ENABLE_FLOAT) d->kind = KIND_FLOAT32;
    else if (x.type == MI_TYPE_INT8) d->kind = KIND_INT8;
    else if (x.type == MI_TYPE_INT16 && MI_ENABLE_INT16) d->kind = KIND_INT16;
    else return MI_ERR_UNSUPPORTED_TYPE;
    if (alpha.type != (d->kind == KIND_FLOAT32 ? MI_TYPE_FLOAT32 : MI_TYPE_INT8)) return MI_ERR_UNSUPPORTED_TYPE;
    rank = x.rank > alpha.rank ? x.rank : alpha.rank;
    if (d->kind == KIND_FLOAT32 && (rank > MAX_FLOAT_RANK || out.rank > MAX_FLOAT_RANK)) return MI_ERR_UNSUPPORTED_SHAPE;
    if (out.rank != rank) return MI_ERR_BAD_PARAM;
    extend(&x, ex);
    extend(&alpha, ea);
    extend(&out, eo);
    for (i = RANK - 1; i >= 0; i--) { /* np.broadcast_shapes, then the output must equal it */
        const int32_t want = ex[i] == 1 ? ea[i] : ex[i];
        if (ex[i] != 1 && ea[i] != 1 && ex[i] != ea[i]) return MI_ERR_BAD_PARAM;
        if (eo[i] != want) return MI_ERR_BAD_PARAM;
        d->out_dims[i] = eo[i];
        d->x_stride[i] = ex[i] == 1 ? 0 : sx;
        d->alpha_stride[i] = ea[i] == 1 ? 0 : sa;
        sx *= ex[i];
        sa *= ea[i];
    }
    if (d->kind == KIND_FLOAT32) return MI_OK;
    if (!x.scales.count || !alpha.scales.count || !out.scales.count) return MI_ERR_UNSUPPORTED_TYPE;
    {
        const double s_in = (double)mi_scale0(ctx, &x), s_alpha = (double)mi_scale0(ctx, &alpha);
        const double s_out = (double)mi_scale0(ctx, &out);
        if (mi_quantize_multiplier(s_in / s_out, &d->multiplier_1, &d->shift_1) != MI_OK ||
            mi_quantize_multiplier(s_in * s_alpha / s_out, &d->multiplier_2, &d->shift_2) != MI_OK)
            return MI_ERR_UNSUPPORTED_TYPE;
    }
    d->input_offset = -mi_zero_point0(ctx, &x);
    d->alpha_offset = -mi_zero_point0(ctx, &alpha);
    d->output_offset = mi_zero_point0(ctx, &out);
    return MI_OK;
}

/* TFLM's int32 arithmetic, wraps included (reached only by zero points outside the type's range) */
static int32_t prelu_quantized(const op_data_t *d, int32_t xv, int32_t av, int32_t qmin, int32_t qmax)
{
    const int32_t v = mi_wrap_int32((int64_t)xv + d->input_offset);
    const int32_t w = mi_wrap_int32((int64_t)av + d->alpha_offset);
    const int32_t r = v >= 0 ? mi_multiply_by_quantized_multiplier(v, d->multiplier_1, d->shift_1)
                             : mi_multiply_by_quantized_multiplier(mi_wrap_int32((int64_t)v * w), d->multiplier_2,
                                                                   d->shift_2);
    return mi_clip_i32(mi_wrap_int32((int64_t)r + d->output_offset), qmin, qmax);
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const void *x = mi_node_input_data(ctx, node, INPUT);
    const void *alpha = mi_node_input_data(ctx, node, ALPHA);
    void *y = mi_node_output_data(ctx, node, OUTPUT);
    int32_t at[RANK] = {0}, k;
    size_t o = 0, ix = 0, ia = 0;
    int64_t count = 1;
    for (k = 0; k < RANK; k++) count *= d->out_dims[k];
    for (; (int64_t)o < count; o++) {
        switch (d->kind) {
#if MI_ENABLE_FLOAT
        case KIND_FLOAT32: {
            const float v = ((const float *)x)[ix];
            ((float *)y)[o] = v >= 0.0f ? v : v * ((const float *)alpha)[ia];
            break;
        }
#endif
        case KIND_INT8:
            ((int8_t *)y)[o] = (int8_t)prelu_quantized(d, ((const int8_t *)x)[ix], ((const int8_t *)alpha)[ia], -128, 127);
            break;
        default:
            ((int16_t *)y)[o] = (int16_t)prelu_quantized(d, ((const int16_t *)x)[ix], ((const int8_t *)alpha)[ia],
                                                         -32768, 32767);
            break;
        }
        for (k = RANK - 1; k >= 0; k--) { /* next output index, row-major; inputs follow by their strides */
            ix += (size_t)d->x_stride[k];
            ia += (size_t)d->alpha_stride[k];
            if (++at[k] < d->out_dims[k]) break;
            ix -= (size_t)d->x_stride[k] * (size_t)d->out_dims[k];
            ia -= (size_t)d->alpha_stride[k] * (size_t)d->out_dims[k];
            at[k] = 0;
        }
    }
    return MI_OK;
}

const mi_registration_t mi_registration_prelu = {MI_OP_PRELU, (uint32_t)sizeof(op_data_t), "PRELU", prepare, invoke};
