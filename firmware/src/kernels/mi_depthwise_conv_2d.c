/* DEPTHWISE_CONV_2D (TFLM: kernels/depthwise_conv.cc + depthwise_conv_common.cc,
 * reference/depthwiseconv_float.h and reference/integer_ops/depthwise_conv.h;
 * Python twin: kernels/depthwise_conv_2d.py, with the shared steps in
 * mi_convolution.c, twin of kernels/convolution.py).
 *
 * Output channel oc = ic * depth_multiplier + m reads input channel ic and
 * filter [0, fy, fx, oc]:
 *   int8: sum w * (x - input_zp) over the taps inside the image (int32,
 *     wrapping), + int32 bias, per-channel double-rounding multiplier,
 *     + output_zp, clamp; the filter zero point is ignored, as in TFLM;
 *   int16x8: int64 accumulator, no offsets, int64 bias only, int64 multiplier;
 *   float32: total += input * filter over (filter_y, filter_x), + bias, clamp.
 * in_channels * depth_multiplier must equal the output channels (TFLM would
 * write a partial output otherwise). Activations other than the three clamps
 * act as NONE.
 *
 * Reading order: prepare, then the reference loops (dw_float, dw_int8,
 * dw_int16: the twins of depthwise_conv_2d.py, and the fallback of every fast
 * path), then the fast path dw_int8_fast (int8, depth multiplier 1: channel c
 * reads input channel c), which computes the same int32 sums with the taps
 * inside the image found once per output pixel and pointers stepping through
 * them; on a DSP core (mi_simd.h) four channels at a time, two 16-bit lanes
 * per register, one SMLABB/SMLATT per product. */
#include "mi_convolution.h"
#include "mi_simd.h"

#define INPUT 0
#define FILTER 1
#define BIAS 2
#define OUTPUT 0

typedef mi_conv_op_data_t op_data_t;

MI_COLD static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    const mi_depthwise_options_t *o = &options->depthwise;
    int activation = mi_conv_tflm_activation(o->fused_activation_function);
    mi_conv_tensors_t t;

    MI_TRY(mi_conv_check_tensors(ctx, node, &t, d));
    d->batches = t.x.dims[0];
    d->in_h = t.x.dims[1];
    d->in_w = t.x.dims[2];
    d->in_c = t.x.dims[3];
    d->filter_h = t.w.dims[1];
    d->filter_w = t.w.dims[2];
    d->out_c = t.w.dims[3];
    d->out_h = t.y.dims[1];
    d->out_w = t.y.dims[2];
    d->depth_multiplier = o->depth_multiplier;
    if (t.y.dims[0] != d->batches || t.y.dims[3] != d->out_c) return MI_ERR_BAD_PARAM;
    if (d->depth_multiplier <= 0 || (int64_t)d->in_c * d->depth_multiplier != d->out_c) return MI_ERR_BAD_PARAM;
    if (o->stride_h <= 0 || o->stride_w <= 0 || o->dilation_h_factor <= 0 || o->dilation_w_factor <= 0)
        return MI_ERR_BAD_PARAM;
    if (t.has_bias && t.bias.count != (uint32_t)d->out_c) return MI_ERR_BAD_PARAM;
    MI_TRY(mi_conv_window(d, o->stride_h, o->stride_w, o->dilation_h_factor, o->dilation_w_factor, o->padding));
    if (MI_ENABLE_OVERLAP) mi_conv_allow_overlap(ctx, node, d, &t); /* output over input: see the .h */

    if (MI_ENABLE_FLOAT && d->mode == MI_CONV_FLOAT32) { /* (MI_ENABLE_FLOAT: compiled out with the float path) */
        if (t.has_bias && t.bias.type != MI_TYPE_FLOAT32) return MI_ERR_UNSUPPORTED_TYPE;
        return mi_activation_range_float(activation, &d->float_min, &d->float_max);
    }
    if (!t.x.scales.count || !t.w.scales.count || !t.y.scales.count) return MI_ERR_BAD_PARAM;
    if (t.has_bias && t.bias.type != (d->mode == MI_CONV_INT8 ? MI_TYPE_INT32 : MI_TYPE_INT64))
        return MI_ERR_UNSUPPORTED_TYPE;
    if (d->mode == MI_CONV_INT8) {
        d->input_offset = -mi_zero_point0(ctx, &t.x);
        d->output_offset = mi_zero_point0(ctx, &t.y);
        if (!mi_zero_point_in(d->input_offset, -32767, 32768)) return MI_ERR_UNSUPPORTED_TYPE;
        d->fast = (uint8_t)(d->depth_multiplier == 1 && mi_simd_offset_ok(d->input_offset));
    }
    MI_TRY(mi_conv_quantized_output_params(ctx, d, &t, activation));
#if !MI_ENABLE_INT8_REFERENCE
    if (d->mode == MI_CONV_INT8 && !d->fast) return MI_ERR_UNSUPPORTED_SHAPE; /* compiled out (mi_config.h) */
#endif
    return MI_OK;
}

#define NHWC MI_NHWC

#if MI_ENABLE_FLOAT
static void dw_float(const op_data_t *d, const float *x, const float *w, const float *bias, float *y)
{
    int32_t b, oy, ox, ic, m, fy, fx, fy0, fy1, fx0, fx1;
    for (b = 0; b < d->batches; b++)
        for (oy = 0; oy < d->out_h; oy++) {
            const int32_t iy0 = oy * d->stride_h - d->pad_h;
            mi_conv_taps(iy0, d->dilation_h, d->in_h, d->filter_h, &fy0, &fy1);
            for (ox = 0; ox < d->out_w; ox++) {
                const int32_t ix0 = ox * d->stride_w - d->pad_w;
                mi_conv_taps(ix0, d->dilation_w, d->in_w, d->filter_w, &fx0, &fx1);
                for (ic = 0; ic < d->in_c; ic++)
                    for (m = 0; m < d->depth_multiplier; m++) {
                        const int32_t oc = ic * d->depth_multiplier + m;
                        float total = 0.0f;
                        for (fy = fy0; fy < fy1; fy++)
                            for (fx = fx0; fx < fx1; fx++)
                                total += x[NHWC(b, iy0 + fy * d->dilation_h, ix0 + fx * d->dilation_w, ic, d->in_h,
                                                d->in_w, d->in_c)] *
                                         w[NHWC(0, fy, fx, oc, d->filter_h, d->filter_w, d->out_c)];
                        y[NHWC(b, oy, ox, oc, d->out_h, d->out_w, d->out_c)] =
                            mi_clamp_float(total + (bias ? bias[oc] : 0.0f), d->float_min, d->float_max);
                    }
            }
        }
}
#endif

#if MI_ENABLE_INT8_REFERENCE
static void dw_int8(const op_data_t *d, const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y)
{
    int32_t b, oy, ox, ic, m, fy, fx, fy0, fy1, fx0, fx1;
    for (b = 0; b < d->batches; b++)
        for (oy = 0; oy < d->out_h; oy++) {
            const int32_t iy0 = oy * d->stride_h - d->pad_h;
            mi_conv_taps(iy0, d->dilation_h, d->in_h, d->filter_h, &fy0, &fy1);
            for (ox = 0; ox < d->out_w; ox++) {
                const int32_t ix0 = ox * d->stride_w - d->pad_w;
                mi_conv_taps(ix0, d->dilation_w, d->in_w, d->filter_w, &fx0, &fx1);
                for (ic = 0; ic < d->in_c; ic++)
                    for (m = 0; m < d->depth_multiplier; m++) {
                        const int32_t oc = ic * d->depth_multiplier + m;
                        uint32_t acc = 0; /* int32 accumulator with defined wrap-around */
                        for (fy = fy0; fy < fy1; fy++)
                            for (fx = fx0; fx < fx1; fx++)
                                acc += (uint32_t)((int32_t)w[NHWC(0, fy, fx, oc, d->filter_h, d->filter_w, d->out_c)] *
                                                  ((int32_t)x[NHWC(b, iy0 + fy * d->dilation_h,
                                                                   ix0 + fx * d->dilation_w, ic, d->in_h, d->in_w,
                                                                   d->in_c)] +
                                                   d->input_offset));
                        if (bias) acc += (uint32_t)bias[oc];
                        y[NHWC(b, oy, ox, oc, d->out_h, d->out_w, d->out_c)] = (int8_t)mi_conv_requantize(d, acc, oc);
                    }
            }
        }
}
#endif

#if MI_SIMD_DSP
/* Taps of one output pixel the DSP path lists (a 5x5 window). */
#define MAX_TAPS 25

/* acc[j] += sum over the nt taps of w[j] * (x[j] + offset), channels j < 4 of
 * the words at xb + taps[2t] and wb + taps[2t + 1]: per tap one word of four
 * input channels and one of four filter channels, sign-extended in 16-bit
 * lanes (SXTAB16 adds the offset), one SMLABB/SMLATT per product (they wrap
 * modulo 2**32 like the reference's unsigned sums). In assembly: the loop
 * needs 13 registers and gcc spills. nt > 0. */
MI_SIMD_ASM_FN void dw_block4(const int8_t *xb, const int8_t *wb, const int32_t *taps, int32_t nt, uint32_t off2,
                             uint32_t acc[4])
{
    uint32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3], xe, xo, t0, t1;
    const int32_t *tp = taps, *const tend = taps + 2 * nt;
    __asm__("1:\n\t"
            "ldrd %[t0], %[t1], [%[tp]], #8\n\t"
            "ldr %[t0], [%[xb], %[t0]]\n\t"
            "ldr %[t1], [%[wb], %[t1]]\n\t"
            "sxtab16 %[xe], %[off2], %[t0]\n\t"
            "sxtab16 %[xo], %[off2], %[t0], ror #8\n\t"
            "sxtb16 %[t0], %[t1]\n\t"
            "sxtb16 %[t1], %[t1], ror #8\n\t"
            "smlabb %[a0], %[xe], %[t0], %[a0]\n\t"
            "smlatt %[a2], %[xe], %[t0], %[a2]\n\t"
            "smlabb %[a1], %[xo], %[t1], %[a1]\n\t"
            "smlatt %[a3], %[xo], %[t1], %[a3]\n\t"
            "cmp %[tp], %[tend]\n\t"
            "bne 1b"
            : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [tp] "+r"(tp), [xe] "=&r"(xe),
              [xo] "=&r"(xo), [t0] "=&r"(t0), [t1] "=&r"(t1)
            : [xb] "r"(xb), [wb] "r"(wb), [tend] "r"(tend), [off2] "r"(off2)
            : "cc", "memory");
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
}
#endif

/* Kept out of invoke: inlined there, gcc allocates the loops' registers worse
 * (KWS on a Cortex-M0+: 27.4 M instructions out of line, 31.6 M inlined). */
#if defined(__GNUC__)
#define DW_NOINLINE __attribute__((noinline))
#else
#define DW_NOINLINE
#endif

/* The fast path of dw_int8 (see the file comment); depth multiplier 1. */
static DW_NOINLINE void dw_int8_fast(const op_data_t *d, const int8_t *x, const int8_t *w, const int32_t *bias,
                                     int8_t *y)
{
    const int32_t channels = d->out_c, offset = d->input_offset;
    const mi_conv_requant_t rq = mi_conv_requant_of(d);
    const size_t in_row = (size_t)d->in_w * (size_t)channels;
    const size_t x_step = (size_t)d->dilation_w * (size_t)channels;   /* next tap along x, in the input */
    const size_t y_step = (size_t)d->dilation_h * in_row;              /* next tap along y, in the input */
    const size_t w_row = (size_t)d->filter_w * (size_t)channels;
    int32_t b, oy, ox, c, fy, fx, fy0, fy1, fx0, fx1;
    for (b = 0; b < d->batches; b++)
        for (oy = 0; oy < d->out_h; oy++) {
            const int32_t iy0 = oy * d->stride_h - d->pad_h;
            mi_conv_taps(iy0, d->dilation_h, d->in_h, d->filter_h, &fy0, &fy1);
            for (ox = 0; ox < d->out_w; ox++) {
                const int32_t ix0 = ox * d->stride_w - d->pad_w;
                const int8_t *xs, *ws;
                int8_t *out = y + NHWC(b, oy, ox, 0, d->out_h, d->out_w, channels);
                int32_t nx;
                mi_conv_taps(ix0, d->dilation_w, d->in_w, d->filter_w, &fx0, &fx1);
                nx = fx1 - fx0;
                xs = x + NHWC(b, iy0 + fy0 * d->dilation_h, ix0 + fx0 * d->dilation_w, 0, d->in_h, d->in_w, channels);
                ws = w + (size_t)fy0 * w_row + (size_t)fx0 * (size_t)channels;
                c = 0;
#if MI_SIMD_DSP
                if ((fy1 - fy0) * nx <= MAX_TAPS) {
                    /* the pixel's taps inside the image as (input, filter)
                     * byte offsets, then four channels at a time over them */
                    int32_t taps[2 * MAX_TAPS];
                    int32_t nt = 0;
                    for (fy = 0; fy < fy1 - fy0; fy++)
                        for (fx = 0; fx < nx; fx++, nt++) {
                            taps[2 * nt] = (int32_t)((size_t)fy * y_step + (size_t)fx * x_step);
                            taps[2 * nt + 1] = (int32_t)((size_t)fy * w_row + (size_t)fx * (size_t)channels);
                        }
                    for (; c + 4 <= channels && nt > 0; c += 4) {
                        uint32_t acc[4] = {0, 0, 0, 0};
                        int j;
                        if (bias)
                            for (j = 0; j < 4; j++) acc[j] = (uint32_t)bias[c + j];
                        dw_block4(xs + c, ws + c, taps, nt, mi_offset2(offset), acc);
                        for (j = 0; j < 4; j++) out[c + j] = (int8_t)mi_conv_requant_fast(&rq, acc[j], c + j);
                    }
                }
#endif
                for (; c < channels; c++) {
                    uint32_t acc = 0;
                    for (fy = fy0; fy < fy1; fy++) {
                        const int8_t *xp = xs + (size_t)(fy - fy0) * y_step + c;
                        const int8_t *wp = ws + (size_t)(fy - fy0) * w_row + c;
                        for (fx = 0; fx < nx; fx++, xp += x_step, wp += channels)
                            acc += (uint32_t)(((int32_t)*xp + offset) * (int32_t)*wp);
                    }
                    out[c] = (int8_t)mi_conv_requant_fast(&rq, acc + (bias ? (uint32_t)bias[c] : 0u), c);
                }
            }
        }
}

#if MI_ENABLE_INT16
static void dw_int16(const op_data_t *d, const int16_t *x, const int8_t *w, const void *bias, int16_t *y)
{
    int32_t b, oy, ox, ic, m, fy, fx, fy0, fy1, fx0, fx1;
    for (b = 0; b < d->batches; b++)
        for (oy = 0; oy < d->out_h; oy++) {
            const int32_t iy0 = oy * d->stride_h - d->pad_h;
            mi_conv_taps(iy0, d->dilation_h, d->in_h, d->filter_h, &fy0, &fy1);
            for (ox = 0; ox < d->out_w; ox++) {
                const int32_t ix0 = ox * d->stride_w - d->pad_w;
                mi_conv_taps(ix0, d->dilation_w, d->in_w, d->filter_w, &fx0, &fx1);
                for (ic = 0; ic < d->in_c; ic++)
                    for (m = 0; m < d->depth_multiplier; m++) {
                        const int32_t oc = ic * d->depth_multiplier + m;
                        int64_t acc = 0;
                        int32_t v;
                        for (fy = fy0; fy < fy1; fy++)
                            for (fx = fx0; fx < fx1; fx++)
                                acc += (int32_t)w[NHWC(0, fy, fx, oc, d->filter_h, d->filter_w, d->out_c)] *
                                       (int32_t)x[NHWC(b, iy0 + fy * d->dilation_h, ix0 + fx * d->dilation_w, ic,
                                                       d->in_h, d->in_w, d->in_c)];
                        if (bias) acc = mi_wrap_add_i64(acc, mi_load_i64(bias, (size_t)oc));
                        v = mi_multiply_by_quantized_multiplier_int64(acc, d->multiplier[oc], d->shift[oc]);
                        y[NHWC(b, oy, ox, oc, d->out_h, d->out_w, d->out_c)] = (int16_t)mi_clip_i32(v, d->act_min, d->act_max);
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
    case MI_CONV_FLOAT32: dw_float(d, (const float *)x, (const float *)w, (const float *)bias, (float *)y); break;
#endif
    case MI_CONV_INT8:
        if (d->fast) dw_int8_fast(d, (const int8_t *)x, (const int8_t *)w, (const int32_t *)bias, (int8_t *)y);
#if MI_ENABLE_INT8_REFERENCE
        else dw_int8(d, (const int8_t *)x, (const int8_t *)w, (const int32_t *)bias, (int8_t *)y);
#endif
        break;
#if MI_ENABLE_INT16
    case MI_CONV_INT16_ACC64: dw_int16(d, (const int16_t *)x, (const int8_t *)w, bias, (int16_t *)y); break;
#endif
    default: return MI_ERR_UNSUPPORTED_TYPE;
    }
    return MI_OK;
}

const mi_registration_t mi_registration_depthwise_conv_2d = {
    MI_OP_DEPTHWISE_CONV_2D, (uint32_t)sizeof(op_data_t), "DEPTHWISE_CONV_2D", prepare, invoke};
