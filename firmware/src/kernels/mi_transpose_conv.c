/* TRANSPOSE_CONV (TFLM: kernels/transpose_conv.cc, reference/transpose_conv.h
 * and reference/integer_ops/transpose_conv.h; Python twin: kernels/transpose_conv.py).
 *
 * Inputs: 0 output_shape (ignored, as in TFLM: the output tensor's shape
 * rules), 1 filter (OC, KH, KW, IC), 2 input (N, H, W, IC), 3 optional bias.
 * TFLM scatters every input pixel's products into the output pixels its taps
 * land on; here each output value gathers the same products instead, visiting
 * its contributing input pixels in (y, x) order and the input channels in
 * order within one pixel -- TFLM's order of float32 additions (integer sums
 * do not depend on order). So no accumulator scratch is needed.
 *   int8 (per-channel int8 filter, int32 bias): int32 (wrapping) sum of
 *     (x - input_zp) * w (the filter zero point is ignored), + bias,
 *     per-channel MultiplyByQuantizedMultiplier, + output_zp, clamp;
 *   int16x8 (int16 input, int8 filter, int16 or int64 bias): int64 sum, no
 *     input or output zero point (TFLM adds neither), the int64
 *     MultiplyByQuantizedMultiplier, clamp; an int32 bias is refused;
 *   float32: sum from 0.0f in TFLM's order, + bias when there is one, clamp.
 * Padding is ComputePaddingHeightWidth applied to the output size. The op data
 * and the quantized output parameters are the convolutions' (mi_convolution.c). */
#include "mi_convolution.h"
#include "mi_padding.h"

#define OUTPUT_SHAPE 0
#define FILTER 1
#define INPUT 2
#define BIAS 3
#define OUTPUT 0

static int quantized(const mi_tensor_info_t *t) { return t->scales.count > 0; }

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    mi_conv_op_data_t *d = (mi_conv_op_data_t *)node->op_data;
    const mi_conv_options_t *o = &options->conv;
    mi_conv_tensors_t t;
    mi_padding_t pad;
    uint32_t n_in = mi_node_num_inputs(node);
    if ((n_in != 3 && n_in != 4) || mi_node_num_outputs(node) != 1) return MI_ERR_BAD_PARAM;
    MI_TRY(mi_node_input_info(ctx, node, FILTER, &t.w));
    MI_TRY(mi_node_input_info(ctx, node, INPUT, &t.x));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &t.y));
    t.has_bias = n_in == 4 && mi_node_input_index(ctx, node, BIAS) >= 0;
    if (t.has_bias) MI_TRY(mi_node_input_info(ctx, node, BIAS, &t.bias));
    if (t.x.rank != 4 || t.w.rank != 4 || t.y.rank != 4) return MI_ERR_BAD_PARAM;
    if (!(t.x.type == t.w.type || (t.x.type == MI_TYPE_INT16 && t.w.type == MI_TYPE_INT8)))
        return MI_ERR_UNSUPPORTED_TYPE; /* hybrid */
    if (t.x.type != t.y.type) return MI_ERR_BAD_PARAM;
    d->out_c = t.w.dims[0];
    d->filter_h = t.w.dims[1];
    d->filter_w = t.w.dims[2];
    d->in_c = t.w.dims[3];
    if (t.x.dims[3] != d->in_c || t.y.dims[3] != d->out_c || t.x.dims[0] != t.y.dims[0]) return MI_ERR_BAD_PARAM;
    if (!t.w.data) return MI_ERR_UNSUPPORTED_TYPE; /* the filter must be constant */
    if (t.has_bias && (!t.bias.data || t.bias.count != (uint32_t)d->out_c)) return MI_ERR_BAD_PARAM;
    d->batches = t.x.dims[0];
    d->in_h = t.x.dims[1];
    d->in_w = t.x.dims[2];
    d->out_h = t.y.dims[1];
    d->out_w = t.y.dims[2];
    d->stride_h = o->stride_h;
    d->stride_w = o->stride_w;
    d->has_bias = (uint8_t)t.has_bias;
    if (d->stride_h < 1 || d->stride_w < 1) return MI_ERR_BAD_PARAM; /* the Python twin fails at invoke */
    pad = mi_compute_padding_height_width(o->stride_h, o->stride_w, 1, 1, d->out_h, d->out_w, d->filter_h,
                                          d->filter_w, o->padding);
    d->pad_h = pad.height;
    d->pad_w = pad.width;
    if (!mi_window_fits(d->out_h, d->in_h, d->filter_h, d->stride_h, 1, d->pad_h) ||
        !mi_window_fits(d->out_w, d->in_w, d->filter_w, d->stride_w, 1, d->pad_w))
        return MI_ERR_UNSUPPORTED_SHAPE;
    if (t.x.type == MI_TYPE_FLOAT32 && MI_ENABLE_FLOAT) {
        if (t.has_bias && t.bias.type != MI_TYPE_FLOAT32) return MI_ERR_BAD_PARAM;
        d->mode = MI_CONV_FLOAT32;
        return mi_activation_range_float(o->fused_activation_function, &d->float_min, &d->float_max);
    }
    if (t.x.type == MI_TYPE_INT8) {
        d->mode = MI_CONV_INT8;
        if (t.has_bias && t.bias.type != MI_TYPE_INT32) return MI_ERR_UNSUPPORTED_TYPE;
    } else if (t.x.type == MI_TYPE_INT16 && MI_ENABLE_INT16) {
        d->mode = MI_CONV_INT16_ACC64;
        if (t.has_bias && t.bias.type != MI_TYPE_INT16 && t.bias.type != MI_TYPE_INT64) return MI_ERR_UNSUPPORTED_TYPE;
        if (t.has_bias && t.bias.type == MI_TYPE_INT16) d->has_bias = 2; /* widened per value, as TFLM widens it */
    } else {
        return MI_ERR_UNSUPPORTED_TYPE;
    }
    if (!quantized(&t.x) || !quantized(&t.w) || !quantized(&t.y)) return MI_ERR_BAD_PARAM;
    MI_TRY(mi_conv_quantized_output_params(ctx, d, &t, o->fused_activation_function));
    d->input_offset = d->mode == MI_CONV_INT8 ? -mi_zero_point0(ctx, &t.x) : 0;
    d->output_offset = d->mode == MI_CONV_INT8 ? mi_zero_point0(ctx, &t.y) : 0;
    return MI_OK;
}

/* Python's // on a possibly negative numerator (positive divisor) */
static int32_t floor_div(int32_t a, int32_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

/* The input rows (or columns) whose taps reach output position `o`: those i
 * with 0 <= o + pad - i * stride < filter, clipped to the image. */
static void sources(int32_t o, int32_t pad, int32_t stride, int32_t filter, int32_t in, int32_t *lo, int32_t *hi)
{
    int32_t a = floor_div(o + pad - filter, stride) + 1, b = floor_div(o + pad, stride) + 1;
    *lo = a > 0 ? a : 0;
    *hi = b < in ? b : in;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const mi_conv_op_data_t *d = (const mi_conv_op_data_t *)node->op_data;
    const void *x = mi_node_input_data(ctx, node, INPUT);
    const void *w = mi_node_input_data(ctx, node, FILTER);
    const void *bias = d->has_bias ? mi_node_input_data(ctx, node, BIAS) : NULL;
    void *y = mi_node_output_data(ctx, node, OUTPUT);
    int32_t b, oy, ox, oc, iy, ix, ic, y_lo, y_hi, x_lo, x_hi;
    for (b = 0; b < d->batches; b++)
        for (oy = 0; oy < d->out_h; oy++) {
            sources(oy, d->pad_h, d->stride_h, d->filter_h, d->in_h, &y_lo, &y_hi);
            for (ox = 0; ox < d->out_w; ox++) {
                sources(ox, d->pad_w, d->stride_w, d->filter_w, d->in_w, &x_lo, &x_hi);
                for (oc = 0; oc < d->out_c; oc++) {
                    const size_t at = MI_NHWC(b, oy, ox, oc, d->out_h, d->out_w, d->out_c);
#if MI_ENABLE_FLOAT
                    float facc = 0.0f;
#endif
                    uint32_t acc32 = 0;
                    int64_t acc64 = 0;
                    for (iy = y_lo; iy < y_hi; iy++) {
                        const int32_t fy = oy + d->pad_h - iy * d->stride_h;
                        for (ix = x_lo; ix < x_hi; ix++) {
                            const int32_t fx = ox + d->pad_w - ix * d->stride_w;
                            const size_t xi = MI_NHWC(b, iy, ix, 0, d->in_h, d->in_w, d->in_c);
                            const size_t wi = MI_NHWC(oc, fy, fx, 0, d->filter_h, d->filter_w, d->in_c);
                            for (ic = 0; ic < d->in_c; ic++) {
                                switch (d->mode) {
#if MI_ENABLE_FLOAT
                                case MI_CONV_FLOAT32:
                                    facc += ((const float *)x)[xi + ic] * ((const float *)w)[wi + ic];
                                    break;
#endif
                                case MI_CONV_INT8:
                                    acc32 += (uint32_t)(((int64_t)((const int8_t *)x)[xi + ic] + d->input_offset) *
                                                        ((const int8_t *)w)[wi + ic]);
                                    break;
                                default:
                                    acc64 += (int64_t)((const int16_t *)x)[xi + ic] * ((const int8_t *)w)[wi + ic];
                                    break;
                                }
                            }
                        }
                    }
                    switch (d->mode) {
#if MI_ENABLE_FLOAT
                    case MI_CONV_FLOAT32:
                        if (bias) facc = facc + ((const float *)bias)[oc];
                        ((float *)y)[at] = mi_clamp_float(facc, d->float_min, d->float_max);
                        break;
#endif
                    case MI_CONV_INT8:
                        if (bias) acc32 += (uint32_t)((const int32_t *)bias)[oc];
                        ((int8_t *)y)[at] = (int8_t)mi_conv_requantize(d, acc32, oc);
                        break;
                    default: {
                        int32_t v;
                        if (bias)
                            acc64 = mi_wrap_add_i64(acc64, d->has_bias == 2 ? ((const int16_t *)bias)[oc] : mi_load_i64(bias, (size_t)oc));
                        v = mi_multiply_by_quantized_multiplier_int64(acc64, d->multiplier[oc], d->shift[oc]);
                        ((int16_t *)y)[at] = (int16_t)mi_clip_i32(v, d->act_min, d->act_max);
                        break;
                    }
                    }
                }
            }
        }
    return MI_OK;
}

const mi_registration_t mi_registration_transpose_conv = {MI_OP_TRANSPOSE_CONV, (uint32_t)sizeof(mi_conv_op_data_t),
                                                          "TRANSPOSE_CONV", prepare, invoke};
