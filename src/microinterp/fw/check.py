"""Cross-check the C port against ``microinterp.Interpreter``, byte for byte.

``check(model, target)`` builds the runner for the target (once; later calls
reuse it), feeds it N random input vectors drawn over the full range of each
input's type (reproducible from the seed), compares every output byte with the
Python interpreter, and compares the arena the firmware reports with what
``memory.firmware_arena`` predicts for that target. On an output mismatch (or always, with
``layers=True``) it reruns the firmware with per-operator dumps and compares
each operator's outputs with ``Interpreter(preserve_all_tensors=True)``, so the
report names the first operator whose bytes differ.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import MicrointerpError
from ..inputs import random_inputs as draw_inputs
from ..interpreter import Interpreter
from ..memory import firmware_arena
from ..model import Model, load_model
from . import runner as rp
from . import targets as tg


@dataclass
class CheckReport:
    """Everything one cross-check found. ``outcome`` is one of ``ok``,
    ``mismatch`` (output or layer bytes differ), ``arena-mismatch`` (bytes
    right, arena prediction wrong), ``arena-too-small`` (allocation failed: the
    arena given is below the model's need), ``firmware-error`` (the runner failed),
    ``build-error`` or ``unavailable`` (the target, the C port or the Python
    reference cannot run this model)."""

    model: str
    target: str
    vectors: int
    seed: int
    outcome: str = "ok"
    message: str = ""
    arena_used_bytes: int | None = None
    arena_predicted: dict[str, Any] = field(default_factory=dict)
    python_plan_bytes: int | None = None
    outputs_compared: int = 0
    output_bytes_differing: int = 0
    first_mismatch: dict[str, Any] | None = None
    first_diverging_op: dict[str, Any] | None = None
    layers_compared: bool = False
    invoke_cycles: list[int] = field(default_factory=list)
    target_lines: list[str] = field(default_factory=list)  # e.g. instructions, flash, RAM on Cortex-M
    seconds: float = 0.0
    runner: str = ""
    #: instructions per inference {median, min, max}: None on the host (no counter)
    instructions: dict[str, int] | None = None
    #: flash bytes {total, framework, kernels, runtime_library, port, padding}: emulated targets only
    flash: dict[str, int | None] | None = None
    #: RAM bytes {arena, static, stack_peak}; the host knows only the arena
    ram: dict[str, int | None] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"

    def lines(self) -> list[str]:
        """The human-readable report."""
        pred = self.arena_predicted
        out = [f"model:    {self.model}", f"target:   {self.target}  ({self.vectors} vectors, seed {self.seed})"]
        if self.arena_used_bytes is not None or pred.get("supported"):
            used = f"firmware {self.arena_used_bytes} B, " if self.arena_used_bytes is not None else ""
            out.append(
                f"arena:    {used}predicted {pred.get('total_bytes')} B "
                f"(planned {pred.get('planned_bytes')} + persistent {pred.get('persistent_bytes')}"
                f", planning peak {pred.get('temp_bytes')}); Python interpreter plan {self.python_plan_bytes} B")
        if self.outputs_compared:
            same = "identical" if not self.output_bytes_differing else f"{self.output_bytes_differing} bytes differ"
            out.append(f"outputs:  {self.outputs_compared} bytes compared, {same}"
                       + ("; every operator's outputs compared too" if self.layers_compared else ""))
        if self.first_mismatch:
            m = self.first_mismatch
            out.append(f"first differing output: vector {m['vector']}, output {m['output']}: "
                       f"{m['elements_differing']} of {m['elements']} elements")
        if self.first_diverging_op:
            d = self.first_diverging_op
            out.append(f"first differing op: #{d['op']} {d['name']} output {d['slot']} (tensor {d['tensor']} "
                       f"{d['tensor_name']!r}), vector {d['vector']}: {d['elements_differing']} of "
                       f"{d['elements']} elements differ")
        if self.invoke_cycles:
            out.append(f"invoke:   median {int(np.median(self.invoke_cycles))} cycles (port counter)")
        out.extend(self.target_lines)
        out.append(f"result:   {self.outcome.upper()}" + (f": {self.message}" if self.message else ""))
        return out

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1, default=int)


def random_inputs(model: Model, vectors: int, seed: int) -> list[list[np.ndarray]]:
    """``vectors`` input sets from one generator seeded with ``seed`` (``inputs.random_inputs``)."""
    rng = np.random.default_rng(seed)
    return [draw_inputs(model, rng) for _ in range(vectors)]


def reference_outputs(model: Model, vectors: list[list[np.ndarray]]) -> tuple[list[list[bytes]], int]:
    """Python outputs per vector (state carries over, as in the runner) and the Python plan's bytes."""
    it = Interpreter(model)
    if vectors and not it.stateful:
        # stateless (no variable tensor, no kernel state): one invoke_batch, bit-identical to invoking vector by vector
        batch = it.invoke_batch(*[np.stack([v[i] for v in vectors]) for i in range(it.num_inputs)])
        return [[out[v].tobytes() for out in batch] for v in range(len(vectors))], it.arena_used_bytes()
    outs = []
    for inputs in vectors:
        for i, x in enumerate(inputs):
            it.set_input(x, i)
        it.invoke()
        outs.append([it.get_output(k).tobytes() for k in range(it.num_outputs)])
    return outs, it.arena_used_bytes()


def reference_layers(model: Model, vectors: list[list[np.ndarray]]) -> list[list[bytes]]:
    """Every operator's outputs per vector, in the runner's dump order."""
    it = Interpreter(model, preserve_all_tensors=True)
    layout = rp.dump_layout(model)
    outs = []
    for inputs in vectors:
        for i, x in enumerate(inputs):
            it.set_input(x, i)
        it.invoke()
        outs.append([it.get_tensor(t).tobytes() for _op, _k, t, _n in layout])
    return outs


def _elements(a: bytes, b: bytes, dtype: np.dtype) -> tuple[int, int]:
    """(elements whose bytes differ, elements) of two equal-length buffers of ``dtype``."""
    size = max(np.dtype(dtype).itemsize, 1)
    x = np.frombuffer(a, np.uint8).reshape(-1, size)
    y = np.frombuffer(b, np.uint8).reshape(-1, size)
    return int(np.count_nonzero((x != y).any(axis=1))), int(x.shape[0])


def _first_layer_difference(model: Model, got: list[list[bytes]], want: list[list[bytes]]) -> dict[str, Any] | None:
    sg = model.main
    layout = rp.dump_layout(model)
    for v, (g_row, w_row) in enumerate(zip(got, want)):
        for (op, slot, t, _n), g, w in zip(layout, g_row, w_row):
            if g != w:
                tensor = sg.tensors[t]
                diff, total = _elements(g, w, np.dtype(tensor.dtype))
                return {"vector": v, "op": op, "name": sg.operators[op].name, "slot": slot, "tensor": t,
                        "tensor_name": tensor.name, "elements_differing": diff, "elements": total}
    return None


def check(model_path: str | os.PathLike[str], target: str = "host", *, vectors: int = 4, seed: int = 0,
          layers: bool = False, timeout: float = 300.0, workdir: Path | None = None,
          keep: Path | None = None, arena: int | None = None,
          inputs: list[list[np.ndarray]] | None = None) -> CheckReport:
    """Build (once), run and compare; see the module docstring. ``inputs`` replaces
    the random vectors with given ones (one list of model inputs per vector), so
    kernel tests can reach values a uniform draw never does (NaNs, extremes)."""
    if inputs is not None:
        vectors = len(inputs)
    start = time.monotonic()
    model_path = Path(model_path)
    report = CheckReport(model=str(model_path), target=target, vectors=vectors, seed=seed, layers_compared=layers)
    tgt = tg.get_target(target)
    why = tgt.unavailable()
    if why:
        report.outcome, report.message = "unavailable", f"target {target} cannot run here: {why}"
        return report
    model = load_model(str(model_path))  # an unreadable or corrupt file is the caller's error: ModelError
    try:
        report.arena_predicted = firmware_arena.firmware_arena_bytes(model, getattr(tgt, "abi", target),
                                                                     dsp=bool(getattr(tgt, "dsp", False)))
        if inputs is None:
            inputs = random_inputs(model, vectors, seed)
        expected, report.python_plan_bytes = reference_outputs(model, inputs)
    except MicrointerpError as e:
        report.outcome, report.message = "unavailable", f"the Python reference cannot run this model: {e}"
        return report
    if not report.arena_predicted["supported"]:
        report.outcome = "unavailable"
        report.message = ("the C port has no kernel for " + ", ".join(report.arena_predicted["unsupported_ops"])
                          + f" (it has: {', '.join(sorted(firmware_arena.c_kernels()))})")
        return report
    try:
        binary = tgt.build(workdir)
    except Exception as e:  # noqa: BLE001 - any build failure is reported, not raised
        report.outcome, report.message = "build-error", str(e)
        return report
    report.runner = str(binary)

    tmp_ctx = tempfile.TemporaryDirectory(prefix="mi-fw-check-") if keep is None else None
    tmp = Path(tmp_ctx.name) if tmp_ctx is not None else Path(keep)
    tmp.mkdir(parents=True, exist_ok=True)
    try:
        in_path, out_path, dump_path = tmp / "inputs.bin", tmp / "outputs.bin", tmp / "dump.bin"
        in_path.write_bytes(rp.pack_inputs(inputs))
        run = tgt.run(binary, model_path.resolve(), in_path, out_path, timeout=timeout,
                      dump=dump_path if layers else None, arena=arena)
        report.invoke_cycles = run.invoke_cycles
        report.arena_used_bytes = run.values.get("arena_used_bytes")
        report.ram = {"arena": report.arena_used_bytes, "static": None, "stack_peak": None}
        if hasattr(run, "report_lines"):  # emulated targets measure instructions and footprint
            report.target_lines = run.report_lines()
        if hasattr(run, "structured"):
            numbers = run.structured()
            report.instructions, report.flash = numbers["instructions"], numbers["flash"]
            report.ram = numbers["ram"] or report.ram
        if not run.ok and run.status_name == "MI_ERR_ARENA_TOO_SMALL":
            # The C side only knows the bytes of the phase that failed (a lower bound);
            # the whole need is fwplan's prediction, which check compares exactly on success.
            need = report.arena_predicted["total_bytes"]
            given = f"{arena} bytes" if arena is not None else "its static arena"
            report.outcome = "arena-too-small"
            report.message = (f"allocation failed (MI_ERR_ARENA_TOO_SMALL): the firmware was given {given}, "
                              f"the model needs {need} bytes on {target}; pass --arena {need} or more")
            return report
        if not run.ok:
            report.outcome = "firmware-error"
            op = run.failed_op
            where = f" at op #{op} {model.main.operators[op].name}" if op is not None and op < len(
                model.main.operators) else ""
            report.message = f"the firmware failed{where}: {run.describe()}"
            return report
        try:
            got = rp.split(out_path.read_bytes(), rp.output_sizes(model), vectors)
        except ValueError as e:
            report.outcome, report.message = "firmware-error", f"outputs file: {e}"
            return report
        sg = model.main
        for v, (g_row, w_row) in enumerate(zip(got, expected)):
            for k, (g, w) in enumerate(zip(g_row, w_row)):
                report.outputs_compared += len(w)
                if g != w:
                    report.output_bytes_differing += sum(a != b for a, b in zip(g, w))
                    if report.first_mismatch is None:
                        diff, total = _elements(g, w, np.dtype(sg.tensors[sg.outputs[k]].dtype))
                        report.first_mismatch = {"vector": v, "output": k, "elements_differing": diff,
                                                 "elements": total}
        if report.first_mismatch is not None and not layers:
            run = tgt.run(binary, model_path.resolve(), in_path, out_path, timeout=timeout, dump=dump_path, arena=arena)
            layers = run.ok
        if layers:
            sizes = [n for _op, _k, _t, n in rp.dump_layout(model)]
            try:
                dumped = rp.split(dump_path.read_bytes(), sizes, vectors)
                report.first_diverging_op = _first_layer_difference(model, dumped, reference_layers(model, inputs))
            except ValueError as e:
                report.message = f"dump file: {e}"
        if report.first_mismatch is not None or report.first_diverging_op is not None:
            report.outcome = "mismatch"
            report.message = report.message or "the C port's bytes differ from microinterp.Interpreter"
        elif report.arena_used_bytes != report.arena_predicted["total_bytes"]:
            report.outcome = "arena-mismatch"
            report.message = (f"the firmware used {report.arena_used_bytes} arena bytes but memory.firmware_arena predicts "
                              f"{report.arena_predicted['total_bytes']}")
        return report
    finally:
        report.seconds = time.monotonic() - start
        if tmp_ctx is not None:
            tmp_ctx.cleanup()
