/* SOFTMAX (TFLM: kernels/softmax.cc + softmax_common.cc, reference
 * reference_ops::Softmax; Python twin: kernels/softmax.py), over the last
 * dimension:
 *   float32: max (NaN-ignoring std::max), expf((x - max) * beta) through the C
 *     library's expf, a sequential float32 sum, then e / sum;
 *   int8 -> int8 (output scale exactly 1/256, zero point -128) and int8 ->
 *     int16 (scale ~1/65536, zero point -32768): gemmlowp fixed point; the
 *     difference to the row maximum is rescaled into Q5.26, differences below
 *     diff_min contribute nothing, exps are summed in Q12.19 and inverted with
 *     GetReciprocal (all in mi_quant.c).
 *   int16 -> int16 (zero points 0, output scale ~1/32768): TFLM's two
 *     513-entry tables (exp on [-10, 0] and 1/(1+x) on [0, 1]) built in prepare
 *     with TFLM's float32 LUTPopulate, in the arena's tail.
 * A row whose sum needs a shift outside [0, 31] (TFLM aborts there) fails
 * invoke with MI_ERR_BAD_PARAM, as softmax.py raises. */
#include <float.h>
#include <math.h>

#include "mi_kernel_util.h"

#define INPUT 0
#define OUTPUT 0

#define SCALED_DIFF_INTEGER_BITS 5
#define ACCUMULATION_INTEGER_BITS 12

enum { KIND_FLOAT32 = 0, KIND_INT8 = 1, KIND_INT16 = 2 };

/* op data layout (kernels/softmax.py MEMORY): 2 pointers, 9 words, 1 byte */
typedef struct op_data {
    int16_t *exp_lut; /* int16 path: MI_INT16_LUT_ENTRIES each */
    int16_t *one_over_one_plus_x_lut;
    int32_t depth, rows;
    int32_t input_multiplier, input_left_shift, diff_min;
    int32_t out_bits, out_min, out_max;
    float beta;
    uint8_t kind;
} op_data_t;

/* softmax.py _near: TF_LITE_ENSURE_NEAR in float32 (computed in integers) */
#define near mi_float_near

#if MI_ENABLE_INT16 && MI_ENABLE_FLOAT
/* TFLM's lambdas of InitializeLutForInt16, as softmax.py _int16_luts */
static float exp_transform(float v) { return expf(v); }
static float one_over_one_plus_x_transform(float v) { return 1.0f / (1.0f + v); }
#endif

MI_COLD static mi_status_t prepare_int16(mi_context_t *ctx, op_data_t *d, const mi_tensor_info_t *in, float out_scale,
                                 int32_t out_zp)
{
#if MI_ENABLE_INT16 && MI_ENABLE_FLOAT
    const float value_range = 65535.0f; /* int16 max - int16 min, as a float */
    if (mi_zero_point0(ctx, in) != 0 || out_zp != 0) return MI_ERR_BAD_PARAM;
    if (!near(out_scale, 1.0f / 32768.0f, 0.001f / 32768.0f)) return MI_ERR_BAD_PARAM;
    d->kind = KIND_INT16;
    d->out_min = -32768;
    d->out_max = 32767;
    MI_TRY(mi_quantize_multiplier((double)mi_scale0(ctx, in) * (double)d->beta / (10.0 / 65535.0),
                                  &d->input_multiplier, &d->input_left_shift));
    d->exp_lut = (int16_t *)mi_alloc_persistent(ctx, MI_INT16_LUT_ENTRIES * sizeof(int16_t));
    d->one_over_one_plus_x_lut = (int16_t *)mi_alloc_persistent(ctx, MI_INT16_LUT_ENTRIES * sizeof(int16_t));
    if (!d->exp_lut || !d->one_over_one_plus_x_lut) return MI_ERR_ARENA_TOO_SMALL;
    mi_lut_populate_int16(exp_transform, 10.0f / value_range, 32767, 2.0f / value_range, 0, d->exp_lut);
    mi_lut_populate_int16(one_over_one_plus_x_transform, 1.0f / value_range, -32768, 2.0f / value_range, 0,
                          d->one_over_one_plus_x_lut);
    return MI_OK;
#else
    (void)ctx; (void)d; (void)in; (void)out_scale; (void)out_zp;
    return MI_ERR_UNSUPPORTED_TYPE;
#endif
}

MI_COLD static mi_status_t prepare(mi_context_t *ctx, mi_node_t *node, const mi_options_t *options)
{
    op_data_t *d = (op_data_t *)node->op_data;
    mi_tensor_info_t in, out;
    uint32_t i;
    float out_scale;
    int32_t out_zp;
    if (mi_node_num_inputs(node) != 1 || mi_node_num_outputs(node) != 1) return MI_ERR_BAD_PARAM;
    MI_TRY(mi_node_input_info(ctx, node, INPUT, &in));
    MI_TRY(mi_node_output_info(ctx, node, OUTPUT, &out));
    if (in.rank < 1 || in.rank != out.rank) return MI_ERR_BAD_PARAM;
    for (i = 0; i < in.rank; i++)
        if (in.dims[i] != out.dims[i]) return MI_ERR_BAD_PARAM;
    d->beta = options->softmax.beta;
    d->depth = in.dims[in.rank - 1];
    d->rows = d->depth ? (int32_t)(in.count / (uint32_t)d->depth) : 0;
    if (in.type == MI_TYPE_FLOAT32 && out.type == MI_TYPE_FLOAT32 && MI_ENABLE_FLOAT) {
        d->kind = KIND_FLOAT32;
        return MI_OK;
    }
    if (!((in.type == MI_TYPE_INT8 && (out.type == MI_TYPE_INT8 || (out.type == MI_TYPE_INT16 && MI_ENABLE_INT16))) ||
          (in.type == MI_TYPE_INT16 && out.type == MI_TYPE_INT16 && MI_ENABLE_INT16 && MI_ENABLE_FLOAT)))
        return MI_ERR_UNSUPPORTED_TYPE;
    if (!in.scales.count || !out.scales.count) return MI_ERR_BAD_PARAM;
    out_scale = mi_scale0(ctx, &out);
    out_zp = mi_zero_point0(ctx, &out);
    if (in.type == MI_TYPE_INT16) return prepare_int16(ctx, d, &in, out_scale, out_zp);
    if (MI_ENABLE_INT16 && out.type == MI_TYPE_INT16) {
        if (out_zp != -32768 || !near(out_scale, 1.0f / 65536.0f, 0.001f / 65536.0f)) return MI_ERR_BAD_PARAM;
        d->out_bits = 16;
        d->out_min = -32768;
        d->out_max = 32767;
    } else {
        if (out_zp != -128 || mi_float_bits(out_scale) != 0x3B800000u /* == 1.0f / 256 */) return MI_ERR_BAD_PARAM;
        d->out_bits = 8;
        d->out_min = -128;
        d->out_max = 127;
    }
    d->kind = KIND_INT8;
    MI_TRY(mi_preprocess_softmax_scaling(d->beta, mi_scale0(ctx, &in), SCALED_DIFF_INTEGER_BITS,
                                         &d->input_multiplier, &d->input_left_shift));
    /* beta x scale beyond an int32 left shift (huge and negative, or below 2**-27): twin of softmax.py */
    if (d->input_left_shift < 0 || d->input_left_shift > 31) return MI_ERR_BAD_PARAM;
    d->diff_min = -mi_calculate_input_radius(SCALED_DIFF_INTEGER_BITS, d->input_left_shift, 31);
    return MI_OK;
}

#if MI_ENABLE_FLOAT
static void softmax_float(const op_data_t *d, const float *x, float *y)
{
    int32_t r, c;
    for (r = 0; r < d->rows; r++) {
        const float *xr = x + (size_t)r * (size_t)d->depth;
        float *yr = y + (size_t)r * (size_t)d->depth;
        float max = -FLT_MAX, sum = 0.0f;
        for (c = 0; c < d->depth; c++) max = max < xr[c] ? xr[c] : max;
        for (c = 0; c < d->depth; c++) {
            yr[c] = expf((xr[c] - max) * d->beta);
            sum += yr[c];
        }
        for (c = 0; c < d->depth; c++) yr[c] = yr[c] / sum;
    }
}
#endif

static int32_t exp_of_diff(const op_data_t *d, int32_t diff)
{
    int32_t rescaled =
        mi_multiply_by_quantized_multiplier_greater_than_one(diff, d->input_multiplier, d->input_left_shift);
    return mi_gemmlowp_exp_on_negative_values(rescaled, SCALED_DIFF_INTEGER_BITS);
}

static mi_status_t softmax_int8(const op_data_t *d, const int8_t *x, void *y)
{
    int32_t r, c;
    for (r = 0; r < d->rows; r++) {
        const int8_t *xr = x + (size_t)r * (size_t)d->depth;
        int32_t max = -128, shifted_scale, exponent;
        int num_bits_over_unit;
        uint32_t sum = 0; /* Q12.19 accumulator, wrapping as the C++ FixedPoint does */
        for (c = 0; c < d->depth; c++)
            if (xr[c] > max) max = xr[c];
        for (c = 0; c < d->depth; c++) {
            int32_t diff = (int32_t)xr[c] - max;
            if (diff >= d->diff_min)
                sum += (uint32_t)mi_saturating_rounding_multiply_by_pot(exp_of_diff(d, diff),
                                                                        -ACCUMULATION_INTEGER_BITS);
        }
        shifted_scale = mi_get_reciprocal(mi_wrap_int32(sum), ACCUMULATION_INTEGER_BITS, &num_bits_over_unit);
        exponent = num_bits_over_unit + 31 - d->out_bits;
        if (exponent < 0 || exponent > 31) return MI_ERR_BAD_PARAM; /* TFLM aborts here */
        for (c = 0; c < d->depth; c++) {
            int32_t diff = (int32_t)xr[c] - max, v = d->out_min;
            if (diff >= d->diff_min) {
                int32_t unsat = mi_rounding_divide_by_pot(
                    mi_saturating_rounding_doubling_high_mul(shifted_scale, exp_of_diff(d, diff)), exponent);
                v = mi_clip_i32((int64_t)unsat + d->out_min, d->out_min, d->out_max);
            }
            if (d->out_bits == 8) ((int8_t *)y)[(size_t)r * (size_t)d->depth + (size_t)c] = (int8_t)v;
            else ((int16_t *)y)[(size_t)r * (size_t)d->depth + (size_t)c] = (int16_t)v;
        }
    }
    return MI_OK;
}

#if MI_ENABLE_INT16 && MI_ENABLE_FLOAT
static mi_status_t softmax_int16(const op_data_t *d, const int16_t *x, int16_t *y)
{
    int32_t r, c;
    for (r = 0; r < d->rows; r++) {
        const int16_t *xr = x + (size_t)r * (size_t)d->depth;
        int16_t *yr = y + (size_t)r * (size_t)d->depth; /* holds the exps until the last pass */
        int32_t max = -32768, headroom_plus_one, shifted_sum, reciprocal, right_shift;
        uint32_t sum = 0; /* Q16.15, wrapping */
        for (c = 0; c < d->depth; c++)
            if (xr[c] > max) max = xr[c];
        for (c = 0; c < d->depth; c++) {
            int32_t scaled = mi_multiply_by_quantized_multiplier((int32_t)xr[c] - max, d->input_multiplier,
                                                                 d->input_left_shift);
            int32_t e = mi_lut_lookup_int16(mi_clip_i32((int64_t)scaled + 32767, -32768, 32767), d->exp_lut);
            yr[c] = (int16_t)e;
            sum += (uint32_t)e;
        }
        headroom_plus_one = mi_count_leading_zeros_u32(sum);
        right_shift = 31 - headroom_plus_one;
        if (headroom_plus_one < 1 || right_shift < 1) return MI_ERR_BAD_PARAM; /* shifts softmax.py refuses */
        shifted_sum = mi_wrap_int32((((int64_t)sum << (headroom_plus_one - 1)) + (1 << 13)) >> 14);
        /* the 1/(1+x) table wants x = sum - 1, recentred from [0, 65535] to [-32768, 32767] */
        reciprocal = mi_lut_lookup_int16(mi_clip_i32((int64_t)shifted_sum - ((1 << 15) + (1 << 16)), -32768, 32767),
                                         d->one_over_one_plus_x_lut);
        for (c = 0; c < d->depth; c++) {
            int32_t v = mi_wrap_int32(((int64_t)yr[c] * reciprocal + ((int64_t)1 << (right_shift - 1))) >> right_shift);
            yr[c] = (int16_t)mi_clip_i32(v, 0, 32767);
        }
    }
    return MI_OK;
}
#endif

static mi_status_t invoke(mi_context_t *ctx, const mi_node_t *node)
{
    const op_data_t *d = (const op_data_t *)node->op_data;
    const void *x = mi_node_input_data(ctx, node, INPUT);
    void *y = mi_node_output_data(ctx, node, OUTPUT);
#if MI_ENABLE_FLOAT
    if (d->kind == KIND_FLOAT32) {
        softmax_float(d, (const float *)x, (float *)y);
        return MI_OK;
    }
#endif
#if MI_ENABLE_INT16 && MI_ENABLE_FLOAT
    if (d->kind == KIND_INT16) return softmax_int16(d, (const int16_t *)x, (int16_t *)y);
#endif
    return softmax_int8(d, (const int8_t *)x, y);
}

const mi_registration_t mi_registration_softmax = {MI_OP_SOFTMAX, (uint32_t)sizeof(op_data_t), "SOFTMAX", prepare,
                                                   invoke};
