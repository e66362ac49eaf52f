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
 * always fits in int32. The rescaling set-up, the input rescaling, the output
 * walk and the dtype loop are mi_elementwise's (as add.py uses elementwise.py);
 * only the broadcast rule and the per-element sums are ADD's own. */
#include "mi_elementwise.h"

/* op data layout (kernels/add.py MEMORY): 0 pointers, 19 + 14 words, 1 byte */
typedef struct op_data {
    mi_broadcast_t bc;
    mi_general_rescaling_t r;
    int32_t input1_offset, input2_offset, output_offset;
    int32_t act_min, act_max;
    float float_min, float_max;
    uint8_t type;
} op_data_t;

/* add.py _broadcast_ok: each input dim is 1 or the output's (mi_broadcast_walk
 * checks that); the innermost loop cannot broadcast both inputs. */
static int broadcast_ok(const int32_t *a, const int32_t *b, const int32_t *o, uint32_t rank)
{
    return rank == 0 || !(o[MI_BROADCAST_RANK - 1] > 1 && a[MI_BROADCAST_RANK - 1] == 1 &&
                          b[MI_BROADCAST_RANK - 1] == 1);
}

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t a, b, out;
    int32_t ea[MI_BROADCAST_RANK], eb[MI_BROADCAST_RANK], eo[MI_BROADCAST_RANK], qmin, qmax;
    uint32_t rank, type, j;
    int same;
    int act = options->add.fused_activation_function;
    MI_TRY(mi_elementwise_tensors_of(ctx, node, &a, &b, &out, &type));
    MI_TRY(mi_elementwise_require_type(type, MI_ARITHMETIC_TYPES));
    d->type = (uint8_t)type;
    rank = a.rank > b.rank ? a.rank : b.rank;
    if (out.rank > rank) rank = out.rank;
    mi_broadcast_extend(&a, ea);
    mi_broadcast_extend(&b, eb);
    mi_broadcast_extend(&out, eo);
    if (!broadcast_ok(ea, eb, eo, rank)) return MI_ERR_BAD_PARAM;
    MI_TRY(mi_broadcast_walk(ea, eb, eo, &d->bc));
    /* TFLM's elementwise loop (equal input shapes) needs as many output elements */
    if (type == MI_TYPE_FLOAT32 || type == MI_TYPE_INT32) {
        same = a.rank == b.rank;
        for (j = 0; same && j < a.rank; j++) same = a.dims[j] == b.dims[j];
    } else {
        same = 1;
        for (j = 0; j < MI_BROADCAST_RANK; j++) same = same && ea[j] == eb[j];
    }
    if (same && out.count != a.count) return MI_ERR_BAD_PARAM;
    d->bc.count = (int32_t)out.count;
    /* mi_elementwise_binary_invoke writes output element i after reading both inputs'
     * elements for it, in index order; an input of the output's element count (and
     * type) is read at index i too, so the output may be written in place over it
     * (add.py memory: input 1 first) */
    if (MI_ENABLE_OVERLAP && b.count == out.count) mi_allow_overlap(ctx, node, 1, 0);
    else if (MI_ENABLE_OVERLAP && a.count == out.count) mi_allow_overlap(ctx, node, 0, 0);

    if (type == MI_TYPE_FLOAT32) return mi_activation_range_float(act, &d->float_min, &d->float_max);
    if (type == MI_TYPE_INT32) {
        if (a.scales.count || b.scales.count) return MI_ERR_BAD_PARAM; /* TFLM: unquantized int32 only */
        return MI_OK;
    }
    if (!a.scales.count || !b.scales.count || !out.scales.count) return MI_ERR_BAD_PARAM;
    MI_TRY(mi_elementwise_general_rescaling(ctx, &a, &b, &out, &d->r));
    MI_TRY(mi_type_range(type, &qmin, &qmax));
    d->input1_offset = -mi_zero_point0(ctx, &a);
    d->input2_offset = -mi_zero_point0(ctx, &b);
    d->output_offset = mi_zero_point0(ctx, &out);
    if (-d->input1_offset < qmin || -d->input1_offset > qmax || -d->input2_offset < qmin || -d->input2_offset > qmax)
        return MI_ERR_UNSUPPORTED_TYPE;
    return mi_activation_range_quantized(act, qmin, qmax, mi_scale0(ctx, &out), d->output_offset, &d->act_min,
                                         &d->act_max);
}

#if MI_ENABLE_FLOAT
static float add_float32(const void *data, float a, float b)
{
    const op_data_t *d = (const op_data_t *)data;
    return mi_clamp_float(mi_elementwise_nan_first(a + b, a, b), d->float_min, d->float_max);
}
#endif

/* unquantized int32: wraps, and TFLM applies no activation */
static int32_t add_int32(const void *data, int32_t a, int32_t b)
{
    (void)data;
    return mi_wrap_int32((int64_t)a + b);
}

static int32_t add_quantized(const void *data, int32_t x1, int32_t x2)
{
    const op_data_t *d = (const op_data_t *)data;
    const int32_t raw =
        mi_elementwise_general_rescaled(&d->r, d->input1_offset, d->input2_offset, x1, x2, 0);
    return mi_clip_i32((int64_t)raw + d->output_offset, d->act_min, d->act_max);
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    static const mi_binary_arithmetic_t arithmetic = {MI_IF_FLOAT(add_float32), add_int32, add_quantized};
    const op_data_t *d = (const op_data_t *)node->op_data;
    mi_elementwise_binary_invoke(ctx, node, &d->bc, d->type, d, &arithmetic);
    return MI_OK;
}

const mi_registration_t mi_registration_add = {MI_OP_ADD, (uint32_t)sizeof(op_data_t), "ADD", prepare, invoke};
