"""Single-op models of TFLM's Signal library ops (custom ops with FlexBuffer
options), drawn by hypothesis: shared by the oracle tests
(tests/kernels/test_signal.py), the real-model test (tests/test_audio_preprocessor.py) and the C cross-checks
(tests/firmware/test_fw_signal.py).

Each ``draw_<op>`` returns a ``Case``: the model, a sequence of input lists
(several invokes, for the stateful op) and the flat masks of output elements
TFLM never writes (``compare_with_tflm(unwritten=...)``)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from hypothesis import strategies as st

from microinterp.builder import ModelBuilder

#: half lengths KISS FFT factors into 2, 3, 4 and 5 only
FFT_HALVES = [2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 16, 18, 20, 24, 25, 27, 30, 32, 36, 40, 45, 48, 50, 60, 64, 75, 80,
              100, 128, 256]


@dataclass
class Case:
    model: bytes
    inputs: list[list[np.ndarray]]
    unwritten: dict[int, np.ndarray] = field(default_factory=dict)


def int16s(rng: np.random.Generator, shape: tuple[int, ...], extremes: bool = True) -> np.ndarray:
    """int16 samples at a random loudness, with the extremes -32768 / 32767 / 0 sprinkled in."""
    v = rng.integers(-32768, 32768, size=shape) >> int(rng.integers(0, 15))
    if extremes and v.size:
        flat = v.reshape(-1)
        k = int(rng.integers(0, max(1, flat.size // 4)))
        flat[rng.integers(0, flat.size, size=k)] = rng.choice([-32768, 32767, 0, -1], size=k)
    return v.astype(np.int16)


def uints(rng: np.random.Generator, n: int, bits: int) -> np.ndarray:
    """Unsigned values of up to ``bits`` bits, each at a random magnitude, with 0, 1 and the maximum."""
    top = rng.integers(0, bits + 1, size=n)
    v = np.array([int(rng.integers(0, 1 << int(b), dtype=np.uint64)) if b else 0 for b in top], dtype=np.uint64)
    if n:
        v[rng.integers(0, n)] = rng.choice(np.array([0, 1, (1 << bits) - 1], dtype=np.uint64))
    return v.astype(np.uint32 if bits <= 32 else np.uint64)


@st.composite
def window(draw: st.DrawFn) -> Case:
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    w, rows = draw(st.integers(1, 48)), draw(st.sampled_from([None, 1, 3]))
    shape = (w,) if rows is None else (rows, w)
    b = ModelBuilder()
    x = b.add_input("x", shape, "int16")
    weights = b.add_constant("w", int16s(rng, (w,)))
    y = b.add_output("y", shape, "int16")
    b.add_custom("SignalWindow", [x, weights], [y], {"shift": draw(st.integers(0, 31))})
    return Case(b.build(), [[int16s(rng, shape)] for _ in range(2)])


@st.composite
def fft_auto_scale(draw: st.DrawFn) -> Case:
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n = draw(st.integers(1, 64))
    b = ModelBuilder()
    x = b.add_input("x", (n,), "int16")
    y = b.add_output("y", (n,), "int16")
    bits = b.add_output("bits", (), "int32")
    b.add_custom("SignalFftAutoScale", [x], [y, bits])
    frames = [int16s(rng, (n,), extremes=draw(st.booleans())) for _ in range(3)]
    frames.append(np.zeros(n, np.int16))
    return Case(b.build(), [[f] for f in frames])


@st.composite
def rfft(draw: st.DrawFn) -> Case:
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    fft_length = 2 * draw(st.sampled_from(FFT_HALVES))
    row = draw(st.integers(1, fft_length))
    rows = draw(st.sampled_from([None, 2]))
    xs, ys = ((row,), (fft_length + 2,)) if rows is None else ((rows, row), (rows, fft_length + 2))
    b = ModelBuilder()
    x = b.add_input("x", xs, "int16")
    y = b.add_output("y", ys, "int16")
    b.add_custom("SignalRfft", [x], [y], {"fft_length": fft_length, "T": 7})
    return Case(b.build(), [[int16s(rng, xs)] for _ in range(2)])


#: SignalIrfft's "T" option (a TensorType) per tensor type
IRFFT_T = {"int16": 7, "int32": 2, "float32": 0}


def irfft_values(rng: np.random.Generator, shape: tuple[int, ...], dtype: str) -> np.ndarray:
    """Spectra at a random magnitude: int16 / int32 with their extremes sprinkled in,
    float32 normal with a scale from 1e-3 to 1e3."""
    if dtype == "float32":
        return rng.normal(0.0, 10.0 ** int(rng.integers(-3, 4)), shape).astype(np.float32)
    if dtype == "int16":
        return int16s(rng, shape)
    v = rng.integers(-(2**31), 2**31, size=shape) >> int(rng.integers(0, 31))
    flat = v.reshape(-1)
    k = int(rng.integers(0, max(1, flat.size // 4)))
    flat[rng.integers(0, flat.size, size=k)] = rng.choice([-(2**31), 2**31 - 1, 0, -1], size=k)
    return v.astype(np.int32)


@st.composite
def irfft(draw: st.DrawFn) -> Case:
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    fft_length = 2 * draw(st.sampled_from(FFT_HALVES))
    dtype = draw(st.sampled_from(sorted(IRFFT_T)))
    rows = draw(st.sampled_from([None, 3]))
    xs, ys = ((fft_length + 2,), (fft_length,)) if rows is None else ((rows, fft_length + 2), (rows, fft_length))
    b = ModelBuilder()
    x = b.add_input("x", xs, dtype)
    y = b.add_output("y", ys, dtype)
    b.add_custom("SignalIrfft", [x], [y], {"fft_length": fft_length, "T": IRFFT_T[dtype]})
    return Case(b.build(), [[irfft_values(rng, xs, dtype)] for _ in range(2)])


@st.composite
def energy(draw: st.DrawFn, whole: bool = False) -> Case:
    """``whole``: every output element written (the C cross-check compares every byte,
    and the bytes TFLM never writes are whatever each arena held)."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    bins = draw(st.integers(1, 40))
    n_out = bins if whole else draw(st.integers(bins, bins + 3))
    end = bins if whole else draw(st.integers(0, bins))
    start = 0 if whole else draw(st.integers(0, end))
    b = ModelBuilder()
    x = b.add_input("x", (2 * bins,), "int16")
    y = b.add_output("y", (n_out,), "uint32")
    b.add_custom("SignalEnergy", [x], [y], {"start_index": start, "end_index": end})
    skip = np.ones(n_out, bool)
    skip[start:end] = False
    return Case(b.build(), [[int16s(rng, (2 * bins,))] for _ in range(2)], {y: skip})


@st.composite
def filter_bank(draw: st.DrawFn) -> Case:
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    spectrum, channels, n_weights = draw(st.integers(1, 48)), draw(st.integers(1, 12)), draw(st.integers(1, 64))
    widths = rng.integers(0, min(spectrum, n_weights, 8) + 1, size=channels + 1)
    freq = np.array([rng.integers(0, spectrum - w + 1) for w in widths])
    wstart = np.array([rng.integers(0, n_weights - w + 1) for w in widths])
    b = ModelBuilder()
    x = b.add_input("x", (spectrum,), "uint32")
    tables = [b.add_constant("weights", int16s(rng, (n_weights,))), b.add_constant("unweights", int16s(rng, (n_weights,))),
              b.add_constant("freq_starts", freq.astype(np.int16)), b.add_constant("weight_starts", wstart.astype(np.int16)),
              b.add_constant("widths", widths.astype(np.int16))]
    y = b.add_output("y", (channels,), "uint64")
    b.add_custom("SignalFilterBank", [x, *tables], [y], {"num_channels": channels})
    return Case(b.build(), [[uints(rng, spectrum, 32)] for _ in range(2)])


@st.composite
def filter_bank_square_root(draw: st.DrawFn) -> Case:
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n = draw(st.integers(1, 40))
    b = ModelBuilder()
    x = b.add_input("x", (n,), "uint64")
    bits = b.add_input("bits", (), "int32")
    y = b.add_output("y", (n,), "uint32")
    b.add_custom("SignalFilterBankSquareRoot", [x, bits], [y])
    return Case(b.build(), [[uints(rng, n, 64), np.array(draw(st.integers(0, 31)), np.int32)] for _ in range(2)])


@st.composite
def spectral_subtraction(draw: st.DrawFn) -> Case:
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n = draw(st.integers(1, 24))
    ssb = draw(st.integers(0, 40))
    coeff = st.integers(0, 1 << min(ssb, 30)) | st.integers(-(2**31), 2**31 - 1)
    opts = {"num_channels": n, "smoothing_bits": draw(st.integers(0, 31)), "spectral_subtraction_bits": ssb,
            "clamping": draw(st.booleans())}
    for key in ("smoothing", "one_minus_smoothing", "alternate_smoothing", "alternate_one_minus_smoothing",
                "min_signal_remaining"):
        opts[key] = draw(coeff)
    b = ModelBuilder()
    x = b.add_input("x", (n,), "uint32")
    y = b.add_output("y", (n,), "uint32")
    noise = b.add_output("noise", (n,), "uint32")
    b.add_custom("SignalFilterBankSpectralSubtraction", [x], [y, noise], opts)
    return Case(b.build(), [[uints(rng, n, draw(st.sampled_from([12, 20, 32])))] for _ in range(5)])


@st.composite
def pcan(draw: st.DrawFn) -> Case:
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n = draw(st.integers(1, 24))
    b = ModelBuilder()
    x = b.add_input("x", (n,), "uint32")
    noise = b.add_input("noise", (n,), "uint32")
    lut = b.add_constant("gain_lut", int16s(rng, (draw(st.integers(125, 130)),)))
    y = b.add_output("y", (n,), "uint32")
    b.add_custom("SignalPCAN", [x, noise, lut], [y], {"snr_shift": draw(st.integers(0, 40))})
    return Case(b.build(), [[uints(rng, n, 32), uints(rng, n, 32)] for _ in range(2)])


@st.composite
def filter_bank_log(draw: st.DrawFn) -> Case:
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n = draw(st.integers(1, 40))
    opts = {"input_correction_bits": draw(st.integers(0, 31)),
            "output_scale": draw(st.integers(0, 1 << 12) | st.integers(-(2**31), 2**31 - 1))}
    b = ModelBuilder()
    x = b.add_input("x", (n,), "uint32")
    y = b.add_output("y", (n,), "int16")
    b.add_custom("SignalFilterBankLog", [x], [y], opts)
    return Case(b.build(), [[uints(rng, n, 32)] for _ in range(2)])


#: op -> strategy, for both test files
CASES = {
    "SignalWindow": window(), "SignalFftAutoScale": fft_auto_scale(), "SignalRfft": rfft(), "SignalIrfft": irfft(),
    "SignalEnergy": energy(), "SignalFilterBank": filter_bank(),
    "SignalFilterBankSquareRoot": filter_bank_square_root(),
    "SignalFilterBankSpectralSubtraction": spectral_subtraction(), "SignalPCAN": pcan(),
    "SignalFilterBankLog": filter_bank_log(),
}
