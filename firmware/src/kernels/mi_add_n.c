/* ADD_N (TFLM: kernels/add_n.cc, reference/add_n.h; Python twin: kernels/add_n.py).
 *
 * Sums two or more inputs of one shape (no broadcasting, no activation).
 * float32: per element x = 0.0f, then x += input_j in input order, in float32
 *   (an all -0.0 sum is +0.0; of two NaNs the first, quieted, as x86 SSE).
 * int8: every input shares one scale and zero point. TFLM accumulates in int32
 *   starting from the rescaled zero-point offset: acc = S(-zp), then
 *   acc += S(x_j - zp), where S(v) = MultiplyByQuantizedMultiplier-
 *   SmallerThanOneExp(v << 20, 1/2); the result is
 *   MultiplyByQuantizedMultiplierSmallerThanOneExp(acc, 2 s / (2**20 s_out))
 *   + zp_out, clamped to [-128, 127]. The output multiplier must lie in (0, 1)
 *   (TFLM's CHECK aborts otherwise; refused here).
 * TFLM and add_n.py request a scratch buffer of one pointer per input; this
 * port reads the inputs through the node instead and requests none (memory/firmware_arena.py
 * predicts no scratch). */
#include "mi_elementwise.h"

#define OUTPUT 0
#define LEFT_SHIFT 20 /* kAddNIntegerShift */

/* op data layout (kernels/add_n.py MEMORY): 0 pointers, 8 words, 1 byte */
typedef struct op_data {
    int32_t count, inputs;
    int32_t input_offset, input_multiplier, input_shift;
    int32_t output_offset, output_multiplier, output_shift;
    uint8_t type;
} op_data_t;

static int same_shape(const mi_tensor_info_t *a, const mi_tensor_info_t *b)
{
    uint32_t i;
    if (a->rank != b->rank) return 0;
    for (i = 0; i < a->rank; i++)
        if (a->dims[i] != b->dims[i]) return 0;
    return 1;
}

static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t first, t, out;
    uint32_t n = mi_node_num_inputs(node), i;
    double s_in, s_out, twice, real_out;
    (void)options;
    if (n < 2) return MI_ERR_BAD_PARAM;
    MI_TRY(mi_node_input_info(ctx, node, 0, &first));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &out));
    if (out.type != first.type) return MI_ERR_BAD_PARAM;
    MI_TRY(mi_elementwise_require_type(first.type, MI_TYPE_BIT(MI_TYPE_FLOAT32) | MI_TYPE_BIT(MI_TYPE_INT8)));
    for (i = 1; i < n; i++) {
        MI_TRY(mi_node_input_info(ctx, node, i, &t));
        if (!same_shape(&t, &first) || t.type != first.type) return MI_ERR_BAD_PARAM;
        if (first.type == MI_TYPE_INT8 &&
            (!t.scales.count || !first.scales.count || mi_zero_point0(ctx, &t) != mi_zero_point0(ctx, &first) ||
             mi_scale0(ctx, &t) != mi_scale0(ctx, &first)))
            return MI_ERR_BAD_PARAM;
    }
    if (out.count != first.count) return MI_ERR_BAD_PARAM;
    d->count = (int32_t)first.count;
    d->inputs = (int32_t)n;
    d->type = (uint8_t)first.type;
    if (first.type == MI_TYPE_FLOAT32) return MI_OK;
    if (!out.scales.count) return MI_ERR_UNSUPPORTED_TYPE;
    s_in = (double)mi_scale0(ctx, &first);
    s_out = (double)mi_scale0(ctx, &out);
    twice = 2.0 * s_in;
    MI_TRY(mi_quantize_multiplier(s_in / twice, &d->input_multiplier, &d->input_shift));
    real_out = twice / ((double)(1 << LEFT_SHIFT) * s_out);
    if (!(real_out > 0.0 && real_out < 1.0)) return MI_ERR_UNSUPPORTED_TYPE;
    MI_TRY(mi_quantize_multiplier(real_out, &d->output_multiplier, &d->output_shift));
    d->input_offset = -mi_zero_point0(ctx, &first);
    d->output_offset = mi_zero_point0(ctx, &out);
    return MI_OK;
}

/* S(v): v << 20 (int32 wrap), then the input multiplier */
static int32_t scaled(const op_data_t *d, int64_t v)
{
    int32_t shifted = mi_wrap_int32((int64_t)((uint64_t)v << LEFT_SHIFT));
    return mi_multiply_by_quantized_multiplier_smaller_than_one_exp(shifted, d->input_multiplier, d->input_shift);
}

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    int32_t i, j;
    if (d->type == MI_TYPE_FLOAT32) {
        float *y = (float *)mi_node_output_data(ctx, node, OUTPUT);
        for (i = 0; i < d->count; i++) {
            float acc = 0.0f;
            for (j = 0; j < d->inputs; j++) {
                float step = ((const float *)mi_node_input_data(ctx, node, (uint32_t)j))[i];
                acc = mi_elementwise_nan_first(acc + step, acc, step);
            }
            y[i] = acc;
        }
        return MI_OK;
    } else {
        int8_t *y = (int8_t *)mi_node_output_data(ctx, node, OUTPUT);
        for (i = 0; i < d->count; i++) {
            int32_t acc = scaled(d, d->input_offset), raw;
            for (j = 0; j < d->inputs; j++) {
                int32_t x = ((const int8_t *)mi_node_input_data(ctx, node, (uint32_t)j))[i];
                acc = mi_wrap_int32((int64_t)acc + scaled(d, (int64_t)x + d->input_offset));
            }
            raw = mi_multiply_by_quantized_multiplier_smaller_than_one_exp(acc, d->output_multiplier,
                                                                           d->output_shift);
            y[i] = (int8_t)mi_clip_i32((int64_t)raw + d->output_offset, -128, 127);
        }
    }
    return MI_OK;
}

const mi_registration_t mi_registration_add_n = {MI_OP_ADD_N, (uint32_t)sizeof(op_data_t), "ADD_N", prepare,
                                                 invoke};
