/* Padding geometry shared by the convolution kernels (C twin of
 * src/microinterp/kernels/padding.py; TFLM kernels/padding.h). */
#ifndef MI_PADDING_H
#define MI_PADDING_H

#include <stdint.h>

typedef struct mi_padding {
    int32_t height, width, height_offset, width_offset;
} mi_padding_t;

/* TFLM ComputeOutSizeChecked: 0 and *out set, or -1 where TFLM fails. */
int mi_compute_out_size(int32_t padding, int32_t image, int32_t filter, int32_t stride, int32_t dilation,
                        int32_t *out);

/* TFLM ComputePaddingHeightWidth: padding derived from the output size TFLM
 * computes (not the output tensor's); any failing step leaves zeros. */
mi_padding_t mi_compute_padding_height_width(int32_t stride_h, int32_t stride_w, int32_t dilation_h,
                                             int32_t dilation_w, int32_t in_h, int32_t in_w, int32_t filter_h,
                                             int32_t filter_w, int32_t padding);

/* 1 when a window's index arithmetic (out * stride - pad + tap * dilation,
 * in - origin) stays far inside int32 for one axis; the kernels refuse the
 * shape otherwise (hostile models must not overflow, as TFLM's code would). */
int mi_window_fits(int32_t in, int32_t out, int32_t filter, int32_t stride, int32_t dilation, int32_t pad);

#endif /* MI_PADDING_H */
