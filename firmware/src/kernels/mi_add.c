/* ADD (TFLM: kernels/add.cc + add_common.cc, reference Add / BroadcastAdd6DSlow
 * and integer_ops::Add; Python twin: kernels/add.py).
 *
 * float32, int32 (unquantized, wrapping, no activation), int8 and int16 with
 * numpy-style broadcasting over up to 6 dimensions, under TFLM's rule that
 * the innermost dimension cannot broadcast both inputs. The quantized path is
 * TFLM's general rescaling for both int8 and int16 (TFLM Micro never takes the
 * power-of-two int16 path): each input is offset, shifted left by left_shift
 * (20 for int8, 15 for int16), scaled by s_i / (2 max(s_1, s_2)), the two are
 * added, and the sum is scaled by 2 max(s_1, s_2) / (2**left_shift s_out).
 * Multipliers outside (0, 1) are rejected in prepare (TFLM aborts on them).
 * Zero points must lie in the input type's range, so (x + offset) << shift
 * always fits in int32. */
#include "mi_kernel_util.h"

#define INPUT1 0
#define INPUT2 1
#define OUTPUT 0
#define RANK 6

enum { KIND_FLOAT32 = 0, KIND_INT32 = 1, KIND_INT8 = 2, KIND_INT16 = 3 };

/* op data layout (kernels/add.py MEMORY): 0 pointers, 33 words, 2 bytes */
typedef struct op_data {
    int32_t left_shift;
    int32_t input1_offset, input1_multiplier, input1_shift;
    int32_t input2_offset, input2_multiplier, input2_shift;
    int32_t output_offset, output_multiplier, output_shift;
    int32_t act_min, act_max;
    float float_min, float_max;
    int32_t out_dims[RANK], stride1[RANK], stride2[RANK]; /* rank-6 extended, stride 0 where broadcast */
    int32_t count;
    uint8_t kind, flat;
} op_data_t;

/* dims of `t` right-aligned into RANK entries, leading 1s */
static void extend(const mi_tensor_info_t *t, int32_t *ext)
{
    uint32_t i;
    for (i = 0; i < RANK; i++) ext[i] = 1;
    for (i = 0; i < t->rank; i++) ext[RANK - t->rank + i] = t->dims[i];
}

/* add.py _broadcast_ok: each input dim is 1 or the output's; the innermost
 * loop cannot broadcast both inputs. */
static int broadcast_ok(const int32_t *a, const int32_t *b, const int32_t *o, uint32_t rank)
{
    uint32_t i;
    if (rank == 0) return 1;
    if (o[RANK - 1] > 1 && a[RANK - 1] == 1 && b[RANK - 1] == 1) return 0;
    for (i = 0; i < RANK; i++)
        if ((a[i] != 1 && a[i] != o[i]) || (b[i] != 1 && b[i] != o[i])) return 0;
    return 1;
}

static mi_status_t multiplier_below_one(double real, int32_t *m, int32_t *s)
{
    if (!(real > 0.0 && real < 1.0)) return MI_ERR_BAD_PARAM; /* TFLM's CHECK would abort */
    return mi_quantize_multiplier(real, m, s);
}

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t a, b, out;
    int32_t ea[RANK], eb[RANK], eo[RANK], sa = 1, sb = 1, i;
    uint32_t rank, j;
    int same;
    int act = options->add.fused_activation_function;
    MI_TRY(mi_node_input_info(ctx, node, INPUT1, &a));
    MI_TRY(mi_node_input_info(ctx, node, INPUT2, &b));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &out));
    if (a.type != out.type || b.type != out.type) return MI_ERR_BAD_PARAM;
    if (out.type == MI_TYPE_FLOAT32 && MI_ENABLE_FLOAT) d->kind = KIND_FLOAT32;
    else if (out.type == MI_TYPE_INT32) d->kind = KIND_INT32;
    else if (out.type == MI_TYPE_INT8) d->kind = KIND_INT8;
    else if (out.type == MI_TYPE_INT16 && MI_ENABLE_INT16) d->kind = KIND_INT16;
    else return MI_ERR_UNSUPPORTED_TYPE;
    rank = a.rank > b.rank ? a.rank : b.rank;
    if (out.rank > rank) rank = out.rank;
    extend(&a, ea);
    extend(&b, eb);
    extend(&out, eo);
    if (!broadcast_ok(ea, eb, eo, rank)) return MI_ERR_BAD_PARAM;
    /* TFLM's elementwise loop (equal input shapes) needs as many output elements */
    if (d->kind == KIND_FLOAT32 || d->kind == KIND_INT32) {
        same = a.rank == b.rank;
        for (j = 0; same && j < a.rank; j++) same = a.dims[j] == b.dims[j];
    } else {
        same = 1;
        for (j = 0; j < RANK; j++) same = same && ea[j] == eb[j];
    }
    if (same && out.count != a.count) return MI_ERR_BAD_PARAM;
    d->count = (int32_t)out.count;
    d->flat = 1;
    for (i = RANK - 1; i >= 0; i--) {
        d->out_dims[i] = eo[i];
        d->stride1[i] = ea[i] == 1 ? 0 : sa;
        d->stride2[i] = eb[i] == 1 ? 0 : sb;
        sa *= ea[i];
        sb *= eb[i];
        if (ea[i] != eo[i] || eb[i] != eo[i]) d->flat = 0;
    }

    if (d->kind == KIND_FLOAT32) return mi_activation_range_float(act, &d->float_min, &d->float_max);
    if (d->kind == KIND_INT32) {
        if (a.scales.count || b.scales.count) return MI_ERR_BAD_PARAM; /* TFLM: unquantized int32 only */
        d->act_min = MI_INT32_MIN;
        d->act_max = MI_INT32_MAX;
        return MI_OK;
    }
    if (!a.scales.count || !b.scales.count || !out.scales.count) return MI_ERR_BAD_PARAM;
    {
        float s1 = mi_scale0(ctx, &a), s2 = mi_scale0(ctx, &b), so = mi_scale0(ctx, &out);
        double twice_max_input_scale = 2.0 * (double)(s1 > s2 ? s1 : s2);
        int32_t qmin, qmax;
        d->left_shift = d->kind == KIND_INT16 ? 15 : 20;
        if (so == 0.0f) return MI_ERR_BAD_PARAM;
        MI_TRY(multiplier_below_one((double)s1 / twice_max_input_scale, &d->input1_multiplier, &d->input1_shift));
        MI_TRY(multiplier_below_one((double)s2 / twice_max_input_scale, &d->input2_multiplier, &d->input2_shift));
        MI_TRY(multiplier_below_one(twice_max_input_scale / ((double)(1 << d->left_shift) * (double)so),
                                    &d->output_multiplier, &d->output_shift));
        MI_TRY(mi_type_range(out.type, &qmin, &qmax));
        d->input1_offset = -mi_zero_point0(ctx, &a);
        d->input2_offset = -mi_zero_point0(ctx, &b);
        d->output_offset = mi_zero_point0(ctx, &out);
        if (-d->input1_offset < qmin || -d->input1_offset > qmax || -d->input2_offset < qmin ||
            -d->input2_offset > qmax)
            return MI_ERR_UNSUPPORTED_TYPE;
        return mi_activation_range_quantized(act, qmin, qmax, so, d->output_offset, &d->act_min, &d->act_max);
    }
}

static int32_t add_quantized(const op_data_t *d, int32_t x1, int32_t x2)
{
    int32_t shifted1 = (x1 + d->input1_offset) * (1 << d->left_shift);
    int32_t shifted2 = (x2 + d->input2_offset) * (1 << d->left_shift);
    int32_t scaled1 =
        mi_multiply_by_quantized_multiplier_smaller_than_one_exp(shifted1, d->input1_multiplier, d->input1_shift);
    int32_t scaled2 =
        mi_multiply_by_quantized_multiplier_smaller_than_one_exp(shifted2, d->input2_multiplier, d->input2_shift);
    int32_t raw = mi_multiply_by_quantized_multiplier_smaller_than_one_exp(scaled1 + scaled2, d->output_multiplier,
                                                                           d->output_shift);
    return mi_clip_i32((int64_t)raw + d->output_offset, d->act_min, d->act_max);
}

static void add_one(const op_data_t *d, const void *a, const void *b, void *y, size_t ia, size_t ib, size_t io)
{
    switch (d->kind) {
#if MI_ENABLE_FLOAT
    case KIND_FLOAT32:
        ((float *)y)[io] = mi_clamp_float(((const float *)a)[ia] + ((const float *)b)[ib], d->float_min, d->float_max);
        break;
#endif
    case KIND_INT32:
        ((int32_t *)y)[io] = mi_wrap_int32((int64_t)((const int32_t *)a)[ia] + ((const int32_t *)b)[ib]);
        break;
    case KIND_INT8:
        ((int8_t *)y)[io] = (int8_t)add_quantized(d, ((const int8_t *)a)[ia], ((const int8_t *)b)[ib]);
        break;
    default:
        ((int16_t *)y)[io] = (int16_t)add_quantized(d, ((const int16_t *)a)[ia], ((const int16_t *)b)[ib]);
        break;
    }
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const void *a = mi_node_input_data(ctx, node, INPUT1);
    const void *b = mi_node_input_data(ctx, node, INPUT2);
    void *y = mi_node_output_data(ctx, node, OUTPUT);
    size_t io = 0;
    int32_t i0, i1, i2, i3, i4, i5;
    const int32_t *n = d->out_dims, *s1 = d->stride1, *s2 = d->stride2;
    if (d->flat) {
        for (i0 = 0; i0 < d->count; i0++) add_one(d, a, b, y, (size_t)i0, (size_t)i0, (size_t)i0);
        return MI_OK;
    }
    /* BroadcastAdd6DSlow: walk the output, stride 0 along broadcast dims */
    for (i0 = 0; i0 < n[0]; i0++)
        for (i1 = 0; i1 < n[1]; i1++)
            for (i2 = 0; i2 < n[2]; i2++)
                for (i3 = 0; i3 < n[3]; i3++)
                    for (i4 = 0; i4 < n[4]; i4++)
                        for (i5 = 0; i5 < n[5]; i5++) {
                            size_t ia = (size_t)i0 * (size_t)s1[0] + (size_t)i1 * (size_t)s1[1] +
                                        (size_t)i2 * (size_t)s1[2] + (size_t)i3 * (size_t)s1[3] +
                                        (size_t)i4 * (size_t)s1[4] + (size_t)i5 * (size_t)s1[5];
                            size_t ib = (size_t)i0 * (size_t)s2[0] + (size_t)i1 * (size_t)s2[1] +
                                        (size_t)i2 * (size_t)s2[2] + (size_t)i3 * (size_t)s2[3] +
                                        (size_t)i4 * (size_t)s2[4] + (size_t)i5 * (size_t)s2[5];
                            add_one(d, a, b, y, ia, ib, io++);
                        }
    return MI_OK;
}

const mi_registration_t mi_registration_add = {MI_OP_ADD, (uint32_t)sizeof(op_data_t), "ADD", prepare, invoke};
