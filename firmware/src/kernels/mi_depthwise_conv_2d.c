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
 * path). */
#include "mi_convolution.h"

#define INPUT 0
#define FILTER 1
#define BIAS 2
#define OUTPUT 0

typedef mi_conv_op_data_t op_data_t;

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
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

    if (d->mode == MI_CONV_FLOAT32) {
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
    }
    return mi_conv_quantized_output_params(ctx, d, &t, activation);
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
                        if (bias) acc += mi_load_i64(bias, (size_t)oc);
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
    case MI_CONV_INT8: dw_int8(d, (const int8_t *)x, (const int8_t *)w, (const int32_t *)bias, (int8_t *)y); break;
#if MI_ENABLE_INT16
    case MI_CONV_INT16_ACC64: dw_int16(d, (const int16_t *)x, (const int8_t *)w, bias, (int16_t *)y); break;
#endif
    default: return MI_ERR_UNSUPPORTED_TYPE;
    }
    return MI_OK;
}

const mi_registration_t mi_registration_depthwise_conv_2d = {
    MI_OP_DEPTHWISE_CONV_2D, (uint32_t)sizeof(op_data_t), "DEPTHWISE_CONV_2D", prepare, invoke};
