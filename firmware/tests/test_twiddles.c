/* The SignalRfft twiddles of the C port (mi_signal_rfft.c computes them without
 * libm's double cos/sin) against the Python twin's (math.cos/sin, as KISS FFT in
 * TFLM computes them): tests/firmware/test_fw_signal.py compares the lines.
 *
 *   test_twiddles MAX   for every fft_length up to MAX the C port accepts, one
 *                       line: fft_length, then re im of the n = fft_length / 2
 *                       twiddles and of the n / 2 super-twiddles
 *
 * The kernel's static functions are reached by including its source. */
#include <stdio.h>
#include <stdlib.h>

#include "../src/kernels/mi_signal_rfft.c"

int main(int argc, char **argv)
{
    const double pi = 3.141592653589793238462643383279502884197169399375105820974944;
    const int32_t max = argc > 1 ? (int32_t)atoi(argv[1]) : 1024;
    int32_t f, factors[2 * MAX_FACTORS];
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
