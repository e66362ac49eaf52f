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
#include "mi_simd.h"

/* convolution.py MODES, plus the int16x8 accumulator width of CONV_2D */
enum { MI_CONV_FLOAT32 = 0, MI_CONV_INT8 = 1, MI_CONV_INT16_ACC64 = 2, MI_CONV_INT16_ACC32 = 3 };

/* op data layout (conv_2d.py, depthwise_conv_2d.py, transpose_conv.py MEMORY): 4 pointers, 24 words, 3 bytes */
typedef struct mi_conv_op_data {
    /* per output channel (quantized modes): in the arena, or in the model's
     * ahead-of-time prepare image (flash; fw/aot.py) */
    const int32_t *multiplier;
    const int32_t *shift;
    /* CONV_2D's fast-path scratch (mi_request_scratch in prepare, NULL when
     * not requested; conv_2d.py conv_c_scratch predicts them): the im2col
     * column and, on a DSP core, the packed pixel pair */
    mi_scratch_t *col, *pairs;
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

/* convolution.py c_overlap: every path of CONV_2D and DEPTHWISE_CONV_2D writes the
 * output pixels in row-major order, all of a pixel's channels, while or after reading
 * that pixel's window (only its taps inside the image), and afterwards reads only
 * later pixels' windows; so the output may start D bytes before input 0, with D from
 * memory/overlap.py window_overlap (the argument is there). A kernel path that
 * changes this order (output blocking across rows, channel-outer loops) must stop
 * calling it. Call after mi_conv_window. */
void mi_conv_allow_overlap(mi_context_t *ctx, const mi_node_t *node, const mi_conv_op_data_t *d,
                           const mi_conv_tensors_t *t);

/* convolution.py quantized_output_params: per-channel multipliers and shifts
 * (allocated persistent, d->out_c of each, or taken from the model's
 * ahead-of-time prepare image after checking each value) and the activation
 * range. */
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
    /* the int32 two's-complement value of acc (mi_wrap_int32, inline: compiles to nothing) */
    const int32_t a = acc >= 0x80000000u ? (int32_t)(acc - 0x80000000u) + MI_INT32_MIN : (int32_t)acc;
    int32_t v = mi_multiply_by_quantized_multiplier_inline(a, d->multiplier[oc], d->shift[oc]);
    return mi_clip_i32((int64_t)v + d->output_offset, d->act_min, d->act_max);
}

/* The output stage of the fast paths with everything in locals: kernels
 * store int8 outputs, and an int8 store may alias any field of the op data,
 * so reading the fields through d after each store would reload them. */
typedef struct mi_conv_requant {
    const int32_t *multiplier, *shift;
    int32_t lo, hi;      /* the activation range minus the output zero point */
    int32_t out_offset;
} mi_conv_requant_t;

static inline mi_conv_requant_t mi_conv_requant_of(const mi_conv_op_data_t *d)
{
    mi_conv_requant_t r;
    r.multiplier = d->multiplier;
    r.shift = d->shift;
    r.lo = d->act_min - d->output_offset; /* both within int16: no overflow */
    r.hi = d->act_max - d->output_offset;
    r.out_offset = d->output_offset;
    return r;
}

/* mi_conv_requantize for the fast paths, without branches:
 *  - MultiplyByQuantizedMultiplier as mi_multiply_by_quantized_multiplier_inline
 *    but without its saturating case (multiplier == INT32_MIN), which prepare
 *    rules out for the fast paths (mi_conv_quantized_output_params clears
 *    d->fast); RoundingDivideByPOT as (h >> r) + ((h & mask) > threshold)
 *    with threshold = mask / 2 + (h < 0), computed without a branch;
 *  - the clamp before the zero point: clip(v + zp, lo, hi) equals
 *    clip(v, lo - zp, hi - zp) + zp for every int32 v and stays in int32.
 * acc already holds the bias. */
static inline int32_t mi_conv_requant_fast(const mi_conv_requant_t *r, uint32_t acc, int32_t oc)
{
#if !MI_SIMD_DSP
    /* ARMv6-M and the host: the branchy form compiles to fewer instructions */
    const int32_t a = acc >= 0x80000000u ? (int32_t)(acc - 0x80000000u) + MI_INT32_MIN : (int32_t)acc;
    int32_t v = mi_multiply_by_quantized_multiplier_inline(a, r->multiplier[oc], r->shift[oc]);
#else
    const int32_t shift = r->shift[oc];
    const int32_t left = shift > 0 ? shift : 0, right = left - shift;
    const uint32_t u = acc << left; /* two's-complement wrap of acc * 2**left */
    const int32_t a = u >= 0x80000000u ? (int32_t)(u - 0x80000000u) + MI_INT32_MIN : (int32_t)u;
    const int32_t h = (int32_t)(((int64_t)a * (int64_t)r->multiplier[oc] + ((int64_t)1 << 30)) >> 31);
    const int32_t mask = (int32_t)((1u << right) - 1u);
    int32_t v = (h >> right) + ((h & mask) > (mask >> 1) + (h < 0));
#endif
    if (v < r->lo) v = r->lo;
    if (v > r->hi) v = r->hi;
    return v + r->out_offset;
}

/* Offset of (b, y, x, c) in an NHWC tensor (also OHWI filters and 1HWO
 * depthwise filters). */
#define MI_NHWC(b, yy, xx, cc, H, W, C) \
    ((((size_t)(b) * (size_t)(H) + (size_t)(yy)) * (size_t)(W) + (size_t)(xx)) * (size_t)(C) + (size_t)(cc))

#endif /* MI_CONVOLUTION_H */
