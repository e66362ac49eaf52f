/* GATHER_ND (TFLM: kernels/gather_nd.cc; Python twin: kernels/gather_nd.py).
 *
 * Gathers slices of a float32 or int8 params tensor at the int32 index
 * tuples in the last dimension of indices (at most 5 per tuple, at most the
 * params' rank); the output shape is indices.shape[:-1] + params.shape[nd:].
 * As in TFLM, only the *flat* position sum(index[j] * stride[j]) (int32
 * arithmetic, wrapping) is bounds-checked: 0 <= pos and pos + slice <= size.
 * Every tuple is checked before anything is written; a bad one is a status. */
#include <string.h>

#include "mi_kernel_util.h"

#define PARAMS 0
#define INDICES 1
#define OUTPUT 0
#define MAX_INDICES_ND 5

/* op data layout (kernels/gather_nd.py MEMORY): 0 pointers, 9 words */
typedef struct op_data {
    int32_t strides[MAX_INDICES_ND]; /* elements per step of each indexed dimension */
    int32_t nd, tuples, slice_size, params_size;
} op_data_t;

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t params, indices, dst;
    uint32_t i, k = 0, nd;
    (void)options;
    MI_TRY(mi_node_input_info(ctx, node, PARAMS, &params));
    MI_TRY(mi_node_input_info(ctx, node, INDICES, &indices));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &dst));
    if (params.type != MI_TYPE_FLOAT32 && params.type != MI_TYPE_INT8) return MI_ERR_UNSUPPORTED_TYPE;
    if (indices.type != MI_TYPE_INT32) return MI_ERR_UNSUPPORTED_TYPE;
    if (dst.type != params.type) return MI_ERR_BAD_PARAM;
    if (params.rank == 0 || indices.rank == 0) return MI_ERR_BAD_PARAM;
    if (indices.dims[indices.rank - 1] < 0) return MI_ERR_BAD_PARAM;
    nd = (uint32_t)indices.dims[indices.rank - 1];
    if (nd > params.rank || nd > MAX_INDICES_ND) return MI_ERR_BAD_PARAM;
    if (nd == 0) return MI_ERR_UNSUPPORTED_SHAPE; /* empty index tuples: gather_nd.py cannot run them either */
    if (indices.rank - 1u + params.rank - nd != dst.rank) return MI_ERR_BAD_PARAM;
    for (i = 0; i + 1u < indices.rank; i++)
        if (dst.dims[k++] != indices.dims[i]) return MI_ERR_BAD_PARAM;
    for (i = nd; i < params.rank; i++)
        if (dst.dims[k++] != params.dims[i]) return MI_ERR_BAD_PARAM;
    for (i = 0; i < nd; i++) d->strides[i] = mi_dims_product(&params, i + 1u, params.rank);
    d->nd = (int32_t)nd;
    d->tuples = (int32_t)(indices.count / nd);
    d->slice_size = mi_dims_product(&params, nd, params.rank);
    d->params_size = (int32_t)params.count;
    return MI_OK;
}

/* The flat position of tuple t, in wrapping int32 arithmetic. */
static int32_t flat_position(const op_data_t *d, const int32_t *indices, int32_t t)
{
    uint32_t pos = 0;
    int32_t j;
    for (j = 0; j < d->nd; j++) pos += (uint32_t)indices[(size_t)t * (size_t)d->nd + (size_t)j] * (uint32_t)d->strides[j];
    return mi_wrap_int32(pos);
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const uint8_t *params = (const uint8_t *)mi_node_input_data(ctx, node, PARAMS);
    const int32_t *indices = (const int32_t *)mi_node_input_data(ctx, node, INDICES);
    uint8_t *out = (uint8_t *)mi_node_output_data(ctx, node, OUTPUT);
    const int32_t t_out = mi_node_output_index(ctx, node, OUTPUT);
    const size_t e = (size_t)mi_type_size(ctx->tensors[t_out].type), slice = (size_t)d->slice_size * e;
    int32_t t;
    for (t = 0; t < d->tuples; t++) {
        const int64_t pos = flat_position(d, indices, t);
        if (pos < 0 || pos + d->slice_size > d->params_size) return MI_ERR_BAD_PARAM;
    }
    for (t = 0; t < d->tuples; t++)
        memcpy(out + (size_t)t * slice, params + (size_t)flat_position(d, indices, t) * e, slice);
    return MI_OK;
}

const mi_registration_t mi_registration_gather_nd = {MI_OP_GATHER_ND, (uint32_t)sizeof(op_data_t), "GATHER_ND",
                                                     prepare, invoke};
