/* Shared pieces of the element-wise binary kernels (C twin of
 * src/microinterp/kernels/elementwise.py; TFLM: BroadcastBinaryOpSimple and
 * the flat MatchingElementsSize loops). Not a kernel: no registration.
 *
 * Broadcasting. Inputs whose rank-extended shapes are equal run flat over
 * the output's element count (which must match theirs); otherwise all shapes
 * are extended with leading 1s to rank MI_BROADCAST_RANK and an input is read
 * with stride 0 along each dimension where its extent is 1. Both paths are one
 * walk of the output described by mi_broadcast_t, stepped by
 * mi_broadcast_iter_next (no division per element: the M0+ has no divider). */
#ifndef MI_ELEMENTWISE_H
#define MI_ELEMENTWISE_H

#include <stdint.h>

#include "mi_kernel_util.h"

#define MI_BROADCAST_RANK 6 /* elementwise.py MAX_BROADCAST_RANK (= MI_MAX_DIMS) */

/* One bit per MI_TYPE_* (the kernels' type switches). */
#define MI_TYPE_BIT(t) (1u << (t))

/* The types of ADD, SUB, MUL and SQUARED_DIFFERENCE (their TYPES tuples). */
#define MI_ARITHMETIC_TYPES                                                                                     \
    (MI_TYPE_BIT(MI_TYPE_FLOAT32) | MI_TYPE_BIT(MI_TYPE_INT32) | MI_TYPE_BIT(MI_TYPE_INT8) | MI_TYPE_BIT(MI_TYPE_INT16))

/* The output walk of a binary op: 19 words (kernels/elementwise.py C_BROADCAST_WORDS). */
typedef struct mi_broadcast {
    int32_t dims[MI_BROADCAST_RANK];                   /* output extents, rank-extended */
    int32_t strides[2][MI_BROADCAST_RANK];             /* per input, 0 where it broadcasts */
    int32_t count;                                     /* output elements */
} mi_broadcast_t;

/* Where the walk is: the output index and each operand's element offset. */
typedef struct mi_broadcast_iter {
    int32_t index[MI_BROADCAST_RANK];
    uint32_t offset[3];
} mi_broadcast_iter_t;

/* dims of `t` right-aligned into MI_BROADCAST_RANK entries, leading 1s. */
void mi_broadcast_extend(const mi_tensor_info_t *t, int32_t *ext);

/* Element strides of an input of extended shape `in` read along the output
 * extended shape `out`: contiguous strides, 0 where the input's extent is 1. */
void mi_broadcast_strides(const int32_t *in, int32_t *strides);

void mi_broadcast_iter_init(mi_broadcast_iter_t *it);

/* Step to the next output element (row-major) for `operands` inputs. */
void mi_broadcast_iter_next(mi_broadcast_iter_t *it, const int32_t *dims,
                            const int32_t (*strides)[MI_BROADCAST_RANK], uint32_t operands);

/* The broadcast walk of rank-extended shapes (the non-flat path): output
 * extents `eo`, input strides from `ea` and `eb`; MI_ERR_BAD_PARAM unless each
 * input extent is 1 or the output's. `bc->count` is left to the caller. */
mi_status_t mi_broadcast_walk(const int32_t *ea, const int32_t *eb, const int32_t *eo, mi_broadcast_t *bc);

/* elementwise.py check_shapes: MI_ERR_BAD_PARAM where TFLM's loops would read
 * out of bounds; fills the walk. */
mi_status_t mi_elementwise_check_shapes(const mi_tensor_info_t *a, const mi_tensor_info_t *b,
                                        const mi_tensor_info_t *out, mi_broadcast_t *bc);

/* elementwise.py tensors_of + same_type: inputs 0, 1, output 0 and their
 * common type (MI_ERR_BAD_PARAM when they differ). */
mi_status_t mi_elementwise_tensors_of(const mi_context_t *ctx, const mi_node_t *node, mi_tensor_info_t *a,
                                      mi_tensor_info_t *b, mi_tensor_info_t *out, uint32_t *type);

/* elementwise.py require_type: MI_ERR_UNSUPPORTED_TYPE unless `type` is in
 * the MI_TYPE_BIT mask (float32 also needs MI_ENABLE_FLOAT, int16 MI_ENABLE_INT16). */
mi_status_t mi_elementwise_require_type(uint32_t type, uint32_t allowed);

/* The start of every binary op's prepare: tensors_of (a, b, out and their
 * common *type), require_type(`allowed`) and check_shapes (into *bc). */
mi_status_t mi_elementwise_prepare(const mi_context_t *ctx, const mi_node_t *node, uint32_t allowed,
                                   mi_tensor_info_t *a, mi_tensor_info_t *b, mi_tensor_info_t *out, uint32_t *type,
                                   mi_broadcast_t *bc);

/* elementwise.py prepare_unquantized (FLOOR_DIV, FLOOR_MOD): one common type
 * out of `allowed`, then the shapes. */
mi_status_t mi_elementwise_prepare_unquantized(const mi_context_t *ctx, const mi_node_t *node, uint32_t allowed,
                                               mi_broadcast_t *bc);

/* elementwise.py int32_activation_range: TFLM CalculateActivationRange<int32_t>. */
void mi_elementwise_int32_activation_range(int activation, int32_t *lo, int32_t *hi);

/* quant.sse_nan_first for one element: when both operands are NaN, the first
 * one quieted (what x86 SSE arithmetic returns); otherwise `result`. */
float mi_elementwise_nan_first(float result, float first, float second);

/* elementwise.py activation_range: the output clamp of a binary op -- float
 * range for float32 (into float_lo, float_hi), int32_activation_range for
 * int32, CalculateActivationRangeQuantized for int8/int16 (into lo, hi). */
mi_status_t mi_elementwise_activation_range(const mi_context_t *ctx, uint32_t type, int activation,
                                            const mi_tensor_info_t *out, int32_t *lo, int32_t *hi, float *float_lo,
                                            float *float_hi);

/* elementwise.py general_rescaling (ADD/SUB): left_shift (20 for int8, 15 for
 * int16) and the (multiplier, shift) pairs of input 1, input 2 and the output;
 * every real multiplier must lie in (0, 1) (TFLM's
 * QuantizeMultiplierSmallerThanOneExp aborts otherwise: MI_ERR_UNSUPPORTED_TYPE);
 * a zero output scale is MI_ERR_BAD_PARAM (elementwise.nonzero_output_scale). */
typedef struct mi_general_rescaling {
    int32_t left_shift;
    int32_t input1_multiplier, input1_shift, input2_multiplier, input2_shift, output_multiplier, output_shift;
} mi_general_rescaling_t;

mi_status_t mi_elementwise_general_rescaling(const mi_context_t *ctx, const mi_tensor_info_t *a,
                                             const mi_tensor_info_t *b, const mi_tensor_info_t *out,
                                             mi_general_rescaling_t *r);

/* ADD and SUB's integer arithmetic before the output zero point and clamp:
 * both inputs rescale_input-ed to the common scale, added (`subtract`: the
 * second one subtracted), the result rescaled to the output
 * (MultiplyByQuantizedMultiplierSmallerThanOneExp). The rescaled inputs lie
 * within +-2**30, so the sum or difference wraps (int32) only at exactly
 * 2**31, which a hostile zero point can reach: defined, never a fault. */
int32_t mi_elementwise_general_rescaled(const mi_general_rescaling_t *r, int32_t input1_offset,
                                        int32_t input2_offset, int32_t x1, int32_t x2, int subtract);

/* elementwise.py rescale_input: (x + offset) << left_shift, then
 * MultiplyByQuantizedMultiplierSmallerThanOneExp (the shifted value wraps to
 * int32 only for zero points outside the type's range). */
int32_t mi_elementwise_rescale_input(int32_t x, int32_t offset, int32_t left_shift, int32_t multiplier,
                                     int32_t shift);

/* The per-element arithmetic of a binary op (elementwise.operands feeds the
 * Python twins' numpy expressions the same pairs), one function per type
 * family, each given the kernel's op data `d`: float32, int32, and int8/int16
 * (operands widened to int32; the result, already clamped to the type, is
 * narrowed by the store). A kernel leaves NULL the families its prepare refuses. */
typedef struct mi_binary_arithmetic {
    float (*float32)(const void *d, float a, float b);
    int32_t (*int32)(const void *d, int32_t a, int32_t b);
    int32_t (*quantized)(const void *d, int32_t a, int32_t b);
} mi_binary_arithmetic_t;

/* MI_IF_FLOAT(f): the float32 entry, NULL when the port is built without float. */
#if MI_ENABLE_FLOAT
#define MI_IF_FLOAT(f) (f)
#else
#define MI_IF_FLOAT(f) NULL
#endif

/* The invoke of a binary op: walks `bc` over inputs 0 and 1 into output 0,
 * all of `type`, through `arithmetic` (the dtype switch of every binary kernel). */
void mi_elementwise_binary_invoke(const mi_context_t *ctx, const mi_node_t *node, const mi_broadcast_t *bc,
                                  uint32_t type, const void *d, const mi_binary_arithmetic_t *arithmetic);

#endif /* MI_ELEMENTWISE_H */
