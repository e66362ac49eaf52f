"""SignalRfft, int16 (TFLM: signal/micro/kernels/rfft.cc, signal/src/rfft_int16.cc,
which run KISS FFT v130 in 16-bit fixed point: kiss_fftr.c, kiss_fft.c,
_kiss_fft_guts.h; C twin:
firmware/src/kernels/mi_signal_rfft.c).

Each row of the input (its last axis, zero-padded to ``fft_length``) becomes
``fft_length / 2 + 1`` complex int16 bins, interleaved re, im. The arithmetic
is KISS FFT's fixed point, step for step, so that every rounding and every
int16 wrap-around is TFLM's:

* twiddles ``floor(0.5 + 32767 * cos(phase))`` computed in double, with the
  phases written as KISS FFT writes them;
* a complex FFT of ``n = fft_length / 2`` points over the input read as pairs,
  factored as ``kf_factor`` does (4s first, then 2, then odd factors), each stage
  a radix-2/3/4/5 butterfly that first divides its inputs by the radix
  (``C_FIXDIV``: multiply by ``32767 / p`` and round), multiplies by twiddles with
  ``sround`` (``(a*b + 2**14) >> 15``) and adds with int16 wrap-around;
* the real-FFT split (``kiss_fftr``) with its ``HALF_OF`` (an arithmetic shift).

Vectorised by stage: all sub-transforms of one recursion depth run their
butterflies together (they are independent), which is KISS FFT's recursion
reordered, not its arithmetic. Refused (TFLM would crash or compute nothing
defined): an odd ``fft_length`` or one below 4, a half length with a prime
factor above 5 (TFLM's generic butterfly calls a malloc its build replaced by
NULL), types other than int16 (``T`` = 7; int32 and float32 Rfft are not
ported), rows longer than ``fft_length`` and outputs not of
``fft_length + 2`` values per row.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..context import Node, Registration
from ..errors import KernelError, ModelError
from ..memory.declaration import KernelMemory, OpMemory, c_struct, persist, temps
from .signal_common import option_int, options, require, wrap16

INPUT, OUTPUT = 0, 0
INT16_T = 7  # TensorType_INT16, the "T" option
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


def state_bytes(fft_length: int, pointer_bytes: int) -> int:
    """``kiss_fftr_alloc``'s memory: the kiss_fftr_state (3 pointers), the complex
    FFT's state (nfft, inverse, 64 factors, nfft twiddles of 4 bytes) and
    3/4 fft_length temporaries and super-twiddles of 4 bytes each."""
    n = fft_length // 2
    return 3 * pointer_bytes + (4 + 4 + 4 * 64 + 4 * n) + 4 * (n * 3 // 2)


def _twiddle(phase: float) -> tuple[int, int]:
    return math.floor(0.5 + 32767 * math.cos(phase)), math.floor(0.5 + 32767 * math.sin(phase))


@dataclass(frozen=True)
class OpData:
    fft_length: int
    row: int  # input samples per row
    perm: np.ndarray  # input pair index of each position before the butterflies
    stages: tuple[tuple[int, int, int], ...]  # (radix p, length m, fstride), deepest first
    tw_r: np.ndarray
    tw_i: np.ndarray
    super_r: np.ndarray
    super_i: np.ndarray


def _plan(n: int) -> tuple[np.ndarray, tuple[tuple[int, int, int], ...]]:
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


def prepare(node: Node) -> OpData:
    m = options(node)
    fft_length, t = option_int(node, m, "fft_length"), option_int(node, m, "T")
    if t != INT16_T:
        raise node.unsupported(f"Rfft of TensorType {t} is not supported (int16, TensorType 7)")
    reason = fft_ok(fft_length)
    if reason:
        raise node.unsupported(reason)
    require(node, len(node.op.inputs) == 1 and len(node.op.outputs) == 1, "takes 1 input and 1 output")
    x, y = node.input(INPUT), node.output(OUTPUT)
    if x.type_name != "INT16" or y.type_name != "INT16":
        raise node.unsupported(f"types {x.type_name} -> {y.type_name} are not supported (int16)")
    require(node, len(x.shape) >= 1 and len(x.shape) == len(y.shape), "input and output ranks differ")
    row, out_row = x.shape[-1], y.shape[-1]
    require(node, 0 < row <= fft_length and out_row == fft_length + 2 and x.size // row == y.size // out_row,
            f"rows of {row} samples -> {out_row} values do not fit fft_length {fft_length}")
    n = fft_length // 2
    perm, stages = _plan(n)
    tw = [_twiddle(-2 * math.pi * i / n) for i in range(n)]
    sup = [_twiddle(-math.pi * ((i + 1) / n + 0.5)) for i in range(n // 2)]
    as_array = np.array
    return OpData(fft_length, row, perm, stages,
                  as_array([c for c, _ in tw], np.int64), as_array([s for _, s in tw], np.int64),
                  as_array([c for c, _ in sup], np.int64), as_array([s for _, s in sup], np.int64))


def _sround(x: np.ndarray) -> np.ndarray:
    return wrap16((x + (1 << 14)) >> 15)


def _cmul(ar: np.ndarray, ai: np.ndarray, br: np.ndarray, bi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return _sround(ar * br - ai * bi), _sround(ar * bi + ai * br)


def _fixdiv(r: np.ndarray, i: np.ndarray, p: int) -> tuple[np.ndarray, np.ndarray]:
    k = 32767 // p
    return _sround(r * k), _sround(i * k)


def _butterflies(d: OpData, fr: np.ndarray, fi: np.ndarray) -> None:
    """Every stage of ``kf_work`` in place on ``fr``/``fi`` (rows x n, int64 holding int16)."""
    rows = fr.shape[0]
    for p, m, fstride in d.stages:
        # instances of this depth: fstride of them, each p*m long; k = 0..m-1 within each
        shape = (rows, fstride, p, m)
        r, i = fr.reshape(shape), fi.reshape(shape)
        k = np.arange(m)
        legs = [_fixdiv(r[:, :, q, :], i[:, :, q, :], p) for q in range(p)]
        tw = [(d.tw_r[q * k * fstride], d.tw_i[q * k * fstride]) for q in range(p)]
        if p == 2:
            (ar, ai), (br, bi) = legs
            tr, ti = _cmul(br, bi, *tw[1])
            r[:, :, 1, :], i[:, :, 1, :] = wrap16(ar - tr), wrap16(ai - ti)
            r[:, :, 0, :], i[:, :, 0, :] = wrap16(ar + tr), wrap16(ai + ti)
        elif p == 4:
            (f0r, f0i), (f1r, f1i), (f2r, f2i), (f3r, f3i) = legs
            s0r, s0i = _cmul(f1r, f1i, *tw[1])
            s1r, s1i = _cmul(f2r, f2i, *tw[2])
            s2r, s2i = _cmul(f3r, f3i, *tw[3])
            s5r, s5i = wrap16(f0r - s1r), wrap16(f0i - s1i)
            f0r, f0i = wrap16(f0r + s1r), wrap16(f0i + s1i)
            s3r, s3i = wrap16(s0r + s2r), wrap16(s0i + s2i)
            s4r, s4i = wrap16(s0r - s2r), wrap16(s0i - s2i)
            r[:, :, 2, :], i[:, :, 2, :] = wrap16(f0r - s3r), wrap16(f0i - s3i)
            r[:, :, 0, :], i[:, :, 0, :] = wrap16(f0r + s3r), wrap16(f0i + s3i)
            r[:, :, 1, :], i[:, :, 1, :] = wrap16(s5r + s4i), wrap16(s5i - s4r)
            r[:, :, 3, :], i[:, :, 3, :] = wrap16(s5r - s4i), wrap16(s5i + s4r)
        elif p == 3:
            epi = d.tw_i[fstride * m]
            (f0r, f0i), (f1r, f1i), (f2r, f2i) = legs
            s1r, s1i = _cmul(f1r, f1i, *tw[1])
            s2r, s2i = _cmul(f2r, f2i, *tw[2])
            s3r, s3i = wrap16(s1r + s2r), wrap16(s1i + s2i)
            s0r, s0i = wrap16(s1r - s2r), wrap16(s1i - s2i)
            g1r, g1i = wrap16(f0r - (s3r >> 1)), wrap16(f0i - (s3i >> 1))
            s0r, s0i = _sround(s0r * epi), _sround(s0i * epi)
            r[:, :, 0, :], i[:, :, 0, :] = wrap16(f0r + s3r), wrap16(f0i + s3i)
            r[:, :, 2, :], i[:, :, 2, :] = wrap16(g1r + s0i), wrap16(g1i - s0r)
            r[:, :, 1, :], i[:, :, 1, :] = wrap16(g1r - s0i), wrap16(g1i + s0r)
        else:  # p == 5
            yar, yai = d.tw_r[fstride * m], d.tw_i[fstride * m]
            ybr, ybi = d.tw_r[2 * fstride * m], d.tw_i[2 * fstride * m]
            (s0r, s0i) = legs[0]
            s1r, s1i = _cmul(*legs[1], *tw[1])
            s2r, s2i = _cmul(*legs[2], *tw[2])
            s3r, s3i = _cmul(*legs[3], *tw[3])
            s4r, s4i = _cmul(*legs[4], *tw[4])
            s7r, s7i = wrap16(s1r + s4r), wrap16(s1i + s4i)
            s10r, s10i = wrap16(s1r - s4r), wrap16(s1i - s4i)
            s8r, s8i = wrap16(s2r + s3r), wrap16(s2i + s3i)
            s9r, s9i = wrap16(s2r - s3r), wrap16(s2i - s3i)
            r[:, :, 0, :], i[:, :, 0, :] = wrap16(s0r + (s7r + s8r)), wrap16(s0i + (s7i + s8i))
            s5r = wrap16(s0r + _sround(s7r * yar) + _sround(s8r * ybr))
            s5i = wrap16(s0i + _sround(s7i * yar) + _sround(s8i * ybr))
            s6r = wrap16(_sround(s10i * yai) + _sround(s9i * ybi))
            s6i = wrap16(-_sround(s10r * yai) - _sround(s9r * ybi))
            r[:, :, 1, :], i[:, :, 1, :] = wrap16(s5r - s6r), wrap16(s5i - s6i)
            r[:, :, 4, :], i[:, :, 4, :] = wrap16(s5r + s6r), wrap16(s5i + s6i)
            s11r = wrap16(s0r + _sround(s7r * ybr) + _sround(s8r * yar))
            s11i = wrap16(s0i + _sround(s7i * ybr) + _sround(s8i * yar))
            s12r = wrap16(-_sround(s10i * ybi) + _sround(s9i * yai))
            s12i = wrap16(_sround(s10r * ybi) - _sround(s9r * yai))
            r[:, :, 2, :], i[:, :, 2, :] = wrap16(s11r + s12r), wrap16(s11i + s12i)
            r[:, :, 3, :], i[:, :, 3, :] = wrap16(s11r - s12r), wrap16(s11i - s12i)


def rfft(d: OpData, x: np.ndarray) -> np.ndarray:
    """``kiss_fftr`` of each row of ``x`` (rows x row samples): rows x (n + 1) x 2 int64."""
    n = d.fft_length // 2
    work = np.zeros((x.shape[0], d.fft_length), np.int64)
    work[:, : x.shape[1]] = x
    fr, fi = work[:, 0::2][:, d.perm], work[:, 1::2][:, d.perm]
    _butterflies(d, fr, fi)
    out = np.zeros((x.shape[0], n + 1, 2), np.int64)
    tdr, tdi = _fixdiv(fr[:, 0], fi[:, 0], 2)
    out[:, 0, 0], out[:, n, 0] = wrap16(tdr + tdi), wrap16(tdr - tdi)
    k = np.arange(1, n // 2 + 1)
    if k.size:
        pkr, pki = _fixdiv(fr[:, k], fi[:, k], 2)
        nkr, nki = _fixdiv(fr[:, n - k], wrap16(-fi[:, n - k]), 2)
        f1r, f1i = wrap16(pkr + nkr), wrap16(pki + nki)
        f2r, f2i = wrap16(pkr - nkr), wrap16(pki - nki)
        twr, twi = _cmul(f2r, f2i, d.super_r[k - 1], d.super_i[k - 1])
        out[:, k, 0], out[:, k, 1] = wrap16((f1r + twr) >> 1), wrap16((f1i + twi) >> 1)
        out[:, n - k, 0], out[:, n - k, 1] = wrap16((f1r - twr) >> 1), wrap16((twi - f1i) >> 1)
    return out


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    x = inputs[INPUT].reshape(-1, data.row).astype(np.int64)
    outputs[OUTPUT].reshape(-1)[...] = rfft(data, x).reshape(-1)


def _fft_length(node: Node) -> int:
    """The op's fft_length for sizing, 0 when prepare would refuse it (nothing allocated)."""
    try:
        value = options(node).int("fft_length")
    except (ModelError, KernelError):
        return 0
    return value if fft_ok(value) is None else 0


def memory(node: Node, pointer_bytes: int) -> OpMemory:
    """RfftInit allocates the KISS FFT state after its params (``state_bytes``);
    RfftPrepare asks for a work area of fft_length int16 in the arena. The C twin's
    prepare allocates the twiddles (n complex int16), the super-twiddles (n / 2),
    the complex FFT's output and the zero-padded row (n each), n = fft_length / 2."""
    fft_length = _fft_length(node)
    n = fft_length // 2
    return OpMemory(scratch=(2 * fft_length,) if fft_length else (),
                    tflm_prepare=(*persist(state_bytes(fft_length, pointer_bytes)), *temps(node, (0,), (0,)))
                    if fft_length else None,
                    c_arrays=(4 * n, 4 * (n // 2), 4 * n, 4 * n) if fft_length else ())


MEMORY = KernelMemory(tflm_op_data="TfLiteAudioFrontendRfftParams<int16_t>",
                      c_op_data=c_struct(p=4, w=4 + 2 * MAX_FACTORS), needs=memory)
REGISTRATION = Registration("CUSTOM:SignalRfft", prepare, invoke, memory=MEMORY)
