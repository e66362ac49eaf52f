/* CONV_2D (TFLM: kernels/conv.cc + conv_common.cc, reference/conv.h and
 * reference/integer_ops/conv.h; Python twin: kernels/conv_2d.py, with the
 * shared steps in mi_convolution.c, twin of kernels/convolution.py).
 *
 * Paths, as conv_2d.py documents them:
 *   int8 (int8 weights, int32 bias): acc = sum w * (x - input_zp) over the taps
 *     inside the image (int32, wrapping), + bias, per-channel double-rounding
 *     MultiplyByQuantizedMultiplier, + output_zp, clamp; the filter zero point
 *     is ignored, as TFLM's ConvPerChannel does;
 *   int16x8: no offsets; int64 accumulator and the int64 multiplier overload
 *     with an int64 bias (or none and quantized_bias_type != INT32), else an
 *     int32 accumulator and the 32-bit overload;
 *   float32: total += input * filter over (filter_y, filter_x, in_channel) in
 *     float32, skipping taps outside the image, then + bias and clamp.
 * Grouped convolution (input channels = filter channels * groups) as TFLM.
 * Fused activations other than RELU/RELU6/RELU_N1_TO_1 act as NONE.
 *
 * Reading order: prepare, then the reference loops (conv_float, conv_int8,
 * conv_int16: the twins of conv_2d.py, and the fallback of every fast path),
 * then the fast path conv_int8_fast (int8, one group, no width dilation; see
 * mi_simd.h for the Cortex-M4 DSP and the plain-C builds), which computes the
 * same int32 sums: per output pixel the taps inside the image form, per filter
 * row, one contiguous run of input and of each filter row (NHWC / OHWI), so
 * the sum is a dot product over runs, four output channels at a time. When the
 * window has several taps and fits COL_MAX bytes, the pixel's window is first
 * copied into one contiguous column (im2col, in arena scratch) with the taps
 * outside the image set to the input zero point: those add w * (zp - zp) = 0,
 * exactly what skipping them adds, and the sum becomes one dot product over
 * the whole filter. On a DSP core, 1x1 stride-1 convolutions (the pointwise
 * layers, conv_1x1_pairs) and im2col columns of a multiple of 4 bytes go out
 * two pixels per pass over the weights (conv_pair_out), packed in a second
 * scratch buffer. Both buffers are requested in prepare (request_scratch,
 * from the shapes alone: conv_2d.py c_scratch predicts them) and live in the
 * planned head only while the op runs, as TFLM's scratch buffers do. */
#include <string.h>

#include "mi_convolution.h"
#include "mi_simd.h"

#define INPUT 0
#define FILTER 1
#define BIAS 2
#define OUTPUT 0

typedef mi_conv_op_data_t op_data_t;

/* Bytes of the im2col column: covers 3x3 windows of 64 channels (it bounds
 * the scratch a window may take from the arena). */
#define COL_MAX 576
/* Values per row of a packed pixel pair: 1x1 inputs and im2col columns up to
 * COL_MAX (the packed buffer holds 4 bytes per value). */
#define PAIR_MAX COL_MAX

/* The fast paths' scratch (d->col, d->pairs), from the shapes alone so the
 * Python prediction needs nothing prepare computes (twin: conv_2d.py
 * c_scratch): the im2col column for int8, one group, no width dilation and a
 * window of several taps within COL_MAX bytes; on a DSP core the packed pixel
 * pair of that column (when a multiple of 4 bytes) or of a 1x1 stride-1
 * input (in_c a multiple of 4, at most PAIR_MAX). A zero point or multiplier
 * that later sends the op to the reference loop leaves them unused. */
MI_COLD static mi_status_t request_scratch(mi_context_t *ctx, op_data_t *d)
{
    const int64_t col = (int64_t)d->filter_h * d->filter_w * d->in_c;
    if (d->mode != MI_CONV_INT8 || d->groups != 1 || d->dilation_w != 1) return MI_OK;
    if ((int64_t)d->filter_h * d->filter_w > 1 && col <= COL_MAX) {
        MI_TRY(mi_request_scratch(ctx, (uint32_t)col, &d->col));
#if MI_SIMD_DSP
        if (col % 4 == 0) MI_TRY(mi_request_scratch(ctx, 4u * (uint32_t)col, &d->pairs));
#endif
    }
#if MI_SIMD_DSP
    else if (d->filter_h == 1 && d->filter_w == 1 && d->stride_h == 1 && d->stride_w == 1 && d->in_h == d->out_h &&
             d->in_w == d->out_w && d->in_c % 4 == 0 && d->in_c <= PAIR_MAX)
        MI_TRY(mi_request_scratch(ctx, 4u * (uint32_t)d->in_c, &d->pairs));
#endif
    return MI_OK;
}

/* invoke's choice among the int8 fast paths: the 1x1 pair path (DSP), the
 * im2col column, else conv_int8_fast over runs */
#if MI_SIMD_DSP || !MI_ENABLE_CONV_RUNS
static inline int pair_path(const op_data_t *d) { return MI_SIMD_DSP && d->pairs && !d->col; }
#endif
static inline int im2col_path(const op_data_t *d)
{
    return d->col && d->input_offset >= -127 && d->input_offset <= 128;
}
#if !MI_ENABLE_CONV_RUNS
static inline int runs_path(const op_data_t *d) { return d->fast && !pair_path(d) && !im2col_path(d); }
#endif

MI_COLD static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    const mi_conv_options_t *o = &options->conv;
    int activation = mi_conv_tflm_activation(o->fused_activation_function);
    mi_conv_tensors_t t;

    MI_TRY(mi_conv_check_tensors(ctx, node, &t, d));
    d->batches = t.x.dims[0];
    d->in_h = t.x.dims[1];
    d->in_w = t.x.dims[2];
    d->in_c = t.x.dims[3];
    d->out_c = t.w.dims[0];
    d->filter_h = t.w.dims[1];
    d->filter_w = t.w.dims[2];
    d->filter_c = t.w.dims[3];
    d->out_h = t.y.dims[1];
    d->out_w = t.y.dims[2];
    if (t.y.dims[0] != d->batches || t.y.dims[3] != d->out_c) return MI_ERR_BAD_PARAM;
    if (d->filter_c <= 0 || d->in_c % d->filter_c) return MI_ERR_BAD_PARAM;
    d->groups = d->in_c / d->filter_c;
    if (d->groups == 0 || d->out_c % d->groups) return MI_ERR_BAD_PARAM;
    MI_TRY(mi_conv_window(d, o->stride_h, o->stride_w, o->dilation_h_factor, o->dilation_w_factor, o->padding));
    if (MI_ENABLE_OVERLAP) mi_conv_allow_overlap(ctx, node, d, &t); /* output over input: see the .h */
    if (t.has_bias && t.bias.count != (uint32_t)d->out_c) return MI_ERR_BAD_PARAM;

    if (MI_ENABLE_FLOAT && d->mode == MI_CONV_FLOAT32) { /* (MI_ENABLE_FLOAT: compiled out with the float path) */
        if (t.has_bias && t.bias.type != MI_TYPE_FLOAT32) return MI_ERR_UNSUPPORTED_TYPE;
        return mi_activation_range_float(activation, &d->float_min, &d->float_max);
    }
    if (!t.x.scales.count || !t.w.scales.count || !t.y.scales.count) return MI_ERR_BAD_PARAM;
    if (d->mode == MI_CONV_INT8) {
        if (t.has_bias && t.bias.type != MI_TYPE_INT32) return MI_ERR_UNSUPPORTED_TYPE;
        d->input_offset = -mi_zero_point0(ctx, &t.x);
        d->output_offset = mi_zero_point0(ctx, &t.y);
        if (!mi_zero_point_in(d->input_offset, -32767, 32768)) return MI_ERR_UNSUPPORTED_TYPE;
        d->fast = (uint8_t)(d->groups == 1 && d->dilation_w == 1 && mi_simd_offset_ok(d->input_offset));
    } else {
        int acc32;
        if (t.has_bias && t.bias.type != MI_TYPE_INT32 && t.bias.type != MI_TYPE_INT64) return MI_ERR_UNSUPPORTED_TYPE;
        acc32 = t.has_bias ? t.bias.type == MI_TYPE_INT32 : o->quantized_bias_type == MI_TYPE_INT32;
        d->mode = acc32 ? MI_CONV_INT16_ACC32 : MI_CONV_INT16_ACC64;
    }
    MI_TRY(mi_conv_quantized_output_params(ctx, d, &t, activation));
    MI_TRY(request_scratch(ctx, d));
#if !MI_ENABLE_CONV_RUNS
    if (runs_path(d)) d->fast = 0; /* compiled out (mi_config.h): the reference loop instead */
#endif
#if !MI_ENABLE_INT8_REFERENCE
    if (d->mode == MI_CONV_INT8 && !d->fast) return MI_ERR_UNSUPPORTED_SHAPE; /* compiled out (mi_config.h) */
#endif
    return MI_OK;
}

#define NHWC MI_NHWC

#if MI_ENABLE_FLOAT
static void conv_float(const op_data_t *d, const float *x, const float *w, const float *bias, float *y)
{
    int32_t b, oy, ox, oc, fy, fx, ic, fy0, fy1, fx0, fx1;
    const int32_t per_group = d->out_c / d->groups;
    for (b = 0; b < d->batches; b++)
        for (oy = 0; oy < d->out_h; oy++) {
            const int32_t iy0 = oy * d->stride_h - d->pad_h;
            mi_conv_taps(iy0, d->dilation_h, d->in_h, d->filter_h, &fy0, &fy1);
            for (ox = 0; ox < d->out_w; ox++) {
                const int32_t ix0 = ox * d->stride_w - d->pad_w;
                mi_conv_taps(ix0, d->dilation_w, d->in_w, d->filter_w, &fx0, &fx1);
                for (oc = 0; oc < d->out_c; oc++) {
                    const int32_t group = oc / per_group;
                    float total = 0.0f;
                    for (fy = fy0; fy < fy1; fy++)
                        for (fx = fx0; fx < fx1; fx++) {
                            const float *xp = x + NHWC(b, iy0 + fy * d->dilation_h, ix0 + fx * d->dilation_w,
                                                       group * d->filter_c, d->in_h, d->in_w, d->in_c);
                            const float *wp = w + NHWC(oc, fy, fx, 0, d->filter_h, d->filter_w, d->filter_c);
                            for (ic = 0; ic < d->filter_c; ic++) total += xp[ic] * wp[ic];
                        }
                    y[NHWC(b, oy, ox, oc, d->out_h, d->out_w, d->out_c)] =
                        mi_clamp_float(total + (bias ? bias[oc] : 0.0f), d->float_min, d->float_max);
                }
            }
        }
}
#endif

#if MI_ENABLE_INT8_REFERENCE
static void conv_int8(const op_data_t *d, const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y)
{
    int32_t b, oy, ox, oc, fy, fx, ic, fy0, fy1, fx0, fx1;
    const int32_t per_group = d->out_c / d->groups;
    for (b = 0; b < d->batches; b++)
        for (oy = 0; oy < d->out_h; oy++) {
            const int32_t iy0 = oy * d->stride_h - d->pad_h;
            mi_conv_taps(iy0, d->dilation_h, d->in_h, d->filter_h, &fy0, &fy1);
            for (ox = 0; ox < d->out_w; ox++) {
                const int32_t ix0 = ox * d->stride_w - d->pad_w;
                mi_conv_taps(ix0, d->dilation_w, d->in_w, d->filter_w, &fx0, &fx1);
                for (oc = 0; oc < d->out_c; oc++) {
                    const int32_t group = oc / per_group;
                    uint32_t acc = 0; /* int32 accumulator with defined wrap-around */
                    for (fy = fy0; fy < fy1; fy++)
                        for (fx = fx0; fx < fx1; fx++) {
                            const int8_t *xp = x + NHWC(b, iy0 + fy * d->dilation_h, ix0 + fx * d->dilation_w,
                                                        group * d->filter_c, d->in_h, d->in_w, d->in_c);
                            const int8_t *wp = w + NHWC(oc, fy, fx, 0, d->filter_h, d->filter_w, d->filter_c);
                            for (ic = 0; ic < d->filter_c; ic++)
                                acc += (uint32_t)((int32_t)wp[ic] * ((int32_t)xp[ic] + d->input_offset));
                        }
                    if (bias) acc += (uint32_t)bias[oc];
                    y[NHWC(b, oy, ox, oc, d->out_h, d->out_w, d->out_c)] = (int8_t)mi_conv_requantize(d, acc, oc);
                }
            }
        }
}
#endif

/* Output channels from `oc` on of one output pixel, from a contiguous window
 * `xs` of n taps matching each filter's first n taps (rows per_oc apart). */
static void conv_pixel(const op_data_t *d, const int8_t *xs, const int8_t *w, size_t per_oc, int32_t n,
                       const int32_t *bias, int8_t *out)
{
    const mi_conv_requant_t rq = mi_conv_requant_of(d);
    const int32_t out_c = d->out_c, offset = d->input_offset;
    int32_t oc;
    for (oc = 0; oc + 4 <= out_c; oc += 4) {
        uint32_t acc[4] = {0, 0, 0, 0};
        int j;
#if MI_SIMD_DSP
        if (bias)
            for (j = 0; j < 4; j++) acc[j] = (uint32_t)bias[oc + j];
        mi_dot4_int8(xs, w + (size_t)oc * per_oc, per_oc, n, offset, acc);
        for (j = 0; j < 4; j++) out[oc + j] = (int8_t)mi_conv_requant_fast(&rq, acc[j], oc + j);
#else
        mi_dot4_int8(xs, w + (size_t)oc * per_oc, per_oc, n, offset, acc);
        for (j = 0; j < 4; j++)
            out[oc + j] = (int8_t)mi_conv_requant_fast(&rq, acc[j] + (bias ? (uint32_t)bias[oc + j] : 0u), oc + j);
#endif
    }
    for (; oc < out_c; oc++)
        out[oc] = (int8_t)mi_conv_requant_fast(
            &rq, mi_dot1_int8(xs, w + (size_t)oc * per_oc, n, offset) + (bias ? (uint32_t)bias[oc] : 0u), oc);
}

#if MI_SIMD_DSP
/* Every output channel of two pixels whose k inputs (offset added) are packed
 * in buf (mi_pack2_int16 layout; k a multiple of 4): two channels of both
 * pixels per pass over the weights (mi_dot2x2), so each weight word serves two
 * pixels. The same int32 sums as conv_int8, hence the same outputs. */
static void conv_pair_out(const op_data_t *d, const mi_conv_requant_t *requant, const uint32_t *buf,
                          const int8_t *w, int32_t k, const int32_t *bias, int8_t *y0, int8_t *y1)
{
    const mi_conv_requant_t local = *requant, *rq = &local; /* a local: the int8 stores cannot alias it */
    const int32_t out_c = d->out_c;
    int32_t oc;
    for (oc = 0; oc + 2 <= out_c; oc += 2) {
        uint32_t acc[4] = {0, 0, 0, 0};
        if (bias) {
            acc[0] = acc[2] = (uint32_t)bias[oc];
            acc[1] = acc[3] = (uint32_t)bias[oc + 1];
        }
        mi_dot2x2(buf, w + (size_t)oc * (size_t)k, (size_t)k, k, acc);
        y0[oc] = (int8_t)mi_conv_requant_fast(rq, acc[0], oc);
        y0[oc + 1] = (int8_t)mi_conv_requant_fast(rq, acc[1], oc + 1);
        y1[oc] = (int8_t)mi_conv_requant_fast(rq, acc[2], oc);
        y1[oc + 1] = (int8_t)mi_conv_requant_fast(rq, acc[3], oc + 1);
    }
    if (oc < out_c) {
        const int8_t *wr = w + (size_t)oc * (size_t)k;
        const uint32_t b0 = bias ? (uint32_t)bias[oc] : 0u;
        y0[oc] = (int8_t)mi_conv_requant_fast(rq, mi_dot1_packed(buf, 0, wr, k) + b0, oc);
        y1[oc] = (int8_t)mi_conv_requant_fast(rq, mi_dot1_packed(buf, 1, wr, k) + b0, oc);
    }
}

/* The 1x1, stride 1 form of conv_int8_fast on a DSP core: pixels in pairs,
 * both input rows packed once (mi_pack2_int16) into buf (the pairs scratch,
 * 4 * in_c bytes), then conv_pair_out. */
static void conv_1x1_pairs(const op_data_t *d, uint32_t *buf, const int8_t *x, const int8_t *w, const int32_t *bias,
                           int8_t *y)
{
    const mi_conv_requant_t rq = mi_conv_requant_of(d);
    const int32_t k = d->in_c, out_c = d->out_c;
    const int32_t pixels = d->batches * d->out_h * d->out_w;
    int32_t p;
    for (p = 0; p + 2 <= pixels; p += 2) {
        const int8_t *x0 = x + (size_t)p * (size_t)k;
        int8_t *y0 = y + (size_t)p * (size_t)out_c;
        mi_pack2_int16(x0, x0 + k, k, d->input_offset, buf);
        conv_pair_out(d, &rq, buf, w, k, bias, y0, y0 + out_c);
    }
    if (p < pixels) conv_pixel(d, x + (size_t)p * (size_t)k, w, (size_t)k, k, bias, y + (size_t)p * (size_t)out_c);
}
#endif

/* The im2col form of conv_int8_fast (see the file comment): col is the
 * column scratch (n bytes); on a DSP core buf, when not NULL, the packed pair
 * scratch (4 * n bytes, n a multiple of 4). */
static void conv_int8_im2col(const op_data_t *d, int8_t *col, uint32_t *buf, const int8_t *x, const int8_t *w,
                             const int32_t *bias, int8_t *y)
{
    const size_t row = (size_t)d->filter_w * (size_t)d->in_c;
    const int32_t n = d->filter_h * (int32_t)row;
    const int pad = -d->input_offset; /* the input zero point, an int8 here */
    int32_t b, oy, ox, fy, fx0, fx1, fy0, fy1;
#if MI_SIMD_DSP
    /* on a DSP core, columns of a multiple of 4 go out in pixel pairs */
    const mi_conv_requant_t rq = mi_conv_requant_of(d);
    const int pairs = buf != NULL;
    int8_t *pending = NULL; /* the first pixel of a pair, packed in slot 0 */
#else
    (void)buf; /* the pair scratch exists on DSP cores only */
#endif
    for (b = 0; b < d->batches; b++)
        for (oy = 0; oy < d->out_h; oy++) {
            const int32_t iy0 = oy * d->stride_h - d->pad_h;
            mi_conv_taps(iy0, d->dilation_h, d->in_h, d->filter_h, &fy0, &fy1);
            for (ox = 0; ox < d->out_w; ox++) {
                const int32_t ix0 = ox * d->stride_w - d->pad_w;
                mi_conv_taps(ix0, 1, d->in_w, d->filter_w, &fx0, &fx1);
                for (fy = 0; fy < d->filter_h; fy++) {
                    int8_t *dst = col + (size_t)fy * row;
                    if (fy < fy0 || fy >= fy1 || fx1 <= fx0) {
                        memset(dst, pad, row);
                        continue;
                    }
                    if (fx0 > 0) memset(dst, pad, (size_t)fx0 * (size_t)d->in_c);
                    memcpy(dst + (size_t)fx0 * (size_t)d->in_c,
                           x + NHWC(b, iy0 + fy * d->dilation_h, ix0 + fx0, 0, d->in_h, d->in_w, d->in_c),
                           (size_t)(fx1 - fx0) * (size_t)d->in_c);
                    if (fx1 < d->filter_w)
                        memset(dst + (size_t)fx1 * (size_t)d->in_c, pad, (size_t)(d->filter_w - fx1) * (size_t)d->in_c);
                }
#if MI_SIMD_DSP
                if (pairs) { /* pack the column; every second pixel, both pixels' outputs */
                    int8_t *out = y + NHWC(b, oy, ox, 0, d->out_h, d->out_w, d->out_c);
                    mi_pack1_int16(col, n, d->input_offset, buf, pending != NULL);
                    if (pending) {
                        conv_pair_out(d, &rq, buf, w, n, bias, pending, out);
                        pending = NULL;
                    } else {
                        pending = out;
                    }
                    continue;
                }
#endif
                conv_pixel(d, col, w, (size_t)n, n, bias, y + NHWC(b, oy, ox, 0, d->out_h, d->out_w, d->out_c));
            }
        }
#if MI_SIMD_DSP
    if (pending) { /* an odd pixel count: the last pixel alone, from its packed slot */
        int32_t oc;
        for (oc = 0; oc < d->out_c; oc++)
            pending[oc] = (int8_t)mi_conv_requant_fast(
                &rq, mi_dot1_packed(buf, 0, w + (size_t)oc * (size_t)n, n) + (bias ? (uint32_t)bias[oc] : 0u), oc);
    }
#endif
}


#if MI_ENABLE_CONV_RUNS
/* The fast path of conv_int8 (see the file comment). */
static void conv_int8_fast(const op_data_t *d, const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y)
{
    const size_t row = (size_t)d->filter_w * (size_t)d->in_c;       /* one filter row, OHWI */
    const size_t per_oc = (size_t)d->filter_h * row;                /* one output channel's filter */
    const size_t in_row = (size_t)d->in_w * (size_t)d->in_c;
    int32_t b, oy, ox, oc, fy, fy0, fy1, fx0, fx1;
    for (b = 0; b < d->batches; b++)
        for (oy = 0; oy < d->out_h; oy++) {
            const int32_t iy0 = oy * d->stride_h - d->pad_h;
            mi_conv_taps(iy0, d->dilation_h, d->in_h, d->filter_h, &fy0, &fy1);
            for (ox = 0; ox < d->out_w; ox++) {
                const int32_t ix0 = ox * d->stride_w - d->pad_w;
                const int8_t *xs, *ws;
                int8_t *out = y + NHWC(b, oy, ox, 0, d->out_h, d->out_w, d->out_c);
                int32_t run;
                mi_conv_taps(ix0, 1, d->in_w, d->filter_w, &fx0, &fx1);
                run = (fx1 - fx0) * d->in_c;
                /* first tap inside the image, in the input and in filter 0 */
                xs = x + NHWC(b, iy0 + fy0 * d->dilation_h, ix0 + fx0, 0, d->in_h, d->in_w, d->in_c);
                ws = w + (size_t)fy0 * row + (size_t)fx0 * (size_t)d->in_c;
                if (fy1 - fy0 == 1) { /* one run: 1xN filters, 1x1 convolutions */
                    conv_pixel(d, xs, ws, per_oc, run, bias, out);
                    continue;
                }
                for (oc = 0; oc + 4 <= d->out_c; oc += 4) {
                    uint32_t acc[4] = {0, 0, 0, 0};
                    int j;
                    for (fy = fy0; fy < fy1; fy++)
                        mi_dot4_int8(xs + (size_t)(fy - fy0) * (size_t)d->dilation_h * in_row,
                                     ws + (size_t)oc * per_oc + (size_t)(fy - fy0) * row, per_oc, run,
                                     d->input_offset, acc);
                    for (j = 0; j < 4; j++)
                        out[oc + j] = (int8_t)mi_conv_requantize(d, acc[j] + (bias ? (uint32_t)bias[oc + j] : 0u),
                                                                 oc + j);
                }
                for (; oc < d->out_c; oc++) {
                    uint32_t acc = 0;
                    for (fy = fy0; fy < fy1; fy++)
                        acc += mi_dot1_int8(xs + (size_t)(fy - fy0) * (size_t)d->dilation_h * in_row,
                                            ws + (size_t)oc * per_oc + (size_t)(fy - fy0) * row, run,
                                            d->input_offset);
                    out[oc] = (int8_t)mi_conv_requantize(d, acc + (bias ? (uint32_t)bias[oc] : 0u), oc);
                }
            }
        }
}
#endif

#if MI_ENABLE_INT16
static void conv_int16(const op_data_t *d, const int16_t *x, const int8_t *w, const void *bias, int16_t *y)
{
    int32_t b, oy, ox, oc, fy, fx, ic, fy0, fy1, fx0, fx1;
    const int32_t per_group = d->out_c / d->groups;
    for (b = 0; b < d->batches; b++)
        for (oy = 0; oy < d->out_h; oy++) {
            const int32_t iy0 = oy * d->stride_h - d->pad_h;
            mi_conv_taps(iy0, d->dilation_h, d->in_h, d->filter_h, &fy0, &fy1);
            for (ox = 0; ox < d->out_w; ox++) {
                const int32_t ix0 = ox * d->stride_w - d->pad_w;
                mi_conv_taps(ix0, d->dilation_w, d->in_w, d->filter_w, &fx0, &fx1);
                for (oc = 0; oc < d->out_c; oc++) {
                    const int32_t group = oc / per_group;
                    int64_t acc = 0;
                    int32_t v;
                    for (fy = fy0; fy < fy1; fy++)
                        for (fx = fx0; fx < fx1; fx++) {
                            const int16_t *xp = x + NHWC(b, iy0 + fy * d->dilation_h, ix0 + fx * d->dilation_w,
                                                         group * d->filter_c, d->in_h, d->in_w, d->in_c);
                            const int8_t *wp = w + NHWC(oc, fy, fx, 0, d->filter_h, d->filter_w, d->filter_c);
                            for (ic = 0; ic < d->filter_c; ic++) acc += (int32_t)wp[ic] * (int32_t)xp[ic];
                        }
                    if (d->mode == MI_CONV_INT16_ACC64) {
                        if (bias) acc = mi_wrap_add_i64(acc, mi_load_i64(bias, (size_t)oc));
                        v = mi_clip_i32(mi_multiply_by_quantized_multiplier_int64(acc, d->multiplier[oc], d->shift[oc]),
                                        d->act_min, d->act_max);
                    } else {
                        uint32_t acc32 = (uint32_t)(uint64_t)acc;
                        if (bias) acc32 += (uint32_t)((const int32_t *)bias)[oc];
                        v = mi_conv_requantize(d, acc32, oc);
                    }
                    y[NHWC(b, oy, ox, oc, d->out_h, d->out_w, d->out_c)] = (int16_t)v;
                }
            }
        }
}
#endif

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const void *x = mi_node_input_data(ctx, node, INPUT);
    const void *w = mi_node_input_data(ctx, node, FILTER);
    const void *bias = d->has_bias ? mi_node_input_data(ctx, node, BIAS) : NULL;
    void *y = mi_node_output_data(ctx, node, OUTPUT);
    switch (d->mode) {
#if MI_ENABLE_FLOAT
    case MI_CONV_FLOAT32: conv_float(d, (const float *)x, (const float *)w, (const float *)bias, (float *)y); break;
#endif
    case MI_CONV_INT8:
#if MI_SIMD_DSP
        if (d->fast && pair_path(d)) { /* request_scratch: the 1x1 stride-1 shape */
            conv_1x1_pairs(d, (uint32_t *)mi_scratch_data(ctx, d->pairs), (const int8_t *)x, (const int8_t *)w,
                           (const int32_t *)bias, (int8_t *)y);
            break;
        }
#endif
        if (d->fast && im2col_path(d))
            conv_int8_im2col(d, (int8_t *)mi_scratch_data(ctx, d->col),
                             d->pairs ? (uint32_t *)mi_scratch_data(ctx, d->pairs) : NULL, (const int8_t *)x,
                             (const int8_t *)w, (const int32_t *)bias, (int8_t *)y);
#if MI_ENABLE_CONV_RUNS
        else if (d->fast)
            conv_int8_fast(d, (const int8_t *)x, (const int8_t *)w, (const int32_t *)bias, (int8_t *)y);
#endif
#if MI_ENABLE_INT8_REFERENCE
        else conv_int8(d, (const int8_t *)x, (const int8_t *)w, (const int32_t *)bias, (int8_t *)y);
#endif
        break;
#if MI_ENABLE_INT16
    case MI_CONV_INT16_ACC64:
    case MI_CONV_INT16_ACC32: conv_int16(d, (const int16_t *)x, (const int8_t *)w, bias, (int16_t *)y); break;
#endif
    default: return MI_ERR_UNSUPPORTED_TYPE;
    }
    return MI_OK;
}

const mi_registration_t mi_registration_conv_2d = {MI_OP_CONV_2D, (uint32_t)sizeof(op_data_t), "CONV_2D", prepare,
                                                   invoke};
