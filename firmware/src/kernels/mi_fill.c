/* FILL (TFLM: kernels/fill.cc, reference_ops::Fill; Python twin: kernels/fill.py).
 *
 * Every output element becomes the scalar `value` (input 1, rank 0, of the
 * output's type: float32, int32 or int8 -- copied, never requantized). The
 * `dims` input must be a constant 1-D integer tensor (int8, int16, int32 or
 * int64) equal to the output's shape, as TFLM's prepare checks. */
#include <string.h>

#include "mi_elementwise.h"

#define DIMS 0
#define VALUE 1
#define OUTPUT 0

/* op data layout (kernels/fill.py MEMORY): 0 pointers, 2 words */
typedef struct op_data {
    int32_t count, element_bytes;
} op_data_t;

/* element `i` of a constant little-endian integer vector of `size` bytes each
 * (model bytes: any alignment) */
static int64_t read_int(const uint8_t *p, uint32_t size, uint32_t i)
{
    uint64_t u = 0;
    uint32_t k;
    for (k = 0; k < size; k++) u |= (uint64_t)p[i * size + k] << (8 * k);
    if (size < 8 && (u >> (8 * size - 1)) & 1u) u |= ~(uint64_t)0 << (8 * size); /* sign-extend */
    return u >= 0x8000000000000000ull ? -(int64_t)(~u) - 1 : (int64_t)u;
}

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t dims, value, out;
    uint32_t i, size;
    (void)options;
    MI_TRY(mi_node_input_info(ctx, node, DIMS, &dims));
    MI_TRY(mi_node_input_info(ctx, node, VALUE, &value));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &out));
    if (value.rank != 0) return MI_ERR_BAD_PARAM;
    if (value.type != out.type) return MI_ERR_BAD_PARAM;
    MI_TRY(mi_elementwise_require_type(
        value.type, MI_TYPE_BIT(MI_TYPE_FLOAT32) | MI_TYPE_BIT(MI_TYPE_INT32) | MI_TYPE_BIT(MI_TYPE_INT8)));
    if (!dims.data) return MI_ERR_UNSUPPORTED_TYPE; /* a non-constant dims tensor (as TFLM) */
    if (dims.type != MI_TYPE_INT8 && dims.type != MI_TYPE_INT16 && dims.type != MI_TYPE_INT32 &&
        dims.type != MI_TYPE_INT64)
        return MI_ERR_BAD_PARAM;
    if (dims.rank != 1 || dims.count != out.rank) return MI_ERR_BAD_PARAM;
    size = mi_type_size(dims.type);
    for (i = 0; i < dims.count; i++)
        if (read_int(dims.data, size, i) != (int64_t)out.dims[i]) return MI_ERR_BAD_PARAM;
    d->count = (int32_t)out.count;
    d->element_bytes = (int32_t)mi_type_size(out.type);
    return MI_OK;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const uint8_t *value = (const uint8_t *)mi_node_input_data(ctx, node, VALUE);
    uint8_t *y = (uint8_t *)mi_node_output_data(ctx, node, OUTPUT);
    int32_t i;
    for (i = 0; i < d->count; i++) memcpy(y + (size_t)i * (size_t)d->element_bytes, value, (size_t)d->element_bytes);
    return MI_OK;
}

const mi_registration_t mi_registration_fill = {MI_OP_FILL, (uint32_t)sizeof(op_data_t), "FILL", prepare, invoke};
