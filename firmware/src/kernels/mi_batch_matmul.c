/* BATCH_MATMUL (TFLM: kernels/batch_matmul.cc + batch_matmul_common.cc,
 * reference_ops::BatchMatMul; Python twin: kernels/batch_matmul.py).
 *
 * out[..., a, c] = sum_k L[..., a, k] * R[..., k, c], L the LHS (last two
 * axes swapped with adj_x), R the RHS (swapped with adj_y), for float32,
 * int8 or int16 operands of rank 2..5 whose batch dimensions broadcast.
 * Every output sums its products in k order, as TFLM's GEMM does:
 *   - float32: from +0.0f, each multiply and add rounded to float32;
 *   - int8: sum (l - zp_l) * (r - zp_r) in wrapping int32, then
 *     MultiplyByQuantizedMultiplier with s_l * s_r / s_out (in double), plus
 *     the output zero point, clamped;
 *   - int16: zero points 0, an int64 sum and the int64 rescale. */
#include "mi_kernel_util.h"

#define LHS 0
#define RHS 1
#define OUTPUT 0
#define BATCH_DIMS 3 /* rank 5 = 3 batch dimensions + a matrix */

enum { KIND_FLOAT32 = 0, KIND_INT8 = 1, KIND_INT16 = 2 };

/* op data layout (kernels/batch_matmul.py MEMORY): 0 pointers, 19 words, 3 bytes */
typedef struct op_data {
    int32_t batch[BATCH_DIMS], lhs_stride[BATCH_DIMS], rhs_stride[BATCH_DIMS]; /* in matrices; 0 = broadcast */
    int32_t rows, cols, depth;
    int32_t lhs_zero_point, rhs_zero_point, output_zero_point, multiplier, shift, qmin, qmax;
    uint8_t kind, adj_x, adj_y;
} op_data_t;

static int supported(uint8_t type)
{
    return type == MI_TYPE_FLOAT32 || type == MI_TYPE_INT8 || type == MI_TYPE_INT16;
}

/* dims of `t` right-aligned into 5, leading 1s */
static void extend(const mi_tensor_info_t *t, int32_t *ext)
{
    uint32_t i;
    for (i = 0; i < 5; i++) ext[i] = i < 5u - t->rank ? 1 : t->dims[i - (5u - t->rank)];
}

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t lhs, rhs, dst;
    int32_t el[5], er[5], ls = 1, rs = 1, depth_l, depth_r, i;
    uint32_t rank, j;
    MI_TRY(mi_node_input_info(ctx, node, LHS, &lhs));
    MI_TRY(mi_node_input_info(ctx, node, RHS, &rhs));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &dst));
    if (!supported(lhs.type) || !supported(rhs.type)) return MI_ERR_UNSUPPORTED_TYPE;
    if (lhs.type != rhs.type || dst.type != lhs.type) return MI_ERR_UNSUPPORTED_TYPE;
    if (lhs.rank < 2 || lhs.rank > 5 || rhs.rank < 2 || rhs.rank > 5) return MI_ERR_UNSUPPORTED_SHAPE;
    d->adj_x = options->batch_matmul.adj_x != 0;
    d->adj_y = options->batch_matmul.adj_y != 0;
    rank = lhs.rank > rhs.rank ? lhs.rank : rhs.rank;
    extend(&lhs, el);
    extend(&rhs, er);
    for (i = 0; i < 3; i++) {
        if (el[i] != er[i] && el[i] != 1 && er[i] != 1) return MI_ERR_BAD_PARAM;
        d->batch[i] = el[i] == 1 ? er[i] : el[i];
    }
    d->rows = d->adj_x ? el[4] : el[3];
    depth_l = d->adj_x ? el[3] : el[4];
    depth_r = d->adj_y ? er[4] : er[3];
    d->cols = d->adj_y ? er[3] : er[4];
    if (depth_l != depth_r) return MI_ERR_BAD_PARAM;
    d->depth = depth_l;
    /* expected = the rank-`rank` batch + (rows, cols) */
    if (dst.rank != rank) return MI_ERR_BAD_PARAM;
    for (j = 0; j + 2u < rank; j++)
        if (dst.dims[j] != d->batch[3u - (rank - 2u) + j]) return MI_ERR_BAD_PARAM;
    if (dst.dims[rank - 2] != d->rows || dst.dims[rank - 1] != d->cols) return MI_ERR_BAD_PARAM;
    for (i = 2; i >= 0; i--) {
        d->lhs_stride[i] = el[i] == 1 ? 0 : ls;
        d->rhs_stride[i] = er[i] == 1 ? 0 : rs;
        ls *= el[i];
        rs *= er[i];
    }
    if (lhs.type == MI_TYPE_FLOAT32) {
        if (!MI_ENABLE_FLOAT) return MI_ERR_UNSUPPORTED_TYPE;
        d->kind = KIND_FLOAT32;
        return MI_OK;
    }
    if (lhs.type == MI_TYPE_INT16 && !MI_ENABLE_INT16) return MI_ERR_UNSUPPORTED_TYPE;
    d->kind = lhs.type == MI_TYPE_INT8 ? KIND_INT8 : KIND_INT16;
    d->lhs_zero_point = mi_zero_point0(ctx, &lhs);
    d->rhs_zero_point = mi_zero_point0(ctx, &rhs);
    d->output_zero_point = mi_zero_point0(ctx, &dst);
    if (d->kind == KIND_INT16 && (d->lhs_zero_point || d->rhs_zero_point || d->output_zero_point))
        return MI_ERR_BAD_PARAM;
    {
        const double product = (double)mi_scale0(ctx, &lhs) * (double)mi_scale0(ctx, &rhs);
        if (product < 0) return MI_ERR_BAD_PARAM;
        MI_TRY(mi_quantize_multiplier(product / (double)mi_scale0(ctx, &dst), &d->multiplier, &d->shift));
    }
    return mi_type_range(dst.type, &d->qmin, &d->qmax);
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const void *lhs = mi_node_input_data(ctx, node, LHS);
    const void *rhs = mi_node_input_data(ctx, node, RHS);
    void *out = mi_node_output_data(ctx, node, OUTPUT);
    const size_t R = (size_t)d->rows, C = (size_t)d->cols, K = (size_t)d->depth;
    /* element (a, k) of L and (k, c) of R inside one matrix */
    const size_t la = d->adj_x ? 1u : K, lk = d->adj_x ? R : 1u;
    const size_t rk = d->adj_y ? 1u : C, rc = d->adj_y ? K : 1u;
    size_t o = 0, a, c, k;
    int32_t b0, b1, b2;
    for (b0 = 0; b0 < d->batch[0]; b0++)
        for (b1 = 0; b1 < d->batch[1]; b1++)
            for (b2 = 0; b2 < d->batch[2]; b2++) {
                const size_t lm = ((size_t)b0 * (size_t)d->lhs_stride[0] + (size_t)b1 * (size_t)d->lhs_stride[1] +
                                   (size_t)b2 * (size_t)d->lhs_stride[2]) * R * K;
                const size_t rm = ((size_t)b0 * (size_t)d->rhs_stride[0] + (size_t)b1 * (size_t)d->rhs_stride[1] +
                                   (size_t)b2 * (size_t)d->rhs_stride[2]) * K * C;
                for (a = 0; a < R; a++)
                    for (c = 0; c < C; c++, o++) {
#if MI_ENABLE_FLOAT
                        if (d->kind == KIND_FLOAT32) {
                            const float *l = (const float *)lhs + lm + a * la, *r = (const float *)rhs + rm + c * rc;
                            float total = 0.0f;
                            for (k = 0; k < K; k++) total += l[k * lk] * r[k * rk];
                            ((float *)out)[o] = total;
                            continue;
                        }
#endif
                        if (d->kind == KIND_INT8) {
                            const int8_t *l = (const int8_t *)lhs + lm + a * la, *r = (const int8_t *)rhs + rm + c * rc;
                            uint32_t acc = 0; /* wrapped to int32: modulo-2**32 products give the same bits */
                            int32_t v;
                            for (k = 0; k < K; k++)
                                acc += ((uint32_t)l[k * lk] - (uint32_t)d->lhs_zero_point) *
                                       ((uint32_t)r[k * rk] - (uint32_t)d->rhs_zero_point);
                            v = mi_multiply_by_quantized_multiplier(mi_wrap_int32(acc), d->multiplier, d->shift);
                            ((int8_t *)out)[o] = (int8_t)mi_clip_i32((int64_t)v + d->output_zero_point, d->qmin, d->qmax);
                        } else {
                            const int16_t *l = (const int16_t *)lhs + lm + a * la;
                            const int16_t *r = (const int16_t *)rhs + rm + c * rc;
                            int64_t acc = 0;
                            int32_t v;
                            for (k = 0; k < K; k++) acc += (int64_t)l[k * lk] * r[k * rk];
                            v = mi_multiply_by_quantized_multiplier_int64(acc, d->multiplier, d->shift);
                            ((int16_t *)out)[o] = (int16_t)mi_clip_i32((int64_t)v + d->output_zero_point, d->qmin,
                                                                       d->qmax);
                        }
                    }
            }
    return MI_OK;
}

const mi_registration_t mi_registration_batch_matmul = {MI_OP_BATCH_MATMUL, (uint32_t)sizeof(op_data_t),
                                                        "BATCH_MATMUL", prepare, invoke};
