"""SignalIrfft, int16, int32 and float32 (TFLM: signal/micro/kernels/irfft.cc,
signal/src/irfft_int16.cc, irfft_int32.cc, irfft_float.cc, which run KISS FFT v130's
``kiss_fftri`` in 16-bit fixed point, 32-bit fixed point or float; C twin:
firmware/src/kernels/mi_signal_irfft.c).

Each row of the input, ``fft_length / 2 + 1`` complex bins interleaved re, im (the
layout SignalRfft writes), becomes ``fft_length`` real samples. The arithmetic is
KISS FFT's, step for step, in the build the type ``T`` selects (``signal_kiss_fft.FftArith``:
Q15 for int16, Q31 for int32, float32 for float32), with the FFT SignalRfft uses
(``signal_kiss_fft``):

* twiddles of the inverse transform: KISS FFT's phases negated (``phase *= -1``);
* ``kiss_fftri``'s split: bin 0 and bin n give ``tmp[0] = (X0 + Xn, X0 - Xn)``, and for
  k = 1 .. n/2 ``fk`` and ``conj(X[n-k])``, each divided by 2 in fixed point
  (``C_FIXDIV``), make ``tmp[k] = fek + fok`` and ``tmp[n-k] = conj(fek - fok)`` with
  ``fok = (fk - fnkc) * super_twiddle[k-1]`` (for k = n/2 the second write wins);
* a complex inverse FFT of ``n = fft_length / 2`` points (the radix-4 butterfly's
  inverse branch), whose n complex outputs are the 2n real samples;
* float32 only: every sample divided by ``fft_length`` (``IrfftFloatApply``); the
  fixed-point outputs stay scaled by ``1 / fft_length`` (KISS FFT's per-stage divisions).

Refused: a type ``T`` other than int16 (7), int32 (2), float32 (0) (TFLM's Init returns
null); an fft_length SignalRfft refuses (``signal_kiss_fft.fft_ok``: (odd, below 4, or with a prime factor above 5
in its half, whose generic butterfly has no memory in TFLM's build)); tensors not of
type ``T``; rows other than ``fft_length + 2`` values in and ``fft_length`` out, or
different row counts (TFLM would read or write past a row).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..context import Node, Registration
from ..errors import KernelError, ModelError
from ..memory.declaration import KernelMemory, OpMemory, c_struct, persist, temps
from .signal_common import option_int, options, require
from .signal_kiss_fft import MAX_FACTORS, FftArith, butterflies, fft_ok, plan

INPUT, OUTPUT = 0, 0
#: the "T" option (a TensorType) -> tensor type name and KISS FFT build
TYPES = {7: ("INT16", FftArith(15)), 2: ("INT32", FftArith(31)), 0: ("FLOAT32", FftArith(0))}


@dataclass(frozen=True)
class OpData:
    fft_length: int
    arith: FftArith
    perm: np.ndarray  # input index of each position before the butterflies
    stages: tuple[tuple[int, int, int], ...]
    tw_r: np.ndarray
    tw_i: np.ndarray
    super_r: np.ndarray
    super_i: np.ndarray


def prepare(node: Node) -> OpData:
    m = options(node)
    fft_length, t = option_int(node, m, "fft_length"), option_int(node, m, "T")
    if t not in TYPES:
        raise node.unsupported(f"Irfft of TensorType {t} is not supported (int16 7, int32 2, float32 0)")
    type_name, arith = TYPES[t]
    reason = fft_ok(fft_length)
    if reason:
        raise node.unsupported(reason)
    require(node, len(node.op.inputs) == 1 and len(node.op.outputs) == 1, "takes 1 input and 1 output")
    x, y = node.input(INPUT), node.output(OUTPUT)
    if x.type_name != type_name or y.type_name != type_name:
        raise node.unsupported(f"types {x.type_name} -> {y.type_name} are not {type_name} (the T option)")
    require(node, len(x.shape) >= 1 and len(x.shape) == len(y.shape), "input and output ranks differ")
    row, out_row = x.shape[-1], y.shape[-1]
    require(node, row == fft_length + 2 and out_row == fft_length and x.size // row == y.size // out_row,
            f"rows of {row} values -> {out_row} samples do not fit fft_length {fft_length} "
            f"({fft_length + 2} -> {fft_length})")
    n = fft_length // 2
    perm, stages = plan(n)
    return OpData(fft_length, arith, perm, stages, *arith.twiddles(n, inverse=True))


def irfft(d: OpData, x: np.ndarray) -> np.ndarray:
    """``kiss_fftri`` of each row of ``x`` (rows x (n + 1) x 2, in the build's carrier
    type): rows x fft_length samples, still in the carrier type."""
    a, w, n = d.arith, d.arith.wrap, d.fft_length // 2
    xr, xi = x[:, :, 0], x[:, :, 1]
    tr = np.zeros((x.shape[0], n), a.dtype)
    ti = np.zeros_like(tr)
    tr[:, 0], ti[:, 0] = a.fixdiv(w(xr[:, 0] + xr[:, n]), w(xr[:, 0] - xr[:, n]), 2)
    k = np.arange(1, n // 2 + 1)
    fkr, fki = a.fixdiv(xr[:, k], xi[:, k], 2)
    fnr, fni = a.fixdiv(xr[:, n - k], w(-xi[:, n - k]), 2)
    fekr, feki = w(fkr + fnr), w(fki + fni)
    fokr, foki = a.cmul(w(fkr - fnr), w(fki - fni), d.super_r[k - 1], d.super_i[k - 1])
    tr[:, k], ti[:, k] = w(fekr + fokr), w(feki + foki)
    tr[:, n - k], ti[:, n - k] = w(fekr - fokr), w(-w(feki - foki))
    fr, fi = tr[:, d.perm], ti[:, d.perm]
    butterflies(d.stages, d.tw_r, d.tw_i, fr, fi, a, inverse=True)
    out = np.empty((x.shape[0], n, 2), a.dtype)
    out[:, :, 0], out[:, :, 1] = fr, fi
    out = out.reshape(x.shape[0], 2 * n)
    if not a.fixed:
        out = out / np.float32(d.fft_length)
    return out


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    n = data.fft_length // 2
    x = inputs[INPUT].reshape(-1, n + 1, 2).astype(data.arith.dtype)
    outputs[OUTPUT].reshape(-1)[...] = irfft(data, x).reshape(-1)


def _sizing(node: Node) -> tuple[int, int]:
    """(fft_length, T) for sizing; fft_length 0 when prepare would refuse the options
    (nothing allocated)."""
    try:
        m = options(node)
        fft_length, t = m.int("fft_length"), m.int("T")
    except (ModelError, KernelError):
        return 0, -1
    if t not in TYPES or fft_ok(fft_length) is not None:
        return 0, -1
    return fft_length, t


def memory(node: Node, pointer_bytes: int) -> OpMemory:
    """IrfftInit allocates, after its params, ``kiss_fftr_alloc``'s memory: the
    kiss_fftr_state (3 pointers), the complex FFT's state (nfft, inverse, 64 factors,
    n twiddles) and 3/2 n temporaries and super-twiddles, complex values of 4 bytes
    (int16) or 8 (int32, float32); the float build puts its IrfftFloatState (an int32
    and a pointer) first. Prepare takes a temporary of the input and of the output.
    The C twin's prepare allocates the twiddles (n complex values), the super-twiddles
    (n / 2) and the work row (n), n = fft_length / 2."""
    fft_length, t = _sizing(node)
    if not fft_length:
        return OpMemory()
    n, cpx = fft_length // 2, 4 if t == 7 else 8
    state = 3 * pointer_bytes + 4 + 4 + 4 * 64 + cpx * n + cpx * (n * 3 // 2)
    if t == 0:
        state += 2 * pointer_bytes  # IrfftFloatState: int32 fft_length, then the cfg pointer
    return OpMemory(tflm_prepare=(*persist(state), *temps(node, (0,), (0,))),
                    c_arrays=(cpx * n, cpx * (n // 2), cpx * n))


MEMORY = KernelMemory(tflm_op_data="TfLiteAudioFrontendIrfftParams",
                      c_op_data=c_struct(p=3, w=4 + 2 * MAX_FACTORS), needs=memory)
REGISTRATION = Registration("CUSTOM:SignalIrfft", prepare, invoke, memory=MEMORY)
