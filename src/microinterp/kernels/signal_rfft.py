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

from collections.abc import Sequence
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
