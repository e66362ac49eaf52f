/* L2_POOL_2D (TFLM: kernels/l2_pool_2d.cc + reference_ops::L2Pool; Python
 * twin: kernels/l2_pool_2d.py).
 *
 * float32 only (TFLM has no quantized L2 pool). For every output position and
 * channel: the sum of val * val over the filter taps inside the image, in
 * row-major tap order from +0.0f, divided by the number of those taps (as
 * float), the square root (correctly rounded: the double sqrt of a float
 * rounds back to the float sqrt), then the fused activation. The padding comes
 * from TFLM's ComputePaddingHeightWidth, and the output shape must be the
 * computed one (TFLM rewrites it). */
#include <math.h>

#include "mi_kernel_util.h"
#include "mi_padding.h"

#define INPUT 0
#define OUTPUT 0

/* fwplan.py layout: 0 pointers, 14 words */
typedef struct op_data {
    int32_t filter_h, filter_w, stride_h, stride_w, pad_h, pad_w;
    int32_t batches, in_h, in_w, channels, out_h, out_w;
    float float_min, float_max;
} op_data_t;

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    const mi_pool_options_t *o = &options->pool;
    mi_tensor_info_t src, dst;
    mi_padding_t pad;
    int32_t out_h = 0, out_w = 0;
    MI_TRY(mi_node_input_info(ctx, node, INPUT, &src));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &dst));
    if (src.rank != 4 || dst.rank != 4 || src.type != dst.type) return MI_ERR_BAD_PARAM;
    if (src.type != MI_TYPE_FLOAT32 || !MI_ENABLE_FLOAT) return MI_ERR_UNSUPPORTED_TYPE;
    if (o->filter_height < 1 || o->filter_width < 1 || o->stride_h < 1 || o->stride_w < 1) return MI_ERR_BAD_PARAM;
    d->batches = src.dims[0];
    d->in_h = src.dims[1];
    d->in_w = src.dims[2];
    d->channels = src.dims[3];
    d->filter_h = o->filter_height;
    d->filter_w = o->filter_width;
    d->stride_h = o->stride_h;
    d->stride_w = o->stride_w;
    /* padding.compute_padding_height_width: a failing width leaves both sizes 0 */
    if (mi_compute_out_size(o->padding, d->in_w, d->filter_w, d->stride_w, 1, &out_w) == 0 &&
        mi_compute_out_size(o->padding, d->in_h, d->filter_h, d->stride_h, 1, &out_h) != 0)
        out_h = 0;
    pad = mi_compute_padding_height_width(d->stride_h, d->stride_w, 1, 1, d->in_h, d->in_w, d->filter_h,
                                          d->filter_w, o->padding);
    d->pad_h = pad.height;
    d->pad_w = pad.width;
    d->out_h = out_h;
    d->out_w = out_w;
    if (dst.dims[0] != d->batches || dst.dims[1] != out_h || dst.dims[2] != out_w || dst.dims[3] != d->channels)
        return MI_ERR_BAD_PARAM;
    if (!mi_window_fits(d->in_h, d->out_h, d->filter_h, d->stride_h, 1, d->pad_h) ||
        !mi_window_fits(d->in_w, d->out_w, d->filter_w, d->stride_w, 1, d->pad_w))
        return MI_ERR_UNSUPPORTED_SHAPE;
#if MI_ENABLE_FLOAT
    return mi_activation_range_float(o->fused_activation_function, &d->float_min, &d->float_max);
#else
    return MI_ERR_UNSUPPORTED_TYPE;
#endif
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
#if MI_ENABLE_FLOAT
    const op_data_t *d = (const op_data_t *)node->op_data;
    const float *x = (const float *)mi_node_input_data(ctx, node, INPUT);
    float *y = (float *)mi_node_output_data(ctx, node, OUTPUT);
    int32_t b, oy, ox, c, fy, fx;
    size_t o = 0;
    for (b = 0; b < d->batches; b++)
        for (oy = 0; oy < d->out_h; oy++)
            for (ox = 0; ox < d->out_w; ox++) {
                const int32_t y0 = oy * d->stride_h - d->pad_h, x0 = ox * d->stride_w - d->pad_w;
                const int32_t fy0 = y0 < 0 ? -y0 : 0, fx0 = x0 < 0 ? -x0 : 0;
                const int32_t fy1 = d->in_h - y0 < d->filter_h ? d->in_h - y0 : d->filter_h;
                const int32_t fx1 = d->in_w - x0 < d->filter_w ? d->in_w - x0 : d->filter_w;
                const float count = (float)((fy1 > fy0 ? fy1 - fy0 : 0) * (fx1 > fx0 ? fx1 - fx0 : 0));
                for (c = 0; c < d->channels; c++, o++) {
                    float total = 0.0f;
                    for (fy = fy0; fy < fy1; fy++)
                        for (fx = fx0; fx < fx1; fx++) {
                            const float v = x[(((size_t)b * (size_t)d->in_h + (size_t)(y0 + fy)) * (size_t)d->in_w +
                                               (size_t)(x0 + fx)) * (size_t)d->channels + (size_t)c];
                            total += v * v;
                        }
                    y[o] = mi_clamp_float((float)sqrt((double)(total / count)), d->float_min, d->float_max);
                }
            }
    return MI_OK;
#else
    (void)ctx;
    (void)node;
    return MI_ERR_UNSUPPORTED_TYPE;
#endif
}

const mi_registration_t mi_registration_l2_pool_2d = {MI_OP_L2_POOL_2D, (uint32_t)sizeof(op_data_t), "L2_POOL_2D",
                                                      prepare, invoke};
