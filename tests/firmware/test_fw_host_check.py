"""`microinterp firmware check --target host --sanitize` on the reference models.

Each model runs on several random input vectors in the C port built with
AddressSanitizer + UBSan: every output byte and every operator's output bytes
must equal microinterp.Interpreter's, no sanitizer may report, and the arena
the firmware reports must equal memory.firmware_arena's prediction for the host ABI.
The runner is built once per session and serves every model (the model is
read from a file on the host).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from fw_helpers import build_dir, requires_host_cc
from oracle import model_path

from microinterp import Interpreter, load_model
from microinterp.builder import ModelBuilder
from microinterp.cli import main as cli
from microinterp.fw import check as fwcheck
from microinterp.fw import runner as rp
from microinterp.fw import targets as tg
from microinterp.memory import firmware_arena
from microinterp.memory.planner import align_up, plan_greedy

pytestmark = requires_host_cc

MODELS = [
    "mlperf-tiny/kws_ref_model.tflite",
    "mlperf-tiny/vww_96_int8.tflite",
    "mlperf-tiny/pretrainedResnet_quant.tflite",
    "mlperf-tiny/ad01_int8.tflite",
    "tflite-micro/hello_world_int8.tflite",
    "tflite-micro/hello_world_float.tflite",
    "tflite-micro/person_detect.tflite",
    "tflite-micro/micro_speech_quantized.tflite",
]


#: beyond the required set: float32 models and TFLM's int16 (16x8) golden models
MORE_MODELS = [
    "mlperf-tiny/ad01_fp32.tflite",
    "mlperf-tiny/pretrainedResnet.tflite",
    "mlperf-tiny/vww_96_float.tflite",
    "tflite-micro/simple_add_model.tflite",
    "tflite-micro-seanet/conv6.tflite",
    "tflite-micro-seanet/conv16.tflite",
    "tflite-micro-seanet/add4.tflite",
    "tflite-micro-seanet/quantize0.tflite",
    # stateful: SVDF and LSTM state carried across the four vectors
    "tflite-micro/keyword_scrambled.tflite",
    "tflite-micro/micro_speech_lstm.tflite",
    "tflite-micro/trained_lstm.tflite",
    "tflite-micro/trained_lstm_int8.tflite",
]


#: ops whose Python kernel requests scratch buffers (TFLM's) and whose C twin needs none
SCRATCH_IN_PYTHON_ONLY = {"SVDF", "UNIDIRECTIONAL_SEQUENCE_LSTM"}


@pytest.mark.parametrize("rel", MODELS + MORE_MODELS)
def test_model_bit_exact_under_sanitizers(rel: str) -> None:
    path = model_path(rel)
    build_dir("host-asan")
    report = fwcheck.check(path, "host-asan", vectors=4, seed=11, layers=True)
    assert report.ok, "\n".join(report.lines())
    assert report.outputs_compared > 0 and report.output_bytes_differing == 0
    assert report.first_diverging_op is None
    assert report.arena_used_bytes == report.arena_predicted["total_bytes"]
    # the head is the greedy plan of the Python interpreter's tensors, plus the scratch the C
    # twins ask for on their own (CONV_2D's im2col column, after the tensors as C requests it),
    # with the outputs the C kernels may write over a dying input (planner.overlap_extent) --
    # unless a Python kernel requests scratch that its C twin does without (it consumes the
    # values as it produces them), which makes the C head smaller
    model = load_model(str(path))
    ops = {op.name for op in model.main.operators}
    python_plan = Interpreter(str(path)).memory
    if not ops & SCRATCH_IN_PYTHON_ONLY:
        head, _owners, _ = firmware_arena.head_requests(model)
        tensors = [r for r, o in zip(python_plan.requests, python_plan.owners) if o.startswith("tensor:")]
        assert [(r.size, r.first_use) for r in head] == [(r.size, r.first_use) for r in tensors]
        c_scratch = firmware_arena.scratch_requests(model, dsp=False)
        same_buffers = plan_greedy([*head, *c_scratch])
        assert report.arena_predicted["planned_bytes"] == align_up(same_buffers.size)
        if not c_scratch and not any(r.overlaps >= 0 for r in head):
            assert report.arena_predicted["planned_bytes"] == python_plan.planned_bytes
    else:
        assert report.arena_predicted["planned_bytes"] <= python_plan.planned_bytes


def test_cli_check_exit_status_and_report(capsys: pytest.CaptureFixture[str]) -> None:
    path = model_path("tflite-micro/hello_world_int8.tflite")
    rc = cli.main(["firmware", "check", str(path), "--target", "host", "--sanitize", "--vectors", "5",
                   "--seed", "3", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert rc == 0, out
    assert out["outcome"] == "ok" and out["vectors"] == 5
    assert out["arena_used_bytes"] == firmware_arena.firmware_arena_bytes(path, "host")["total_bytes"]


def test_inputs_are_reproducible_and_cover_the_range() -> None:
    model = load_model(str(model_path("mlperf-tiny/kws_ref_model.tflite")))
    a = fwcheck.random_inputs(model, 3, seed=5)
    b = fwcheck.random_inputs(model, 3, seed=5)
    c = fwcheck.random_inputs(model, 3, seed=6)
    assert all(np.array_equal(x, y) for ra, rb in zip(a, b) for x, y in zip(ra, rb))
    assert not all(np.array_equal(x, y) for ra, rc in zip(a, c) for x, y in zip(ra, rc))
    values = np.concatenate([x.ravel() for row in a for x in row])
    assert values.min() == -128 and values.max() == 127


def test_exact_arena_suffices_and_16_bytes_less_fails() -> None:
    """The predicted byte count is the arena to reserve: exactly enough."""
    path = model_path("mlperf-tiny/kws_ref_model.tflite")
    need = firmware_arena.firmware_arena_bytes(path, "host")["total_bytes"]
    assert fwcheck.check(path, "host-asan", vectors=1, arena=need).ok
    short = fwcheck.check(path, "host-asan", vectors=1, arena=need - 16)
    assert short.outcome == "arena-too-small"
    assert "MI_ERR_ARENA_TOO_SMALL" in short.message
    assert f"given {need - 16} bytes, the model needs {need} bytes" in short.message  # the whole need
    assert "None" not in "\n".join(short.lines()) and "failed at op" not in short.message


def _perturbed_copy(src: Path, dst: Path, op_index: int) -> None:
    """A copy of the model whose op ``op_index`` has one weight changed: a real C
    port run on it differs from Python (on the original) from that op on."""
    model = load_model(str(src))
    op = model.main.operators[op_index]
    weights = model.main.tensors[op.inputs[1]]
    raw = bytearray(model.raw)
    start = raw.find(weights.data.tobytes())
    assert start > 0
    raw[start] = (raw[start] + 77) % 256
    dst.write_bytes(bytes(raw))


class _PerturbedModelTarget:
    """The host-asan target, but the firmware is given a model with one weight
    changed: fault injection that exercises the first-differing-op report."""

    def __init__(self, base: tg.HostTarget, replacement: Path) -> None:
        self.base, self.replacement = base, replacement
        self.name, self.abi, self.description = "host-perturbed", base.abi, "test target"

    def unavailable(self) -> str | None:
        return self.base.unavailable()

    def build(self, workdir: Path | None = None) -> Path:
        return self.base.build(workdir)

    def run(self, binary: Path, model: Path, inputs: Path, outputs: Path, **kw: object) -> rp.RunnerOutput:
        return self.base.run(binary, self.replacement, inputs, outputs, **kw)  # type: ignore[arg-type]


def test_mismatch_names_the_first_differing_op(tmp_path: Path) -> None:
    src = model_path("mlperf-tiny/kws_ref_model.tflite")
    model = load_model(str(src))
    target_op = next(op.index for op in model.main.operators if op.name == "DEPTHWISE_CONV_2D")
    _perturbed_copy(src, tmp_path / "perturbed.tflite", target_op)
    fake = _PerturbedModelTarget(tg.get_target("host-asan"), tmp_path / "perturbed.tflite")
    tg.register(fake, replace=True)
    try:
        report = fwcheck.check(src, fake.name, vectors=2, seed=1)
    finally:
        tg.TARGETS.pop(fake.name, None)
    assert report.outcome == "mismatch", "\n".join(report.lines())
    d = report.first_diverging_op
    assert d is not None and d["op"] == target_op and d["name"] == "DEPTHWISE_CONV_2D" and d["vector"] == 0
    assert any("first differing op: #" in line for line in report.lines())


def _unsupported_op_model() -> tuple[str, bytes]:
    """A one-op model with an op that TFLM has and neither microinterp side runs
    (REDUCE_PROD): every op the Python interpreter runs has a C kernel now."""
    b = ModelBuilder()
    x = b.add_input("x", (1, 4), "int8", scale=0.1, zero_point=0)
    axis = b.add_constant("axis", np.array([1], np.int32))
    b.add_operator("REDUCE_PROD", [x, axis], [b.add_output("y", (1,), "int8", scale=0.1, zero_point=0)])
    return "REDUCE_PROD", b.build()


def test_unsupported_op_is_reported_before_running(tmp_path: Path) -> None:
    op, model = _unsupported_op_model()
    path = tmp_path / "unsupported.tflite"
    path.write_bytes(model)
    report = fwcheck.check(path, "host-asan", vectors=1)
    assert report.outcome == "unavailable" and op in report.message
    assert cli.main(["firmware", "check", str(path), "--sanitize"]) == 2


def test_firmware_rejects_the_op_itself_when_firmware_arena_is_bypassed(tmp_path: Path) -> None:
    """The runner's own error line names the operator the C resolver lacks."""
    _op, model = _unsupported_op_model()
    path = tmp_path / "unsupported.tflite"
    path.write_bytes(model)
    (tmp_path / "in.bin").write_bytes(bytes(4))
    t = tg.get_target("host-asan")
    out = t.run(build_dir("host-asan") / "mi_runner", path, tmp_path / "in.bin", tmp_path / "out.bin", timeout=60)
    assert out.returncode == rp.EXIT_ALLOCATE and out.status_name == "MI_ERR_UNSUPPORTED_OP"
    assert out.failed_op == 0 and "no kernel" in out.describe()
