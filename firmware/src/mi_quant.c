/* Fixed-point arithmetic: line-for-line twin of src/microinterp/quant.py.
 * See mi_quant.h for why the wrap-arounds are spelled out. */
#include "mi/mi_quant.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "mi/mi_model.h"

int32_t mi_wrap_int32(int64_t x)
{
    uint32_t u = (uint32_t)(uint64_t)x;
    return u >= 0x80000000u ? (int32_t)(u - 0x80000000u) + MI_INT32_MIN : (int32_t)u;
}

int64_t mi_wrap_add_i64(int64_t a, int64_t b)
{
    uint64_t u = (uint64_t)a + (uint64_t)b;
    return u >= 0x8000000000000000ull ? (int64_t)(u - 0x8000000000000000ull) - 0x7FFFFFFFFFFFFFFFll - 1
                                       : (int64_t)u;
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
    /* exponents 32..63 (int8 DIV of a zero dividend) as the x86-64 oracle
     * computes them: the mask is -1 and the shift count is taken mod 32; the
     * sum then wraps to int32 (quant.py keeps it in int64, and the caller's
     * int32 wrap gives the same bits) */
    int32_t mask = exponent >= 32 ? -1 : (int32_t)(((int64_t)1 << exponent) - 1);
    int32_t remainder = x & mask;
    int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return mi_wrap_int32((int64_t)(x >> (exponent & 31)) + (remainder > threshold ? 1 : 0));
}

int32_t mi_multiply_by_quantized_multiplier(int32_t x, int32_t quantized_multiplier, int shift)
{
    int left = shift > 0 ? shift : 0;
    int right = shift > 0 ? 0 : -shift;
    int32_t high;
    if (left) x = mi_wrap_int32((int64_t)((uint64_t)(uint32_t)x << left));
    high = mi_saturating_rounding_doubling_high_mul(x, quantized_multiplier);
    if (right >= 32) { /* MEAN's divided multipliers and tiny scales: quant.py's int64 rounding shift */
        if (right > 63) right = 63;
        return (int32_t)(((int64_t)high + ((int64_t)1 << (right - 1)) - (high < 0 ? 1 : 0)) >> right);
    }
    return mi_rounding_divide_by_pot(high, right);
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

/* ------------------------------------------------------------------ scale arithmetic in integers */
/* The int8 kernels' prepare steps compute in double from float32 scales (quant.py
 * does the same arithmetic on Python floats): a multiplier double(a) * double(b) /
 * double(c) fed to QuantizeMultiplier, a few tolerance checks on differences of
 * scales. On a core without a double-precision FPU each of those operations is a
 * libgcc soft-float call (about 4 KB of helpers on a Cortex-M4, 10 KB on an M0+,
 * for code that runs once per model). The functions below compute the very same
 * IEEE-754 results with integers only. Why they are exact:
 *   - a float32 is m * 2**e with m < 2**24, so the product of two is m_a * m_b
 *     (< 2**48) * 2**(e_a + e_b): exact, as it is in double (53 bits);
 *   - IEEE division and subtraction are correctly rounded: the result is the
 *     exact quotient or difference rounded to nearest, ties to even, at 53 bits
 *     (double) or 24 bits (float32). Below, the quotient comes from a bit-by-bit
 *     long division that stops two bits past the precision and keeps the
 *     remainder's "any bits left" as a sticky bit; the difference is formed
 *     in a 62-bit window with the bits shifted out of the smaller operand jammed
 *     into its lowest bit (every rounding position lies at least 7 bits above
 *     that bit, or, when the operands are within one binade, nothing is shifted
 *     out at all); round-to-nearest-even from guard and sticky bits is then the
 *     IEEE rounding;
 *   - every double here stays normal: the scales are at least 2**-149 and at
 *     most 2**128, so a * b / c lies within [2**-426, 2**405], far inside
 *     double's range (no overflow, no subnormal rounding). The float32
 *     differences are only compared with thresholds near 1e-6 .. 0.02, where
 *     float32's own overflow and subnormal ranges cannot change the answer
 *     (a difference that is subnormal stays below the threshold, one that
 *     overflows stays above it);
 *   - NaN and infinity propagate as IEEE arithmetic propagates them.
 * tests/firmware/test_fw_quant.py checks them against quant.py's double
 * arithmetic on edge and random scales (tens of thousands of cases). */

enum { XF_FINITE, XF_INF, XF_NAN }; /* ordered: NaN wins over inf over finite */

/* (-1)**neg * m * 2**e, or an infinity / NaN (m, e then unused) */
typedef struct xf {
    uint64_t m;
    int32_t e;
    uint8_t neg, kind;
} xf_t;

MI_COLD static void xf_of_float(xf_t *x, float f)
{
    const uint32_t u = mi_float_bits(f), ex = (u >> 23) & 0xFFu, frac = u & 0x7FFFFFu;
    x->neg = (uint8_t)(u >> 31);
    x->kind = (uint8_t)(ex == 0xFFu ? (frac ? XF_NAN : XF_INF) : XF_FINITE);
    x->m = ex ? frac | 0x800000u : frac; /* a subnormal keeps the smallest exponent */
    x->e = (int32_t)(ex ? ex : 1u) - 150;
}

MI_COLD static int xf_is_zero(const xf_t *x) { return x->kind == XF_FINITE && !x->m; }

/* Round x (m != 0 unless exact zero) to nearest-even at `bits` significant bits;
 * sticky: nonzero bits lie below m's lowest bit. */
MI_COLD static void xf_round(xf_t *x, int bits, int sticky)
{
    const uint64_t top = (uint64_t)1 << bits;
    int guard;
    if (!x->m) return;
    while (x->m < top >> 1) { /* only ever for exact values (sticky == 0) */
        x->m <<= 1;
        x->e--;
    }
    while (x->m >= top << 1) {
        sticky |= (int)(x->m & 1u);
        x->m >>= 1;
        x->e++;
    }
    if (x->m < top) return; /* bits significant bits already, nothing below: exact */
    guard = (int)(x->m & 1u);
    x->m >>= 1;
    x->e++;
    if (guard && (sticky || (x->m & 1u)) && ++x->m == top) {
        x->m >>= 1;
        x->e++;
    }
}

/* a *= b for float32 operands: exact (the product of two 24-bit significands) */
MI_COLD static void xf_mul(xf_t *a, const xf_t *b)
{
    const int zero = xf_is_zero(a) || xf_is_zero(b);
    a->kind = a->kind > b->kind ? a->kind : b->kind;
    if (a->kind == XF_INF && zero) a->kind = XF_NAN; /* 0 * inf */
    a->neg ^= b->neg;
    a->m *= b->m;
    a->e += b->e;
}

/* n /= d rounded to `bits` (<= 53) bits (d's significand below 2**62) */
MI_COLD static void xf_div(xf_t *n, const xf_t *d, int bits)
{
    uint64_t q = 0, r = 0;
    int i = 63;
    n->neg ^= d->neg;
    if (n->kind == XF_NAN || d->kind == XF_NAN || (n->kind == XF_INF && d->kind == XF_INF) ||
        (xf_is_zero(n) && xf_is_zero(d))) {
        n->kind = XF_NAN;
        return;
    }
    if (n->kind == XF_INF || xf_is_zero(d)) {
        n->kind = XF_INF;
        return;
    }
    if (d->kind == XF_INF || !n->m) {
        n->m = 0;
        return;
    }
    for (;; i--) { /* quotient bit for 2**i of n->m, until bits + 2 of them are known */
        r = (r << 1) | (i >= 0 ? (n->m >> i) & 1u : 0u);
        q <<= 1;
        if (r >= d->m) {
            r -= d->m;
            q |= 1u;
        }
        if (q >> (bits + 1)) break;
    }
    n->m = q;
    n->e = n->e - d->e + i;
    xf_round(n, bits, r != 0);
}

MI_COLD static void xf_normalize(xf_t *x, int msb)
{
    while (x->m < (uint64_t)1 << msb) {
        x->m <<= 1;
        x->e--;
    }
}

/* a = |a - b| rounded to `bits` (<= 53) bits (significands below 2**53) */
MI_COLD static void xf_abs_diff(xf_t *a, xf_t b, int bits)
{
    int shift, sticky;
    if (a->kind != XF_FINITE || b.kind != XF_FINITE) { /* inf - inf (same sign) and NaN: NaN; else inf */
        a->kind = (uint8_t)(a->kind == XF_NAN || b.kind == XF_NAN || (a->kind == b.kind && a->neg == b.neg)
                                ? XF_NAN : XF_INF);
    } else if (!a->m || !b.m) {
        if (!a->m) *a = b;
    } else {
        xf_normalize(a, 61);
        xf_normalize(&b, 61);
        if (b.e > a->e || (b.e == a->e && b.m > a->m)) { /* a: the larger magnitude */
            const xf_t t = *a;
            *a = b;
            b = t;
        }
        shift = (int)(a->e - b.e);
        sticky = shift > 62 || (b.m & (((uint64_t)1 << shift) - 1u)) != 0; /* bits shifted out */
        b.m = (shift > 62 ? 0u : b.m >> shift) | (uint64_t)sticky;       /* jammed into bit 0 */
        a->m = a->neg == b.neg ? a->m - b.m : a->m + b.m; /* |a| - |b| or |a| + |b| */
    }
    a->neg = 0;
    if (a->kind == XF_FINITE) xf_round(a, bits, 0); /* the jammed bit is m's own lowest bit */
}

/* a <=> b for finite a, b >= 0 */
MI_COLD static int xf_cmp_abs(xf_t a, xf_t b)
{
    if (!a.m || !b.m) return (a.m != 0) - (b.m != 0);
    xf_normalize(&a, 62);
    xf_normalize(&b, 62);
    if (a.e != b.e) return a.e > b.e ? 1 : -1;
    return (a.m > b.m) - (a.m < b.m);
}

/* a finite nonnegative x > m * 2**e */
MI_COLD static int xf_above(const xf_t *x, uint64_t m, int32_t e)
{
    xf_t c;
    c.m = m;
    c.e = e;
    return x->kind == XF_FINITE && !x->neg && xf_cmp_abs(*x, c) > 0;
}

/* QuantizeMultiplier of a double value x (quant.quantize_multiplier_unbounded) */
MI_COLD static mi_status_t xf_quantize_multiplier(xf_t *x, int32_t *quantized_multiplier, int32_t *shift)
{
    uint64_t q;
    int32_t exponent;
    *quantized_multiplier = 0;
    *shift = 0;
    if (x->kind != XF_FINITE) return MI_ERR_BAD_PARAM;
    if (!x->m) return MI_OK;
    xf_round(x, 53, 0);            /* exactly 53 bits: x = m * 2**e, m in [2**52, 2**53) */
    exponent = x->e + 53;          /* frexp: x = (m / 2**53) * 2**exponent */
    q = (x->m + (1u << 21)) >> 22; /* round-half-away of (m / 2**53) * 2**31: exact (m has 53 bits) */
    if (q == (uint64_t)1 << 31 && !x->neg) { /* a negative -2**31 stays, as in quant.py */
        q >>= 1;
        exponent += 1;
    }
    if (exponent < -31) return MI_OK;
    *quantized_multiplier = x->neg ? (int32_t)(0u - (uint32_t)q) : (int32_t)q;
    *shift = exponent;
    return MI_OK;
}

/* x = double(a) * double(b) (exact) */
MI_COLD static void xf_product(xf_t *x, float a, float b)
{
    xf_t y;
    xf_of_float(x, a);
    xf_of_float(&y, b);
    xf_mul(x, &y);
}

/* x /= double(c) */
MI_COLD static void xf_div_float(xf_t *x, float c, int bits)
{
    xf_t y;
    xf_of_float(&y, c);
    xf_div(x, &y, bits);
}

MI_COLD mi_status_t mi_quantize_scale_ratio(float a, float b, float c, int32_t *quantized_multiplier, int32_t *shift)
{
    xf_t x;
    mi_status_t s;
    xf_product(&x, a, b);
    xf_div_float(&x, c, 53);
    s = xf_quantize_multiplier(&x, quantized_multiplier, shift);
    if (s == MI_OK && *shift > 30) { /* as mi_quantize_multiplier */
        *quantized_multiplier = 0;
        *shift = 0;
        return MI_ERR_BAD_PARAM;
    }
    return s;
}

MI_COLD mi_status_t mi_quantize_smaller_than_one_ratio(float a, int a_exp, float c, int c_exp,
                                                      int32_t *quantized_multiplier, int32_t *shift)
{
    xf_t x;
    xf_of_float(&x, a);
    x.e += a_exp - c_exp; /* exact powers of two: no double overflows or underflows here */
    xf_div_float(&x, c, 53);
    *quantized_multiplier = *shift = 0;
    /* !(real > 0.0 && real < 1.0): TFLM aborts */
    if (x.kind != XF_FINITE || x.neg || !x.m || !(xf_cmp_abs(x, (xf_t){1u, 0, 0, XF_FINITE}) < 0))
        return MI_ERR_UNSUPPORTED_TYPE;
    return xf_quantize_multiplier(&x, quantized_multiplier, shift); /* a shift <= 0: never refused */
}

MI_COLD int mi_float_greater(float a, float b)
{
    const uint32_t ua = mi_float_bits(a), ub = mi_float_bits(b);
    /* IEEE order as sign and magnitude: -0 == +0, a NaN compares false */
    const int64_t ka = (ua >> 31) ? -(int64_t)(ua & 0x7FFFFFFFu) : (int64_t)ua;
    const int64_t kb = (ub >> 31) ? -(int64_t)(ub & 0x7FFFFFFFu) : (int64_t)ub;
    if ((ua & 0x7FFFFFFFu) > 0x7F800000u || (ub & 0x7FFFFFFFu) > 0x7F800000u) return 0;
    return ka > kb;
}

MI_COLD int mi_scale_product_negative(float a, float b)
{
    xf_t p;
    xf_product(&p, a, b);
    return p.kind != XF_NAN && p.neg && !xf_is_zero(&p);
}

MI_COLD int mi_bias_scale_mismatch(float input_scale, float filter_scale, float bias_scale, float output_scale)
{
    xf_t p, b;
    xf_product(&p, input_scale, filter_scale);
    xf_of_float(&b, bias_scale);
    xf_abs_diff(&p, b, 53);
    xf_div_float(&p, output_scale, 53);
    return (p.kind == XF_INF && !p.neg) || xf_above(&p, 0x147ae147ae147bull, -58); /* 0.02 as a double */
}

/* float32 |a - b| (NaN for a NaN operand or inf - inf); finite results exact as float32
 * away from its overflow and subnormal ranges (see above) */
MI_COLD static void float_abs_diff(xf_t *d, float a, float b)
{
    xf_t y;
    xf_of_float(d, a);
    xf_of_float(&y, b);
    xf_abs_diff(d, y, 24);
}

MI_COLD int mi_float_near(float value, float target, float epsilon)
{
    xf_t d, eps;
    float_abs_diff(&d, value, target);
    xf_of_float(&eps, epsilon);
    if (d.kind == XF_NAN || eps.kind == XF_NAN || (eps.neg && !xf_is_zero(&eps))) return 0;
    return eps.kind == XF_INF || (d.kind == XF_FINITE && xf_cmp_abs(d, eps) <= 0);
}

MI_COLD int mi_scales_differ(float a, float b)
{
    xf_t d;
    float_abs_diff(&d, a, b);
    return d.kind == XF_INF || xf_above(&d, 0x10c6f7a0b5ed8dull, -72); /* 1e-6 as a double */
}

uint32_t mi_float_bits(float x)
{
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

int mi_float_is_zero(float x) { return (mi_float_bits(x) << 1) == 0u; }

/* ------------------------------------------------------------------ activations */

/* zero_point + round-half-away(float32(real / scale)) in integers (see "scale
 * arithmetic in integers" above): MI_ERR_BAD_PARAM where the float32 quotient is
 * not finite (quant.py's int() refuses it); saturated far beyond int32, where
 * every caller clamps. */
MI_COLD static mi_status_t quantize_checked(float real, float scale, int32_t zero_point, int64_t *out)
{
    xf_t q;
    int64_t r;
    xf_of_float(&q, real);
    xf_div_float(&q, scale, 24);
    *out = zero_point;
    if (q.kind != XF_FINITE || (q.m && q.e >= 105)) return MI_ERR_BAD_PARAM; /* inf, NaN, >= 2**128 */
    if (!q.m)
        r = 0;
    else if (q.e >= 0) /* an integer: std::round keeps it; mi_round_half_away's 2**62 cap */
        r = q.e > 38 ? (int64_t)1 << 62 : (int64_t)(q.m << q.e);
    else if (q.e < -40) /* below 0.5 */
        r = 0;
    else /* m / 2**-e + 0.5 is exact in double here, so floor() is this shift */
        r = (int64_t)((q.m + ((uint64_t)1 << (-q.e - 1))) >> -q.e);
    if (r > (int64_t)1 << 62) r = (int64_t)1 << 62;
    *out = (int64_t)zero_point + (q.neg ? -r : r);
    return MI_OK;
}

int64_t mi_quantize_value(float real, float scale, int32_t zero_point)
{
    int64_t out;
    (void)quantize_checked(real, scale, zero_point, &out); /* a non-finite quotient rounds to 0 */
    return out;
}

MI_COLD mi_status_t mi_activation_range_quantized(int activation, int32_t qmin, int32_t qmax, float scale,
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

MI_COLD int32_t mi_calculate_input_radius(int input_integer_bits, int input_left_shift, int total_signed_bits)
{
    /* quant.py divides by 2**shift for any shift (ldexp) and floors: the exact
     * integer shifted right (or left), saturated where Python's unbounded result
     * would not fit an int32 (every caller compares |int32| values with it) */
    int64_t r = (((int64_t)1 << input_integer_bits) - 1) * ((int64_t)1 << (total_signed_bits - input_integer_bits));
    int s = input_left_shift;
    if (s >= 0) return (int32_t)(s > 62 ? 0 : (r >> s) > MI_INT32_MAX ? MI_INT32_MAX : r >> s);
    for (; s < 0 && r <= MI_INT32_MAX; s++) r *= 2;
    return r > MI_INT32_MAX ? MI_INT32_MAX : (int32_t)r;
}

MI_COLD mi_status_t mi_preprocess_softmax_scaling(float beta, float input_scale, int input_integer_bits,
                                          int32_t *quantized_multiplier, int32_t *left_shift)
{
    /* double(beta) * double(input_scale) * 2**(31 - bits): exact, in integers */
    xf_t real;
    xf_product(&real, beta, input_scale);
    real.e += 31 - input_integer_bits;
    /* std::min(real, cap) as TFLM writes it: a NaN stays NaN (and is refused below), as in Python */
    if ((real.kind == XF_INF && !real.neg) || xf_above(&real, 0x7FFFFFFFu, 0)) {
        real.kind = XF_FINITE;
        real.m = 0x7FFFFFFFu;
        real.e = 0;
    }
    return xf_quantize_multiplier(&real, quantized_multiplier, left_shift);
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

int mi_count_leading_sign_bits_i32(int32_t x)
{
    return mi_count_leading_zeros_u32((uint32_t)(x ^ (x >> 31))) - 1;
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

/* ------------------------------------------------------------------ inverse square root (RSQRT) */

void mi_inv_sqrt_quantized_multiplier_exp(int32_t x, int reverse_shift, int32_t *multiplier, int32_t *shift)
{
    const int32_t half_three = (1 << 28) + (1 << 27); /* 1.5 in F3 */
    int32_t v, half_input, r;
    int s = 11, left_shift_bit_pairs, i;
    if (x <= 1) {
        *multiplier = MI_INT32_MAX;
        *shift = 0;
        return;
    }
    v = x;
    while (v >= (1 << 29)) {
        v /= 4;
        s++;
    }
    left_shift_bit_pairs = (mi_count_leading_zeros_u32((uint32_t)v) - 1) / 2 - 1;
    s -= left_shift_bit_pairs;
    v = (int32_t)((uint32_t)v << (2 * left_shift_bit_pairs));
    half_input = mi_rounding_divide_by_pot(v >> 1, 1); /* F3 input, SaturatingRoundingMultiplyByPOT<-1> */
    r = 1 << 28;                                       /* F3::One() */
    for (i = 0; i < 5; i++) {
        int32_t cube = mi_saturating_rounding_multiply_by_pot(fx_mul(fx_mul(r, r), r), 6); /* F9 -> F3 */
        r = mi_saturating_rounding_multiply_by_pot(
            mi_wrap_int32((int64_t)fx_mul(half_three, r) - (int64_t)fx_mul(half_input, cube)), 3);
    }
    r = fx_mul(r, 1518500250); /* * sqrt(2)/2 in F0 */
    if (s < 0) {
        r = mi_wrap_int32((int64_t)((uint64_t)(uint32_t)r << -s));
        s = 0;
    }
    *multiplier = r;
    *shift = s * reverse_shift;
}

/* ------------------------------------------------------------------ gemmlowp logistic / tanh */

int32_t mi_gemmlowp_one_minus_x_over_one_plus_x_for_x_in_0_1(int32_t a)
{
    int32_t x = newton_raphson_reciprocal_half(mi_rounding_half_sum(a, MI_INT32_MAX));
    return mi_saturating_rounding_multiply_by_pot(mi_wrap_int32((int64_t)x - (1 << 29)), 2); /* Rescale<0>(x - 1) */
}

int32_t mi_gemmlowp_logistic(int32_t a, int integer_bits)
{
    int32_t abs_input, result_if_positive;
    if (a == 0) return 1 << 30;
    abs_input = a > 0 ? a : mi_wrap_int32(-(int64_t)a);
    result_if_positive = mi_gemmlowp_one_over_one_plus_x_for_x_in_0_1(
        mi_gemmlowp_exp_on_negative_values(mi_wrap_int32(-(int64_t)abs_input), integer_bits));
    return a > 0 ? result_if_positive : mi_wrap_int32((int64_t)MI_INT32_MAX - result_if_positive);
}

int32_t mi_gemmlowp_tanh(int32_t a, int integer_bits)
{
    int32_t n, t;
    if (a == 0) return 0;
    n = a < 0 ? a : mi_wrap_int32(-(int64_t)a);
    /* neg_tanh_on_negative_values: ExactMulByPot<1> only relabels the format */
    t = mi_gemmlowp_one_minus_x_over_one_plus_x_for_x_in_0_1(mi_gemmlowp_exp_on_negative_values(n, integer_bits + 1));
    return a < 0 ? mi_wrap_int32(-(int64_t)t) : t;
}

/* ------------------------------------------------------------------ int16 LUT sigmoid / tanh */

/* sigmoid(i/24) in 0.16 format, i = 0..255 (TFLM's sigmoid_table_uint16, quant.py SIGMOID_TABLE_UINT16) */
static const uint16_t sigmoid_table_uint16[256] = {
    32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149,
    40794, 41432, 42064, 42688, 43304, 43912, 44511, 45102, 45683, 46255, 46817, 47369,
    47911, 48443, 48964, 49475, 49975, 50464, 50942, 51409, 51865, 52311, 52745, 53169,
    53581, 53983, 54374, 54755, 55125, 55485, 55834, 56174, 56503, 56823, 57133, 57433,
    57724, 58007, 58280, 58544, 58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370,
    60565, 60753, 60935, 61110, 61279, 61441, 61599, 61750, 61896, 62036, 62172, 62302,
    62428, 62549, 62666, 62778, 62886, 62990, 63090, 63186, 63279, 63368, 63454, 63536,
    63615, 63691, 63765, 63835, 63903, 63968, 64030, 64090, 64148, 64204, 64257, 64308,
    64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652, 64687, 64721, 64754, 64786,
    64816, 64845, 64873, 64900, 64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079,
    65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208, 65221, 65234, 65246, 65258,
    65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360, 65367,
    65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425, 65429, 65433,
    65438, 65442, 65445, 65449, 65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474,
    65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491, 65493, 65495, 65497, 65498,
    65500, 65501, 65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513,
    65514, 65515, 65516, 65517, 65517, 65518, 65519, 65520, 65520, 65521, 65522, 65522,
    65523, 65523, 65524, 65524, 65525, 65525, 65526, 65526, 65526, 65527, 65527, 65528,
    65528, 65528, 65529, 65529, 65529, 65529, 65530, 65530, 65530, 65530, 65531, 65531,
    65531, 65531, 65531, 65532, 65532, 65532, 65532, 65532, 65532, 65533, 65533, 65533,
    65533, 65533, 65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534,
    65534, 65534, 65534, 65535,
};

/* quant.py _lut_prescale_int16: multiplier 0 means the power-of-two case (3 << shift) */
static int32_t lut_prescale_int16(int32_t x, int32_t input_multiplier, int input_left_shift)
{
    int64_t m = input_multiplier, rnd;
    if (m == 0) {
        m = (int64_t)3 << input_left_shift;
        input_left_shift = 0;
    }
    rnd = input_left_shift > 0 ? (int64_t)1 << (input_left_shift - 1) : 0;
    return mi_wrap_int32((int64_t)x * m + rnd) >> input_left_shift;
}

int32_t mi_lut_logistic_int16(int32_t x, int32_t input_multiplier, int input_left_shift)
{
    int32_t v = lut_prescale_int16(x, input_multiplier, input_left_shift);
    int64_t a = v < 0 ? -(int64_t)v : v, uh = a >> 9, result;
    if (uh >= 255) {
        result = (int64_t)0x7FFF << 10;
    } else {
        int64_t ua = sigmoid_table_uint16[uh], ub = sigmoid_table_uint16[uh + 1];
        result = (ua << 9) + (a & 0x1FF) * (ub - ua);
    }
    result = v >= 0 ? result + (1 << 9) : ((int64_t)1 << 25) - result + (1 << 9) - 1;
    return mi_wrap_int16(result >> 10);
}

int32_t mi_lut_tanh_int16(int32_t x, int32_t input_multiplier, int input_left_shift)
{
    int32_t v = lut_prescale_int16(x, input_multiplier, input_left_shift);
    int64_t a = v < 0 ? -(int64_t)v : v, uh = a >> 8, result;
    if (uh >= 255) {
        result = (int64_t)0xFFFF << 8;
    } else {
        int64_t ua = sigmoid_table_uint16[uh], ub = sigmoid_table_uint16[uh + 1];
        result = (ua << 8) + (a & 0xFF) * (ub - ua);
    }
    result = v >= 0 ? result - ((int64_t)1 << 23) + (1 << 7) : -result + ((int64_t)1 << 23) + (1 << 7) - 1;
    return mi_wrap_int16(result >> 8);
}

mi_status_t mi_checked_log2(float x, int *is_pot, int32_t *log2_rounded)
{
    const float one_over_log2 = 1.0f / (float)0.693147180559945309417; /* float32(1) / float32(log(2)) */
    float x_log2 = logf(x) * one_over_log2, rounded, frac;
    *is_pot = 0;
    *log2_rounded = 0;
    if (!(x_log2 - x_log2 == 0.0f) || x_log2 > 2147483647.0f || x_log2 < -2147483647.0f)
        return MI_ERR_BAD_PARAM; /* log of 0, a negative or an infinite scale */
    rounded = (float)mi_round_half_away((double)x_log2);
    frac = x_log2 - rounded;
    *is_pot = (frac < 0.0f ? -frac : frac) < 1e-3f;
    *log2_rounded = (int32_t)rounded;
    return MI_OK;
}

/* ------------------------------------------------------------------ op-specific set-up */

void mi_mean_multiplier(int32_t multiplier, int32_t shift, int32_t num_elements, int32_t *out_multiplier,
                        int32_t *out_shift)
{
    int s = 0;
    int64_t scaled, q;
    while (s < 31 && (num_elements >> (s + 1)) != 0) s++; /* bit_length(n) - 1 */
    if (s > 32) s = 32;
    if (s > 31 + shift) s = 31 + shift;
    scaled = (int64_t)multiplier * ((int64_t)1 << s);
    q = scaled / num_elements; /* Python's // floors */
    if (scaled % num_elements != 0 && (scaled < 0) != (num_elements < 0)) q--;
    *out_multiplier = mi_wrap_int32(q);
    *out_shift = shift - s;
}

/* ------------------------------------------------------------------ gemmlowp log (LOG_SOFTMAX) */

static int32_t saturate_int32(int64_t x)
{
    return x > MI_INT32_MAX ? MI_INT32_MAX : (x < MI_INT32_MIN ? MI_INT32_MIN : (int32_t)x);
}

int32_t mi_gemmlowp_log_x_for_x_greater_than_or_equal_to_1(int32_t a, int output_integer_bits,
                                                           int input_integer_bits)
{
    const int accum_bits = output_integer_bits + 1;
    const int32_t log_2 = 1488522236, sqrt_sqrt_half = 1805811301, sqrt_half = 1518500250, one_quarter = 536870912;
    const int32_t alpha_n = 117049297, alpha_d = 127690142, alpha_i = 1057819769, alpha_f = 638450708;
    const int32_t shifted_quarter = mi_saturating_rounding_multiply_by_pot(one_quarter, -accum_bits);
    const int z_a_headroom_plus_1 = mi_count_leading_zeros_u32((uint32_t)a);
    const int32_t r_a_tmp = mi_saturating_rounding_multiply_by_pot(a, z_a_headroom_plus_1 - 1);
    const int32_t r_a_raw = mi_saturating_rounding_multiply_by_pot(fx_mul(r_a_tmp, sqrt_half), 1);
    const int32_t z_a_pow_2_adj = saturate_int32(
        (int64_t)mi_saturating_rounding_multiply_by_pot(input_integer_bits - z_a_headroom_plus_1, 31 - accum_bits) +
        shifted_quarter);
    const int32_t z_b = fx_mul(a, sqrt_half);
    const int z_b_headroom = mi_count_leading_zeros_u32((uint32_t)z_b) - 1;
    const int32_t r_b_raw = mi_saturating_rounding_multiply_by_pot(a, z_b_headroom);
    const int32_t z_b_pow_2_adj = saturate_int32(
        (int64_t)mi_saturating_rounding_multiply_by_pot(input_integer_bits - z_b_headroom, 31 - accum_bits) -
        shifted_quarter);
    const int32_t r = r_a_raw < r_b_raw ? r_a_raw : r_b_raw;
    const int32_t z_pow_2_adj = z_a_pow_2_adj > z_b_pow_2_adj ? z_a_pow_2_adj : z_b_pow_2_adj;
    const int32_t p = mi_rounding_half_sum(r, sqrt_sqrt_half);
    int32_t q = mi_wrap_int32((int64_t)r - sqrt_sqrt_half), common_sq, num, denom_minus_one_0, recip_denom;
    int32_t num_scaled, total;
    q = mi_wrap_int32((int64_t)q + q);
    common_sq = fx_mul(q, q);
    num = mi_wrap_int32((int64_t)fx_mul(q, r) + fx_mul(fx_mul(q, common_sq), alpha_n));
    denom_minus_one_0 = mi_wrap_int32(
        (int64_t)fx_mul(p, mi_wrap_int32((int64_t)mi_wrap_int32((int64_t)alpha_i + q) + fx_mul(alpha_d, common_sq))) +
        fx_mul(alpha_f, q));
    recip_denom = mi_gemmlowp_one_over_one_plus_x_for_x_in_0_1(denom_minus_one_0);
    num_scaled = mi_saturating_rounding_multiply_by_pot(num, -accum_bits); /* Rescale<accum> of a Q0.31 */
    total = mi_wrap_int32((int64_t)fx_mul(z_pow_2_adj, log_2) + fx_mul(num_scaled, recip_denom));
    return mi_saturating_rounding_multiply_by_pot(total, accum_bits - output_integer_bits); /* Rescale<output> */
}

mi_status_t mi_preprocess_log_softmax_scaling_exp(double beta, double input_scale, int input_integer_bits,
                                                  int32_t *input_multiplier, int32_t *input_left_shift,
                                                  int32_t *reverse_scaling_divisor,
                                                  int32_t *reverse_scaling_left_shift)
{
    double reverse, real = beta * input_scale * (double)((int64_t)1 << (31 - input_integer_bits));
    if (real > 2147483647.0) real = 2147483647.0;
    *reverse_scaling_divisor = *reverse_scaling_left_shift = 0;
    if (!(real > 1.0)) return MI_ERR_BAD_PARAM; /* TFLM's QuantizeMultiplierGreaterThanOne aborts */
    {
        mi_status_t s = mi_quantize_multiplier_unbounded(real, input_multiplier, input_left_shift);
        if (s != MI_OK) return s;
    }
    reverse = (double)((int64_t)1 << (31 - *input_left_shift)) / (double)*input_multiplier;
    if (!(reverse > 0.0 && reverse < 1.0)) return MI_ERR_BAD_PARAM; /* TFLM aborts */
    return mi_quantize_multiplier_unbounded(reverse, reverse_scaling_divisor, reverse_scaling_left_shift);
}

/* ------------------------------------------------------------------ int16 fixed point (HARD_SWISH) */

static int64_t trunc_div_pow2(int64_t v, int bits) { return v >= 0 ? v >> bits : -((-v) >> bits); }

int32_t mi_saturating_rounding_doubling_high_mul_int16(int64_t a, int64_t b)
{
    const int64_t ab = a * b;
    if (a == b && a == -32768) return 32767;
    return mi_wrap_int16(trunc_div_pow2(ab + (ab >= 0 ? (1 << 14) : 1 - (1 << 14)), 15));
}

int32_t mi_saturating_doubling_high_mul_int16(int64_t a, int64_t b)
{
    if (a == b && a == -32768) return 32767;
    return mi_wrap_int16(trunc_div_pow2(a * b, 15));
}

int32_t mi_rounding_divide_by_pot_int16(int64_t x, int exponent)
{
    /* the mask lives in an int16: -1 for exponents >= 16 (quant.py reproduces it) */
    const int64_t mask = exponent >= 16 ? -1 : (int64_t)mi_wrap_int16(((int64_t)1 << exponent) - 1);
    const int64_t remainder = x & mask;
    const int64_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return mi_wrap_int16((x >> (exponent < 63 ? exponent : 63)) + (remainder > threshold ? 1 : 0));
}

int32_t mi_saturating_left_shift_int16(int64_t x, int amount)
{
    const int64_t v = x * ((int64_t)1 << amount);
    return v < -32768 ? -32768 : (v > 32767 ? 32767 : (int32_t)v);
}

int32_t mi_downscale_int32_to_int16_multiplier(int32_t multiplier)
{
    if (multiplier >= MI_INT32_MAX - (1 << 15)) return 32767;
    return (int32_t)(((int64_t)multiplier + (1 << 15)) >> 16);
}
