/* KISS FFT v130 as TFLM's Signal library builds it, shared by SignalRfft and
 * SignalIrfft (internal header; C twin of kernels/signal_kiss_fft.py, which
 * explains the arithmetic): the factorisation and the twiddle angles here
 * (mi_signal_kiss_fft.c); the arithmetic and butterflies of each build in
 * mi_signal_kiss_fft_impl.h, included once per build (KF_BUILD 15, 31 or 0). */
#ifndef MI_SIGNAL_KISS_FFT_H
#define MI_SIGNAL_KISS_FFT_H

#include <stdint.h>

#define MI_KISS_MAX_FFT_LENGTH 32768 /* signal_kiss_fft.MAX_FFT_LENGTH */
#define MI_KISS_MAX_FACTORS 16       /* signal_kiss_fft.MAX_FACTORS */

/* kf_factor of n into facbuf (radix, remaining length, ...): 4s first, then 2, then
 * odd factors; the number of stages, 0 when a radix is above 5 or there would be
 * more than MI_KISS_MAX_FACTORS (signal_kiss_fft.fft_ok). */
int32_t mi_kiss_factor(int32_t n, int32_t *facbuf);

/* cos and sin of `phase`, the double C computes for -pi * num / den (num may be
 * negative: an inverse transform's phase), as glibc's correctly rounded cos and sin
 * give them wherever KISS FFT's roundings of them can tell (mi_signal_kiss_fft.c). */
void mi_kiss_sincos(double phase, int32_t num, int32_t den, double *c, double *s);

/* int32 stored from a uint32 (modulo 2**32, without implementation-defined conversions):
 * the Q31 build's wrap-around */
static inline int32_t mi_kiss_wrap32(uint32_t u)
{
    return u < 0x80000000u ? (int32_t)u : (int32_t)(u - 0x80000000u) - 2147483647 - 1;
}

#endif /* MI_SIGNAL_KISS_FFT_H */
