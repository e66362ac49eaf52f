/* REVERSE_V2 (TFLM: kernels/reverse.cc + reference_ops::Reverse; Python twin:
 * kernels/reverse_v2.py).
 *
 * Reverses a tensor along the axes of a 1-D int32 tensor (read at invoke
 * time, or once in prepare when constant; negative axes count from the
 * rank). As TFLM, only a non-empty contiguous run of distinct axes is
 * accepted; it reverses the flattened block of those dimensions, which
 * equals reversing each of them. Types: float32 (raw bits), int32, int16,
 * int8, uint8, int64 and bool. */
#include <string.h>

#include "mi_kernel_util.h"

#define INPUT 0
#define AXIS 1
#define OUTPUT 0

/* op data layout (kernels/reverse_v2.py MEMORY): 0 pointers, 11 words, 2 bytes */
typedef struct op_data {
    int32_t dims[MI_MAX_DIMS];
    int32_t outer, mid, inner_bytes; /* the reversed run, flattened */
    int32_t elem_bytes, axes;        /* axes: entries of the axis vector */
    uint8_t rank, resolved;
} op_data_t;

/* reverse_v2.py _resolve: sort, require a contiguous run, flatten. */
static mi_status_t resolve(op_data_t *d, const int32_t *values)
{
    int32_t sorted[MI_MAX_DIMS], i, j, first, last;
    int64_t mid = 1, outer = 1, inner = 1;
    if (d->axes < 1) return MI_ERR_BAD_PARAM;
    for (i = 0; i < d->axes; i++) {
        const int32_t a = mi_axis(values[i], d->rank);
        if (a < 0) return MI_ERR_BAD_PARAM;
        for (j = i; j > 0 && sorted[j - 1] > a; j--) sorted[j] = sorted[j - 1];
        sorted[j] = a;
    }
    for (i = 1; i < d->axes; i++)
        if (sorted[i] != sorted[i - 1] + 1) return MI_ERR_BAD_PARAM;
    first = sorted[0];
    last = sorted[d->axes - 1];
    for (i = 0; i < (int32_t)d->rank; i++) {
        if (i < first) outer *= d->dims[i];
        else if (i <= last) mid *= d->dims[i];
        else inner *= d->dims[i];
    }
    d->outer = (int32_t)outer;
    d->mid = (int32_t)mid;
    d->inner_bytes = (int32_t)(inner * d->elem_bytes);
    return MI_OK;
}

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t src, axis_t, dst;
    uint32_t i;
    (void)options;
    MI_TRY(mi_node_input_info(ctx, node, INPUT, &src));
    MI_TRY(mi_node_input_info(ctx, node, AXIS, &axis_t));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &dst));
    if (src.type != MI_TYPE_FLOAT32 && src.type != MI_TYPE_INT32 && src.type != MI_TYPE_INT16 &&
        src.type != MI_TYPE_INT8 && src.type != MI_TYPE_UINT8 && src.type != MI_TYPE_INT64 && src.type != MI_TYPE_BOOL)
        return MI_ERR_UNSUPPORTED_TYPE;
    if (axis_t.type != MI_TYPE_INT32) return MI_ERR_UNSUPPORTED_TYPE;
    if (axis_t.rank != 1 || axis_t.count > src.rank) return MI_ERR_BAD_PARAM;
    if (dst.type != src.type || !mi_same_shape(&dst, &src)) return MI_ERR_BAD_PARAM;
    d->rank = src.rank;
    for (i = 0; i < src.rank; i++) d->dims[i] = src.dims[i];
    d->elem_bytes = (int32_t)mi_type_size(src.type);
    d->axes = (int32_t)axis_t.count;
    if (mi_is_constant(&axis_t)) {
        MI_TRY(resolve(d, (const int32_t *)(const void *)axis_t.data));
        d->resolved = 1;
    }
    return MI_OK;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    op_data_t *d = (op_data_t *)node->op_data;
    const uint8_t *x = (const uint8_t *)mi_node_input_data(ctx, node, INPUT);
    uint8_t *out = (uint8_t *)mi_node_output_data(ctx, node, OUTPUT);
    size_t inner;
    int32_t o, m;
    if (!d->resolved) MI_TRY(resolve(d, (const int32_t *)mi_node_input_data(ctx, node, AXIS)));
    inner = (size_t)d->inner_bytes; /* after resolve: a run read at invoke sets it */
    for (o = 0; o < d->outer; o++)
        for (m = 0; m < d->mid; m++)
            memcpy(out + ((size_t)o * (size_t)d->mid + (size_t)m) * inner,
                   x + ((size_t)o * (size_t)d->mid + (size_t)(d->mid - 1 - m)) * inner, inner);
    return MI_OK;
}

const mi_registration_t mi_registration_reverse_v2 = {MI_OP_REVERSE_V2, (uint32_t)sizeof(op_data_t), "REVERSE_V2",
                                                      prepare, invoke};
