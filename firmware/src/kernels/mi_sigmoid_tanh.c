/* The prepare step and the invoke shared by LOGISTIC and TANH (C twin of
 * kernels/sigmoid_tanh.py; TFLM: CalculateArithmeticOpDataLogistic in
 * logistic_common.cc, CalculateArithmeticOpData in tanh.cc, and the int8
 * reference_integer_ops::Logistic / Tanh loops).
 *
 * int8: the input minus its zero point is rescaled to Q4.27 with a
 * multiplier built from frexp (not QuantizeMultiplier); inputs at or beyond
 * the "input radius" saturate to -128 / 127, the rest go through the gemmlowp
 * function and a rounding shift to the int8 output.
 * int16: symmetric input and output, an output scale of exactly 2^-15, and a
 * 15-bit input multiplier for the table-interpolated functions in mi_quant.c
 * (none for the power-of-two input scales each op accepts). A multiplier of
 * 2^31 or more (input scales above ~1.7e5) is refused, as sigmoid_tanh.py
 * refuses it: TFLM's static_cast<int32_t> of it is undefined. */
#include <math.h>

#include "mi_kernel_util.h"
#include "mi_sigmoid_tanh.h"

#define INPUT 0
#define OUTPUT 0

/* sigmoid_tanh.int16_lut_params */
static mi_status_t int16_lut_params(float scale, const int32_t *pot_shifts, uint32_t n_pot_shifts,
                                    int32_t *multiplier_out, int32_t *left_shift_out)
{
    int is_pot;
    int32_t log2_rounded, left_shift;
    double multiplier;
    uint32_t k;
    MI_TRY(mi_checked_log2(scale, &is_pot, &log2_rounded));
    left_shift = (15 - 3) + log2_rounded;
    for (k = 0; is_pot && k < n_pot_shifts; k++) {
        if (left_shift == pot_shifts[k]) {
            *multiplier_out = 0;
            *left_shift_out = left_shift;
            return MI_OK;
        }
    }
    multiplier = (double)scale * 4096.0 * 3.0;
    left_shift = 0;
    while (multiplier <= 32767.0 / 2.0 && left_shift <= 30) {
        left_shift++;
        multiplier *= 2.0;
    }
    if (!(multiplier < 2147483648.0)) return MI_ERR_BAD_PARAM;
    *multiplier_out = (int32_t)multiplier; /* int(): truncation */
    *left_shift_out = left_shift;
    return MI_OK;
}

mi_status_t mi_sigmoid_tanh_prepare(mi_context_t *ctx, mi_node_t *node, int check_int8_zero_point,
                                    int32_t int8_output_zero_point, const int32_t *pot_shifts, uint32_t n_pot_shifts)
{
    mi_sigmoid_tanh_op_data_t *d = (mi_sigmoid_tanh_op_data_t *)node->op_data;
    mi_tensor_info_t src, dst;
    MI_TRY(mi_node_input_info(ctx, node, INPUT, &src));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &dst));
    if (src.type != dst.type) return MI_ERR_BAD_PARAM;
    if (src.count != dst.count) return MI_ERR_BAD_PARAM;
    d->count = (int32_t)src.count;
    if (src.type == MI_TYPE_FLOAT32 && MI_ENABLE_FLOAT) {
        d->kind = MI_SIGMOID_TANH_FLOAT32;
        return MI_OK;
    }
    if (src.type == MI_TYPE_INT8) {
        double real = (double)mi_scale0(ctx, &src) * (double)(1 << (31 - MI_SIGMOID_TANH_INPUT_INTEGER_BITS));
        int shift = 0;
        double q = frexp(real, &shift);
        if (check_int8_zero_point && mi_zero_point0(ctx, &dst) != int8_output_zero_point) return MI_ERR_BAD_PARAM;
        d->kind = MI_SIGMOID_TANH_INT8;
        d->input_zero_point = mi_zero_point0(ctx, &src);
        d->input_multiplier = (int32_t)mi_round_half_away(q * 2147483648.0); /* < 2**31: q has float32's 24 bits */
        d->input_left_shift = shift;
        d->input_range_radius = mi_calculate_input_radius(MI_SIGMOID_TANH_INPUT_INTEGER_BITS, shift, 31);
        return MI_OK;
    }
    if (src.type == MI_TYPE_INT16 && MI_ENABLE_INT16) {
        int is_pot;
        int32_t log2_rounded;
        if (mi_zero_point0(ctx, &src) != 0 || mi_zero_point0(ctx, &dst) != 0) return MI_ERR_BAD_PARAM;
        d->kind = MI_SIGMOID_TANH_INT16;
        MI_TRY(int16_lut_params(mi_scale0(ctx, &src), pot_shifts, n_pot_shifts, &d->input_multiplier,
                                &d->input_left_shift));
        MI_TRY(mi_checked_log2(mi_scale0(ctx, &dst), &is_pot, &log2_rounded));
        if (!is_pot || log2_rounded != -15) return MI_ERR_BAD_PARAM;
        return MI_OK;
    }
    return MI_ERR_UNSUPPORTED_TYPE;
}

/* sigmoid_tanh.int8_invoke: Q4.27 input, the gemmlowp `function` (Q0.31 out),
 * a rounding shift to `output_fraction_bits` plus `output_zero_point`,
 * saturation outside the input radius. */
static void int8_invoke(const mi_sigmoid_tanh_op_data_t *d, const int8_t *x, int8_t *y,
                        int32_t (*function)(int32_t, int), int output_fraction_bits, int32_t output_zero_point)
{
    int32_t i;
    for (i = 0; i < d->count; i++) {
        int64_t v = (int64_t)x[i] - d->input_zero_point;
        int32_t out;
        if (v <= -(int64_t)d->input_range_radius) {
            out = -128;
        } else if (v >= d->input_range_radius) {
            out = 127;
        } else {
            /* inside the radius |v| * 2**shift < 2**31: no wrap, and shift <= 30 */
            int32_t q4 = mi_multiply_by_quantized_multiplier((int32_t)v, d->input_multiplier, d->input_left_shift);
            int32_t q0 = function(q4, MI_SIGMOID_TANH_INPUT_INTEGER_BITS);
            out = mi_clip_i32((int64_t)mi_rounding_divide_by_pot(q0, 31 - output_fraction_bits) + output_zero_point,
                              -128, 127);
        }
        y[i] = (int8_t)out;
    }
}

void mi_sigmoid_tanh_invoke(const mi_context_t *ctx, const mi_node_t *node, const mi_sigmoid_tanh_functions_t *f)
{
    const mi_sigmoid_tanh_op_data_t *d = (const mi_sigmoid_tanh_op_data_t *)node->op_data;
    const void *x = mi_node_input_data(ctx, node, INPUT);
    void *y = mi_node_output_data(ctx, node, OUTPUT);
    int32_t i;
    switch (d->kind) {
#if MI_ENABLE_FLOAT
    case MI_SIGMOID_TANH_FLOAT32:
        for (i = 0; i < d->count; i++) ((float *)y)[i] = f->float32(((const float *)x)[i]);
        break;
#endif
    case MI_SIGMOID_TANH_INT16:
        for (i = 0; i < d->count; i++)
            ((int16_t *)y)[i] = (int16_t)f->int16(((const int16_t *)x)[i], d->input_multiplier, d->input_left_shift);
        break;
    default:
        int8_invoke(d, (const int8_t *)x, (int8_t *)y, f->fixed_point, f->output_fraction_bits,
                    f->output_zero_point);
        break;
    }
}
