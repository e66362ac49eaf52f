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
import sys
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


@functools.cache
def fixdiv_table(p: int, negate: bool = False, unit_twiddle: bool = False, dtype: str = "float64") -> np.ndarray:
    """``C_FIXDIV`` by ``p`` of every int16 value v (of -v first with ``negate``, as the
    split's conjugate; followed by ``C_MUL`` by the twiddle (32767, 0) with
    ``unit_twiddle``), stored as int16, indexed by v's bits read as uint16: a lookup is
    the scalar step, computed here once from the arithmetic (read-only, shared)."""
    v = np.arange(1 << 16, dtype=np.uint16).view(np.int16).astype(np.int64)
    q15 = Q15.samp_max
    out = wrap16(sround(wrap16(-v if negate else v) * (q15 // p)))
    if unit_twiddle:
        out = wrap16(sround(out * q15))
    table = out.astype(dtype)
    table.setflags(write=False)
    return table


def sround(x: np.ndarray) -> np.ndarray:
    """KISS FFT's ``sround`` (Q15): ``(x + 2**14) >> 15``."""
    return (x + (1 << 14)) >> 15


def butterfly_matrix(p: int) -> np.ndarray:
    """The radix-``p`` (2 or 4) butterfly of the forward FFT as a real 2p x 2p matrix on
    (real parts of legs 0..p-1, imaginary parts): output leg q = sum over legs j of
    (-i)**(q*j) * leg j, which is what kf_bfly2 / kf_bfly4 add up, leg j > 0 already
    multiplied by its twiddle."""
    q = np.arange(p)
    w = np.array([[(-1j) ** ((a * b * 4 // p) % 4) for b in q] for a in q])
    return np.block([[w.real, -w.imag], [w.imag, w.real]]).round()


def low16(z: np.ndarray) -> np.ndarray:
    """The low 16 bits of each value of the contiguous float64 array ``z`` (little-endian),
    a uint16 view: with ``MAGIC`` added, the int16 C stores for the integer held."""
    assert z.flags.c_contiguous
    return z.view(np.uint16)[..., 0::4]


#: 1.5 * 2**52: added to an integer v (|v| < 2**51) in float64, the sum is exact and its
#: mantissa's low bits are v's two's complement, so the low 16 bits of the float64 (a
#: uint16 view, little-endian) are v modulo 2**16: the int16 C stores, as a table index
MAGIC = 1.5 * 2.0**52


def bind(node: Node, data: OpData, inputs: Sequence[np.ndarray | None],
         outputs: Sequence[np.ndarray]) -> Callable[[], None]:
    """``invoke`` for FFTs of radix-2 and radix-4 stages only (the audio front ends' 512
    points: four radix-4 stages), as a fixed list of ~35 numpy calls built here. Numpy
    calls on a few hundred values cost about a microsecond each whatever they compute,
    so the arithmetic is rearranged to need as few as possible, with the same values:

    * a butterfly's additions are exact integer sums taken modulo 2**16 when stored, so
      the whole butterfly is one linear map mod 2**16: one float64 matmul (exact: small
      integers, every partial sum below 2**53 in any order) of ``butterfly_matrix`` over
      the legs, plus ``MAGIC``, so that the low 16 bits of each float64 are the int16 C
      stores (its wrap), read through a uint16 view without a conversion;
    * the next stage's ``C_FIXDIV`` is a lookup of those 16 bits in a table of the 65536
      int16 values (``fixdiv_table``, built once from the arithmetic);
    * ``C_MUL`` by the twiddles: products and the rounding constant summed in float64
      (a row of ones times 2**14 in the twiddle array), twiddles pre-scaled by 2**-15
      (exact, a power of two), so ``sround`` is one ``floor``; its result is only ever
      added, so its int16 wrap is left to the next table;
    * the first stage (sub-FFTs of length 1) multiplies by the twiddle (32767, 0) only,
      which leaves ``C_FIXDIV``'s results (|v| <= 16383) as they are: it is one lookup
      of the rows in input order (the zero padding looks up 0) and one gather into its
      legs (the tables are compared here; were they to differ, a second pair of calls);
    * each stage keeps its legs outermost ((rows, re/im, leg, group, k)); it reads the
      previous stage's output through a strided view in that order, so a stage's steps
      all work on whole blocks;
    * the real-FFT split: ``C_FIXDIV`` by 2 (and of the conjugate: a table of the
      negated value) read straight from the last stage's bins k and n - k (a reversed
      view), its ``C_MUL`` by the super-twiddles in int32 stored to int16 (it is
      halved after, so the wrap is needed), ``HALF_OF`` in int32 before the store; the
      two real end bins in one small int16 matmul (``DC_SPLIT``).

    ``tests/kernels/test_signal.py`` compares this with ``rfft`` on random and extreme
    inputs for every radix-2/4 length; the oracle tests run it against TFLM. Other radices
    (3, 5) call ``invoke``."""
    n, fft_length = data.fft_length // 2, data.fft_length
    x = inputs[INPUT].reshape(-1, data.row)
    rows = x.shape[0]
    y = outputs[OUTPUT].reshape(rows, n + 1, 2)
    if (any(p not in (2, 4) for p, _, _ in data.stages) or not np.shares_memory(x, inputs[INPUT])
            or not np.shares_memory(y, outputs[OUTPUT]) or sys.byteorder != "little"):
        return functools.partial(invoke, node, data, inputs, outputs)
    f64 = np.float64
    calls: list[Callable[[], object]] = []
    # the first stage (length-1 sub-FFTs, twiddle (32767, 0)): its C_FIXDIV (and C_MUL) tables
    # applied to the rows in input order, zero-padded (both tables map 0 to 0), then gathered
    # into its legs (rows, re/im, leg, group, 1)
    p1, _, groups1 = data.stages[0]
    pair = data.perm[np.arange(groups1)[None, :] * p1 + np.arange(p1)[:, None]]  # (leg, group)
    gather = (fft_length * np.arange(rows)[:, None, None, None] + np.arange(2)[None, :, None, None]
              + 2 * pair[None, None])
    first = np.zeros((rows, 3, p1, groups1, 1), f64)
    first[:, 2] = 1.0
    tables = (fixdiv_table(p1), fixdiv_table(p1, unit_twiddle=True))
    leg_sets = (slice(0, 1), slice(1, p1))  # leg 0 is not multiplied
    if np.array_equal(*tables):  # radix 2 and 4: C_FIXDIV leaves |v| <= 16383, which C_MUL by 32767 keeps
        tables, leg_sets = tables[:1], (slice(0, p1),)
    for table, leg_set in zip(tables, leg_sets):
        padded = np.zeros((rows, fft_length), f64)
        calls.append(functools.partial(table.take, x.view(np.uint16), None, padded[:, :data.row], "clip"))
        calls.append(functools.partial(padded.reshape(-1).take, gather[:, :, leg_set], None,
                                       first[:, :2, leg_set, :, 0], "clip"))
    prev: tuple[np.ndarray, int, int] = (first, 0, 0)
    for index, (p, m, groups) in enumerate(data.stages):
        if index == 0:
            assert m == 1, "kf_factor's last factor leaves sub-FFTs of length 1"
            legs = first
        else:  # the previous stage's (rows, 2, pp, groups * p, mp) read in this stage's order
            z, pp, mp = prev
            src = low16(z.reshape(rows, 2, pp, groups, p, mp)).transpose(0, 1, 4, 3, 2, 5)
            legs = np.empty((rows, 3, p, groups, m), f64)  # re, im, and a row of ones
            legs[:, 2] = 1.0
            k = np.arange(m)
            twr = np.array([data.tw_r[q * k * groups] for q in range(1, p)])  # (p - 1, m)
            twi = np.array([data.tw_i[q * k * groups] for q in range(1, p)])
            tw = np.empty((2, 3, p - 1, groups, m), f64)
            tw[0, 0], tw[0, 1], tw[1, 0], tw[1, 1] = (a[:, None, :] for a in (twr, -twi, twi, twr))
            tw[:, 2] = 1 << 14
            tw *= 2.0 ** -15
            prod = np.empty((rows, 2, 3, p - 1, groups, m), f64)
            acc = np.empty((rows, 2, p - 1, groups, m), f64)
            calls += [functools.partial(fixdiv_table(p).take, src, None, legs[:, :2].reshape(src.shape), "clip"),
                      functools.partial(np.multiply, legs[:, None, :, 1:], tw, prod),
                      functools.partial(np.add.reduce, prod, 2, None, acc),
                      functools.partial(np.floor, acc, legs[:, :2, 1:])]
        # the butterfly plus MAGIC (a column times the first row of ones): low 16 bits of the float64
        z = np.empty((rows, 2, p, groups, m), f64)
        butterfly = np.hstack([butterfly_matrix(p), np.full((2 * p, 1), MAGIC)])
        calls.append(functools.partial(np.matmul, butterfly, legs.reshape(rows, 3 * p, groups * m)[:, :2 * p + 1],
                                       z.reshape(rows, 2 * p, groups * m)))
        prev = (z, p, m)
    calls += _split_calls(data, low16(prev[0].reshape(rows, 2, n)), y)
    calls_t = tuple(calls)

    def run() -> None:
        for call in calls_t:
            call()

    return run


#: (bin 0, bin n) x (re, im) x (tdr, tdi): kiss_fftr's two real end bins
DC_SPLIT = np.array([[[1, 1], [0, 0]], [[1, -1], [0, 0]]], np.int16)


def _split_calls(data: OpData, zz: np.ndarray, out: np.ndarray) -> list[Callable[[], object]]:
    """``kiss_fftr``'s split of the complex FFT ``zz`` (rows, re/im, n; the uint16 bits of
    its int16 values) into the bins ``out`` (rows, n + 1, re/im), as calls."""
    rows, n = zz.shape[0], zz.shape[2]
    h = n // 2
    i32 = np.int32
    fix2 = fixdiv_table(2, dtype="int16")
    fix2_neg = fixdiv_table(2, negate=True, dtype="int16")  # fpnk.i = -tmpbuf.i, then C_FIXDIV
    halves = np.empty((rows, 2, 2, h + 1), np.int16)  # (rows, fpk / fpnk, re/im, k = 0..h)
    hi = zz[:, :, n - 1:h - 1:-1]  # bins n-1 .. n-h (n = 2h, h >= 1)
    fpk, fpnk = halves[:, 0, :, 1:], halves[:, 1, :, 1:]
    f = np.empty((rows, 5, h), np.int16)  # f1k.r, f1k.i, f2k.r (then tw.r), f2k.i (then tw.i), 1
    f[:, 4] = 1
    k = np.arange(h)
    sup = np.empty((2, 3, h), i32)
    sup[0, 0], sup[0, 1], sup[1, 0], sup[1, 1] = data.super_r[k], -data.super_i[k], data.super_i[k], data.super_r[k]
    sup[:, 2] = 1 << 14
    prod, acc, half = np.empty((rows, 2, 3, h), i32), np.empty((rows, 2, h), i32), np.empty((rows, 2, h), i32)
    f1, tw = f[:, 0:2], f[:, 2:4]
    p = functools.partial
    return [
        p(fix2.take, zz[:, :, 0:h + 1], None, halves[:, 0], "clip"),
        p(fix2.take, hi[:, 0], None, halves[:, 1, 0, 1:], "clip"),
        p(fix2_neg.take, hi[:, 1], None, halves[:, 1, 1, 1:], "clip"),
        # bins 0 and n: (tdr + tdi, 0) and (tdr - tdi, 0), within int16
        p(np.matmul, DC_SPLIT, halves[:, 0, :, 0][:, None, :, None], out[:, ::n, :, None]),
        p(np.add, fpk, fpnk, f1),  # within int16: halves of int16 values
        p(np.subtract, fpk, fpnk, tw),
        p(np.multiply, f[:, None, 2:5], sup, prod),  # C_MUL(tw, f2k, super_twiddles[k-1])
        p(np.add.reduce, prod, 2, None, acc),
        p(np.right_shift, acc, 15, tw, casting="unsafe"),  # stored as int16
        p(np.add, f1, tw, half, dtype=i32),  # HALF_OF(f1k + tw), taken in int
        p(np.right_shift, half, 1, out[:, 1:h + 1].transpose(0, 2, 1), casting="unsafe"),
        p(np.subtract, f[:, 0::3], f[:, 2:0:-1], half, dtype=i32),  # (f1k.r - tw.r, tw.i - f1k.i)
        # bins n-1 .. n-h, after bins 1 .. h: bin n/2 is written twice, as in C
        p(np.right_shift, half, 1, out[:, n - 1:h - 1:-1].transpose(0, 2, 1), casting="unsafe"),
    ]


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
