/* The one home of fixed-point arithmetic in the C port: a line-for-line twin
 * of src/microinterp/quant.py (same names with an mi_ prefix, same order).
 *
 * TFLM builds MultiplyByQuantizedMultiplier with *double rounding* (gemmlowp
 * SaturatingRoundingDoublingHighMul, then RoundingDivideByPOT); so do we.
 * Every int32 overflow that C++ TFLM leaves to two's-complement wrap-around is
 * written here as explicit unsigned arithmetic, so the results are defined
 * behaviour (UBSan-clean) and equal quant.py's _wrap_int32. */
#ifndef MI_QUANT_H
#define MI_QUANT_H

#include <stdint.h>

#include "mi_config.h"
#include "mi_status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MI_INT32_MIN (-2147483647 - 1)
#define MI_INT32_MAX 2147483647

/* Two's-complement wrap of a 64-bit value to int32 (quant.py _wrap_int32). */
int32_t mi_wrap_int32(int64_t x);

/* a + b wrapping around like numpy's int64 (the 16x8 kernels' bias add): a signed
 * overflow in C is undefined, so an int64 bias near the limits must not overflow. */
int64_t mi_wrap_add_i64(int64_t a, int64_t b);

/* C's std::round on doubles: halves go away from zero; saturates at +-2**62. */
int64_t mi_round_half_away(double x);

/* TFLM QuantizeMultiplier: real ~= multiplier * 2**(shift - 31).
 * MI_ERR_BAD_PARAM for a non-finite multiplier or shift > 30 (as quant.py). */
mi_status_t mi_quantize_multiplier(double real_multiplier, int32_t *quantized_multiplier, int32_t *shift);

/* Same mantissa; MI_ERR_BAD_PARAM unless shift >= 0. */
mi_status_t mi_quantize_multiplier_greater_than_one(double real_multiplier, int32_t *quantized_multiplier,
                                                    int32_t *shift);

/* QuantizeMultiplier without the shift > 30 refusal (softmax set-up). */
mi_status_t mi_quantize_multiplier_unbounded(double real_multiplier, int32_t *quantized_multiplier,
                                             int32_t *shift);

int32_t mi_saturating_rounding_doubling_high_mul(int32_t a, int32_t b);
/* RoundingDivideByPOT; exponents 32..63 as the x86-64 oracle computes them (quant.py). */
int32_t mi_rounding_divide_by_pot(int32_t x, int exponent);

/* TFLM MultiplyByQuantizedMultiplier(int32, int32, int): double rounding. */
int32_t mi_multiply_by_quantized_multiplier(int32_t x, int32_t quantized_multiplier, int shift);

/* The largest shift mi_multiply_by_quantized_multiplier_int64 takes: it shifts right by
 * 15 - shift after adding 1 << (14 - shift), a shift by a negative count (undefined) from
 * 15 on; TFLM only DCHECKs shift < 8. The 16x8 kernels refuse larger ones in prepare
 * (MI_ERR_BAD_PARAM). Python twin: quant.INT64_MULTIPLIER_MAX_SHIFT. */
#define MI_INT64_MULTIPLIER_MAX_SHIFT 14

/* The same function inline, for the kernels' per-output loops, for shifts in
 * [-31, 30] (what mi_quantize_multiplier produces; mi_quant.c's version also
 * takes the larger right shifts of MEAN's divided multipliers). Exact:
 * SaturatingRoundingDoublingHighMul is trunc((ab + nudge) / 2**31) with
 * nudge = 2**30 (ab >= 0) or 1 - 2**30 (ab < 0); for ab < 0 the truncation of
 * a negative quotient is floor((ab + 1 - 2**30 + 2**31 - 1) / 2**31), so in
 * both cases it is floor((ab + 2**30) / 2**31): one 64-bit add and an
 * arithmetic shift (SMULL, ADDS, ADC, and a funnel shift on a Cortex-M4). The
 * only overflow, a == b == INT32_MIN, saturates as in TFLM. shift is in
 * [-31, 30] (mi_quantize_multiplier). */
static inline int32_t mi_multiply_by_quantized_multiplier_inline(int32_t x, int32_t quantized_multiplier, int shift)
{
    int32_t high, mask, remainder, threshold;
    int right = shift > 0 ? 0 : -shift;
    if (shift > 0) {
        uint32_t u = (uint32_t)x << shift; /* two's-complement wrap, as mi_wrap_int32 */
        x = u >= 0x80000000u ? (int32_t)(u - 0x80000000u) + MI_INT32_MIN : (int32_t)u;
    }
    if (x == MI_INT32_MIN && quantized_multiplier == MI_INT32_MIN) high = MI_INT32_MAX;
    else high = (int32_t)(((int64_t)x * (int64_t)quantized_multiplier + ((int64_t)1 << 30)) >> 31);
    /* RoundingDivideByPOT(high, right) */
    mask = (int32_t)(((int64_t)1 << right) - 1);
    remainder = high & mask;
    threshold = (mask >> 1) + (high < 0 ? 1 : 0);
    return (high >> right) + (remainder > threshold ? 1 : 0);
}

/* TFLM MultiplyByQuantizedMultiplier(int64, int32, int) of the 16x8 kernels. */
int32_t mi_multiply_by_quantized_multiplier_int64(int64_t x, int32_t quantized_multiplier, int shift);

int32_t mi_multiply_by_quantized_multiplier_smaller_than_one_exp(int32_t x, int32_t quantized_multiplier,
                                                                 int left_shift);
int32_t mi_multiply_by_quantized_multiplier_greater_than_one(int32_t x, int32_t quantized_multiplier,
                                                             int left_shift);

/* ---- scale arithmetic in integers (mi_quant.c explains why each is exact): the
 * same IEEE-754 results as the double expressions named, with no floating-point
 * operation, so an int8 image links no soft-float helper for its prepare steps */

/* mi_quantize_multiplier(double(a) * double(b) / double(c)): the per-channel and
 * per-tensor output multipliers of CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED
 * (quant.py quantize_scale_ratio). */
mi_status_t mi_quantize_scale_ratio(float a, float b, float c, int32_t *quantized_multiplier, int32_t *shift);

/* mi_quantize_multiplier(r) for r = double(a) * 2**a_exp / (double(c) * 2**c_exp), refusing
 * (MI_ERR_UNSUPPORTED_TYPE: TFLM aborts) unless 0 < r < 1: ADD/SUB's general rescaling
 * (elementwise.py smaller_than_one_multiplier) */
mi_status_t mi_quantize_smaller_than_one_ratio(float a, int a_exp, float c, int c_exp,
                                               int32_t *quantized_multiplier, int32_t *shift);

/* a > b as IEEE floats compare (false for a NaN) */
int mi_float_greater(float a, float b);

/* double(a) * double(b) < 0 */
int mi_scale_product_negative(float a, float b);

/* TFLM GetQuantizedConvolutionMultipler's bias check as fully_connected.py computes it:
 * |double(s_in) * double(s_w) - double(s_bias)| / double(s_out) > 0.02 */
int mi_bias_scale_mismatch(float input_scale, float filter_scale, float bias_scale, float output_scale);

/* TF_LITE_ENSURE_NEAR in float32: |value - target| <= epsilon (false for a NaN) */
int mi_float_near(float value, float target, float epsilon);

/* the pooling kernels' scale check: double(float32 |a - b|) > 1e-6 (false for a NaN) */
int mi_scales_differ(float a, float b);

/* x == 0.0f (either sign) */
int mi_float_is_zero(float x);

/* the IEEE-754 bits of x (x == c for a nonzero, non-NaN constant c is bits(x) == bits(c)) */
uint32_t mi_float_bits(float x);

/* TFLM's activation-bound Quantize: zero_point + round(real / scale) in float32. */
int64_t mi_quantize_value(float real, float scale, int32_t zero_point);

/* TFLM CalculateActivationRangeQuantized: RELU, RELU6 and RELU_N1_TO_1 clamp,
 * any other activation gets the full [qmin, qmax]. MI_ERR_BAD_PARAM when a
 * bound's quotient is not finite (quant.py's int() refuses it too). */
mi_status_t mi_activation_range_quantized(int activation, int32_t qmin, int32_t qmax, float scale,
                                          int32_t zero_point, int32_t *act_min, int32_t *act_max);

/* TFLM CalculateActivationRange for float (full float32 range unless a clamp). */
mi_status_t mi_activation_range_float(int activation, float *act_min, float *act_max);

/* TFLM ActivationFunctionWithMinMax: min(max(x, lo), hi), NaN passes through. */
float mi_clamp_float(float x, float lo, float hi);

/* ---- gemmlowp fixed point (softmax) */
int32_t mi_saturating_rounding_multiply_by_pot(int32_t x, int exponent);
int32_t mi_rounding_half_sum(int32_t a, int32_t b);
int32_t mi_gemmlowp_exp_on_negative_values(int32_t a, int integer_bits);
int32_t mi_gemmlowp_one_over_one_plus_x_for_x_in_0_1(int32_t a);
int32_t mi_calculate_input_radius(int input_integer_bits, int input_left_shift, int total_signed_bits);
mi_status_t mi_preprocess_softmax_scaling(float beta, float input_scale, int input_integer_bits,
                                          int32_t *quantized_multiplier, int32_t *left_shift);
int mi_count_leading_zeros_u32(uint32_t x);

/* ---- gemmlowp logistic / tanh (LOGISTIC, TANH), Q0.31 raw results */
int32_t mi_gemmlowp_one_minus_x_over_one_plus_x_for_x_in_0_1(int32_t a);
int32_t mi_gemmlowp_logistic(int32_t a, int integer_bits);
int32_t mi_gemmlowp_tanh(int32_t a, int integer_bits);
int32_t mi_get_reciprocal(int32_t x, int x_integer_digits, int *num_bits_over_unit);

/* TFLM CountLeadingSignBits<int32_t> (gcc's __builtin_clrsb; 31 for 0). */
int mi_count_leading_sign_bits_i32(int32_t x);

/* C roundf (TFLM's TfLiteRound on float): half away from zero. */
float mi_roundf(float x);

/* ---- int16 lookup tables (int16 softmax) */
#define MI_INT16_LUT_ENTRIES 513

/* Two's-complement wrap to int16 (quant.py wrap_int16). */
int32_t mi_wrap_int16(int64_t x);

/* TFLM LUTPopulate<int16_t>, float flavour: the 513-entry interpolation table
 * of `transform` over the int16 input range, every step in float32 in TFLM's
 * order. `transform` must be the very function TFLM's lambda computes. */
void mi_lut_populate_int16(float (*transform)(float), float input_scale, int32_t input_zero_point,
                           float output_scale, int32_t output_zero_point, int16_t *table);

/* TFLM LUTLookup(int16_t, const int16_t*): top 9 bits pick the segment, the
 * low 7 bits interpolate (rounded, int16 wrap). `value` must be an int16. */
int32_t mi_lut_lookup_int16(int32_t value, const int16_t *lut);

/* ---- RSQRT */
/* TFLM GetInvSqrtQuantizedMultiplierExp on an int32 x >= 0: 1/sqrt(x) ~=
 * multiplier * 2**(shift - 31) for reverse_shift -1; x <= 1 gives
 * (INT32_MAX, 0). */
void mi_inv_sqrt_quantized_multiplier_exp(int32_t x, int reverse_shift, int32_t *multiplier, int32_t *shift);

/* TFLM reference_integer_ops::Logistic / Tanh for int16 (Q0.15 out) on one
 * value: the shared sigmoid table, interpolated; a multiplier of 0 means the
 * power-of-two input scale (3 << shift). */
int32_t mi_lut_logistic_int16(int32_t x, int32_t input_multiplier, int input_left_shift);
int32_t mi_lut_tanh_int16(int32_t x, int32_t input_multiplier, int input_left_shift);

/* TFLM CheckedLog2 in float32 with the C library's logf: whether x is a
 * power of two (within 1e-3 in log2) and the rounded log2. MI_ERR_BAD_PARAM
 * for x <= 0 or infinite (quant.py raises there). */
mi_status_t mi_checked_log2(float x, int *is_pot, int32_t *log2_rounded);

/* gemmlowp log(x) for FixedPoint<int32, input_integer_bits> raw x >= 1 (TFLM
 * log_x_for_x_greater_than_or_equal_to_1, LOG_SOFTMAX): raw result with
 * output_integer_bits integer bits. */
int32_t mi_gemmlowp_log_x_for_x_greater_than_or_equal_to_1(int32_t a, int output_integer_bits,
                                                           int input_integer_bits);

/* ---- int16 fixed point (HARD_SWISH), on values held in int64 as quant.py does */
/* gemmlowp SaturatingRoundingDoublingHighMul(int16, int16) */
int32_t mi_saturating_rounding_doubling_high_mul_int16(int64_t a, int64_t b);
/* TFLM's truncating SaturatingDoublingHighMul (hard_swish.h) */
int32_t mi_saturating_doubling_high_mul_int16(int64_t a, int64_t b);
/* gemmlowp RoundingDivideByPOT for int16_t: the int16 mask is -1 for exponents >= 16 */
int32_t mi_rounding_divide_by_pot_int16(int64_t x, int exponent);
/* TFLM SaturatingLeftShift (hard_swish.h): x * 2**amount clamped to int16 */
int32_t mi_saturating_left_shift_int16(int64_t x, int amount);
/* TFLM DownScaleInt32ToInt16Multiplier: round a Q31 multiplier to Q15 */
int32_t mi_downscale_int32_to_int16_multiplier(int32_t multiplier);

/* ---- op-specific set-up */
/* TFLM PreprocessLogSoftmaxScalingExp (double rounding): the input multiplier of
 * beta * scale * 2**(31 - bits) (capped at 2**31 - 1, must exceed 1) and the
 * reverse scaling divisor 2**(31 - shift) / multiplier (must lie in (0, 1));
 * MI_ERR_BAD_PARAM where TFLM's checks abort (quant.py raises). */
mi_status_t mi_preprocess_log_softmax_scaling_exp(double beta, double input_scale, int input_integer_bits,
                                                  int32_t *input_multiplier, int32_t *input_left_shift,
                                                  int32_t *reverse_scaling_divisor,
                                                  int32_t *reverse_scaling_left_shift);
/* quant.py mean_multiplier: fold MEAN's division by num_elements (> 0) into the
 * multiplier as TFLM's QuantizedMeanOrSum does (shift up by s = min(floor(log2
 * n), 32, 31 + shift), floor-divide by n, lower the shift by s). */
void mi_mean_multiplier(int32_t multiplier, int32_t shift, int32_t num_elements, int32_t *out_multiplier,
                        int32_t *out_shift);

#ifdef __cplusplus
}
#endif

#endif /* MI_QUANT_H */
