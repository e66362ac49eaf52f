/* Drives mi_quant.c from stdin so tests/firmware/test_fw_quant.py can compare
 * every function with quant.py on the same edge values. One call per line:
 * a function name and its arguments (floats and doubles as hex bit patterns,
 * so nothing is lost in decimal); prints one result line per call. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mi/mi_model.h"
#include "mi/mi_quant.h"

static double as_double(const char *hex)
{
    uint64_t bits = strtoull(hex, NULL, 16);
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}

static float as_float(const char *hex)
{
    uint32_t bits = (uint32_t)strtoul(hex, NULL, 16);
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

static uint32_t float_bits(float f)
{
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    return bits;
}

/* the int16 softmax tables, as mi_softmax.c builds them */
static float exp_transform(float v) { return expf(v); }
static float recip_transform(float v) { return 1.0f / (1.0f + v); }
static int16_t exp_lut[MI_INT16_LUT_ENTRIES], recip_lut[MI_INT16_LUT_ENTRIES];

int main(void)
{
    const float value_range = 65535.0f;
    mi_lut_populate_int16(exp_transform, 10.0f / value_range, 32767, 2.0f / value_range, 0, exp_lut);
    mi_lut_populate_int16(recip_transform, 1.0f / value_range, -32768, 2.0f / value_range, 0, recip_lut);
    char line[512];
    while (fgets(line, sizeof line, stdin)) {
        char fn[32], a[64], b[64], c[64], d[64], e[64];
        int n = sscanf(line, "%31s %63s %63s %63s %63s %63s", fn, a, b, c, d, e);
        if (n <= 0) continue;
        if (!strcmp(fn, "quantize_multiplier")) {
            int32_t m, s;
            mi_status_t st = mi_quantize_multiplier(as_double(a), &m, &s);
            printf("%d %" PRId32 " %" PRId32 "\n", st == MI_OK ? 0 : 1, m, s);
        } else if (!strcmp(fn, "quantize_multiplier_unbounded")) {
            int32_t m, s;
            mi_status_t st = mi_quantize_multiplier_unbounded(as_double(a), &m, &s);
            printf("%d %" PRId32 " %" PRId32 "\n", st == MI_OK ? 0 : 1, m, s);
        } else if (!strcmp(fn, "srdhm")) {
            printf("%" PRId32 "\n", mi_saturating_rounding_doubling_high_mul((int32_t)atol(a), (int32_t)atol(b)));
        } else if (!strcmp(fn, "rdbpot")) {
            printf("%" PRId32 "\n", mi_rounding_divide_by_pot((int32_t)atol(a), atoi(b)));
        } else if (!strcmp(fn, "mbqm")) {
            printf("%" PRId32 "\n", mi_multiply_by_quantized_multiplier((int32_t)atol(a), (int32_t)atol(b), atoi(c)));
        } else if (!strcmp(fn, "mbqm64")) {
            printf("%" PRId32 "\n",
                   mi_multiply_by_quantized_multiplier_int64((int64_t)atoll(a), (int32_t)atol(b), atoi(c)));
        } else if (!strcmp(fn, "mbqm_lt1")) {
            printf("%" PRId32 "\n", mi_multiply_by_quantized_multiplier_smaller_than_one_exp((int32_t)atol(a),
                                                                                            (int32_t)atol(b), atoi(c)));
        } else if (!strcmp(fn, "mbqm_gt1")) {
            printf("%" PRId32 "\n", mi_multiply_by_quantized_multiplier_greater_than_one((int32_t)atol(a),
                                                                                        (int32_t)atol(b), atoi(c)));
        } else if (!strcmp(fn, "quantize_value")) {
            printf("%" PRId64 "\n", mi_quantize_value(as_float(a), as_float(b), (int32_t)atol(c)));
        } else if (!strcmp(fn, "activation_range_quantized")) {
            int32_t lo = 0, hi = 0;
            mi_status_t st = mi_activation_range_quantized(atoi(a), (int32_t)atol(b), (int32_t)atol(c), as_float(d),
                                                           (int32_t)atol(e), &lo, &hi);
            printf("%d %" PRId32 " %" PRId32 "\n", st == MI_OK ? 0 : 1, lo, hi);
        } else if (!strcmp(fn, "activation_range_float")) {
            float lo = 0, hi = 0;
            mi_status_t st = mi_activation_range_float(atoi(a), &lo, &hi);
            printf("%d %08" PRIx32 " %08" PRIx32 "\n", st == MI_OK ? 0 : 1, float_bits(lo), float_bits(hi));
        } else if (!strcmp(fn, "clamp_float")) {
            printf("%08" PRIx32 "\n", float_bits(mi_clamp_float(as_float(a), as_float(b), as_float(c))));
        } else if (!strcmp(fn, "srmbpot")) {
            printf("%" PRId32 "\n", mi_saturating_rounding_multiply_by_pot((int32_t)atol(a), atoi(b)));
        } else if (!strcmp(fn, "rounding_half_sum")) {
            printf("%" PRId32 "\n", mi_rounding_half_sum((int32_t)atol(a), (int32_t)atol(b)));
        } else if (!strcmp(fn, "exp_on_negative_values")) {
            printf("%" PRId32 "\n", mi_gemmlowp_exp_on_negative_values((int32_t)atol(a), atoi(b)));
        } else if (!strcmp(fn, "one_over_one_plus_x")) {
            printf("%" PRId32 "\n", mi_gemmlowp_one_over_one_plus_x_for_x_in_0_1((int32_t)atol(a)));
        } else if (!strcmp(fn, "calculate_input_radius")) {
            printf("%" PRId32 "\n", mi_calculate_input_radius(atoi(a), atoi(b), atoi(c)));
        } else if (!strcmp(fn, "preprocess_softmax_scaling")) {
            int32_t m, s;
            mi_status_t st = mi_preprocess_softmax_scaling(as_float(a), as_float(b), atoi(c), &m, &s);
            printf("%d %" PRId32 " %" PRId32 "\n", st == MI_OK ? 0 : 1, m, s);
        } else if (!strcmp(fn, "quantize_scale_ratio")) {
            int32_t m, s;
            mi_status_t st = mi_quantize_scale_ratio(as_float(a), as_float(b), as_float(c), &m, &s);
            printf("%d %" PRId32 " %" PRId32 "\n", st == MI_OK ? 0 : 1, m, s);
        } else if (!strcmp(fn, "smaller_than_one_ratio")) {
            int32_t m, s;
            mi_status_t st = mi_quantize_smaller_than_one_ratio(as_float(a), atoi(b), as_float(c), atoi(d), &m, &s);
            printf("%d %" PRId32 " %" PRId32 "\n", st == MI_OK ? 0 : 1, m, s);
        } else if (!strcmp(fn, "float_greater")) {
            printf("%d\n", mi_float_greater(as_float(a), as_float(b)));
        } else if (!strcmp(fn, "scale_checks")) { /* product_negative bias_mismatch near(a, b, c) differ(a, b) */
            printf("%d %d %d %d\n", mi_scale_product_negative(as_float(a), as_float(b)),
                   mi_bias_scale_mismatch(as_float(a), as_float(b), as_float(c), as_float(d)),
                   mi_float_near(as_float(a), as_float(b), as_float(c)), mi_scales_differ(as_float(a), as_float(b)));
        } else if (!strcmp(fn, "clz")) {
            printf("%d\n", mi_count_leading_zeros_u32((uint32_t)strtoul(a, NULL, 10)));
        } else if (!strcmp(fn, "get_reciprocal")) {
            int bits;
            int32_t r = mi_get_reciprocal((int32_t)atol(a), atoi(b), &bits);
            printf("%" PRId32 " %d\n", r, bits);
        } else if (!strcmp(fn, "clrsb")) {
            printf("%d\n", mi_count_leading_sign_bits_i32((int32_t)atol(a)));
        } else if (!strcmp(fn, "inv_sqrt")) {
            int32_t m, s;
            mi_inv_sqrt_quantized_multiplier_exp((int32_t)atol(a), atoi(b), &m, &s);
            printf("%" PRId32 " %" PRId32 "\n", m, s);
        } else if (!strcmp(fn, "roundf")) {
            printf("%08" PRIx32 "\n", float_bits(mi_roundf(as_float(a))));
        } else if (!strcmp(fn, "round_half_away")) {
            printf("%" PRId64 "\n", mi_round_half_away(as_double(a)));
        } else if (!strcmp(fn, "lut_table")) {
            const int16_t *t = !strcmp(a, "exp") ? exp_lut : recip_lut;
            int i;
            for (i = 0; i < MI_INT16_LUT_ENTRIES; i++) printf("%d%c", t[i], i + 1 < MI_INT16_LUT_ENTRIES ? ' ' : '\n');
        } else if (!strcmp(fn, "lut_lookup")) {
            printf("%" PRId32 "\n", mi_lut_lookup_int16((int32_t)atol(b), !strcmp(a, "exp") ? exp_lut : recip_lut));
        } else if (!strcmp(fn, "logistic")) {
            printf("%" PRId32 "\n", mi_gemmlowp_logistic((int32_t)atol(a), atoi(b)));
        } else if (!strcmp(fn, "tanh")) {
            printf("%" PRId32 "\n", mi_gemmlowp_tanh((int32_t)atol(a), atoi(b)));
        } else if (!strcmp(fn, "one_minus_x_over_one_plus_x")) {
            printf("%" PRId32 "\n", mi_gemmlowp_one_minus_x_over_one_plus_x_for_x_in_0_1((int32_t)atol(a)));
        } else if (!strcmp(fn, "lut_logistic")) {
            printf("%" PRId32 "\n", mi_lut_logistic_int16((int32_t)atol(a), (int32_t)atol(b), atoi(c)));
        } else if (!strcmp(fn, "lut_tanh")) {
            printf("%" PRId32 "\n", mi_lut_tanh_int16((int32_t)atol(a), (int32_t)atol(b), atoi(c)));
        } else if (!strcmp(fn, "checked_log2")) {
            int pot;
            int32_t log2;
            mi_status_t st = mi_checked_log2(as_float(a), &pot, &log2);
            printf("%d %d %" PRId32 "\n", st == MI_OK ? 0 : 1, pot, log2);
        } else if (!strcmp(fn, "mean_multiplier")) {
            int32_t m, s;
            mi_mean_multiplier((int32_t)atol(a), (int32_t)atol(b), (int32_t)atol(c), &m, &s);
            printf("%" PRId32 " %" PRId32 "\n", m, s);
        } else if (!strcmp(fn, "log_x")) {
            printf("%" PRId32 "\n", mi_gemmlowp_log_x_for_x_greater_than_or_equal_to_1((int32_t)atol(a), atoi(b), atoi(c)));
        } else if (!strcmp(fn, "preprocess_log_softmax")) {
            int32_t m, s, rm, rs;
            if (mi_preprocess_log_softmax_scaling_exp(1.0, as_double(a), 5, &m, &s, &rm, &rs) == MI_OK)
                printf("0 %" PRId32 " %" PRId32 " %" PRId32 " %" PRId32 "\n", m, s, rm, rs);
            else
                printf("1\n");
        } else if (!strcmp(fn, "wrap_int16")) {
            printf("%" PRId32 "\n", mi_wrap_int16((int64_t)atoll(a)));
        } else {
            printf("unknown %s\n", fn);
        }
    }
    return 0;
}
