/* The prepare checks, the op data and the sliding window shared by CONV_2D and
 * DEPTHWISE_CONV_2D (C twin of src/microinterp/kernels/convolution.py; TFLM
 * conv_common.cc / depthwise_conv_common.cc and kernel_util.cc
 * PopulateConvolutionQuantizationParams). Not a kernel: no registration.
 *
 * Both kernels keep one op data layout (mi_conv_op_data_t) so the sliding
 * window and the output stage below serve both. */
#ifndef MI_CONVOLUTION_H
#define MI_CONVOLUTION_H

#include <stddef.h>
#include <stdint.h>

#include "mi_kernel_util.h"

/* convolution.py MODES, plus the int16x8 accumulator width of CONV_2D */
enum { MI_CONV_FLOAT32 = 0, MI_CONV_INT8 = 1, MI_CONV_INT16_ACC64 = 2, MI_CONV_INT16_ACC32 = 3 };

/* op data layout (kernels/conv_2d.py and depthwise_conv_2d.py MEMORY): 2 pointers, 24 words, 3 bytes */
typedef struct mi_conv_op_data {
    int32_t *multiplier; /* per output channel (quantized modes) */
    int32_t *shift;
    int32_t stride_h, stride_w, dilation_h, dilation_w, pad_h, pad_w;
    int32_t batches, in_h, in_w, in_c, out_h, out_w, out_c, filter_h, filter_w;
    int32_t filter_c, groups;  /* CONV_2D: filter depth and input-channel groups */
    int32_t depth_multiplier;  /* DEPTHWISE_CONV_2D */
    int32_t input_offset, output_offset, act_min, act_max;
    float float_min, float_max;
    uint8_t mode, has_bias;
    uint8_t fast; /* a fast path of the kernel file applies (set in prepare; 0: the reference loop) */
} mi_conv_op_data_t;

/* The tensors of a conv node. */
typedef struct mi_conv_tensors {
    mi_tensor_info_t x, w, y, bias;
    int has_bias;
} mi_conv_tensors_t;

/* convolution.py tflm_activation: TFLM treats activations other than RELU,
 * RELU6 and RELU_N1_TO_1 as NONE. */
int mi_conv_tflm_activation(int activation);

/* convolution.py check_tensors: arity, ranks, types and constant weights;
 * sets t and d->mode (MI_CONV_INT16_ACC64 for int16x8) and d->has_bias. */
mi_status_t mi_conv_check_tensors(mi_context_t *ctx, const mi_node_t *node, mi_conv_tensors_t *t,
                                  mi_conv_op_data_t *d);

/* convolution.py window: strides and dilations (positive), TFLM's padding and
 * the index-range guard; the image and filter sizes must already be in d. */
mi_status_t mi_conv_window(mi_conv_op_data_t *d, int32_t stride_h, int32_t stride_w, int32_t dilation_h,
                           int32_t dilation_w, int32_t padding);

/* convolution.py quantized_output_params: per-channel multipliers and shifts
 * (allocated persistent, d->out_c of each) and the activation range. */
mi_status_t mi_conv_quantized_output_params(mi_context_t *ctx, mi_conv_op_data_t *d, const mi_conv_tensors_t *t,
                                            int activation);

/* The taps of one window axis that fall inside the image: filter taps
 * [*lo, *hi) for the output position whose window starts at `origin`
 * (out * stride - pad). TFLM's loops test each tap; skipping the same taps
 * up front reads the same values. */
static inline void mi_conv_taps(int32_t origin, int32_t dilation, int32_t in, int32_t filter, int32_t *lo,
                                int32_t *hi)
{
    int32_t a = 0, b = filter;
    if (origin < 0) a = (-origin + dilation - 1) / dilation;
    if (origin + (b - 1) * dilation >= in) b = (in - origin + dilation - 1) / dilation;
    if (b < a) b = a;
    *lo = a;
    *hi = b;
}

/* convolution.py requantize for the int32 accumulator (int8 and int16x8/acc32):
 * acc + bias (wrapping), per-channel multiplier, + output zero point, clamp. */
static inline int32_t mi_conv_requantize(const mi_conv_op_data_t *d, uint32_t acc, int32_t oc)
{
    int32_t v = mi_multiply_by_quantized_multiplier(mi_wrap_int32(acc), d->multiplier[oc], d->shift[oc]);
    return mi_clip_i32((int64_t)v + d->output_offset, d->act_min, d->act_max);
}

/* Offset of (b, y, x, c) in an NHWC tensor (also OHWI filters and 1HWO
 * depthwise filters). */
#define MI_NHWC(b, yy, xx, cc, H, W, C) \
    ((((size_t)(b) * (size_t)(H) + (size_t)(yy)) * (size_t)(W) + (size_t)(xx)) * (size_t)(C) + (size_t)(cc))

#endif /* MI_CONVOLUTION_H */
