/* Small helpers shared by the kernels (internal header, not installed).
 * Anything arithmetic lives in mi_quant.c instead. */
#ifndef MI_KERNEL_UTIL_H
#define MI_KERNEL_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mi/mi_kernels.h"
#include "mi/mi_quant.h"

#define MI_TRY(expr)                        \
    do {                                    \
        mi_status_t try_s_ = (expr);        \
        if (try_s_ != MI_OK) return try_s_; \
    } while (0)

/* quant.py dtype_range for the integer tensor types kernels produce. */
static inline mi_status_t mi_type_range(uint32_t type, int32_t *qmin, int32_t *qmax)
{
    switch (type) {
    case MI_TYPE_INT8: *qmin = -128; *qmax = 127; return MI_OK;
    case MI_TYPE_UINT8: *qmin = 0; *qmax = 255; return MI_OK;
    case MI_TYPE_INT16: *qmin = -32768; *qmax = 32767; return MI_OK;
    case MI_TYPE_INT32: *qmin = MI_INT32_MIN; *qmax = MI_INT32_MAX; return MI_OK;
    default: return MI_ERR_UNSUPPORTED_TYPE;
    }
}

/* np.clip(v, lo, hi): maximum first, then minimum (so lo > hi gives hi). */
static inline int32_t mi_clip_i32(int64_t v, int32_t lo, int32_t hi)
{
    if (v < lo) v = lo;
    if (v > hi) v = hi;
    return (int32_t)v;
}

/* Per-tensor scale and zero point (first channel), as model.py Tensor.scale. */
static inline float mi_scale0(const mi_context_t *ctx, const mi_tensor_info_t *t)
{
    return mi_info_scale(ctx, t, 0);
}

static inline int32_t mi_zero_point0(const mi_context_t *ctx, const mi_tensor_info_t *t)
{
    return mi_info_zero_point(ctx, t, 0);
}

/* Zero points the integer kernels accept: enough headroom that every
 * (value + offset) * (weight + offset) product fits in int32. */
static inline int mi_zero_point_in(int32_t zp, int32_t lo, int32_t hi) { return zp >= lo && zp <= hi; }

/* Product of dims [from, to) of a tensor; 0x7FFFFFFF+ never happens for
 * validated tensors (count fits in 31 bits). */
static inline int32_t mi_dims_product(const mi_tensor_info_t *t, uint32_t from, uint32_t to)
{
    int64_t p = 1;
    uint32_t i;
    for (i = from; i < to && i < t->rank; i++) p *= t->dims[i];
    return (int32_t)p;
}

/* Element i of an int64 constant. The reader only guarantees 4-byte
 * alignment for 8-byte types (what any Cortex-M core needs for two word
 * loads; converters place int64 biases at 4 mod 8), so go through memcpy:
 * no misaligned int64 access, a plain load where the core allows it. */
static inline int64_t mi_load_i64(const void *base, size_t i)
{
    int64_t v;
    memcpy(&v, (const uint8_t *)base + i * sizeof v, sizeof v);
    return v;
}

/* Allocate `count` int32 values in the arena tail (per-channel data). */
static inline int32_t *mi_alloc_i32(mi_context_t *ctx, uint32_t count)
{
    return (int32_t *)mi_alloc_persistent(ctx, (size_t)count * sizeof(int32_t));
}

/* ---- data movement (SQUEEZE, PACK, SPLIT, SLICE, GATHER, ...) */

/* Same rank and dims (model.py Tensor.shape equality). */
static inline int mi_same_shape(const mi_tensor_info_t *a, const mi_tensor_info_t *b)
{
    uint32_t i;
    if (a->rank != b->rank) return 0;
    for (i = 0; i < a->rank; i++)
        if (a->dims[i] != b->dims[i]) return 0;
    return 1;
}

/* A constant tensor: data in the model and not a variable (model.py is_constant). */
static inline int mi_is_constant(const mi_tensor_info_t *t) { return t->data != 0 && !t->is_variable; }

/* An axis value normalised against `rank` (negative counts from the end);
 * -1 when it stays outside [0, rank). */
static inline int32_t mi_axis(int64_t value, int64_t rank)
{
    int64_t a = value < 0 ? value + rank : value;
    return a >= 0 && a < rank ? (int32_t)a : -1;
}

#endif /* MI_KERNEL_UTIL_H */
