/* Pooling (C twin of kernels/pooling.py; TFLM reference AveragePool/MaxPool
 * and integer_ops::AveragePool/MaxPool).
 *
 * For every output position only the filter taps inside the image are
 * visited, in row-major order. Quirks reproduced: the padding comes from the
 * output size TFLM computes from the padding mode while the loops run over the
 * output tensor's shape; the integer average rounds half away from zero with
 * C's truncating division; float max ignores NaN inputs (std::max); an
 * average window with no tap inside the image is rejected in prepare. */
#include "mi_pooling.h"

/* twin of pooling.MAX_WINDOW_TAPS */
#define MI_POOL_MAX_WINDOW 65536

#include <float.h>

#include "mi_padding.h"

#define INPUT 0
#define OUTPUT 0

enum { KIND_FLOAT32 = 0, KIND_INT8 = 1, KIND_INT16 = 2 };
/* a quantized pool is int8 (always so without the int16 paths, MI_ENABLE_INT16=0) */
#define INT8_KIND(d) (!MI_ENABLE_INT16 || (d)->kind == KIND_INT8)

/* pooling.py _padding: from the computed output size, 0 where TFLM fails */
MI_COLD static int32_t pool_padding(int32_t padding, int32_t stride, int32_t in, int32_t filter)
{
    int32_t out;
    int64_t total;
    if (mi_compute_out_size(padding, in, filter, stride, 1, &out) != 0) return 0;
    total = ((int64_t)out - 1) * stride + filter - in;
    return total > 0 ? (int32_t)(total / 2) : 0;
}

/* Number of taps TFLM visits along one axis for output index o. */
MI_COLD static int32_t in_bounds(int32_t o, int32_t stride, int32_t pad, int32_t filter, int32_t in)
{
    int32_t origin = o * stride - pad;
    int32_t start = origin < 0 ? -origin : 0;
    int32_t end = in - origin < filter ? in - origin : filter;
    return end > start ? end - start : 0;
}

MI_COLD mi_status_t mi_pool_prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options, int average)
{
    mi_pool_data_t *d = (mi_pool_data_t *)node->op_data;
    const mi_pool_options_t *o = &options->pool;
    mi_tensor_info_t in, out;
    int32_t i;
    MI_TRY(mi_node_input_info(ctx, node, INPUT, &in));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &out));
    if (in.rank != 4 || out.rank != 4) return MI_ERR_BAD_PARAM;
    if (in.type != out.type) return MI_ERR_BAD_PARAM;
    if (in.type == MI_TYPE_FLOAT32 && MI_ENABLE_FLOAT) d->kind = KIND_FLOAT32;
    else if (in.type == MI_TYPE_INT8) d->kind = KIND_INT8;
    else if (in.type == MI_TYPE_INT16 && MI_ENABLE_INT16) d->kind = KIND_INT16;
    else return MI_ERR_UNSUPPORTED_TYPE;
    d->batches = in.dims[0];
    d->in_h = in.dims[1];
    d->in_w = in.dims[2];
    d->channels = in.dims[3];
    if (out.dims[0] != d->batches || out.dims[3] != d->channels) return MI_ERR_BAD_PARAM;
    d->filter_h = o->filter_height;
    d->filter_w = o->filter_width;
    d->stride_h = o->stride_h;
    d->stride_w = o->stride_w;
    if (d->filter_h <= 0 || d->filter_w <= 0 || d->stride_h <= 0 || d->stride_w <= 0) return MI_ERR_BAD_PARAM;
    /* a window of more than MI_POOL_MAX_WINDOW taps: refused by the twin (pooling.py), whose
     * buffer and tap loop grow with the window (TFLM clips it to the input) */
    if ((int64_t)d->filter_h * (int64_t)d->filter_w > MI_POOL_MAX_WINDOW) return MI_ERR_UNSUPPORTED_SHAPE;
    d->pad_w = pool_padding(o->padding, d->stride_w, d->in_w, d->filter_w);
    d->pad_h = pool_padding(o->padding, d->stride_h, d->in_h, d->filter_h);
    d->out_h = out.dims[1];
    d->out_w = out.dims[2];
    if (!mi_window_fits(d->in_h, d->out_h, d->filter_h, d->stride_h, 1, d->pad_h) ||
        !mi_window_fits(d->in_w, d->out_w, d->filter_w, d->stride_w, 1, d->pad_w))
        return MI_ERR_UNSUPPORTED_SHAPE;
    if (MI_ENABLE_FLOAT && d->kind == KIND_FLOAT32) {
        MI_TRY(mi_activation_range_float(o->fused_activation_function, &d->float_min, &d->float_max));
    } else {
        int32_t qmin, qmax;
        if (!in.scales.count || !out.scales.count) return MI_ERR_BAD_PARAM;
        /* TFLM: |s_in - s_out| computed in float, compared in double (here in integers) */
        if (mi_scales_differ(mi_scale0(ctx, &in), mi_scale0(ctx, &out)) ||
            mi_zero_point0(ctx, &in) != mi_zero_point0(ctx, &out))
            return MI_ERR_BAD_PARAM;
        MI_TRY(mi_type_range(out.type, &qmin, &qmax));
        MI_TRY(mi_activation_range_quantized(o->fused_activation_function, qmin, qmax, mi_scale0(ctx, &out),
                                             mi_zero_point0(ctx, &out), &d->act_min, &d->act_max));
    }
    if (average && d->out_w > 0) {
        for (i = 0; i < d->out_h; i++)
            if (!in_bounds(i, d->stride_h, d->pad_h, d->filter_h, d->in_h)) return MI_ERR_BAD_PARAM;
    }
    if (average && d->out_h > 0) {
        for (i = 0; i < d->out_w; i++)
            if (!in_bounds(i, d->stride_w, d->pad_w, d->filter_w, d->in_w)) return MI_ERR_BAD_PARAM;
    }
    return MI_OK;
}

#define NHWC(b, yy, xx, cc, H, W, C) ((((size_t)(b) * (size_t)(H) + (size_t)(yy)) * (size_t)(W) + (size_t)(xx)) * (size_t)(C) + (size_t)(cc))

/* The window of output (oy, ox): taps [fy0, fy1) x [fx0, fx1) lie inside. */
typedef struct window {
    int32_t iy0, ix0, fy0, fy1, fx0, fx1;
} window_t;

static window_t window_of(const mi_pool_data_t *d, int32_t oy, int32_t ox)
{
    window_t w;
    w.iy0 = oy * d->stride_h - d->pad_h;
    w.ix0 = ox * d->stride_w - d->pad_w;
    w.fy0 = w.iy0 < 0 ? -w.iy0 : 0;
    w.fy1 = d->in_h - w.iy0 < d->filter_h ? d->in_h - w.iy0 : d->filter_h;
    w.fx0 = w.ix0 < 0 ? -w.ix0 : 0;
    w.fx1 = d->in_w - w.ix0 < d->filter_w ? d->in_w - w.ix0 : d->filter_w;
    return w;
}

#define POOL_LOOP(...)                                                     \
    for (b = 0; b < d->batches; b++)                                        \
        for (oy = 0; oy < d->out_h; oy++)                                   \
            for (ox = 0; ox < d->out_w; ox++) {                             \
                const window_t win = window_of(d, oy, ox);                  \
                for (ch = 0; ch < d->channels; ch++) {                      \
                    const size_t at = NHWC(b, oy, ox, ch, d->out_h, d->out_w, d->channels); \
                    __VA_ARGS__                                                  \
                }                                                           \
            }

#define TAP(x) (x)[NHWC(b, win.iy0 + fy, win.ix0 + fx, ch, d->in_h, d->in_w, d->channels)]

mi_status_t mi_pool_invoke_average(mi_context_t *ctx, const mi_node_t *node)
{
    const mi_pool_data_t *d = (const mi_pool_data_t *)node->op_data;
    const void *x = mi_node_input_data(ctx, node, INPUT);
    void *y = mi_node_output_data(ctx, node, OUTPUT);
    int32_t b, oy, ox, ch, fy, fx;
#if MI_ENABLE_FLOAT
    if (d->kind == KIND_FLOAT32) {
        const float *xf = (const float *)x;
        POOL_LOOP({
            float total = 0.0f;
            int32_t count = 0;
            for (fy = win.fy0; fy < win.fy1; fy++)
                for (fx = win.fx0; fx < win.fx1; fx++) {
                    total += TAP(xf);
                    count++;
                }
            ((float *)y)[at] = mi_clamp_float(total / (float)count, d->float_min, d->float_max);
        })
        return MI_OK;
    }
#endif
    POOL_LOOP({
        int64_t acc = 0, rounded;
        uint32_t count = 0, quotient;
        for (fy = win.fy0; fy < win.fy1; fy++)
            for (fx = win.fx0; fx < win.fx1; fx++) {
                acc += INT8_KIND(d) ? (int64_t)TAP((const int8_t *)x) : (int64_t)TAP((const int16_t *)x);
                count++;
            }
        if (count == 0) return MI_ERR_BAD_PARAM; /* excluded in prepare */
        /* (acc + count/2) / count or (acc - count/2) / count, C division truncating: the
         * magnitude's quotient, in 32 bits (|acc| <= 2**31 for at most MI_POOL_MAX_WINDOW
         * int16 taps, + count/2 < 2**32), so no 64-bit division helper */
        quotient = ((uint32_t)(acc > 0 ? acc : -acc) + count / 2u) / count;
        rounded = acc > 0 ? (int64_t)quotient : -(int64_t)quotient;
        if INT8_KIND(d) ((int8_t *)y)[at] = (int8_t)mi_clip_i32(rounded, d->act_min, d->act_max);
        else ((int16_t *)y)[at] = (int16_t)mi_clip_i32(rounded, d->act_min, d->act_max);
    })
    return MI_OK;
}

mi_status_t mi_pool_invoke_max(mi_context_t *ctx, const mi_node_t *node)
{
    const mi_pool_data_t *d = (const mi_pool_data_t *)node->op_data;
    const void *x = mi_node_input_data(ctx, node, INPUT);
    void *y = mi_node_output_data(ctx, node, OUTPUT);
    int32_t b, oy, ox, ch, fy, fx;
#if MI_ENABLE_FLOAT
    if (d->kind == KIND_FLOAT32) {
        const float *xf = (const float *)x;
        POOL_LOOP({
            float best = -FLT_MAX;
            for (fy = win.fy0; fy < win.fy1; fy++)
                for (fx = win.fx0; fx < win.fx1; fx++) {
                    float v = TAP(xf);
                    best = best < v ? v : best; /* std::max: NaN inputs are ignored */
                }
            ((float *)y)[at] = mi_clamp_float(best, d->float_min, d->float_max);
        })
        return MI_OK;
    }
#endif
    POOL_LOOP({
        int32_t best = INT8_KIND(d) ? -128 : -32768;
        for (fy = win.fy0; fy < win.fy1; fy++)
            for (fx = win.fx0; fx < win.fx1; fx++) {
                int32_t v = INT8_KIND(d) ? TAP((const int8_t *)x) : TAP((const int16_t *)x);
                if (v > best) best = v;
            }
        if INT8_KIND(d) ((int8_t *)y)[at] = (int8_t)mi_clip_i32(best, d->act_min, d->act_max);
        else ((int16_t *)y)[at] = (int16_t)mi_clip_i32(best, d->act_min, d->act_max);
    })
    return MI_OK;
}
