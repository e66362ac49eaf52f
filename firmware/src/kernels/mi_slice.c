/* SLICE (TFLM: kernels/slice.cc + reference_ops::Slice; Python twin: kernels/slice.py).
 *
 * Copies the block input[begin : begin + size] of a float32, int32, int8,
 * int16 or bool tensor of rank <= 5. begin and size are int32 or int64
 * vectors with one entry per input dimension; a size of -1 means "to the end
 * of the dimension". They are read at invoke time as TFLM does (so they may
 * be graph inputs), or once in prepare when both are constants. TFLM never
 * checks the block against the tensors; here, as in slice.py, a block that
 * leaves the input or does not fill the output is a status (in prepare for
 * constants, from invoke otherwise), never an out-of-bounds access. */
#include <string.h>

#include "mi_kernel_util.h"

#define INPUT 0
#define BEGIN 1
#define SIZE 2
#define OUTPUT 0
#define MAX_DIMS 5u /* kMaxDim */

/* op data layout (kernels/slice.py MEMORY): 0 pointers, 17 words, 2 bytes */
typedef struct op_data {
    int32_t in_dims[MAX_DIMS], begin[MAX_DIMS], extent[MAX_DIMS]; /* rank-5 extended (leading 1s, begin 0) */
    int32_t elem_bytes, out_count;
    uint8_t rank, resolved; /* resolved: begin/extent filled in prepare (constant begin and size) */
} op_data_t;

/* slice.py _block: the block of begin/size vectors, or MI_ERR_BAD_PARAM. */
static mi_status_t resolve(op_data_t *d, const void *begin, const void *size, int wide, const mi_tensor_info_t *dst)
{
    const uint32_t pad = MAX_DIMS - d->rank;
    int64_t count = 1;
    uint32_t i;
    for (i = 0; i < MAX_DIMS; i++) {
        d->begin[i] = 0;
        d->extent[i] = d->in_dims[i];
    }
    for (i = 0; i < d->rank; i++) {
        const int64_t b = wide ? ((const int64_t *)begin)[i] : ((const int32_t *)begin)[i];
        const int64_t s = wide ? ((const int64_t *)size)[i] : ((const int32_t *)size)[i];
        const int64_t limit = d->in_dims[pad + i];
        int64_t stop;
        if (s == -1) stop = limit;
        else if (b > INT32_MAX || b < -INT32_MAX || s > INT32_MAX || s < -INT32_MAX) return MI_ERR_BAD_PARAM;
        else stop = b + s;
        if (!(0 <= b && b <= stop && stop <= limit)) return MI_ERR_BAD_PARAM;
        d->begin[pad + i] = (int32_t)b;
        d->extent[pad + i] = (int32_t)(stop - b);
        count *= stop - b;
    }
    if (count != d->out_count) return MI_ERR_BAD_PARAM;
    if (dst->rank == d->rank) {
        for (i = 0; i < d->rank; i++)
            if (dst->dims[i] != d->extent[pad + i]) return MI_ERR_BAD_PARAM;
    }
    return MI_OK;
}

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t src, begin, size, dst;
    uint32_t i;
    (void)options;
    MI_TRY(mi_node_input_info(ctx, node, INPUT, &src));
    MI_TRY(mi_node_input_info(ctx, node, BEGIN, &begin));
    MI_TRY(mi_node_input_info(ctx, node, SIZE, &size));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &dst));
    if (src.type != MI_TYPE_FLOAT32 && src.type != MI_TYPE_INT32 && src.type != MI_TYPE_INT8 &&
        src.type != MI_TYPE_INT16 && src.type != MI_TYPE_BOOL)
        return MI_ERR_UNSUPPORTED_TYPE;
    if (dst.type != src.type) return MI_ERR_BAD_PARAM;
    if ((begin.type != MI_TYPE_INT32 && begin.type != MI_TYPE_INT64) || size.type != begin.type)
        return MI_ERR_UNSUPPORTED_TYPE;
    if (src.rank > MAX_DIMS) return MI_ERR_UNSUPPORTED_SHAPE;
    if (begin.rank != 1 || size.rank != 1 || begin.count != src.rank || size.count != src.rank)
        return MI_ERR_BAD_PARAM;
    d->rank = src.rank;
    for (i = 0; i < MAX_DIMS; i++) d->in_dims[i] = i < MAX_DIMS - src.rank ? 1 : src.dims[i - (MAX_DIMS - src.rank)];
    d->elem_bytes = (int32_t)mi_type_size(src.type);
    d->out_count = (int32_t)dst.count;
    if (mi_is_constant(&begin) && mi_is_constant(&size)) {
        MI_TRY(resolve(d, begin.data, size.data, begin.type == MI_TYPE_INT64, &dst));
        d->resolved = 1;
    }
    return MI_OK;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    op_data_t *d = (op_data_t *)node->op_data;
    const uint8_t *src = (const uint8_t *)mi_node_input_data(ctx, node, INPUT);
    uint8_t *out = (uint8_t *)mi_node_output_data(ctx, node, OUTPUT);
    const size_t e = (size_t)d->elem_bytes;
    const int32_t *n = d->in_dims, *b = d->begin, *x = d->extent;
    int32_t i0, i1, i2, i3;
    if (!d->resolved) {
        mi_tensor_info_t dst;
        const int32_t begin_t = mi_node_input_index(ctx, node, BEGIN);
        MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &dst));
        MI_TRY(resolve(d, ctx->tensors[begin_t].data, mi_node_input_data(ctx, node, SIZE),
                       ctx->tensors[begin_t].type == MI_TYPE_INT64, &dst));
    }
    for (i0 = 0; i0 < x[0]; i0++)
        for (i1 = 0; i1 < x[1]; i1++)
            for (i2 = 0; i2 < x[2]; i2++)
                for (i3 = 0; i3 < x[3]; i3++) {
                    const size_t at = ((((size_t)(b[0] + i0) * (size_t)n[1] + (size_t)(b[1] + i1)) * (size_t)n[2] +
                                        (size_t)(b[2] + i2)) * (size_t)n[3] + (size_t)(b[3] + i3)) * (size_t)n[4] +
                                      (size_t)b[4];
                    const size_t row = (size_t)x[4] * e;
                    memcpy(out, src + at * e, row);
                    out += row;
                }
    return MI_OK;
}

const mi_registration_t mi_registration_slice = {MI_OP_SLICE, (uint32_t)sizeof(op_data_t), "SLICE", prepare, invoke};
