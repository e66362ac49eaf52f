/* CAST (TFLM: kernels/cast.cc; Python twin: kernels/cast.py).
 *
 * TFLM's static_cast between int8, int16, int32, uint32, float32 and bool
 * inputs and int8, int16, int32, uint32 and float32 outputs; quantization is
 * ignored (values are converted, not requantized):
 *   - integer -> integer: two's-complement wrap to the target width;
 *   - integer -> float32: round to nearest even (C's conversion);
 *   - float32 -> integer: truncate toward zero; out-of-range values saturate
 *     to the target's range and NaN becomes 0, as the x86-64 oracle build
 *     does (C leaves them undefined, so they are spelled out here);
 *   - float32 -> float32: the bits are copied. */
#include <string.h>

#include "mi_kernel_util.h"

#define INPUT 0
#define OUTPUT 0

/* op data layout (kernels/cast.py MEMORY): 0 pointers, 1 word, 2 bytes */
typedef struct op_data {
    int32_t count;
    uint8_t from, to;
} op_data_t;

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t src, dst;
    (void)options;
    MI_TRY(mi_node_input_info(ctx, node, INPUT, &src));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &dst));
    if (src.type != MI_TYPE_INT8 && src.type != MI_TYPE_INT16 && src.type != MI_TYPE_INT32 &&
        src.type != MI_TYPE_UINT32 && src.type != MI_TYPE_FLOAT32 && src.type != MI_TYPE_BOOL)
        return MI_ERR_UNSUPPORTED_TYPE;
    if (dst.type != MI_TYPE_INT8 && dst.type != MI_TYPE_INT16 && dst.type != MI_TYPE_INT32 &&
        dst.type != MI_TYPE_UINT32 && dst.type != MI_TYPE_FLOAT32)
        return MI_ERR_UNSUPPORTED_TYPE;
    if ((src.type == MI_TYPE_FLOAT32 || dst.type == MI_TYPE_FLOAT32) && !MI_ENABLE_FLOAT) return MI_ERR_UNSUPPORTED_TYPE;
    if (src.count != dst.count) return MI_ERR_BAD_PARAM;
    d->count = (int32_t)src.count;
    d->from = src.type;
    d->to = dst.type;
    return MI_OK;
}

static int64_t read_int(const void *p, uint8_t type, size_t i)
{
    switch (type) {
    case MI_TYPE_INT8: return ((const int8_t *)p)[i];
    case MI_TYPE_INT16: return ((const int16_t *)p)[i];
    case MI_TYPE_INT32: return ((const int32_t *)p)[i];
    case MI_TYPE_UINT32: return ((const uint32_t *)p)[i];
    default: return ((const uint8_t *)p)[i] != 0; /* bool */
    }
}

/* The low bits of v, as a C store into the target type keeps them. */
static void write_int(void *p, uint8_t type, size_t i, int64_t v)
{
    const uint32_t u = (uint32_t)(uint64_t)v;
    switch (type) {
    case MI_TYPE_INT8: ((int8_t *)p)[i] = (int8_t)(u & 0x80u ? (int32_t)(u & 0xFFu) - 0x100 : (int32_t)(u & 0xFFu)); break;
    case MI_TYPE_INT16: ((int16_t *)p)[i] = (int16_t)mi_wrap_int16(v); break;
    case MI_TYPE_INT32: ((int32_t *)p)[i] = mi_wrap_int32(v); break;
    default: ((uint32_t *)p)[i] = u; break; /* uint32 */
    }
}

#if MI_ENABLE_FLOAT
/* cast.py: trunc in double, NaN -> 0, clip to the target's range. */
static int64_t float_to_int(float x, uint8_t type)
{
    double t = (double)x, lo, hi;
    switch (type) {
    case MI_TYPE_INT8: lo = -128.0; hi = 127.0; break;
    case MI_TYPE_INT16: lo = -32768.0; hi = 32767.0; break;
    case MI_TYPE_INT32: lo = -2147483648.0; hi = 2147483647.0; break;
    default: lo = 0.0; hi = 4294967295.0; break;
    }
    if (t != t) return 0;
    if (t < lo) t = lo;
    if (t > hi) t = hi;
    return (int64_t)t; /* truncates toward zero; in range of int64 */
}
#endif

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const void *src = mi_node_input_data(ctx, node, INPUT);
    void *dst = mi_node_output_data(ctx, node, OUTPUT);
    size_t i;
    const size_t n = (size_t)d->count;
#if MI_ENABLE_FLOAT
    if (d->from == MI_TYPE_FLOAT32 && d->to == MI_TYPE_FLOAT32) {
        memmove(dst, src, n * 4u);
    } else if (d->to == MI_TYPE_FLOAT32) {
        for (i = 0; i < n; i++) ((float *)dst)[i] = (float)read_int(src, d->from, i);
    } else if (d->from == MI_TYPE_FLOAT32) {
        for (i = 0; i < n; i++) write_int(dst, d->to, i, float_to_int(((const float *)src)[i], d->to));
    } else
#endif
    {
        for (i = 0; i < n; i++) write_int(dst, d->to, i, read_int(src, d->from, i));
    }
    return MI_OK;
}

const mi_registration_t mi_registration_cast = {MI_OP_CAST, (uint32_t)sizeof(op_data_t), "CAST", prepare, invoke};
