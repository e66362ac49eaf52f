"""The C twins of the Signal-library kernels (firmware/src/kernels/mi_signal_*.c)
against the Python kernels: the hypothesis-drawn single-op models of
tests/signal_models.py, with their own inputs over several invokes (the
spectral subtraction's noise estimate carries over in both), run by the C port
on the host under ASan/UBSan: every output byte equal and the arena equal to
firmware_arena's prediction. Plus the refusals of tests/kernels/test_signal.py
(Python raises, C returns a status at allocation) and both audio preprocessors.

SignalEnergy's models write every output element here: the elements outside
its bin range are never written, by TFLM or either twin, so they hold whatever
each arena held (the preprocessor test covers a partial range, sliced away).

Examples: MI_FW_EXAMPLES (default 5) drawn models per op, 10 ops.
"""

from __future__ import annotations

import math
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest
from fw_batch import EXAMPLES, assert_both_refuse
from fw_helpers import assert_clean, requires_host_cc, run_binary
from hypothesis import HealthCheck, given, settings
from oracle import model_path
from signal_models import CASES, Case, energy

from microinterp.fw import check as fwcheck
from microinterp.kernels import signal_rfft
from microinterp.kernels.signal_kiss_fft import FftArith

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "kernels"))
from test_signal import REFUSED  # noqa: E402


def check_case(case: Case) -> fwcheck.CheckReport:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "m.tflite"
        path.write_bytes(case.model)
        return fwcheck.check(path, "host-asan", inputs=case.inputs, timeout=120)


@requires_host_cc
@pytest.mark.parametrize("op", sorted(CASES))
def test_c_twin_matches_python(op: str) -> None:
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(case=energy(whole=True) if op == "SignalEnergy" else CASES[op])
    def run(case: Case) -> None:
        report = check_case(case)
        text = "\n".join(report.lines())
        assert report.ok and report.output_bytes_differing == 0, text
        assert report.arena_used_bytes == report.arena_predicted["total_bytes"], text

    run()


@requires_host_cc
@pytest.mark.parametrize("name,model", REFUSED, ids=[n for n, _ in REFUSED])
def test_c_twin_refuses_what_python_refuses(name: str, model: bytes) -> None:
    assert_both_refuse(model)


@requires_host_cc
@pytest.mark.parametrize("rel", ["tflite-micro/audio_preprocessor_int8.tflite",
                                 "tflite-micro/audio_preprocessor_float.tflite"])
def test_audio_preprocessors_on_the_host(rel: str) -> None:
    """Six consecutive frames (the noise estimate carries over), every byte and the arena."""
    report = fwcheck.check(model_path(rel), "host-asan", vectors=6, seed=5, timeout=300)
    text = "\n".join(report.lines())
    assert report.ok and report.outputs_compared > 0 and report.output_bytes_differing == 0, text
    assert report.arena_used_bytes == report.arena_predicted["total_bytes"], text


@requires_host_cc
def test_rfft_twiddles_equal_python() -> None:
    """The C port computes KISS FFT's twiddles without libm's double cos/sin: every
    twiddle of every accepted fft_length up to 4096 equals the Python twin's
    (math.cos/sin, as TFLM's kiss_fft_alloc), the ties at cos/sin = +-1/2 included.
    (Measured once for every length up to 32768: 2,232,492 values, all equal.)"""
    proc = run_binary("test_twiddles", ["4096"], timeout=300)
    assert_clean(proc)
    lines = proc.stdout.splitlines()
    assert len(lines) == sum(1 for f in range(4, 4097, 2) if signal_rfft.fft_ok(f) is None)
    for line in lines:
        values = [int(v) for v in line.split()]
        f, n = values[0], values[0] // 2
        want = [v for i in range(n) for v in signal_rfft.Q15.twiddle(-2 * math.pi * i / n)]
        want += [v for i in range(n // 2) for v in signal_rfft.Q15.twiddle(-math.pi * ((i + 1) / n + 0.5))]
        assert values[1:] == want, f"fft_length {f}"


@requires_host_cc
@pytest.mark.parametrize("mode", ["q31", "f32"])
def test_irfft_twiddles_equal_python(mode: str) -> None:
    """SignalIrfft's inverse twiddles in Q31 and float32 from the same angles
    (mi_signal_kiss_fft.c): every twiddle of every accepted fft_length up to 4096 equals
    the Python twin's, the Q31 roundings at cos/sin = +-1/2 included."""
    arith = FftArith(31 if mode == "q31" else 0)
    proc = run_binary("test_twiddles", ["4096", mode], timeout=300)
    assert_clean(proc)
    lines = proc.stdout.splitlines()
    assert len(lines) == sum(1 for f in range(4, 4097, 2) if signal_rfft.fft_ok(f) is None)
    for line in lines:
        values = [int(v) for v in line.split()]
        f, n = values[0], values[0] // 2
        tw_r, tw_i, sup_r, sup_i = arith.twiddles(n, inverse=True)
        pairs = [*zip(tw_r, tw_i), *zip(sup_r, sup_i)]
        want = [int(v) if mode == "q31" else int(np.float32(v).view(np.uint32)) for p in pairs for v in p]
        assert values[1:] == want, f"fft_length {f}"
