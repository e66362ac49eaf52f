/* Padding geometry (C twin of kernels/padding.py). 64-bit intermediates as
 * TFLM's checked helpers, so huge dilations cannot overflow. */
#include "mi_padding.h"

#include "mi/mi_model.h"

MI_COLD static int64_t effective_filter_size(int32_t filter, int32_t dilation)
{
    return ((int64_t)filter - 1) * dilation + 1;
}

MI_COLD int mi_compute_out_size(int32_t padding, int32_t image, int32_t filter, int32_t stride, int32_t dilation,
                        int32_t *out)
{
    int64_t numerator, value;
    if ((padding != MI_PADDING_SAME && padding != MI_PADDING_VALID) || image < 0 || filter <= 0 || stride <= 0 ||
        dilation <= 0)
        return -1;
    if (padding == MI_PADDING_SAME) numerator = (int64_t)image + stride - 1;
    else numerator = (int64_t)image + stride - effective_filter_size(filter, dilation);
    /* C division truncates, as padding.py reproduces: a numerator in (-stride, 0) gives 0,
     * a lower one a negative size (refused); a nonnegative one is below 2**32 (image and
     * stride are int32, the effective filter at least 1): a 32-bit division */
    if (numerator < 0) value = numerator > -(int64_t)stride ? 0 : -1;
    else value = (int64_t)((uint32_t)numerator / (uint32_t)stride);
    if (value < 0 || value > 0x7FFFFFFF) return -1;
    *out = (int32_t)value;
    return 0;
}

MI_COLD static int padding_with_offset(int32_t stride, int32_t dilation, int32_t in, int32_t filter, int32_t out,
                               int32_t *pad, int32_t *offset)
{
    int64_t total;
    if (in < 0 || filter <= 0 || out < 0 || stride <= 0 || dilation <= 0) return -1;
    total = ((int64_t)out - 1) * stride + effective_filter_size(filter, dilation) - in;
    if (total < 0) total = 0;
    if (total / 2 > 0x7FFFFFFF) return -1;
    *pad = (int32_t)(total / 2);
    *offset = (int32_t)(total % 2);
    return 0;
}

MI_COLD mi_padding_t mi_compute_padding_height_width(int32_t stride_h, int32_t stride_w, int32_t dilation_h,
                                             int32_t dilation_w, int32_t in_h, int32_t in_w, int32_t filter_h,
                                             int32_t filter_w, int32_t padding)
{
    mi_padding_t p = {0, 0, 0, 0};
    int32_t out_h, out_w, ph, oh, pw, ow;
    if (mi_compute_out_size(padding, in_w, filter_w, stride_w, dilation_w, &out_w) != 0) return p;
    if (mi_compute_out_size(padding, in_h, filter_h, stride_h, dilation_h, &out_h) != 0) return p;
    if (padding_with_offset(stride_h, dilation_h, in_h, filter_h, out_h, &ph, &oh) != 0) return p;
    p.height = ph;
    p.height_offset = oh;
    if (padding_with_offset(stride_w, dilation_w, in_w, filter_w, out_w, &pw, &ow) != 0) return p;
    p.width = pw;
    p.width_offset = ow;
    return p;
}

MI_COLD int mi_window_fits(int32_t in, int32_t out, int32_t filter, int32_t stride, int32_t dilation, int32_t pad)
{
    const int64_t limit = (int64_t)1 << 29;
    if (in > limit || out > limit || filter > limit || pad < 0 || pad > limit) return 0;
    return ((int64_t)(out > 0 ? out - 1 : 0) * stride + ((int64_t)filter - 1) * dilation) <= limit;
}
