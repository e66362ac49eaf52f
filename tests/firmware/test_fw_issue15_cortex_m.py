"""The C kernels of issue 15 on emulated Cortex-M0+ (a real ARMv6-M core: no divider, no
64-bit multiply, no FPU, no unaligned word access) and Cortex-M4 (DSP extension,
soft-float), against the Python interpreter byte for byte, with the arena the firmware
used equal to memory/firmware_arena.py's prediction: one model per kernel and type path
(the streaming Signal ops, SignalIrfft in its three builds, TFLite_Detection_PostProcess
with fast and regular NMS, CIRCULAR_BUFFER, IF, WHILE and CALL_ONCE), each over several
invokes so the state that carries over is compared too. Resource variables:
test_fw_resource_variables.py; both audio preprocessors and micro_speech's model with
``firmware check``: test_cortex_m.py (test_firmware_check_is_bit_exact). The host ASan/UBSan cross-checks of the same kernels
draw many more models (test_fw_signal*.py, test_fw_detection_postprocess.py, ...).

Skipped (with the reason) only when the toolchain or QEMU is not installed.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "kernels"))  # the kernel tests' shared helpers
import test_circular_buffer as cb  # noqa: E402
import test_detection_postprocess as dpp  # noqa: E402
import test_signal_streaming as streaming  # noqa: E402
from control_flow_cases import call_once_model, if_model, random_value, while_model  # noqa: E402
from signal_models import IRFFT_T, irfft_values  # noqa: E402

from microinterp.builder import ModelBuilder  # noqa: E402
from microinterp.fw import check as fwcheck  # noqa: E402
from microinterp.fw.toolchain import toolchain_missing  # noqa: E402

_missing = toolchain_missing()
pytestmark = pytest.mark.skipif(_missing is not None, reason=f"Cortex-M toolchain/emulator absent: {_missing}")

Vectors = Callable[[np.random.Generator], list[list[np.ndarray]]]


def _int16(shape: tuple[int, ...]) -> Vectors:
    return lambda rng: [[rng.integers(-32768, 32767, shape, endpoint=True).astype(np.int16)] for _ in range(5)]


def _irfft(dtype: str, fft_length: int) -> tuple[bytes, Vectors]:
    xs, ys = (2, fft_length + 2), (2, fft_length)
    b = ModelBuilder()
    x, y = b.add_input("x", xs, dtype), b.add_output("y", ys, dtype)
    b.add_custom("SignalIrfft", [x], [y], {"fft_length": fft_length, "T": IRFFT_T[dtype]})
    return b.build(), lambda rng: [[irfft_values(rng, xs, dtype)] for _ in range(2)]


def _dpp(regular: bool) -> tuple[bytes, Vectors]:
    n, classes = 12, 3
    opts = dict(dpp.BASE, max_detections=4, max_classes_per_detection=2, use_regular_nms=regular,
                detections_per_class=3)
    grid = np.random.default_rng(3)
    anchors = np.stack([grid.integers(0, 5, n) / 4, grid.integers(0, 5, n) / 4,
                        grid.integers(1, 5, n) / 8, grid.integers(1, 5, n) / 8], axis=1)
    model = dpp.build(n, classes, opts, anchors)
    return model, lambda rng: [[rng.normal(0.0, 1.5, (1, n, 4)).astype(np.float32),
                                (rng.integers(-2, 9, (1, n, classes)) / 8).astype(np.float32)] for _ in range(3)]


def _control(make: Callable[[dict], bytes], inputs: Callable[[dict, np.random.Generator], list[np.ndarray]]
             ) -> tuple[bytes, Vectors]:
    spec = {"shape": (2, 3), "dtype": "int8", "quant": {"scale": 0.25, "zero_point": -2}}
    return make(spec), lambda rng: [inputs(spec, rng) for _ in range(3)]


def _cases() -> dict[str, tuple[bytes, Vectors]]:
    one = streaming.one_op
    return {
        "SignalDelay": (one("SignalDelay", {"delay_length": 5}, (2, 8), "int16", [((2, 8), "int16")]),
                        _int16((2, 8))),
        "SignalFramer": (one("SignalFramer", {"frame_size": 6, "frame_step": 3, "prefill": True}, (1, 6), "int16",
                             [((1, 2, 6), "int16"), ((), "bool")]), _int16((1, 6))),
        "SignalStacker": (one("SignalStacker", {"num_channels": 4, "stacker_left_context": 2,
                                                "stacker_right_context": 1, "stacker_step": 1},
                              (4,), "int16", [((16,), "int16"), ((), "bool")]), _int16((4,))),
        "SignalOverlapAdd-int16": (one("SignalOverlapAdd", {"T": 7, "frame_step": 3}, (1, 2, 5), "int16",
                                       [((1, 6), "int16")]), _int16((1, 2, 5))),
        "SignalOverlapAdd-float32": (one("SignalOverlapAdd", {"T": 0, "frame_step": 3}, (1, 2, 5), "float32",
                                         [((1, 6), "float32")]),
                                     lambda rng: [[rng.standard_normal((1, 2, 5)).astype(np.float32)]
                                                  for _ in range(5)]),
        **{f"SignalIrfft-{dtype}-{n}": _irfft(dtype, n) for dtype in IRFFT_T for n in (30, 64)},
        "DetectionPostProcess-fast": _dpp(False),
        "DetectionPostProcess-regular": _dpp(True),
        "CIRCULAR_BUFFER": (cb.build(1, 3, 2, 2, None),
                            lambda rng: [[rng.integers(-128, 127, (1, 1, 2, 2), endpoint=True).astype(np.int8)]
                                         for _ in range(8)]),
        "IF": _control(if_model, lambda s, rng: [np.array([rng.integers(0, 2) == 1]), random_value(s, rng),
                                                 random_value(s, rng)]),
        "WHILE": _control(while_model, lambda s, rng: [np.array([rng.integers(0, 5)], np.int32),
                                                       random_value(s, rng)]),
        "CALL_ONCE": _control(call_once_model, lambda s, rng: [random_value(s, rng)]),
    }


CASES = _cases()


@pytest.mark.parametrize("target", ["cortex-m0plus", "cortex-m4"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_issue15_kernel_on_cortex_m(name: str, target: str) -> None:
    model, vectors = CASES[name]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "m.tflite"
        path.write_bytes(model)
        report = fwcheck.check(path, target, inputs=vectors(np.random.default_rng(7)), timeout=300)
    text = "\n".join(report.lines())
    assert report.ok and report.output_bytes_differing == 0, text
    assert report.arena_used_bytes == report.arena_predicted["total_bytes"], text
