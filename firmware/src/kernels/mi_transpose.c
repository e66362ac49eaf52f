/* TRANSPOSE (TFLM: kernels/transpose.cc + transpose_common.cc;
 * Python twin: kernels/transpose.py).
 *
 * Permutes the axes of a 1-D to 5-D float32, int8 or int16 tensor (TFLM
 * micro has no int32 path). The permutation is a constant int32 vector with
 * one in-range entry per dimension; values are moved, never requantized.
 * Invoke walks the output in order and reads the input through the permuted
 * strides. */
#include <string.h>

#include "mi_kernel_util.h"

#define INPUT 0
#define PERM 1
#define OUTPUT 0
#define RANK 5

/* fwplan.py layout: 0 pointers, 10 words, 1 byte */
typedef struct op_data {
    int32_t out_dims[RANK];  /* rank-5 extended, leading 1s */
    int32_t in_stride[RANK]; /* input elements per step along each output axis */
    uint8_t elem_size;
} op_data_t;

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t src, dst, perm_t;
    const int32_t *perm;
    int32_t src_stride[RANK];
    uint32_t k, rank, seen = 0;
    (void)options;
    MI_TRY(mi_node_input_info(ctx, node, INPUT, &src));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &dst));
    MI_TRY(mi_node_input_info(ctx, node, PERM, &perm_t));
    if (src.type != dst.type) return MI_ERR_BAD_PARAM;
    if (src.type != MI_TYPE_FLOAT32 && src.type != MI_TYPE_INT8 && src.type != MI_TYPE_INT16)
        return MI_ERR_UNSUPPORTED_TYPE;
    rank = src.rank;
    if (rank < 1 || rank > RANK) return MI_ERR_UNSUPPORTED_SHAPE;
    if (!perm_t.data) return MI_ERR_UNSUPPORTED_TYPE; /* not constant */
    if (perm_t.type != MI_TYPE_INT32 || perm_t.rank != 1 || perm_t.dims[0] != (int32_t)rank) return MI_ERR_BAD_PARAM;
    perm = (const int32_t *)(const void *)perm_t.data;
    for (k = 0; k < rank; k++) {
        if (perm[k] < 0 || perm[k] >= (int32_t)rank || (seen >> perm[k]) & 1u) return MI_ERR_UNSUPPORTED_TYPE;
        seen |= 1u << perm[k];
    }
    if (dst.rank != rank) return MI_ERR_BAD_PARAM;
    for (k = 0; k < rank; k++)
        if (dst.dims[k] != src.dims[perm[k]]) return MI_ERR_BAD_PARAM;
    src_stride[rank - 1] = 1;
    for (k = rank - 1; k > 0; k--) src_stride[k - 1] = src_stride[k] * src.dims[k];
    for (k = 0; k < RANK; k++) {
        d->out_dims[k] = 1;
        d->in_stride[k] = 0;
    }
    for (k = 0; k < rank; k++) {
        d->out_dims[RANK - rank + k] = dst.dims[k];
        d->in_stride[RANK - rank + k] = src_stride[perm[k]];
    }
    d->elem_size = (uint8_t)mi_type_size(src.type);
    return MI_OK;
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const uint8_t *x = (const uint8_t *)mi_node_input_data(ctx, node, INPUT);
    uint8_t *y = (uint8_t *)mi_node_output_data(ctx, node, OUTPUT);
    const int32_t *n = d->out_dims, *s = d->in_stride;
    const size_t size = d->elem_size;
    size_t o = 0;
    int32_t i0, i1, i2, i3, i4;
    for (i0 = 0; i0 < n[0]; i0++)
        for (i1 = 0; i1 < n[1]; i1++)
            for (i2 = 0; i2 < n[2]; i2++)
                for (i3 = 0; i3 < n[3]; i3++)
                    for (i4 = 0; i4 < n[4]; i4++) {
                        size_t at = (size_t)i0 * (size_t)s[0] + (size_t)i1 * (size_t)s[1] +
                                    (size_t)i2 * (size_t)s[2] + (size_t)i3 * (size_t)s[3] +
                                    (size_t)i4 * (size_t)s[4];
                        memcpy(y + o, x + at * size, size);
                        o += size;
                    }
    return MI_OK;
}

const mi_registration_t mi_registration_transpose = {MI_OP_TRANSPOSE, (uint32_t)sizeof(op_data_t), "TRANSPOSE",
                                                     prepare, invoke};
