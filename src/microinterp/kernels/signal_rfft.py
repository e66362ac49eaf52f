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

The FFT itself (factorisation, twiddles, butterflies, vectorised by stage) is
``signal_kiss_fft``, shared with SignalIrfft. Refused (TFLM would crash or compute nothing
defined): an odd ``fft_length`` or one below 4, a half length with a prime
factor above 5 (TFLM's generic butterfly calls a malloc its build replaced by
NULL), types other than int16 (``T`` = 7; int32 and float32 Rfft are not
ported), rows longer than ``fft_length`` and outputs not of
``fft_length + 2`` values per row.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..context import Node, Registration
from ..errors import KernelError, ModelError
from ..memory.declaration import KernelMemory, OpMemory, c_struct, persist, temps
from .signal_common import option_int, options, require, wrap16
from .signal_kiss_fft import MAX_FACTORS, Q15, butterflies, fft_ok, plan

INPUT, OUTPUT = 0, 0
INT16_T = 7  # TensorType_INT16, the "T" option
def state_bytes(fft_length: int, pointer_bytes: int) -> int:
    """``kiss_fftr_alloc``'s memory: the kiss_fftr_state (3 pointers), the complex
    FFT's state (nfft, inverse, 64 factors, nfft twiddles of 4 bytes) and
    3/4 fft_length temporaries and super-twiddles of 4 bytes each."""
    n = fft_length // 2
    return 3 * pointer_bytes + (4 + 4 + 4 * 64 + 4 * n) + 4 * (n * 3 // 2)


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
    perm, stages = plan(n)
    return OpData(fft_length, row, perm, stages, *Q15.twiddles(n, inverse=False))


def rfft(d: OpData, x: np.ndarray) -> np.ndarray:
    """``kiss_fftr`` of each row of ``x`` (rows x row samples): rows x (n + 1) x 2 int64."""
    n = d.fft_length // 2
    work = np.zeros((x.shape[0], d.fft_length), np.int64)
    work[:, : x.shape[1]] = x
    fr, fi = work[:, 0::2][:, d.perm], work[:, 1::2][:, d.perm]
    butterflies(d.stages, d.tw_r, d.tw_i, fr, fi)
    out = np.zeros((x.shape[0], n + 1, 2), np.int64)
    tdr, tdi = Q15.fixdiv(fr[:, 0], fi[:, 0], 2)
    out[:, 0, 0], out[:, n, 0] = wrap16(tdr + tdi), wrap16(tdr - tdi)
    k = np.arange(1, n // 2 + 1)
    if k.size:
        pkr, pki = Q15.fixdiv(fr[:, k], fi[:, k], 2)
        nkr, nki = Q15.fixdiv(fr[:, n - k], wrap16(-fi[:, n - k]), 2)
        f1r, f1i = wrap16(pkr + nkr), wrap16(pki + nki)
        f2r, f2i = wrap16(pkr - nkr), wrap16(pki - nki)
        twr, twi = Q15.cmul(f2r, f2i, d.super_r[k - 1], d.super_i[k - 1])
        out[:, k, 0], out[:, k, 1] = wrap16((f1r + twr) >> 1), wrap16((f1i + twi) >> 1)
        out[:, n - k, 0], out[:, n - k, 1] = wrap16((f1r - twr) >> 1), wrap16((twi - f1i) >> 1)
    return out


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    x = inputs[INPUT].reshape(-1, data.row).astype(np.int64)
    outputs[OUTPUT].reshape(-1)[...] = rfft(data, x).reshape(-1)


def bind(node: Node, data: OpData, inputs: Sequence[np.ndarray | None],
         outputs: Sequence[np.ndarray]) -> Callable[[], None]:
    """``invoke`` for FFTs of radix-2 and radix-4 stages only (the audio front ends' 512
    points: four radix-4 stages), in about 20 numpy passes a stage instead of ~60:

    * samples are kept as int16 arrays, real and imaginary parts stacked on a first axis
      of two, so an addition is one pass and its store into ``kiss_fft_scalar`` wraps as
      C's does (int16 arithmetic is modulo 2**16, which is C's conversion of the int
      result back to int16); products and roundings run in int32, which holds them (a
      product of two int16 values, or a difference of two, stays below 2**31);
    * each stage's ``C_FIXDIV`` is one pass over all its legs, and its twiddle products
      (legs 1 .. p-1 at once) two multiplies against twiddles gathered here, not per invoke;
    * the real-FFT split's ``HALF_OF`` of a sum is taken in int32 before the int16 store,
      as the C expression is evaluated in int.

    Other radices (3, 5) call ``invoke``."""
    if any(p not in (2, 4) for p, _, _ in data.stages):
        return functools.partial(invoke, node, data, inputs, outputs)
    x_view, out_view = inputs[INPUT], outputs[OUTPUT]
    n = data.fft_length // 2
    x = x_view.reshape(-1, data.row)
    rows = x.shape[0]
    work = np.zeros((rows, data.fft_length), np.int16)  # zero-padded rows (the padding stays zero)
    zz = np.empty((2, rows, n), np.int16)  # real and imaginary parts, in kf_work's input order
    even, odd = 2 * data.perm, 2 * data.perm + 1
    big = np.empty((2, rows, n), np.int32)
    int32 = np.int32
    stages = []
    for p, m, fstride in data.stages:
        legs = zz.reshape(2, rows, fstride, p, m)
        k = np.arange(m)
        tw = np.array([[data.tw_r[q * k * fstride] for q in range(1, p)],
                       [data.tw_i[q * k * fstride] for q in range(1, p)]], np.int32)  # (2, p-1, m)
        tw = tw[:, None, None]  # (2, 1, 1, p-1, m)
        shape = (2, rows, fstride, p - 1, m)
        bufs = dict(a=np.empty(shape, np.int32), b=np.empty(shape, np.int32), s=np.empty(shape, np.int16),
                    tmp=np.empty((2, rows, fstride, m), np.int16), rot=np.empty((2, rows, fstride, m), np.int16))
        assert np.shares_memory(legs, zz)
        stages.append((p, legs, np.full((2, rows, n), Q15.samp_max // p, np.int32), tw, tw[::-1].copy(), bufs))
    half_14 = np.int32(1 << 14)
    h = n // 2
    k = np.arange(1, h + 1)
    # the split: bins k and n - k (k = 1 .. n/2), and the super-twiddles
    sup = np.array([data.super_r[k - 1], data.super_i[k - 1]], np.int32)[:, None, :]  # (2, 1, h)
    sup_swap = sup[::-1].copy()
    pk16, nk16 = np.empty((2, rows, h), np.int16), np.empty((2, rows, h), np.int16)
    f1, f2 = np.empty((2, rows, h), np.int16), np.empty((2, rows, h), np.int16)
    t32a, t32b = np.empty((2, rows, h), np.int32), np.empty((2, rows, h), np.int32)
    tw16 = np.empty((2, rows, h), np.int16)
    f1_32, acc = np.empty((2, rows, h), np.int32), np.empty((2, rows, h), np.int32)
    dc32 = np.empty((2, rows), np.int32)
    half_div = np.full((2, rows, h), Q15.samp_max // 2, np.int32)
    out = np.zeros((rows, n + 1, 2), np.int16)
    lo_idx, hi_idx = k, n - k
    out_lo, out_hi = out[:, 1:h + 1], out[:, n - 1:n - h - 1 if n - h - 1 >= 0 else None:-1]  # bins k, n - k
    multiply, add, subtract, rshift, copyto, negative = (np.multiply, np.add, np.subtract, np.right_shift, np.copyto,
                                                         np.negative)

    def fixdiv(src: np.ndarray, div: np.ndarray, tmp: np.ndarray, dst: np.ndarray) -> None:
        """C_FIXDIV: sround(src * (SAMP_MAX / p)), stored as int16."""
        multiply(src, div, out=tmp, dtype=int32)
        add(tmp, half_14, out=tmp)
        rshift(tmp, 15, out=tmp)
        copyto(dst, tmp, casting="unsafe")

    def cmul(ar_ai: np.ndarray, tw: np.ndarray, tw_swap: np.ndarray, a: np.ndarray, b: np.ndarray,
             dst: np.ndarray) -> None:
        """C_MUL of stacked (re, im) values by stacked twiddles, rounded, stored as int16."""
        multiply(ar_ai, tw, out=a, dtype=int32)  # (ar*br, ai*bi)
        multiply(ar_ai, tw_swap, out=b, dtype=int32)  # (ar*bi, ai*br)
        subtract(a[0], a[1], out=a[0])
        add(b[0], b[1], out=a[1])
        add(a, half_14, out=a)
        rshift(a, 15, out=a)
        copyto(dst, a, casting="unsafe")

    def run() -> None:
        copyto(work[:, :data.row], x)
        work.take(even, axis=1, out=zz[0])
        work.take(odd, axis=1, out=zz[1])
        for p, legs, div, tw, tw_swap, b in stages:
            fixdiv(zz, div, big, zz)
            cmul(legs[:, :, :, 1:], tw, tw_swap, b["a"], b["b"], b["s"])
            f0 = legs[:, :, :, 0]
            if p == 2:
                subtract(f0, b["s"][:, :, :, 0], out=legs[:, :, :, 1])
                add(f0, b["s"][:, :, :, 0], out=f0)
                continue
            s0, s1, s2 = b["s"][:, :, :, 0], b["s"][:, :, :, 1], b["s"][:, :, :, 2]
            s5, rot = b["tmp"], b["rot"]
            subtract(f0, s1, out=s5)
            add(f0, s1, out=f0)
            add(s0, s2, out=s1)  # scratch[3] (s1 is no longer needed)
            subtract(s0, s2, out=s0)  # scratch[4]
            subtract(f0, s1, out=legs[:, :, :, 2])
            add(f0, s1, out=f0)
            copyto(rot[0], s0[1])  # (s4.i, -s4.r)
            negative(s0[0], out=rot[1])
            add(s5, rot, out=legs[:, :, :, 1])
            subtract(s5, rot, out=legs[:, :, :, 3])
        # kiss_fftr's split
        multiply(zz[:, :, 0], half_div[:, :, 0], out=dc32)
        add(dc32, half_14, out=dc32)
        rshift(dc32, 15, out=dc32)  # (tdr, tdi), values well inside int16
        copyto(out[:, 0, 0], dc32[0] + dc32[1], casting="unsafe")
        copyto(out[:, n, 0], dc32[0] - dc32[1], casting="unsafe")
        if h:
            zz.take(lo_idx, axis=2, out=pk16)
            zz.take(hi_idx, axis=2, out=nk16)
            negative(nk16[1], out=nk16[1])  # the conjugate, stored as int16
            fixdiv(pk16, half_div, t32a, pk16)
            fixdiv(nk16, half_div, t32b, nk16)
            add(pk16, nk16, out=f1)
            subtract(pk16, nk16, out=f2)
            cmul(f2, sup, sup_swap, t32a, t32b, tw16)
            copyto(f1_32, f1)
            add(f1_32, tw16, out=acc)  # HALF_OF(f1 + tw), in int
            rshift(acc, 1, out=acc)
            copyto(out_lo, acc.transpose(1, 2, 0), casting="unsafe")
            subtract(f1_32[0], tw16[0], out=acc[0])  # HALF_OF(f1.r - tw.r), HALF_OF(tw.i - f1.i)
            subtract(tw16[1], f1_32[1], out=acc[1])
            rshift(acc, 1, out=acc)
            copyto(out_hi, acc.transpose(1, 2, 0), casting="unsafe")  # after bin k: bin n/2 twice, as in C
        out_view.reshape(-1)[...] = out.reshape(-1)

    return run


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
REGISTRATION = Registration("CUSTOM:SignalRfft", prepare, invoke, memory=MEMORY, bind=bind)
