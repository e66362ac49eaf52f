/* Shared pieces of the reductions MEAN, SUM, REDUCE_MAX, REDUCE_MIN and REDUCE_ALL: C twin
 * of kernels/reduction.py. Internal header. */
#ifndef MI_REDUCTION_H
#define MI_REDUCTION_H

#include "mi/mi_kernels.h"

#define MI_REDUCTION_INPUT 0
#define MI_REDUCTION_AXIS 1
#define MI_REDUCTION_OUTPUT 0

/* What a reduction's op data starts with: the input shape and the axis
 * tensor's length (axes are resolved from its values at invoke, as TFLM reads
 * them then). fwplan.py: 8 words, then the kernel's own fields. */
typedef struct mi_reduction_shape {
    int32_t in_dims[MI_MAX_DIMS];
    int32_t rank, num_axis_values;
} mi_reduction_shape_t;

/* reduction.py Axes, as strides: output row o reads the input at
 * base(o) + step(r) for r in 0..num_reduced-1, in TFLM's visiting order
 * (kept axes row-major for o, reduced axes in increasing order for r). */
typedef struct mi_reduction_axes {
    int32_t kept_dims[MI_MAX_DIMS], kept_stride[MI_MAX_DIMS];
    int32_t reduced_dims[MI_MAX_DIMS], reduced_stride[MI_MAX_DIMS];
    int32_t num_kept, num_reduced_axes;
    int32_t num_outputs, num_reduced;
} mi_reduction_axes_t;

/* reduction.check_axis_tensor: the axis tensor is int32, input and output
 * share a type; fills `shape`, and when the axis tensor is constant resolves
 * it now (refusing what TFLM would fail on) and sets *constant. */
mi_status_t mi_reduction_check_axis_tensor(mi_context_t *ctx, const mi_node_t *node, mi_reduction_shape_t *shape,
                                           int *constant);

/* reduction.resolve_axes: wrap negative axes, drop duplicates, refuse an axis
 * out of range or an output whose element count differs from the kept extents. */
mi_status_t mi_reduction_resolve_axes(const int32_t *axis_values, const mi_reduction_shape_t *shape,
                                      uint32_t out_count, mi_reduction_axes_t *axes);

/* The axes at invoke, from the axis tensor's current values. */
mi_status_t mi_reduction_axes_now(const mi_context_t *ctx, const mi_node_t *node, const mi_reduction_shape_t *shape,
                                  uint32_t out_count, mi_reduction_axes_t *axes);

int32_t mi_reduction_base(const mi_reduction_axes_t *axes, int32_t o);
int32_t mi_reduction_step(const mi_reduction_axes_t *axes, int32_t r);

/* reduction.sum_float32: from +0.0f, one float32 addition per element in order. */
float mi_reduction_sum_float32(const mi_reduction_axes_t *axes, const float *x, int32_t o);

/* reduction.requantized_sum for output row o of an int8 (elem 1) or int16
 * (elem 2) input: int32 wrapping sum, minus zp_in * n (int32 wrap), one
 * MultiplyByQuantizedMultiplier, plus the output zero point, clamped. */
int32_t mi_reduction_requantized_sum(const mi_reduction_axes_t *axes, const void *x, int elem_size, int32_t o,
                                     int32_t input_zero_point, int32_t multiplier, int32_t shift,
                                     int32_t output_zero_point, int32_t qmin, int32_t qmax);

/* The op data of MEAN and SUM (mi_mean.c, mi_sum.c), which differ only in
 * MEAN's division by the element count. fwplan.py layout: 0 pointers, 13 words, 1 byte. */
enum { MI_REDUCTION_FLOAT32 = 0, MI_REDUCTION_INT8 = 1, MI_REDUCTION_INT16 = 2 };

typedef struct mi_reduction_sum_data {
    mi_reduction_shape_t shape;
    int32_t input_zero_point, output_zero_point, multiplier, shift;
    int32_t out_count;
    uint8_t kind; /* MI_REDUCTION_* */
} mi_reduction_sum_data_t;

/* mean.py / sum.py prepare, the shared part: float32, int8 or int16 in and
 * out, the axis tensor (mi_reduction_check_axis_tensor), and for the
 * quantized types the zero points and the multiplier of s_in / s_out (double). */
mi_status_t mi_reduction_prepare_sum(mi_context_t *ctx, mi_node_t *node, mi_reduction_sum_data_t *d);

/* mean.py / sum.py invoke: per output row the float32 sum (divided by the
 * element count as float when `mean`) or reduction.requantized_sum; MEAN
 * writes zeros for an empty reduction. The axes are read now. */
mi_status_t mi_reduction_sum_invoke(const mi_context_t *ctx, const mi_node_t *node,
                                    const mi_reduction_sum_data_t *d, int mean);

#endif /* MI_REDUCTION_H */
