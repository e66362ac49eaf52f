/* Shared pieces of the one-input element-wise kernels (C twin of
 * src/microinterp/kernels/unary.py; TFLM: kernels/elementwise.cc and
 * friends). Not a kernel: no registration.
 *
 * The float kernels call the C library as TFLM does (std::sin(float) is
 * sinf, ...). On the host that is glibc's libm, the very functions the
 * Python side calls through ctypes (quant.libm_float), so the bits agree.
 * On Cortex-M the image links newlib's libm, whose sinf/cosf/expf/logf/
 * expm1f are not glibc's: those results can differ from TFLM's x86 build in
 * the last bit (sqrtf, floorf, ceilf, fabsf and the arithmetic are exact
 * everywhere; the NaN of a negative square root is pinned by mi_unary_sqrt,
 * tested on emulated Cortex-M0+ and M4). */
#ifndef MI_UNARY_H
#define MI_UNARY_H

#include <stdint.h>

#include "mi_elementwise.h"

#define MI_UNARY_INPUT 0
#define MI_UNARY_OUTPUT 0

/* unary.py UnaryOpData: the element count (kernels/unary.py C_OP_DATA: 1 word). */
typedef struct mi_unary_op_data {
    int32_t count;
} mi_unary_op_data_t;

/* unary.py check_same_type: input and output share one type out of the
 * MI_TYPE_BIT mask `allowed` (MI_ERR_BAD_PARAM when they differ,
 * MI_ERR_UNSUPPORTED_TYPE when it is not allowed) and hold the same number of
 * elements; `type` receives it. */
mi_status_t mi_unary_check_same_type(const mi_context_t *ctx, const mi_node_t *node, uint32_t allowed,
                                     uint32_t *type);

/* check_same_type with `allowed`, then the element count into op data
 * (unary.py prepare_float is this with float32 only). */
mi_status_t mi_unary_prepare(mi_context_t *ctx, mi_node_t *node, uint32_t allowed);

/* prepare of the float32-only kernels (unary.py prepare_float). */
mi_status_t mi_unary_prepare_float(mi_context_t *ctx, mi_node_t *node);

/* sqrtf, except that a negative input gives x86's "default NaN" 0xFFC00000,
 * as TFLM's x86 build (sqrtss) and numpy give it; newlib's soft-float sqrtf
 * returns 0x7FC00000 there. SQRT and RSQRT use it. */
float mi_unary_sqrt(float x);

/* invoke of the float32-only kernels: out[i] = function(x[i]). */
mi_status_t mi_unary_invoke_float(mi_context_t *ctx, const mi_node_t *node, float (*function)(float));

/* invoke of FLOOR and CEIL (unary.py invoke_nan_preserving): NaNs pass
 * through bit for bit (a signalling NaN stays signalling, as the oracle's
 * std::floor/std::ceil return it). */
mi_status_t mi_unary_invoke_nan_preserving(mi_context_t *ctx, const mi_node_t *node, float (*function)(float));

/* unary.py check_float_or (RELU, RELU6, HARD_SWISH): input and output share
 * one type, float32 or one of the MI_TYPE_BIT mask `quantized`; `type`
 * receives it. */
mi_status_t mi_unary_check_float_or(const mi_context_t *ctx, const mi_node_t *node, uint32_t quantized,
                                    uint32_t *type);

#endif /* MI_UNARY_H */
