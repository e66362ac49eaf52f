/* Fixed-point arithmetic: line-for-line twin of src/microinterp/quant.py.
 * See mi_quant.h for why the wrap-arounds are spelled out. */
#include "mi/mi_quant.h"

#include <float.h>
#include <math.h>

#include "mi/mi_model.h"

int32_t mi_wrap_int32(int64_t x)
{
    uint32_t u = (uint32_t)(uint64_t)x;
    return u >= 0x80000000u ? (int32_t)(u - 0x80000000u) + MI_INT32_MIN : (int32_t)u;
}

static int is_finite(double x) { return x - x == 0.0; }

int64_t mi_round_half_away(double x)
{
    double r;
    if (!is_finite(x)) return 0;
    r = floor(fabs(x) + 0.5);
    if (r > 4611686018427387904.0) r = 4611686018427387904.0; /* 2**62 */
    return x < 0 ? -(int64_t)r : (int64_t)r;
}

mi_status_t mi_quantize_multiplier_unbounded(double real_multiplier, int32_t *quantized_multiplier,
                                             int32_t *shift)
{
    int exponent = 0;
    double q;
    int64_t q_fixed;
    *quantized_multiplier = 0;
    *shift = 0;
    if (real_multiplier == 0.0) return MI_OK;
    if (!is_finite(real_multiplier)) return MI_ERR_BAD_PARAM;
    q = frexp(real_multiplier, &exponent);
    q_fixed = mi_round_half_away(q * 2147483648.0);
    if (q_fixed == ((int64_t)1 << 31)) {
        q_fixed /= 2;
        exponent += 1;
    }
    if (exponent < -31) return MI_OK;
    *quantized_multiplier = (int32_t)q_fixed;
    *shift = exponent;
    return MI_OK;
}

mi_status_t mi_quantize_multiplier(double real_multiplier, int32_t *quantized_multiplier, int32_t *shift)
{
    mi_status_t s = mi_quantize_multiplier_unbounded(real_multiplier, quantized_multiplier, shift);
    if (s != MI_OK) return s;
    if (*shift > 30) { /* TFLM would overflow later */
        *quantized_multiplier = 0;
        *shift = 0;
        return MI_ERR_BAD_PARAM;
    }
    return MI_OK;
}

mi_status_t mi_quantize_multiplier_greater_than_one(double real_multiplier, int32_t *quantized_multiplier,
                                                    int32_t *shift)
{
    mi_status_t s = mi_quantize_multiplier(real_multiplier, quantized_multiplier, shift);
    if (s != MI_OK) return s;
    if (*shift < 0) {
        *quantized_multiplier = 0;
        *shift = 0;
        return MI_ERR_BAD_PARAM;
    }
    return MI_OK;
}

int32_t mi_saturating_rounding_doubling_high_mul(int32_t a, int32_t b)
{
    int overflow = a == b && a == MI_INT32_MIN;
    int64_t ab = (int64_t)a * (int64_t)b;
    int64_t nudge = ab >= 0 ? ((int64_t)1 << 30) : (1 - ((int64_t)1 << 30));
    int64_t high = (ab + nudge) / ((int64_t)1 << 31); /* C division truncates toward zero */
    return overflow ? MI_INT32_MAX : (int32_t)high;
}

int32_t mi_rounding_divide_by_pot(int32_t x, int exponent)
{
    int32_t mask = (int32_t)(((int64_t)1 << exponent) - 1);
    int32_t remainder = x & mask;
    int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

int32_t mi_multiply_by_quantized_multiplier(int32_t x, int32_t quantized_multiplier, int shift)
{
    /* mi_saturating_rounding_doubling_high_mul then mi_rounding_divide_by_pot,
     * written out in mi_quant.h (see there why the single shift is exact) */
    return mi_multiply_by_quantized_multiplier_inline(x, quantized_multiplier, shift);
}

int32_t mi_multiply_by_quantized_multiplier_int64(int64_t x, int32_t quantized_multiplier, int shift)
{
    int64_t reduced = quantized_multiplier < 0x7FFF0000 ? ((int64_t)quantized_multiplier + (1 << 15)) >> 16
                                                        : 0x7FFF;
    int total_shift = 15 - shift;
    /* int64 products wrap in quant.py (numpy) as in TFLM's build: unsigned here */
    uint64_t acc = (uint64_t)x * (uint64_t)reduced + ((uint64_t)1 << (total_shift - 1));
    int64_t result = (acc >= 0x8000000000000000ull)
                         ? (int64_t)(acc - 0x8000000000000000ull) - 0x7FFFFFFFFFFFFFFFll - 1
                         : (int64_t)acc;
    return mi_wrap_int32(result >> total_shift);
}

int32_t mi_multiply_by_quantized_multiplier_smaller_than_one_exp(int32_t x, int32_t quantized_multiplier,
                                                                 int left_shift)
{
    return mi_rounding_divide_by_pot(mi_saturating_rounding_doubling_high_mul(x, quantized_multiplier),
                                     -left_shift);
}

int32_t mi_multiply_by_quantized_multiplier_greater_than_one(int32_t x, int32_t quantized_multiplier,
                                                             int left_shift)
{
    return mi_saturating_rounding_doubling_high_mul(
        mi_wrap_int32((int64_t)((uint64_t)(uint32_t)x << left_shift)), quantized_multiplier);
}

/* ------------------------------------------------------------------ activations */

int64_t mi_quantize_value(float real, float scale, int32_t zero_point)
{
    float q = real / scale; /* float32 division, as TFLM */
    return (int64_t)zero_point + mi_round_half_away((double)q);
}

/* quantize_value, refusing what quant.py's int() refuses (inf, nan). */
static mi_status_t quantize_checked(float real, float scale, int32_t zero_point, int64_t *out)
{
    float q = real / scale;
    if (!is_finite((double)q)) return MI_ERR_BAD_PARAM;
    *out = mi_quantize_value(real, scale, zero_point);
    return MI_OK;
}

mi_status_t mi_activation_range_quantized(int activation, int32_t qmin, int32_t qmax, float scale,
                                          int32_t zero_point, int32_t *act_min, int32_t *act_max)
{
    int64_t lo = qmin, hi = qmax, a, b;
    mi_status_t s;
    if (activation == MI_ACT_RELU) {
        if ((s = quantize_checked(0.0f, scale, zero_point, &a)) != MI_OK) return s;
        lo = a > qmin ? a : qmin;
    } else if (activation == MI_ACT_RELU6) {
        if ((s = quantize_checked(0.0f, scale, zero_point, &a)) != MI_OK) return s;
        if ((s = quantize_checked(6.0f, scale, zero_point, &b)) != MI_OK) return s;
        lo = a > qmin ? a : qmin;
        hi = b < qmax ? b : qmax;
    } else if (activation == MI_ACT_RELU_N1_TO_1) {
        if ((s = quantize_checked(-1.0f, scale, zero_point, &a)) != MI_OK) return s;
        if ((s = quantize_checked(1.0f, scale, zero_point, &b)) != MI_OK) return s;
        lo = a > qmin ? a : qmin;
        hi = b < qmax ? b : qmax;
    } /* NONE, TANH, SIGN_BIT: the full range, as TFLM (which does not clamp them) */
    /* bounds may cross (e.g. RELU with a zero point above qmax); kernels clamp
     * with max-then-min exactly as quant.py, so keep them as computed */
    *act_min = (int32_t)(lo < MI_INT32_MIN ? MI_INT32_MIN : lo > MI_INT32_MAX ? MI_INT32_MAX : lo);
    *act_max = (int32_t)(hi < MI_INT32_MIN ? MI_INT32_MIN : hi > MI_INT32_MAX ? MI_INT32_MAX : hi);
    return MI_OK;
}

mi_status_t mi_activation_range_float(int activation, float *act_min, float *act_max)
{
    switch (activation) {
    case MI_ACT_NONE: *act_min = -FLT_MAX; *act_max = FLT_MAX; return MI_OK;
    case MI_ACT_RELU: *act_min = 0.0f; *act_max = FLT_MAX; return MI_OK;
    case MI_ACT_RELU6: *act_min = 0.0f; *act_max = 6.0f; return MI_OK;
    case MI_ACT_RELU_N1_TO_1: *act_min = -1.0f; *act_max = 1.0f; return MI_OK;
    default: *act_min = -FLT_MAX; *act_max = FLT_MAX; return MI_OK; /* NONE, TANH, SIGN_BIT */
    }
}

float mi_clamp_float(float x, float lo, float hi)
{
    float y = x < lo ? lo : x;
    return hi < y ? hi : y;
}

/* ------------------------------------------------------------------ gemmlowp fixed point */

int32_t mi_saturating_rounding_multiply_by_pot(int32_t x, int exponent)
{
    int32_t threshold;
    if (exponent == 0) return x;
    if (exponent < 0) return mi_rounding_divide_by_pot(x, -exponent);
    threshold = (int32_t)(((int64_t)1 << (31 - exponent)) - 1);
    if (x > threshold) return MI_INT32_MAX;
    if (x < -threshold) return MI_INT32_MIN;
    return (int32_t)((int64_t)x * ((int64_t)1 << exponent));
}

int32_t mi_rounding_half_sum(int32_t a, int32_t b)
{
    int64_t s = (int64_t)a + (int64_t)b;
    int64_t t = s + (s >= 0 ? 1 : -1);
    return (int32_t)(t / 2); /* C division truncates */
}

static int32_t fx_mul(int32_t a, int32_t b) { return mi_saturating_rounding_doubling_high_mul(a, b); }

static int32_t exp_on_interval_between_negative_one_quarter_and_0_excl(int32_t a)
{
    const int32_t constant_term = 1895147668; /* exp(-1/8) */
    const int32_t constant_1_over_3 = 715827883;
    int32_t x = mi_wrap_int32((int64_t)a + (1 << 28)); /* a + 1/8 */
    int32_t x2 = fx_mul(x, x);
    int32_t x3 = fx_mul(x2, x);
    int32_t x4 = fx_mul(x2, x2);
    int32_t x4_over_4 = mi_saturating_rounding_multiply_by_pot(x4, -2);
    int32_t poly = mi_saturating_rounding_multiply_by_pot(
        mi_wrap_int32((int64_t)fx_mul(mi_wrap_int32((int64_t)x4_over_4 + x3), constant_1_over_3) + x2), -1);
    return mi_wrap_int32((int64_t)constant_term + fx_mul(constant_term, mi_wrap_int32((int64_t)x + poly)));
}

/* (exponent, Q0.31 of exp(-2**exponent)) for gemmlowp's barrel shifter */
static const int32_t exp_barrel[7][2] = {
    {-2, 1672461947}, {-1, 1302514674}, {0, 790015084}, {1, 290630308}, {2, 39332535}, {3, 720401}, {4, 242},
};

int32_t mi_gemmlowp_exp_on_negative_values(int32_t a, int integer_bits)
{
    int frac = 31 - integer_bits;
    int32_t one_quarter = (int32_t)1 << (frac - 2);
    int32_t a_mod_quarter_minus_one_quarter = mi_wrap_int32((int64_t)(a & (one_quarter - 1)) - one_quarter);
    int32_t result = exp_on_interval_between_negative_one_quarter_and_0_excl(
        mi_saturating_rounding_multiply_by_pot(a_mod_quarter_minus_one_quarter, integer_bits));
    int32_t remainder = mi_wrap_int32((int64_t)a_mod_quarter_minus_one_quarter - a);
    int k;
    for (k = 0; k < 7; k++) {
        int exponent = exp_barrel[k][0];
        if (integer_bits > exponent) {
            int32_t bit = (int32_t)1 << (frac + exponent);
            if (remainder & bit) result = fx_mul(result, exp_barrel[k][1]);
        }
    }
    if (integer_bits > 5) {
        int32_t clamp = -((int32_t)1 << (36 - integer_bits));
        if (a < clamp) result = 0;
    }
    return a == 0 ? MI_INT32_MAX : result;
}

/* Shared Newton-Raphson core of gemmlowp's 1/(1+x): Q2.29 of 1/half_denominator. */
static int32_t newton_raphson_reciprocal_half(int32_t half_denominator)
{
    int32_t x = mi_wrap_int32((int64_t)1515870810 + fx_mul(half_denominator, -1010580540));
    const int32_t one_f2 = (int32_t)1 << 29;
    int i;
    for (i = 0; i < 3; i++) {
        int32_t half_denominator_times_x = fx_mul(half_denominator, x);
        int32_t one_minus = mi_wrap_int32((int64_t)one_f2 - half_denominator_times_x);
        x = mi_wrap_int32((int64_t)x + mi_saturating_rounding_multiply_by_pot(fx_mul(x, one_minus), 2));
    }
    return x;
}

int32_t mi_gemmlowp_one_over_one_plus_x_for_x_in_0_1(int32_t a)
{
    int32_t x = newton_raphson_reciprocal_half(mi_rounding_half_sum(a, MI_INT32_MAX));
    return mi_saturating_rounding_multiply_by_pot(x, 1);
}

int32_t mi_calculate_input_radius(int input_integer_bits, int input_left_shift, int total_signed_bits)
{
    double max_input_rescaled = (double)((1 << input_integer_bits) - 1) *
                                (double)((int64_t)1 << (total_signed_bits - input_integer_bits));
    return (int32_t)floor(max_input_rescaled / (double)((int64_t)1 << input_left_shift));
}

mi_status_t mi_preprocess_softmax_scaling(double beta, double input_scale, int input_integer_bits,
                                          int32_t *quantized_multiplier, int32_t *left_shift)
{
    double real = beta * input_scale * (double)((int64_t)1 << (31 - input_integer_bits));
    double cap = 2147483647.0;
    return mi_quantize_multiplier_unbounded(real < cap ? real : cap, quantized_multiplier, left_shift);
}

int mi_count_leading_zeros_u32(uint32_t x)
{
    int n = 0;
    if (x == 0) return 32;
    while (!(x & 0x80000000u)) {
        x <<= 1;
        n++;
    }
    return n;
}

int32_t mi_get_reciprocal(int32_t x, int x_integer_digits, int *num_bits_over_unit)
{
    int headroom_plus_one = mi_count_leading_zeros_u32((uint32_t)x);
    uint32_t shifted = headroom_plus_one >= 32 ? 0u : (uint32_t)x << headroom_plus_one;
    int32_t shifted_sum_minus_one = mi_wrap_int32((int64_t)shifted - (int64_t)0x80000000u);
    *num_bits_over_unit = x_integer_digits - headroom_plus_one;
    return mi_gemmlowp_one_over_one_plus_x_for_x_in_0_1(shifted_sum_minus_one);
}

float mi_roundf(float x)
{
    double f = (double)x;
    return (float)copysign(floor(fabs(f) + 0.5), f);
}

/* ------------------------------------------------------------------ int16 lookup tables */

int32_t mi_wrap_int16(int64_t x)
{
    uint32_t u = (uint32_t)(uint64_t)x & 0xFFFFu;
    return u >= 0x8000u ? (int32_t)u - 0x10000 : (int32_t)u;
}

static int16_t clamp_table_value(float v)
{
    v = v > -32768.0f ? v : -32768.0f; /* np.maximum, then np.minimum */
    v = v < 32767.0f ? v : 32767.0f;
    return (int16_t)v;
}

void mi_lut_populate_int16(float (*transform)(float), float input_scale, int32_t input_zero_point,
                           float output_scale, int32_t output_zero_point, int16_t *table)
{
    const float input_min = input_scale * (float)(-32768 - input_zero_point);
    const float input_max = input_scale * (float)(32767 - input_zero_point);
    const float output_min = output_scale * (float)(-32768 - output_zero_point);
    const float output_max = output_scale * (float)(32767 - output_zero_point);
    const float step = (input_max - input_min) / 512.0f;
    const float half_step = step / 2.0f;
    const float scaling_inv = 65536.0f / (output_max - output_min);
    int i;
    for (i = 0; i < 512; i++) {
        const float fi = (float)i;
        const float at_i = input_min + fi * step;
        const float val = transform(at_i);
        const float val_midpoint = transform(at_i + half_step);
        const float val_next = transform(input_min + (fi + 1.0f) * step);
        const float sample_val = mi_roundf(val * scaling_inv);
        const float midpoint_interp_val = mi_roundf((val_next * scaling_inv + mi_roundf(val * scaling_inv)) / 2.0f);
        const float midpoint_val = mi_roundf(val_midpoint * scaling_inv);
        const float bias = mi_roundf((midpoint_interp_val - midpoint_val) / 2.0f);
        table[i] = clamp_table_value(sample_val - bias);
    }
    table[512] = clamp_table_value(mi_roundf(transform(input_max) * scaling_inv));
}

int32_t mi_lut_lookup_int16(int32_t value, const int16_t *lut)
{
    const int32_t index = 256 + (value >> 7);
    const int32_t base = lut[index];
    const int32_t slope = mi_wrap_int16((int64_t)lut[index + 1] - base);
    const int32_t delta = (slope * (value & 0x7F) + 64) >> 7;
    return mi_wrap_int16((int64_t)base + delta);
}
