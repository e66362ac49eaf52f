"""TFLM's Signal library ops of the audio front end vs TFLM, tolerance 0, through
single-op models built with FlexBuffer custom options (signal_models.py), each
over several invokes (SignalFilterBankSpectralSubtraction's noise estimate
carries over, and a reset in the middle must clear it as TFLM's does); plus the
refusals of options and shapes TFLM's C would read out of bounds or shift by
undefined counts.

Hypothesis examples: 25 per op (10 ops), $SIGNAL_EXAMPLES to change.
"""

from __future__ import annotations

import functools
import os

import numpy as np
import pytest
from hypothesis import given, settings
from oracle import compare_with_tflm, requires_tflm
from signal_models import CASES, Case, int16s

from microinterp import Interpreter
from microinterp.builder import ModelBuilder
from microinterp.errors import KernelError, MicrointerpError, UnsupportedOpError

EXAMPLES = int(os.environ.get("SIGNAL_EXAMPLES", "25"))


@requires_tflm
@pytest.mark.parametrize("op", sorted(CASES))
def test_signal_op_matches_tflm(op: str) -> None:
    @settings(max_examples=EXAMPLES, deadline=None)
    @given(case=CASES[op])
    def run(case: Case) -> None:
        reset = len(case.inputs) // 2 + 1 if op == "SignalFilterBankSpectralSubtraction" else None
        compare_with_tflm(case.model, case.inputs, reset_after=reset, unwritten=case.unwritten)

    run()


def _single(code: str, ins: list[tuple[tuple[int, ...], str]], outs: list[tuple[tuple[int, ...], str]],
            options: dict | None, raw: bytes | None = None, constants: dict[int, np.ndarray] | None = None) -> bytes:
    b = ModelBuilder()
    idx = []
    for k, (shape, dtype) in enumerate(ins):
        if constants and k in constants:
            idx.append(b.add_constant(f"c{k}", constants[k]))
        else:
            idx.append(b.add_input(f"x{k}", shape, dtype))
    o = [b.add_output(f"y{k}", shape, dtype) for k, (shape, dtype) in enumerate(outs)]
    if raw is not None:
        b.add_operator(f"CUSTOM:{code}", idx, o, custom_options=raw)
    else:
        b.add_custom(code, idx, o, options)
    return b.build()


REFUSED = [
    ("window shift 32", _single("SignalWindow", [((8,), "int16"), ((8,), "int16")], [((8,), "int16")], {"shift": 32})),
    ("window not whole", _single("SignalWindow", [((9,), "int16"), ((4,), "int16")], [((9,), "int16")], {"shift": 1})),
    ("window no options", _single("SignalWindow", [((8,), "int16"), ((8,), "int16")], [((8,), "int16")], None,
                                  raw=b"")),
    ("window garbage options", _single("SignalWindow", [((8,), "int16"), ((8,), "int16")], [((8,), "int16")], None,
                                       raw=b"\x01\x02\x03\x04")),
    ("rfft odd", _single("SignalRfft", [((7,), "int16")], [((9,), "int16")], {"fft_length": 7, "T": 7})),
    ("rfft factor 7", _single("SignalRfft", [((14,), "int16")], [((16,), "int16")], {"fft_length": 14, "T": 7})),
    ("rfft float", _single("SignalRfft", [((8,), "float32")], [((10,), "float32")], {"fft_length": 8, "T": 0})),
    ("rfft short output", _single("SignalRfft", [((8,), "int16")], [((8,), "int16")], {"fft_length": 8, "T": 7})),
    ("rfft long rows", _single("SignalRfft", [((9,), "int16")], [((10,), "int16")], {"fft_length": 8, "T": 7})),
    ("irfft type 9", _single("SignalIrfft", [((10,), "int8")], [((8,), "int8")], {"fft_length": 8, "T": 9})),
    ("irfft factor 7", _single("SignalIrfft", [((16,), "int16")], [((14,), "int16")], {"fft_length": 14, "T": 7})),
    ("irfft type not T", _single("SignalIrfft", [((10,), "int16")], [((8,), "int16")], {"fft_length": 8, "T": 2})),
    ("irfft short input", _single("SignalIrfft", [((8,), "float32")], [((8,), "float32")], {"fft_length": 8, "T": 0})),
    ("irfft long output", _single("SignalIrfft", [((10,), "int32")], [((10,), "int32")], {"fft_length": 8, "T": 2})),
    ("energy past input", _single("SignalEnergy", [((8,), "int16")], [((8,), "uint32")],
                                  {"start_index": 0, "end_index": 5})),
    ("filter bank channels", _single("SignalFilterBank", [((8,), "uint32")] + [((4,), "int16")] * 5,
                                     [((5,), "uint64")], {"num_channels": 5},
                                     constants={k: np.ones(4, np.int16) for k in range(1, 6)})),
    ("filter bank reads past spectrum", _single(
        "SignalFilterBank", [((8,), "uint32")] + [((4,), "int16")] * 5, [((3,), "uint64")], {"num_channels": 3},
        constants={1: np.ones(4, np.int16), 2: np.ones(4, np.int16), 3: np.array([0, 0, 0, 7], np.int16),
                   4: np.zeros(4, np.int16), 5: np.full(4, 2, np.int16)})),
    ("filter bank tables not constant", _single("SignalFilterBank", [((8,), "uint32")] + [((4,), "int16")] * 5,
                                                [((3,), "uint64")], {"num_channels": 3})),
    ("subtraction shift", _single("SignalFilterBankSpectralSubtraction", [((4,), "uint32")],
                                  [((4,), "uint32"), ((4,), "uint32")],
                                  {"num_channels": 4, "smoothing_bits": 32, "spectral_subtraction_bits": 14,
                                   "clamping": False, "smoothing": 1, "one_minus_smoothing": 1,
                                   "alternate_smoothing": 1, "alternate_one_minus_smoothing": 1,
                                   "min_signal_remaining": 1})),
    ("subtraction missing key", _single("SignalFilterBankSpectralSubtraction", [((4,), "uint32")],
                                        [((4,), "uint32"), ((4,), "uint32")], {"num_channels": 4})),
    ("pcan short lut", _single("SignalPCAN", [((4,), "uint32"), ((4,), "uint32"), ((124,), "int16")],
                               [((4,), "uint32")], {"snr_shift": 6}, constants={2: np.ones(124, np.int16)})),
    ("log shift", _single("SignalFilterBankLog", [((4,), "uint32")], [((4,), "int16")],
                          {"input_correction_bits": -1, "output_scale": 64})),
]


@pytest.mark.parametrize("name,model", REFUSED, ids=[n for n, _ in REFUSED])
def test_signal_refusals_are_clear_errors(name: str, model: bytes) -> None:
    with pytest.raises((KernelError, UnsupportedOpError)) as e:
        Interpreter.from_bytes(model)
    assert "operator 0 (CUSTOM:Signal" in str(e.value)


def test_square_root_scale_bits_out_of_range_is_refused_when_run() -> None:
    model = _single("SignalFilterBankSquareRoot", [((4,), "uint64"), ((), "int32")], [((4,), "uint32")], {})
    it = Interpreter.from_bytes(model)
    it.set_input(np.arange(4, dtype=np.uint64), 0)
    it.set_input(np.array(32, np.int32), 1)
    with pytest.raises(MicrointerpError, match="scale bits 32"):
        it.invoke()


@requires_tflm
def test_irfft_tflm_arena_predicted_exactly(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """SignalIrfft's allocations (IrfftInit's params and KISS FFT state of each build,
    Prepare's temporaries): head, tail and total equal the wheel's print_allocations."""
    import re
    import subprocess
    import sys

    from signal_models import IRFFT_T
    from test_sizing import _PRINT_ALLOCATIONS

    from microinterp.memory.tflm_arena import tflm_arena
    from microinterp.model import load_model

    paths = []
    for dtype, t in IRFFT_T.items():
        for fft_length in (8, 30, 256):
            b = ModelBuilder()
            x = b.add_input("x", (2, fft_length + 2), dtype)
            y = b.add_output("y", (2, fft_length), dtype)
            b.add_custom("SignalIrfft", [x], [y], {"fft_length": fft_length, "T": t})
            paths.append(tmp_path / f"{dtype}_{fft_length}.tflite")
            paths[-1].write_bytes(b.build())
    log = subprocess.run([sys.executable, "-c", _PRINT_ALLOCATIONS, *map(str, paths)], capture_output=True,
                         text=True, timeout=300).stderr
    wheel: dict[str, dict[str, int]] = {}
    for line in log.splitlines():
        if line.startswith("@@ "):
            current = wheel.setdefault(line[3:], {})
        elif m := re.search(r"Arena allocation (total|head|tail) (\d+) bytes", line):
            current[m.group(1)] = int(m.group(2))
    for path in paths:
        got = tflm_arena(load_model(path.read_bytes()), "host64")
        want = wheel[str(path)]
        assert (got.planned_bytes, got.persistent_bytes, got.used_bytes) == (want["head"], want["tail"],
                                                                             want["total"]), path.name


def test_sqrt64_python_ints_equal_the_bit_loop():
    """FilterBankSquareRoot's ``Sqrt64`` on Python ints (``math.isqrt`` plus TFLM's round-up
    rule, used for small arrays) equals the vectorised transcription of TFLM's bit-by-bit
    loops on random values of both widths, squares and their neighbours, and the edges
    where the round-up is suppressed (an all-ones root)."""
    from microinterp.kernels import signal_filter_bank_square_root as sq

    rng = np.random.default_rng(15)
    roots = rng.integers(0, 1 << 32, 3000, dtype=np.uint64).tolist()
    near_squares = [r * r + d for r in roots for d in (-1, 0, 1, r, r + 1) if 0 <= r * r + d < 1 << 64]
    edges = [0, 1, 2, 3, (1 << 32) - 1, 1 << 32, (1 << 64) - 1, 0xFFFF**2 + 0xFFFF, 0xFFFF**2 + 0xFFFF + 1,
             0xFFFFFFFF**2 + 0xFFFFFFFF, 0xFFFFFFFF**2 + 0xFFFFFFFE]
    values = np.array(edges + near_squares + rng.integers(0, 1 << 63, 20000, dtype=np.uint64).tolist()
                      + rng.integers(0, 1 << 32, 20000, dtype=np.uint64).tolist(), np.uint64)
    assert sq.sqrt64_int(values.tolist()) == sq.sqrt64_bitwise(values).tolist()


def _rfft_frames(rng: np.random.Generator, shape: tuple[int, ...]) -> list[np.ndarray]:
    """Frames at every loudness, with extremes, full-scale square waves and silence:
    full scale is where the FFT's int16 sums wrap."""
    frames = [int16s(rng, shape, extremes=bool(k % 2)) for k in range(24)]
    frames.append(np.where(rng.integers(0, 2, shape) == 1, 32767, -32768).astype(np.int16))
    frames.append(np.full(shape, -32768, np.int16))
    frames.append(np.zeros(shape, np.int16))
    return frames


@pytest.mark.parametrize("fft_length", [4, 8, 16, 32, 64, 128, 256, 512, 1024])
def test_rfft_bound_call_equals_the_stepwise_fft(fft_length: int) -> None:
    """SignalRfft's ``bind`` (tables, float64 sums and matmuls, see its docstring) equals
    ``rfft``, the stage-by-stage transcription of KISS FFT that the oracle tests check
    against TFLM, bit for bit, on every radix-2/4 length, one row and several, full
    rows and zero-padded ones."""
    from microinterp.kernels import signal_rfft as rf
    from microinterp.kernels.signal_kiss_fft import Q15, plan

    rng = np.random.default_rng(fft_length)
    n = fft_length // 2
    for rows, row in ((1, fft_length), (3, max(1, fft_length - 5))):
        data = rf.OpData(fft_length, row, *plan(n), *Q15.twiddles(n, inverse=False))
        x, y = np.zeros((rows, row), np.int16), np.zeros((rows, fft_length + 2), np.int16)
        run = rf.bind(None, data, [x], [y])  # type: ignore[arg-type]
        assert not isinstance(run, functools.partial), "radix-2/4 lengths take the bound path"
        for frame in _rfft_frames(rng, x.shape):
            x[...] = frame
            y[...] = 12345  # stale arena bytes: every output value must be written
            run()
            assert np.array_equal(y, rf.rfft(data, x.astype(np.int64)).reshape(rows, -1))


def _edge_values(dtype: np.dtype, n: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Arrays of ``n`` values of an unsigned input at every bit length and its edges
    (0, 1, 2, 3, 2**k - 1, 2**k, 2**k + 1, the maximum), shuffled, then random ones."""
    bits = 8 * dtype.itemsize
    edges = sorted({v for k in range(bits + 1) for v in ((1 << k) - 1, 1 << k, (1 << k) + 1) if v < 1 << bits}
                   | {0, 1, 2, 3})
    edges = np.array(edges, dtype=np.uint64).astype(dtype)
    out = [np.resize(rng.permutation(edges), n) for _ in range(max(1, 3 * edges.size // n))]
    out += [rng.integers(0, 1 << int(b), size=n, dtype=np.uint64).astype(dtype) for b in rng.integers(1, bits, 8)]
    return out


@pytest.mark.parametrize("op", sorted(CASES))
def test_signal_bound_calls_equal_invoke(op: str) -> None:
    """Each Signal op's bound call (``bind``: tables, views and buffers built once) equals
    its ``invoke`` (the traced path, what the oracle tests also check against TFLM) on
    every tensor, over the drawn models and inputs, then over edge values of every
    unsigned input (each bit length, 0, 1, 2, the maximum), state carried across invokes."""
    import io

    @settings(max_examples=EXAMPLES, deadline=None)
    @given(case=CASES[op])
    def run(case: Case) -> None:
        bound = Interpreter.from_bytes(case.model, preserve_all_tensors=True)
        traced = Interpreter.from_bytes(case.model, preserve_all_tensors=True, trace=1, trace_stream=io.StringIO())
        rng = np.random.default_rng(len(case.model))
        feeds = list(case.inputs)
        for k, x in enumerate(case.inputs[0]):
            if x.dtype.kind == "u":
                for edge in _edge_values(x.dtype, x.size, rng):
                    feeds.append([*case.inputs[0][:k], edge.reshape(x.shape), *case.inputs[0][k + 1:]])
        for feed in feeds:
            for it in (bound, traced):
                for i, x in enumerate(feed):
                    it.set_input(x, i)
                it.invoke()
            for index, value in bound.intermediates().items():
                assert value.tobytes() == traced.get_tensor(index).tobytes(), f"tensor {index} differs"

    run()
