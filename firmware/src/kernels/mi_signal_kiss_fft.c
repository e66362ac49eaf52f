/* KISS FFT's factorisation and twiddle angles, shared by SignalRfft and SignalIrfft
 * (C twin of kernels/signal_kiss_fft.py; TFLM: kiss_fft.c kf_factor, kiss_fft_alloc,
 * tools/kiss_fftr.c kiss_fftr_alloc).
 *
 * Twiddles without libm's double cos/sin (the port links no double trig).
 * kiss_fft_alloc stores floor(0.5 + SAMP_MAX * cos(phase)) (or (float)cos(phase))
 * with phase = -pi * num / den computed in double. sincos_approx is within about
 * 2e-16 of cos and sin; that cannot change those roundings except where the value is
 * exactly on a rounding boundary, i.e. where cos or sin is exactly +-1/2 and SAMP_MAX
 * is odd (every other twiddle of every length tests/firmware/test_fw_signal.py checks
 * lands as the Python twin's). There the result depends on the correctly rounded
 * double cos(phase), which the rounding error of phase itself decides: it is computed
 * exactly (phase_error) and the value replaced by that correctly rounded double
 * (correct_half), as glibc's correctly rounded cos gives it to the Python twin and
 * to TFLM's x86 build. */
#include "mi_signal_kiss_fft.h"

#include <math.h> /* floor, sqrt */

int32_t mi_kiss_factor(int32_t n, int32_t *facbuf)
{
    int32_t p = 4, count = 0;
    const double floor_sqrt = floor(sqrt((double)n));
    do {
        while (n % p) {
            p = p == 4 ? 2 : p == 2 ? 3 : p + 2;
            if (p > floor_sqrt) p = n;
        }
        n /= p;
        if (p > 5 || count == MI_KISS_MAX_FACTORS) return 0;
        facbuf[2 * count] = p;
        facbuf[2 * count + 1] = n;
        count++;
    } while (n > 1);
    return count;
}

static const double PI1 = 3.141592653589793116;      /* double(pi) */
static const double PI2 = 1.2246467991473532e-16;    /* double(pi - PI1) */

/* sin and cos of x, |x| < 8, to about 1e-16: quadrant reduction and Taylor series */
static void sincos_approx(double x, double *s, double *c)
{
    const double k = floor(x / (PI1 / 2) + 0.5);
    const double r = (x - k * (PI1 / 2)) - k * (PI2 / 2), r2 = r * r;
    double sr = 0.0, cr = 0.0, term_s = r, term_c = 1.0;
    int n, q = (int)k & 3;
    for (n = 1; n <= 12; n++) { /* |r| <= pi/4: the 24th-order terms are below 1e-30 */
        sr += term_s;
        cr += term_c;
        term_s *= -r2 / ((2.0 * n) * (2.0 * n + 1.0));
        term_c *= -r2 / ((2.0 * n - 1.0) * (2.0 * n));
    }
    switch (q) {
    case 0: *s = sr; *c = cr; break;
    case 1: *s = cr; *c = -sr; break;
    case 2: *s = -sr; *c = -cr; break;
    default: *s = -cr; *c = sr; break;
    }
}

/* a * b as p + e exactly (Dekker, no FMA) */
static void two_product(double a, double b, double *p, double *e)
{
    const double split = 134217729.0; /* 2**27 + 1 */
    double t = split * a, ah = t - (t - a), al = a - ah;
    double u = split * b, bh = u - (u - b), bl = b - bh;
    *p = a * b;
    *e = ((ah * bh - *p) + ah * bl + al * bh) + al * bl;
}

/* phase - (-pi * num / den): the rounding error of the double phase, to ~1e-30 */
static double phase_error(double phase, int32_t num, int32_t den)
{
    double p, e, q, qp, qe, rest;
    two_product(PI1, (double)num, &p, &e);
    q = p / den;
    two_product(q, (double)den, &qp, &qe);
    rest = (((p - qp) - qe) + e) / den + PI2 * num / den;
    return (phase + q) + rest;
}

/* The double nearest v + g for v = +-1/2 and |g| below 1e-15 (g: the first-order
 * change of the function at the exact angle): the spacing of doubles is 2**-54 just
 * inside +-1/2 and 2**-53 just outside. */
static double correct_half(double v, double g)
{
    const double inside = 1.0 / 18014398509481984.0, outside = 1.0 / 9007199254740992.0; /* 2**-54, 2**-53 */
    const double step = (g < 0) == (v > 0) ? inside : outside;
    return v + step * floor(g / step + 0.5);
}

void mi_kiss_sincos(double phase, int32_t num, int32_t den, double *c, double *s)
{
    static const double root3_2 = 0.8660254037844386; /* sqrt(3) / 2 */
    sincos_approx(phase, s, c);
    if ((6 * num) % den == 0) { /* the angle is -m * pi / 6 */
        const int32_t m = (((6 * num) / den) % 12 + 12) % 12;
        const double delta = phase_error(phase, num, den);
        /* cos(-m pi/6) = +-1/2 for m = 2, 4, 8, 10; d cos = -sin(angle) * delta */
        if (m == 2 || m == 10) *c = correct_half(0.5, (m == 2 ? root3_2 : -root3_2) * delta);
        if (m == 4 || m == 8) *c = correct_half(-0.5, (m == 4 ? root3_2 : -root3_2) * delta);
        /* sin(-m pi/6) = -+1/2 for m = 1, 5 / 7, 11; d sin = cos(angle) * delta */
        if (m == 1 || m == 5) *s = correct_half(-0.5, (m == 1 ? root3_2 : -root3_2) * delta);
        if (m == 7 || m == 11) *s = correct_half(0.5, (m == 11 ? root3_2 : -root3_2) * delta);
    }
}
