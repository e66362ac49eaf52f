"""KISS FFT v130 as TFLM's Signal library builds it (``signal/src/kiss_fft_wrappers``:
kiss_fft.c, tools/kiss_fftr.c, _kiss_fft_guts.h), shared by SignalRfft and SignalIrfft
(not a kernel; C twin: firmware/src/kernels/mi_signal_kiss_fft.c + .h).

* ``kf_factor``, ``fft_ok``: the factorisation (4s first, then 2, then odd factors)
  and the lengths TFLM's build computes (radices 2 to 5: the generic butterfly calls
  a malloc its build replaced by NULL);
* ``plan``: where ``kf_work``'s recursion reads each input, and its stages;
* ``FftArith``: the scalar arithmetic of the three builds (Q15, Q31, float32) and the
  twiddles ``kiss_fft_alloc`` / ``kiss_fftr_alloc`` compute;
* ``butterflies``: every stage of ``kf_work``, vectorised by stage (all sub-transforms
  of one recursion depth run together: KISS FFT's recursion reordered, not its
  arithmetic), radix 2, 3, 4 (with the inverse transform's branch) and 5.
"""

from __future__ import annotations

import math

import numpy as np

from .signal_common import wrap16

#: the largest fft_length accepted (a 32768-point FFT is already far beyond any MCU front end)
MAX_FFT_LENGTH = 1 << 15
#: the most KISS FFT stages the C twin's op data holds (a 5-smooth half length up to
#: 16384 has at most 9)
MAX_FACTORS = 16


def kf_factor(n: int) -> list[tuple[int, int]]:
    """KISS FFT's ``kf_factor``: (radix, remaining length) pairs, 4s first."""
    p, floor_sqrt, out = 4, math.floor(math.sqrt(n)), []
    while True:
        while n % p:
            p = {4: 2, 2: 3}.get(p, p + 2)
            if p > floor_sqrt:
                p = n
        n //= p
        out.append((p, n))
        if n <= 1:
            return out


def fft_ok(fft_length: int) -> str | None:
    """None when TFLM's int16 Rfft computes a length-``fft_length`` transform, else why not."""
    if fft_length < 4 or fft_length % 2 or fft_length > MAX_FFT_LENGTH:
        return f"fft_length {fft_length} is not an even length 4 to {MAX_FFT_LENGTH}"
    radices = [p for p, _ in kf_factor(fft_length // 2)]
    if len(radices) > MAX_FACTORS:
        return f"fft_length {fft_length} needs {len(radices)} FFT stages (at most {MAX_FACTORS})"
    if any(p > 5 for p in radices):
        return (f"fft_length {fft_length}: half of it has the factor {max(radices)}, for which TFLM's "
                "generic KISS FFT butterfly has no memory (only factors 2, 3 and 5 work)")
    return None


def plan(n: int) -> tuple[np.ndarray, tuple[tuple[int, int, int], ...]]:
    """Where ``kf_work``'s recursion reads each input (``perm``) and its stages."""
    factors = kf_factor(n)

    def order(offset: int, fstride: int, depth: int) -> list[int]:
        p, m = factors[depth]
        if m == 1:
            return [offset + j * fstride for j in range(p)]
        out: list[int] = []
        for j in range(p):
            out += order(offset + j * fstride, fstride * p, depth + 1)
        return out

    stages, fstride = [], 1
    for p, m in factors:
        stages.append((p, m, fstride))
        fstride *= p
    return np.array(order(0, 1, 0), dtype=np.int64), tuple(reversed(stages))


class FftArith:
    """KISS FFT's scalar arithmetic (``_kiss_fft_guts.h``) in one of TFLM's three builds
    (``signal/src/kiss_fft_wrappers``): ``FIXED_POINT`` 16 (Q15, int16 samples, int32
    products), ``FIXED_POINT`` 32 (Q31, int32 samples, int64 products) or float. Fixed
    point values are carried as int64 arrays and stored back with C's wrap-around
    (``wrap``); float values are float32 arrays, every operation rounded to float32 as
    x86-64 TFLM (SSE, no FMA) rounds it."""

    def __init__(self, frac_bits: int) -> None:
        self.frac_bits = frac_bits  # 15, 31, or 0 for float
        self.fixed = frac_bits > 0
        self.samp_max = (1 << frac_bits) - 1
        self.dtype = np.dtype(np.int64) if self.fixed else np.dtype(np.float32)

    def wrap(self, x: np.ndarray) -> np.ndarray:
        """An expression's value stored into ``kiss_fft_scalar``."""
        if not self.fixed:
            return np.asarray(x).astype(np.float32)
        if self.frac_bits == 15:
            return wrap16(x)
        return np.asarray(x, dtype=np.int64).astype(np.int32).astype(np.int64)

    def smul(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """``S_MUL``: ``sround(a * b)`` in fixed point, ``a * b`` in float."""
        if not self.fixed:
            return a * b
        return self.wrap((a * b + (1 << (self.frac_bits - 1))) >> self.frac_bits)

    def cmul(self, ar: np.ndarray, ai: np.ndarray, br: np.ndarray, bi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``C_MUL``: in fixed point the two products are summed before one ``sround``."""
        if not self.fixed:
            return ar * br - ai * bi, ar * bi + ai * br
        half = 1 << (self.frac_bits - 1)
        return (self.wrap((ar * br - ai * bi + half) >> self.frac_bits),
                self.wrap((ar * bi + ai * br + half) >> self.frac_bits))

    def fixdiv(self, r: np.ndarray, i: np.ndarray, p: int) -> tuple[np.ndarray, np.ndarray]:
        """``C_FIXDIV``: multiply by ``SAMP_MAX / p`` and round; nothing in float."""
        if not self.fixed:
            return r.copy(), i.copy()  # copies: the butterflies overwrite the arrays these came from
        k = self.samp_max // p
        return self.smul(r, k), self.smul(i, k)

    def half(self, x: np.ndarray) -> np.ndarray:
        """``HALF_OF``: an arithmetic shift in fixed point, ``x * .5`` in float -- a double
        multiply, so the expression it is in is computed in double before being stored."""
        return x >> 1 if self.fixed else x.astype(np.float64) * 0.5

    def twiddle(self, phase: float) -> tuple[int | np.float32, int | np.float32]:
        """``kf_cexp``: ``floor(.5 + SAMP_MAX * cos(phase))`` in fixed point, ``(float)
        cos(phase)`` in float; cos and sin of C's libm (``math``, not numpy's own)."""
        if self.fixed:
            return (math.floor(0.5 + self.samp_max * math.cos(phase)),
                    math.floor(0.5 + self.samp_max * math.sin(phase)))
        return np.float32(math.cos(phase)), np.float32(math.sin(phase))

    def twiddles(self, n: int, inverse: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``kiss_fftr_alloc``'s twiddles of the complex FFT of ``n`` points and its ``n / 2``
        super-twiddles, the phases negated for an inverse transform (``phase *= -1``)."""
        sign = -1.0 if inverse else 1.0
        tw = [self.twiddle(sign * (-2 * math.pi * i / n)) for i in range(n)]
        sup = [self.twiddle(sign * (-math.pi * ((i + 1) / n + 0.5))) for i in range(n // 2)]
        dt = self.dtype
        return (np.array([c for c, _ in tw], dt), np.array([s for _, s in tw], dt),
                np.array([c for c, _ in sup], dt), np.array([s for _, s in sup], dt))


#: TFLM's int16 build (FIXED_POINT 16), the one SignalRfft runs
Q15 = FftArith(15)


def butterflies(stages: tuple[tuple[int, int, int], ...], tw_r: np.ndarray, tw_i: np.ndarray,
                fr: np.ndarray, fi: np.ndarray, a: FftArith = Q15, inverse: bool = False) -> None:
    """Every stage of ``kf_work`` in place on ``fr``/``fi`` (rows x n), in the arithmetic
    ``a``; ``inverse`` is the FFT state's flag, which only the radix-4 butterfly reads."""
    rows = fr.shape[0]
    w = a.wrap
    for p, m, fstride in stages:
        # instances of this depth: fstride of them, each p*m long; k = 0..m-1 within each
        shape = (rows, fstride, p, m)
        r, i = fr.reshape(shape), fi.reshape(shape)
        k = np.arange(m)
        legs = [a.fixdiv(r[:, :, q, :], i[:, :, q, :], p) for q in range(p)]
        tw = [(tw_r[q * k * fstride], tw_i[q * k * fstride]) for q in range(p)]
        if p == 2:
            (ar, ai), (br, bi) = legs
            tr, ti = a.cmul(br, bi, *tw[1])
            r[:, :, 1, :], i[:, :, 1, :] = w(ar - tr), w(ai - ti)
            r[:, :, 0, :], i[:, :, 0, :] = w(ar + tr), w(ai + ti)
        elif p == 4:
            (f0r, f0i), (f1r, f1i), (f2r, f2i), (f3r, f3i) = legs
            s0r, s0i = a.cmul(f1r, f1i, *tw[1])
            s1r, s1i = a.cmul(f2r, f2i, *tw[2])
            s2r, s2i = a.cmul(f3r, f3i, *tw[3])
            s5r, s5i = w(f0r - s1r), w(f0i - s1i)
            f0r, f0i = w(f0r + s1r), w(f0i + s1i)
            s3r, s3i = w(s0r + s2r), w(s0i + s2i)
            s4r, s4i = w(s0r - s2r), w(s0i - s2i)
            r[:, :, 2, :], i[:, :, 2, :] = w(f0r - s3r), w(f0i - s3i)
            r[:, :, 0, :], i[:, :, 0, :] = w(f0r + s3r), w(f0i + s3i)
            if inverse:
                r[:, :, 1, :], i[:, :, 1, :] = w(s5r - s4i), w(s5i + s4r)
                r[:, :, 3, :], i[:, :, 3, :] = w(s5r + s4i), w(s5i - s4r)
            else:
                r[:, :, 1, :], i[:, :, 1, :] = w(s5r + s4i), w(s5i - s4r)
                r[:, :, 3, :], i[:, :, 3, :] = w(s5r - s4i), w(s5i + s4r)
        elif p == 3:
            epi = tw_i[fstride * m]
            (f0r, f0i), (f1r, f1i), (f2r, f2i) = legs
            s1r, s1i = a.cmul(f1r, f1i, *tw[1])
            s2r, s2i = a.cmul(f2r, f2i, *tw[2])
            s3r, s3i = w(s1r + s2r), w(s1i + s2i)
            s0r, s0i = w(s1r - s2r), w(s1i - s2i)
            g1r, g1i = w(f0r - a.half(s3r)), w(f0i - a.half(s3i))
            s0r, s0i = a.smul(s0r, epi), a.smul(s0i, epi)
            r[:, :, 0, :], i[:, :, 0, :] = w(f0r + s3r), w(f0i + s3i)
            r[:, :, 2, :], i[:, :, 2, :] = w(g1r + s0i), w(g1i - s0r)
            r[:, :, 1, :], i[:, :, 1, :] = w(g1r - s0i), w(g1i + s0r)
        else:  # p == 5
            sm = a.smul
            yar, yai = tw_r[fstride * m], tw_i[fstride * m]
            ybr, ybi = tw_r[2 * fstride * m], tw_i[2 * fstride * m]
            (s0r, s0i) = legs[0]
            s1r, s1i = a.cmul(*legs[1], *tw[1])
            s2r, s2i = a.cmul(*legs[2], *tw[2])
            s3r, s3i = a.cmul(*legs[3], *tw[3])
            s4r, s4i = a.cmul(*legs[4], *tw[4])
            s7r, s7i = w(s1r + s4r), w(s1i + s4i)
            s10r, s10i = w(s1r - s4r), w(s1i - s4i)
            s8r, s8i = w(s2r + s3r), w(s2i + s3i)
            s9r, s9i = w(s2r - s3r), w(s2i - s3i)
            r[:, :, 0, :], i[:, :, 0, :] = w(s0r + (s7r + s8r)), w(s0i + (s7i + s8i))
            s5r = w(s0r + sm(s7r, yar) + sm(s8r, ybr))
            s5i = w(s0i + sm(s7i, yar) + sm(s8i, ybr))
            s6r = w(sm(s10i, yai) + sm(s9i, ybi))
            s6i = w(-sm(s10r, yai) - sm(s9r, ybi))
            r[:, :, 1, :], i[:, :, 1, :] = w(s5r - s6r), w(s5i - s6i)
            r[:, :, 4, :], i[:, :, 4, :] = w(s5r + s6r), w(s5i + s6i)
            s11r = w(s0r + sm(s7r, ybr) + sm(s8r, yar))
            s11i = w(s0i + sm(s7i, ybr) + sm(s8i, yar))
            s12r = w(-sm(s10i, ybi) + sm(s9i, yai))
            s12i = w(sm(s10r, ybi) - sm(s9r, yai))
            r[:, :, 2, :], i[:, :, 2, :] = w(s11r + s12r), w(s11i + s12i)
            r[:, :, 3, :], i[:, :, 3, :] = w(s11r - s12r), w(s11i - s12i)
