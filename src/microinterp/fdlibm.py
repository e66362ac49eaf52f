"""glibc's float ``tanhf`` and ``expm1f``, vectorised over numpy float32 arrays, bit for bit.

Why: TFLM's float TANH, LSTM and SVDF call ``std::tanh`` on floats, i.e. the C
library's ``tanhf``. glibc's (up to at least 2.36, the oracle's host) is not
correctly rounded: about a quarter of its results differ from a correctly rounded
tanh, by up to 2 ulp, so neither numpy's ``tanh`` nor a float64 tanh rounded to
float32 gives TFLM's bits. Calling libm through ctypes element by element does,
at ~0.5 us an element, which dominated the float LSTM's invoke.

The exact vectorised route: glibc's ``tanhf`` and ``expm1f`` (the fdlibm float
code, ``sysdeps/ieee754/flt-32/s_tanhf.c`` and ``s_expm1f.c``) use nothing but
float32 ``+ - * /``, integer bit manipulation of the float word and a
float-to-int truncation, in a fixed order. x86-64 builds of them use SSE scalar
float arithmetic without FMA, where every operation rounds once to float32 --
exactly what numpy's float32 element-wise operations do. So evaluating the same
expressions, in the same order, on float32 arrays reproduces every result; every
branch is computed on all elements and picked with ``np.where`` (branch-free;
wasted lanes may overflow, hence ``errstate``).

That the transcription matches *this process's* C library is not assumed:
``exact()`` compares it with libm's own ``tanhf``/``expm1f`` (through ctypes) on a
fixed probe set once, and ``quant.libm_tanhf`` / ``libm_float("expm1f")`` fall back
to libm element by element when it does not match (another C library, or a glibc
whose functions were replaced by correctly rounded ones). On glibc 2.36 x86-64
the transcription was compared with libm on all 2**32 float32 bit patterns
(``benchmarks/fdlibm_exhaustive.py``): no difference, NaN payloads included.
``tests/test_quant.py`` repeats the comparison on random and edge values.

Python only: the C port calls its C library's ``tanhf`` directly.
"""

from __future__ import annotations

import functools

import numpy as np

_F32 = np.float32


def _word(x: np.ndarray) -> np.ndarray:
    """GET_FLOAT_WORD: the float's bits as an int32."""
    return x.view(np.int32)


def _float(word: np.ndarray) -> np.ndarray:
    """SET_FLOAT_WORD: int32 bits as a float."""
    return np.asarray(word, np.int32).view(np.float32)


def _bits(*words: int) -> np.ndarray:
    return np.array(words, np.uint32).view(np.float32)


_ONE, _HALF, _TWO = _F32(1.0), _F32(0.5), _F32(2.0)
_LN2_HI, _LN2_LO, _INVLN2, _O_THRESHOLD = _bits(0x3F317180, 0x3717F7D1, 0x3FB8AA3B, 0x42B17180)
_Q1, _Q2, _Q3, _Q4, _Q5 = _bits(0xBD088889, 0x3AD00D01, 0xB8A670CD, 0x36867E54, 0xB457EDBB)
_HUGE = _F32(1.0e30)


def expm1f(x: np.ndarray) -> np.ndarray:
    """glibc's ``expm1f`` on every element of a float32 array (a new float32 array).

    Same steps as fdlibm: |x| >= 27 ln2 saturates below (-1), x >= 88.7217 overflows,
    |x| < 2**-25 returns x, otherwise x = k ln2 + r with k = 0, +-1 or
    ``(int)(x / ln2 +- 0.5)``, a rational approximation on r, and k added to the
    exponent by integer arithmetic on the float word, with the branch fdlibm takes
    for that k.
    """
    x = np.asarray(x, np.float32)
    hx = _word(x) & 0x7FFFFFFF
    negative = _word(x) < 0
    with np.errstate(all="ignore"):
        near = hx < 0x3F851592  # |x| < 1.5 ln2: k = +-1 without a multiply
        k_far = (_INVLN2 * x + np.where(negative, -_HALF, _HALF)).astype(np.int32)  # C truncation
        reduced = hx > 0x3EB17218  # |x| > 0.5 ln2
        k = np.where(reduced, np.where(near, np.where(negative, -1, 1), k_far), 0).astype(np.int32)
        t = k.astype(np.float32)
        hi = np.where(near, np.where(negative, x + _LN2_HI, x - _LN2_HI), x - t * _LN2_HI)
        lo = np.where(near, np.where(negative, -_LN2_LO, _LN2_LO), t * _LN2_LO)
        r = np.where(reduced, hi - lo, x)
        c = np.where(reduced, (hi - r) - lo, _F32(0.0))
        hfx = _HALF * r
        hxs = r * hfx
        r1 = _ONE + hxs * (_Q1 + hxs * (_Q2 + hxs * (_Q3 + hxs * (_Q4 + hxs * _Q5))))
        t3 = _F32(3.0) - r1 * hfx
        e = hxs * ((r1 - t3) / (_F32(6.0) - r * t3))
        k_zero = r - (r * e - hxs)
        e = (r * (e - c) - c) - hxs
        k_minus_one = _HALF * (r - e) - _HALF
        k_one = np.where(r < _F32(-0.25), -_TWO * (e - (r + _HALF)), _ONE + _TWO * (r - e))
        shift = k << 23  # k added to the exponent
        k_far_result = _float(_word(_ONE - (e - r)) + shift) - _ONE
        t_small = _float(0x3F800000 - (0x1000000 >> np.clip(k, 0, 22)))  # 1 - 2**-k
        k_small = _float(_word(t_small - (e - r)) + shift)
        t_large = _float((0x7F - np.clip(k, 23, 0x7F)) << 23)  # 2**-k
        k_large = _float(_word((r - (e + t_large)) + _ONE) + shift)
        out = np.where(k == 0, k_zero,
                       np.where(k == -1, k_minus_one,
                                np.where(k == 1, k_one,
                                         np.where((k <= -2) | (k > 56), k_far_result,
                                                  np.where(k < 23, k_small, k_large)))))
        out = np.where(hx < 0x33000000, x, out)  # |x| < 2**-25
        saturated = hx >= 0x4195B844  # |x| >= 27 ln2
        out = np.where(saturated & negative, -_ONE, out)
        over = (hx >= 0x42B17218) & ~negative & (x > _O_THRESHOLD)  # only checked from 88.7217 on
        out = np.where(over, _HUGE * _HUGE, out)
        out = np.where(hx > 0x7F800000, x + x, out)  # NaN, quieted as x + x does
        out = np.where(hx == 0x7F800000, np.where(negative, -_ONE, x), out)
    return np.asarray(out, np.float32)


def tanhf(x: np.ndarray) -> np.ndarray:
    """glibc's ``tanhf`` on every element of a float32 array (a new float32 array).

    fdlibm: |x| >= 22 gives +-1, |x| < 2**-55 gives x * (1 + x), |x| >= 1 gives
    ``1 - 2 / (expm1f(2|x|) + 2)``, else ``-t / (t + 2)`` with ``t = expm1f(-2|x|)``;
    the sign of x is put back; +-inf give ``1/x +- 1`` and NaN gives ``1/x - 1``'s
    or ``1/x + 1``'s NaN by the sign bit, as the C code computes them.
    """
    x = np.asarray(x, np.float32)
    jx = _word(x)
    ix = jx & 0x7FFFFFFF
    with np.errstate(all="ignore"):
        a = np.abs(x)
        at_least_one = ix >= 0x3F800000
        t = expm1f(np.where(at_least_one, _TWO * a, -_TWO * a))
        z = np.where(at_least_one, _ONE - _TWO / (t + _TWO), -t / (t + _TWO))
        z = np.where(ix >= 0x41B00000, _ONE - _F32(1.0e-30), z)
        z = np.where(jx < 0, -z, z)
        z = np.where(ix < 0x24000000, x * (_ONE + x), z)
        z = np.where(ix == 0, x, z)
        inv = _ONE / x
        z = np.where(ix >= 0x7F800000, np.where(jx >= 0, inv + _ONE, inv - _ONE), z)
    return np.asarray(z, np.float32)


#: inputs on which ``exact()`` compares the transcription with the C library: edges of
#: every branch, and values where glibc's tanhf is not correctly rounded
_PROBE_WORDS = (0x00000000, 0x80000000, 0x00000001, 0x24000000, 0x23FFFFFF, 0x33000000, 0x32FFFFFF,
                0x3EB17218, 0x3EB17219, 0x3F851591, 0x3F851592, 0x3F800000, 0x3F7FFFFF, 0x41B00000,
                0x41AFFFFF, 0x4195B844, 0x42B17180, 0x42B17181, 0x7F800000, 0xFF800000, 0x7FC00000,
                0xFFC00000, 0x7F800001)


@functools.cache
def exact() -> bool:
    """Do ``tanhf``/``expm1f`` here equal this process's C library on the probe set (edge
    values and 4096 seeded random floats in [-12, 12])? False without a C library."""
    from . import quant  # ctypes access to libm lives there

    rng = np.random.default_rng(20261205)
    probe = np.concatenate([_bits(*_PROBE_WORDS), rng.uniform(-12.0, 12.0, 4096).astype(np.float32),
                            rng.integers(0, 1 << 32, 256, dtype=np.uint64).astype(np.uint32).view(np.float32)])
    for name, ours in (("tanhf", tanhf), ("expm1f", expm1f)):
        theirs = quant.libm_float_scalar_loop(name, probe)
        if theirs is None or not np.array_equal(ours(probe).view(np.uint32), theirs.view(np.uint32)):
            return False
    return True


# --------------------------------------------------------------------------- expf

#: half-width, in units of the last place of a float64 whose float32 rounding is taken, of the
#: band around a float32 rounding midpoint where ``expf_flags`` flags a value (2**21 / 2**29 =
#: 0.0039 float32 ulp: about twice glibc's documented 0.002; the farthest disagreement on all
#: 2**32 arguments lies 878,794 double ulps = 2**19.75 from its midpoint, measured here)
EXPF_MARGIN = 1 << 21
_LOW29 = (1 << 29) - 1


def expf_flags(e64: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Where rounding ``e64 = np.exp(float64(v))`` to float32 might not give glibc's ``expf(v)``.

    Why this works: glibc's ``expf`` (2.27 on, ``e_expf.c``, both its FMA and its SSE2
    variant) evaluates in double and rounds once; its documented error is 0.502 ulp, i.e.
    the double it rounds lies within 0.002 float32 ulp of exp(v), so it rounds like the
    exact value except where that lies within 0.002 ulp of a rounding midpoint. numpy's
    float64 ``exp`` is within a few double ulp (2**-29 float32 ulp each) of exp(v). So where
    ``e64`` lies farther than ``EXPF_MARGIN`` (0.0039 float32 ulp) from a midpoint, both
    round to the same float32, the correctly rounded one; the flagged rest (0.8 % of values)
    must be settled by libm. For a normal float32 result, a midpoint is where the 29
    mantissa bits a float32 drops equal 2**28, so the test is one add, one mask and one
    compare on the float64's bits. Results that are not normal float32 (arguments below
    -87.3 or above 88.7) are the caller's to exclude. ``benchmarks/fdlibm_exhaustive.py
    --functions expf`` checks the claim on all 2**32 arguments; ``tests/test_quant.py`` on a
    sample. ``out``: a bool array of ``e64``'s shape (returned)."""
    low = (e64.view(np.int64) + (EXPF_MARGIN - (1 << 28))) & _LOW29
    return np.less(low, 2 * EXPF_MARGIN, out=out)
