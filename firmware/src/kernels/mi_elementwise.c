/* Shared pieces of the element-wise binary kernels: see mi_elementwise.h
 * (C twin of src/microinterp/kernels/elementwise.py). */
#include <string.h>

#include "mi_elementwise.h"

void mi_broadcast_extend(const mi_tensor_info_t *t, int32_t *ext)
{
    uint32_t i;
    for (i = 0; i < MI_BROADCAST_RANK; i++) ext[i] = 1;
    for (i = 0; i < t->rank && i < MI_BROADCAST_RANK; i++) ext[MI_BROADCAST_RANK - t->rank + i] = t->dims[i];
}

void mi_broadcast_strides(const int32_t *in, int32_t *strides)
{
    int32_t stride = 1;
    int i;
    for (i = MI_BROADCAST_RANK - 1; i >= 0; i--) {
        strides[i] = in[i] == 1 ? 0 : stride;
        stride *= in[i];
    }
}

void mi_broadcast_iter_init(mi_broadcast_iter_t *it) { memset(it, 0, sizeof *it); }

void mi_broadcast_iter_next(mi_broadcast_iter_t *it, const int32_t *dims,
                            const int32_t (*strides)[MI_BROADCAST_RANK], uint32_t operands)
{
    int d;
    uint32_t k;
    for (d = MI_BROADCAST_RANK - 1; d >= 0; d--) {
        it->index[d]++;
        for (k = 0; k < operands; k++) it->offset[k] += (uint32_t)strides[k][d];
        if (it->index[d] < dims[d]) return;
        for (k = 0; k < operands; k++) it->offset[k] -= (uint32_t)strides[k][d] * (uint32_t)dims[d];
        it->index[d] = 0;
    }
}

mi_status_t mi_broadcast_walk(const int32_t *ea, const int32_t *eb, const int32_t *eo, mi_broadcast_t *bc)
{
    int i;
    for (i = 0; i < MI_BROADCAST_RANK; i++) {
        if ((ea[i] != 1 && ea[i] != eo[i]) || (eb[i] != 1 && eb[i] != eo[i])) return MI_ERR_BAD_PARAM;
        bc->dims[i] = eo[i];
    }
    mi_broadcast_strides(ea, bc->strides[0]);
    mi_broadcast_strides(eb, bc->strides[1]);
    return MI_OK;
}

mi_status_t mi_elementwise_check_shapes(const mi_tensor_info_t *a, const mi_tensor_info_t *b,
                                        const mi_tensor_info_t *out, mi_broadcast_t *bc)
{
    int32_t ea[MI_BROADCAST_RANK], eb[MI_BROADCAST_RANK], eo[MI_BROADCAST_RANK];
    int same = 1, i;
    mi_broadcast_extend(a, ea);
    mi_broadcast_extend(b, eb);
    mi_broadcast_extend(out, eo);
    for (i = 0; i < MI_BROADCAST_RANK; i++) same = same && ea[i] == eb[i];
    memset(bc, 0, sizeof *bc);
    bc->count = (int32_t)out->count;
    if (same) { /* flat path: as many output elements as input elements */
        if (a->count != out->count) return MI_ERR_BAD_PARAM;
        for (i = 0; i < MI_BROADCAST_RANK; i++) bc->dims[i] = 1;
        bc->dims[MI_BROADCAST_RANK - 1] = (int32_t)out->count;
        bc->strides[0][MI_BROADCAST_RANK - 1] = bc->strides[1][MI_BROADCAST_RANK - 1] = 1;
        return MI_OK;
    }
    return mi_broadcast_walk(ea, eb, eo, bc);
}

mi_status_t mi_elementwise_tensors_of(const mi_context_t *ctx, const mi_node_t *node, mi_tensor_info_t *a,
                                      mi_tensor_info_t *b, mi_tensor_info_t *out, uint32_t *type)
{
    MI_TRY(mi_node_input_info(ctx, node, 0, a));
    MI_TRY(mi_node_input_info(ctx, node, 1, b));
    MI_TRY(mi_node_output_info(ctx, node, 0, out));
    if (a->type != b->type || a->type != out->type) return MI_ERR_BAD_PARAM;
    *type = a->type;
    return MI_OK;
}

mi_status_t mi_elementwise_require_type(uint32_t type, uint32_t allowed)
{
    if (type >= 32 || !(allowed & MI_TYPE_BIT(type))) return MI_ERR_UNSUPPORTED_TYPE;
    if (type == MI_TYPE_FLOAT32 && !MI_ENABLE_FLOAT) return MI_ERR_UNSUPPORTED_TYPE;
    if (type == MI_TYPE_INT16 && !MI_ENABLE_INT16) return MI_ERR_UNSUPPORTED_TYPE;
    return MI_OK;
}

mi_status_t mi_elementwise_prepare(const mi_context_t *ctx, const mi_node_t *node, uint32_t allowed,
                                   mi_tensor_info_t *a, mi_tensor_info_t *b, mi_tensor_info_t *out, uint32_t *type,
                                   mi_broadcast_t *bc)
{
    MI_TRY(mi_elementwise_tensors_of(ctx, node, a, b, out, type));
    MI_TRY(mi_elementwise_require_type(*type, allowed));
    return mi_elementwise_check_shapes(a, b, out, bc);
}

mi_status_t mi_elementwise_prepare_unquantized(const mi_context_t *ctx, const mi_node_t *node, uint32_t allowed,
                                               mi_broadcast_t *bc)
{
    mi_tensor_info_t a, b, out;
    uint32_t type;
    return mi_elementwise_prepare(ctx, node, allowed, &a, &b, &out, &type, bc);
}

void mi_elementwise_int32_activation_range(int activation, int32_t *lo, int32_t *hi)
{
    *lo = MI_INT32_MIN;
    *hi = MI_INT32_MAX;
    if (activation == MI_ACT_RELU) *lo = 0;
    else if (activation == MI_ACT_RELU6) *lo = 0, *hi = 6;
    else if (activation == MI_ACT_RELU_N1_TO_1) *lo = -1, *hi = 1;
}

static uint32_t float_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

float mi_elementwise_nan_first(float result, float first, float second)
{
    uint32_t fa = float_bits(first), fb = float_bits(second);
    if ((fa & 0x7FFFFFFFu) > 0x7F800000u && (fb & 0x7FFFFFFFu) > 0x7F800000u) {
        fa |= 0x00400000u;
        memcpy(&result, &fa, sizeof result);
    }
    return result;
}

mi_status_t mi_elementwise_activation_range(const mi_context_t *ctx, uint32_t type, int activation,
                                            const mi_tensor_info_t *out, int32_t *lo, int32_t *hi, float *float_lo,
                                            float *float_hi)
{
    int32_t qmin, qmax;
    if (type == MI_TYPE_FLOAT32) return mi_activation_range_float(activation, float_lo, float_hi);
    if (type == MI_TYPE_INT32) {
        mi_elementwise_int32_activation_range(activation, lo, hi);
        return MI_OK;
    }
    MI_TRY(mi_type_range(type, &qmin, &qmax));
    return mi_activation_range_quantized(activation, qmin, qmax, mi_info_scale(ctx, out, 0),
                                         mi_info_zero_point(ctx, out, 0), lo, hi);
}

/* elementwise.py general_rescaling: in double, twice_max = 2 * max(s1, s2), s1 / twice_max,
 * s2 / twice_max and twice_max / (2**left_shift * s_out), each through
 * smaller_than_one_multiplier; here in integers with the same IEEE results (mi_quant.h) */
MI_COLD mi_status_t mi_elementwise_general_rescaling(const mi_context_t *ctx, const mi_tensor_info_t *a,
                                                     const mi_tensor_info_t *b, const mi_tensor_info_t *out,
                                                     mi_general_rescaling_t *r)
{
    const float s1 = mi_info_scale(ctx, a, 0), s2 = mi_info_scale(ctx, b, 0), so = mi_info_scale(ctx, out, 0);
    const float max = mi_float_greater(s1, s2) ? s1 : s2;
    r->left_shift = a->type == MI_TYPE_INT16 ? 15 : 20;
    if (mi_float_is_zero(so)) return MI_ERR_BAD_PARAM;         /* elementwise.nonzero_output_scale */
    if (!mi_float_greater(max, 0.0f)) return MI_ERR_UNSUPPORTED_TYPE; /* both input scales 0: TFLM aborts */
    MI_TRY(mi_quantize_smaller_than_one_ratio(s1, 0, max, 1, &r->input1_multiplier, &r->input1_shift));
    MI_TRY(mi_quantize_smaller_than_one_ratio(s2, 0, max, 1, &r->input2_multiplier, &r->input2_shift));
    return mi_quantize_smaller_than_one_ratio(max, 1, so, r->left_shift, &r->output_multiplier, &r->output_shift);
}

int32_t mi_elementwise_general_rescaled(const mi_general_rescaling_t *r, int32_t input1_offset,
                                        int32_t input2_offset, int32_t x1, int32_t x2, int subtract)
{
    const int32_t a = mi_elementwise_rescale_input(x1, input1_offset, r->left_shift, r->input1_multiplier,
                                                   r->input1_shift);
    const int32_t b = mi_elementwise_rescale_input(x2, input2_offset, r->left_shift, r->input2_multiplier,
                                                   r->input2_shift);
    const int64_t combined = subtract ? (int64_t)a - b : (int64_t)a + b;
    return mi_multiply_by_quantized_multiplier_smaller_than_one_exp(mi_wrap_int32(combined), r->output_multiplier,
                                                                    r->output_shift);
}

int32_t mi_elementwise_rescale_input(int32_t x, int32_t offset, int32_t left_shift, int32_t multiplier,
                                     int32_t shift)
{
    const int32_t shifted = mi_wrap_int32(((int64_t)x + offset) * ((int64_t)1 << left_shift));
    return mi_multiply_by_quantized_multiplier_smaller_than_one_exp(shifted, multiplier, shift);
}

void mi_elementwise_binary_invoke(const mi_context_t *ctx, const mi_node_t *node, const mi_broadcast_t *bc,
                                  uint32_t type, const void *d, const mi_binary_arithmetic_t *arithmetic)
{
    const void *a = mi_node_input_data(ctx, node, 0);
    const void *b = mi_node_input_data(ctx, node, 1);
    void *y = mi_node_output_data(ctx, node, 0);
    mi_broadcast_iter_t it;
    int32_t i;
    mi_broadcast_iter_init(&it);
    for (i = 0; i < bc->count; i++) {
        const uint32_t ia = it.offset[0], ib = it.offset[1];
        switch (type) {
#if MI_ENABLE_FLOAT
        case MI_TYPE_FLOAT32:
            ((float *)y)[i] = arithmetic->float32(d, ((const float *)a)[ia], ((const float *)b)[ib]);
            break;
#endif
        case MI_TYPE_INT32:
            ((int32_t *)y)[i] = arithmetic->int32(d, ((const int32_t *)a)[ia], ((const int32_t *)b)[ib]);
            break;
        case MI_TYPE_INT8:
            ((int8_t *)y)[i] = (int8_t)arithmetic->quantized(d, ((const int8_t *)a)[ia], ((const int8_t *)b)[ib]);
            break;
        default:
            ((int16_t *)y)[i] =
                (int16_t)arithmetic->quantized(d, ((const int16_t *)a)[ia], ((const int16_t *)b)[ib]);
            break;
        }
        mi_broadcast_iter_next(&it, bc->dims, bc->strides, 2);
    }
}
