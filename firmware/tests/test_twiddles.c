/* The SignalRfft twiddles of the C port (mi_signal_rfft.c computes them without
 * libm's double cos/sin) against the Python twin's (math.cos/sin, as KISS FFT in
 * TFLM computes them): tests/firmware/test_fw_signal.py compares the lines.
 *
 *   test_twiddles MAX   for every fft_length up to MAX the C port accepts, one
 *                       line: fft_length, then re im of the n = fft_length / 2
 *                       twiddles and of the n / 2 super-twiddles
 *   test_twiddles MAX q31|f32
 *                       the same for SignalIrfft's inverse transform in Q31
 *                       (floor(0.5 + 2147483647 * c), as mi_signal_irfft.c) or
 *                       float32 (the bits of (float)c, as an unsigned integer)
 *
 * The kernel's static functions are reached by including its source. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/kernels/mi_signal_rfft.c"

/* one inverse twiddle (phase negated, num negated) in Q31 or as float bits */
static void print_inverse(double phase, int32_t num, int32_t den, int q31)
{
    double c, s;
    mi_kiss_sincos(-phase, -num, den, &c, &s);
    if (q31) {
        printf(" %ld %ld", (long)floor(0.5 + 2147483647 * c), (long)floor(0.5 + 2147483647 * s));
    } else {
        float fc = (float)c, fs = (float)s;
        uint32_t bc, bs;
        memcpy(&bc, &fc, 4);
        memcpy(&bs, &fs, 4);
        printf(" %lu %lu", (unsigned long)bc, (unsigned long)bs);
    }
}

static int inverse(int32_t max, int q31)
{
    const double pi = 3.141592653589793238462643383279502884197169399375105820974944;
    int32_t f, factors[2 * MAX_FACTORS];
    for (f = 4; f <= max && f <= MAX_FFT_LENGTH; f += 2) {
        const int32_t n = f / 2;
        int32_t i;
        if (!factor(n, factors)) continue;
        printf("%ld", (long)f);
        for (i = 0; i < n; i++) print_inverse(-2 * pi * i / n, 2 * i, n, q31);
        for (i = 0; i < n / 2; i++) print_inverse(-pi * ((double)(i + 1) / n + .5), 2 * (i + 1) + n, 2 * n, q31);
        printf("\n");
    }
    return 0;
}

int main(int argc, char **argv)
{
    const double pi = 3.141592653589793238462643383279502884197169399375105820974944;
    const int32_t max = argc > 1 ? (int32_t)atoi(argv[1]) : 1024;
    const char *mode = argc > 2 ? argv[2] : "q15";
    int32_t f, factors[2 * MAX_FACTORS];
    if (strcmp(mode, "q15") != 0) return inverse(max, strcmp(mode, "q31") == 0);
    for (f = 4; f <= max && f <= MAX_FFT_LENGTH; f += 2) {
        const int32_t n = f / 2;
        int32_t i;
        if (!factor(n, factors)) continue;
        printf("%ld", (long)f);
        for (i = 0; i < n; i++) {
            cpx_t t = twiddle(-2 * pi * i / n, 2 * i, n);
            printf(" %d %d", t.r, t.i);
        }
        for (i = 0; i < n / 2; i++) {
            cpx_t t = twiddle(-pi * ((double)(i + 1) / n + .5), 2 * (i + 1) + n, 2 * n);
            printf(" %d %d", t.r, t.i);
        }
        printf("\n");
    }
    return 0;
}
