/* CONV_2D (TFLM: kernels/conv.cc + conv_common.cc, reference/conv.h and
 * reference/integer_ops/conv.h; Python twin: kernels/conv_2d.py).
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
 * Fused activations other than RELU/RELU6/RELU_N1_TO_1 act as NONE. */
#include "mi_kernel_util.h"
#include "mi_padding.h"

#define INPUT 0
#define FILTER 1
#define BIAS 2
#define OUTPUT 0

enum { MODE_FLOAT32 = 0, MODE_INT8 = 1, MODE_INT16_ACC64 = 2, MODE_INT16_ACC32 = 3 };

/* fwplan.py layout: 2 pointers, 23 words, 2 bytes */
typedef struct op_data {
    int32_t *multiplier; /* per output channel (quantized modes) */
    int32_t *shift;
    int32_t stride_h, stride_w, dilation_h, dilation_w, pad_h, pad_w;
    int32_t batches, in_h, in_w, in_c, out_h, out_w, out_c, filter_h, filter_w, filter_c, groups;
    int32_t input_offset, output_offset, act_min, act_max;
    float float_min, float_max;
    uint8_t mode, has_bias;
} op_data_t;

/* conv_2d.py tflm_activation: TFLM treats every other activation as NONE. */
static int tflm_activation(int activation)
{
    return (activation == MI_ACT_RELU || activation == MI_ACT_RELU6 || activation == MI_ACT_RELU_N1_TO_1)
               ? activation
               : MI_ACT_NONE;
}

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    const mi_conv_options_t *o = &options->conv;
    mi_tensor_info_t x, w, y, bias;
    int has_bias = mi_node_input_index(ctx, node, BIAS) >= 0;
    int activation = tflm_activation(o->fused_activation_function);
    mi_padding_t pad;
    float out_scale;
    int32_t qmin, qmax, c;

    if (mi_node_num_inputs(node) < 2 || mi_node_num_inputs(node) > 3 || mi_node_num_outputs(node) != 1)
        return MI_ERR_BAD_PARAM;
    MI_TRY(mi_node_input_info(ctx, node, INPUT, &x));
    MI_TRY(mi_node_input_info(ctx, node, FILTER, &w));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &y));
    if (has_bias) MI_TRY(mi_node_input_info(ctx, node, BIAS, &bias));
    if (x.rank != 4 || w.rank != 4 || y.rank != 4) return MI_ERR_BAD_PARAM;
    if (x.type != y.type) return MI_ERR_BAD_PARAM;
    if (x.type == MI_TYPE_FLOAT32 && w.type == MI_TYPE_FLOAT32 && MI_ENABLE_FLOAT) d->mode = MODE_FLOAT32;
    else if (x.type == MI_TYPE_INT8 && w.type == MI_TYPE_INT8) d->mode = MODE_INT8;
    else if (x.type == MI_TYPE_INT16 && w.type == MI_TYPE_INT8 && MI_ENABLE_INT16) d->mode = MODE_INT16_ACC64;
    else return MI_ERR_UNSUPPORTED_TYPE;
    if (!w.data || (has_bias && !bias.data)) return MI_ERR_UNSUPPORTED_TYPE; /* constant filter and bias */

    d->batches = x.dims[0];
    d->in_h = x.dims[1];
    d->in_w = x.dims[2];
    d->in_c = x.dims[3];
    d->out_c = w.dims[0];
    d->filter_h = w.dims[1];
    d->filter_w = w.dims[2];
    d->filter_c = w.dims[3];
    d->out_h = y.dims[1];
    d->out_w = y.dims[2];
    if (y.dims[0] != d->batches || y.dims[3] != d->out_c) return MI_ERR_BAD_PARAM;
    if (d->filter_c <= 0 || d->in_c % d->filter_c) return MI_ERR_BAD_PARAM;
    d->groups = d->in_c / d->filter_c;
    if (d->groups == 0 || d->out_c % d->groups) return MI_ERR_BAD_PARAM;
    d->stride_h = o->stride_h;
    d->stride_w = o->stride_w;
    d->dilation_h = o->dilation_h_factor;
    d->dilation_w = o->dilation_w_factor;
    if (d->stride_h <= 0 || d->stride_w <= 0 || d->dilation_h <= 0 || d->dilation_w <= 0) return MI_ERR_BAD_PARAM;
    pad = mi_compute_padding_height_width(d->stride_h, d->stride_w, d->dilation_h, d->dilation_w, d->in_h, d->in_w,
                                          d->filter_h, d->filter_w, o->padding);
    d->pad_h = pad.height;
    d->pad_w = pad.width;
    if (!mi_window_fits(d->in_h, d->out_h, d->filter_h, d->stride_h, d->dilation_h, d->pad_h) ||
        !mi_window_fits(d->in_w, d->out_w, d->filter_w, d->stride_w, d->dilation_w, d->pad_w))
        return MI_ERR_UNSUPPORTED_SHAPE;
    d->has_bias = (uint8_t)has_bias;
    if (has_bias && bias.count != (uint32_t)d->out_c) return MI_ERR_BAD_PARAM;

    if (d->mode == MODE_FLOAT32) {
        if (has_bias && bias.type != MI_TYPE_FLOAT32) return MI_ERR_UNSUPPORTED_TYPE;
        return mi_activation_range_float(activation, &d->float_min, &d->float_max);
    }
    if (!x.scales.count || !w.scales.count || !y.scales.count) return MI_ERR_BAD_PARAM;
    if (d->mode == MODE_INT8) {
        if (has_bias && bias.type != MI_TYPE_INT32) return MI_ERR_UNSUPPORTED_TYPE;
        d->input_offset = -mi_zero_point0(ctx, &x);
        d->output_offset = mi_zero_point0(ctx, &y);
        if (!mi_zero_point_in(d->input_offset, -32767, 32768)) return MI_ERR_UNSUPPORTED_TYPE;
    } else {
        int acc32;
        if (has_bias && bias.type != MI_TYPE_INT32 && bias.type != MI_TYPE_INT64) return MI_ERR_UNSUPPORTED_TYPE;
        acc32 = has_bias ? bias.type == MI_TYPE_INT32 : o->quantized_bias_type == MI_TYPE_INT32;
        d->mode = acc32 ? MODE_INT16_ACC32 : MODE_INT16_ACC64;
    }
    if (w.scales.count > 1 && (w.quantized_dimension >= 4 || (uint32_t)w.dims[w.quantized_dimension] != (uint32_t)d->out_c))
        return MI_ERR_BAD_PARAM;
    if (w.scales.count != 1 && w.scales.count != (uint32_t)d->out_c) return MI_ERR_BAD_PARAM;
    out_scale = mi_scale0(ctx, &y);
    if (out_scale == 0.0f) return MI_ERR_BAD_PARAM;
    d->multiplier = mi_alloc_i32(ctx, (uint32_t)d->out_c);
    d->shift = mi_alloc_i32(ctx, (uint32_t)d->out_c);
    if (!d->multiplier || !d->shift) return MI_ERR_ARENA_TOO_SMALL;
    for (c = 0; c < d->out_c; c++) {
        float s = mi_info_scale(ctx, &w, w.scales.count == 1 ? 0u : (uint32_t)c);
        double real = (double)mi_scale0(ctx, &x) * (double)s / (double)out_scale;
        MI_TRY(mi_quantize_multiplier(real, &d->multiplier[c], &d->shift[c]));
    }
    MI_TRY(mi_type_range(y.type, &qmin, &qmax));
    return mi_activation_range_quantized(activation, qmin, qmax, out_scale, mi_zero_point0(ctx, &y), &d->act_min,
                                         &d->act_max);
}

/* Offset of (b, y, x, c) in an NHWC tensor. */
#define NHWC(b, yy, xx, cc, H, W, C) ((((size_t)(b) * (size_t)(H) + (size_t)(yy)) * (size_t)(W) + (size_t)(xx)) * (size_t)(C) + (size_t)(cc))

#if MI_ENABLE_FLOAT
static void conv_float(const op_data_t *d, const float *x, const float *w, const float *bias, float *y)
{
    int32_t b, oy, ox, oc, fy, fx, ic;
    const int32_t per_group = d->out_c / d->groups;
    for (b = 0; b < d->batches; b++)
        for (oy = 0; oy < d->out_h; oy++)
            for (ox = 0; ox < d->out_w; ox++)
                for (oc = 0; oc < d->out_c; oc++) {
                    const int32_t group = oc / per_group;
                    float total = 0.0f;
                    for (fy = 0; fy < d->filter_h; fy++) {
                        const int32_t iy = oy * d->stride_h - d->pad_h + fy * d->dilation_h;
                        if (iy < 0 || iy >= d->in_h) continue;
                        for (fx = 0; fx < d->filter_w; fx++) {
                            const int32_t ix = ox * d->stride_w - d->pad_w + fx * d->dilation_w;
                            const float *xp, *wp;
                            if (ix < 0 || ix >= d->in_w) continue;
                            xp = x + NHWC(b, iy, ix, group * d->filter_c, d->in_h, d->in_w, d->in_c);
                            wp = w + NHWC(oc, fy, fx, 0, d->filter_h, d->filter_w, d->filter_c);
                            for (ic = 0; ic < d->filter_c; ic++) total += xp[ic] * wp[ic];
                        }
                    }
                    y[NHWC(b, oy, ox, oc, d->out_h, d->out_w, d->out_c)] =
                        mi_clamp_float(total + (bias ? bias[oc] : 0.0f), d->float_min, d->float_max);
                }
}
#endif

static void conv_int8(const op_data_t *d, const int8_t *x, const int8_t *w, const int32_t *bias, int8_t *y)
{
    int32_t b, oy, ox, oc, fy, fx, ic;
    const int32_t per_group = d->out_c / d->groups;
    for (b = 0; b < d->batches; b++)
        for (oy = 0; oy < d->out_h; oy++)
            for (ox = 0; ox < d->out_w; ox++)
                for (oc = 0; oc < d->out_c; oc++) {
                    const int32_t group = oc / per_group;
                    uint32_t acc = 0; /* int32 accumulator with defined wrap-around */
                    int32_t v;
                    for (fy = 0; fy < d->filter_h; fy++) {
                        const int32_t iy = oy * d->stride_h - d->pad_h + fy * d->dilation_h;
                        if (iy < 0 || iy >= d->in_h) continue;
                        for (fx = 0; fx < d->filter_w; fx++) {
                            const int32_t ix = ox * d->stride_w - d->pad_w + fx * d->dilation_w;
                            const int8_t *xp, *wp;
                            if (ix < 0 || ix >= d->in_w) continue;
                            xp = x + NHWC(b, iy, ix, group * d->filter_c, d->in_h, d->in_w, d->in_c);
                            wp = w + NHWC(oc, fy, fx, 0, d->filter_h, d->filter_w, d->filter_c);
                            for (ic = 0; ic < d->filter_c; ic++)
                                acc += (uint32_t)((int32_t)wp[ic] * ((int32_t)xp[ic] + d->input_offset));
                        }
                    }
                    if (bias) acc += (uint32_t)bias[oc];
                    v = mi_multiply_by_quantized_multiplier(mi_wrap_int32(acc), d->multiplier[oc], d->shift[oc]);
                    y[NHWC(b, oy, ox, oc, d->out_h, d->out_w, d->out_c)] =
                        (int8_t)mi_clip_i32((int64_t)v + d->output_offset, d->act_min, d->act_max);
                }
}

#if MI_ENABLE_INT16
static void conv_int16(const op_data_t *d, const int16_t *x, const int8_t *w, const void *bias, int16_t *y)
{
    int32_t b, oy, ox, oc, fy, fx, ic;
    const int32_t per_group = d->out_c / d->groups;
    for (b = 0; b < d->batches; b++)
        for (oy = 0; oy < d->out_h; oy++)
            for (ox = 0; ox < d->out_w; ox++)
                for (oc = 0; oc < d->out_c; oc++) {
                    const int32_t group = oc / per_group;
                    int64_t acc = 0;
                    int32_t v;
                    for (fy = 0; fy < d->filter_h; fy++) {
                        const int32_t iy = oy * d->stride_h - d->pad_h + fy * d->dilation_h;
                        if (iy < 0 || iy >= d->in_h) continue;
                        for (fx = 0; fx < d->filter_w; fx++) {
                            const int32_t ix = ox * d->stride_w - d->pad_w + fx * d->dilation_w;
                            const int16_t *xp;
                            const int8_t *wp;
                            if (ix < 0 || ix >= d->in_w) continue;
                            xp = x + NHWC(b, iy, ix, group * d->filter_c, d->in_h, d->in_w, d->in_c);
                            wp = w + NHWC(oc, fy, fx, 0, d->filter_h, d->filter_w, d->filter_c);
                            for (ic = 0; ic < d->filter_c; ic++) acc += (int32_t)wp[ic] * (int32_t)xp[ic];
                        }
                    }
                    if (d->mode == MODE_INT16_ACC64) {
                        if (bias) acc += ((const int64_t *)bias)[oc];
                        v = mi_multiply_by_quantized_multiplier_int64(acc, d->multiplier[oc], d->shift[oc]);
                    } else {
                        uint32_t acc32 = (uint32_t)(uint64_t)acc;
                        if (bias) acc32 += (uint32_t)((const int32_t *)bias)[oc];
                        v = mi_multiply_by_quantized_multiplier(mi_wrap_int32(acc32), d->multiplier[oc], d->shift[oc]);
                    }
                    y[NHWC(b, oy, ox, oc, d->out_h, d->out_w, d->out_c)] = (int16_t)mi_clip_i32(v, d->act_min, d->act_max);
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
    case MODE_FLOAT32: conv_float(d, (const float *)x, (const float *)w, (const float *)bias, (float *)y); break;
#endif
    case MODE_INT8: conv_int8(d, (const int8_t *)x, (const int8_t *)w, (const int32_t *)bias, (int8_t *)y); break;
#if MI_ENABLE_INT16
    case MODE_INT16_ACC64:
    case MODE_INT16_ACC32: conv_int16(d, (const int16_t *)x, (const int8_t *)w, bias, (int16_t *)y); break;
#endif
    default: return MI_ERR_UNSUPPORTED_TYPE;
    }
    return MI_OK;
}

const mi_registration_t mi_registration_conv_2d = {MI_OP_CONV_2D, (uint32_t)sizeof(op_data_t), "CONV_2D", prepare,
                                                   invoke};
