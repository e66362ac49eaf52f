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

#endif /* MI_PADDING_H */
