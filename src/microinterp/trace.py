"""The one tracing hook of the invoke loop, with numbered levels.

``Interpreter(trace=n, trace_stream=f)``, ``$MICROINTERP_TRACE=n`` or
``microinterp run --trace n``:

* **1**: one line per op: index, op name, output dtype/shape, time taken, and a
  closing line with the total and the slowest op;
* **2**: adds the op's options (padding, strides, fused activation), each
  tensor's quantization (``real = scale * (q - zero_point)``) and where its
  bytes live (``arena[start:end]`` or ``const``), and the kernel's op data:
  multipliers/shifts are printed with the real factor they encode
  (``m * 2**(shift-31)``), so a reader can check them against the scales;
* **3**: adds the kernel's large prepared arrays (weights, work buffers) as
  ranges, and a summary of every tensor's values (min/max/mean, first values,
  the real-valued range, and how many elements sit at the dtype's limits,
  which is how saturation shows up).

Why this shape: it is meant to be read by someone learning how a quantized
network runs, so each level adds one kind of fact, and nothing is printed
that cannot be traced back to the model or the kernel's prepared data.

The interpreter only calls into this module when the level is above 0, so
tracing costs nothing when it is off. Kernels run exactly as without
tracing; only timing and printing are added around them.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from collections.abc import Sequence
from typing import IO, Any

import numpy as np
import tflite

from .context import Node, Registration
from .model import Tensor

#: the highest trace level; every level above 0 adds to the one below
MAX_TRACE_LEVEL = 3

#: schema enum fields of op options -> enum class, to print names instead of numbers
_OPTION_ENUMS: dict[str, Any] = {
    "padding": tflite.Padding,
    "fused_activation_function": tflite.ActivationFunctionType,
}
_ENUM_NAMES = {
    field: {getattr(cls, n): n for n in dir(cls) if n.isupper()} for field, cls in _OPTION_ENUMS.items()
}


def _shape(t: Tensor | None) -> str:
    if t is None:
        return "-"
    return f"{t.type_name.lower()}[{','.join(str(d) for d in t.shape)}]"


def _quant(t: Tensor) -> str:
    """How the tensor's integers map to real numbers."""
    q = t.quant
    if q is None:
        return "float" if t.type_name.startswith("FLOAT") else "not quantized"
    if q.per_channel:
        zps = np.unique(q.zero_point)
        zp = str(int(zps[0])) if zps.size == 1 else f"{int(zps.min())}..{int(zps.max())}"
        return (f"per-channel dim {q.quantized_dimension}: {q.scale.size} scales "
                f"{float(q.scale.min()):.4g}..{float(q.scale.max()):.4g}, zp={zp}")
    return f"scale={float(q.scale[0]):.6g} zp={int(q.zero_point[0])}"


def _options(node: Node) -> str:
    """The op's parsed options, enums by name (``padding=SAME activation=RELU6``)."""
    opts = node.options
    if opts is None or not dataclasses.is_dataclass(opts):
        return ""
    out = []
    for f in dataclasses.fields(opts):
        value = getattr(opts, f.name)
        if value is None or (isinstance(value, tuple) and not value):
            continue
        if f.name in _ENUM_NAMES:
            value = _ENUM_NAMES[f.name].get(value, value)
        name = "activation" if f.name == "fused_activation_function" else f.name
        out.append(f"{name}={value}")
    return " ".join(out)


def _summary(t: Tensor | None, a: np.ndarray | None) -> str:
    """min/max/mean and first values; for quantized tensors the real range too;
    for integer tensors how many elements sit at the dtype's limits."""
    if a is None:
        return "-"
    if a.size == 0:
        return "(empty)"
    flat = a.reshape(-1)
    head = ", ".join(str(v) for v in flat[:8].tolist())
    more = ", ..." if flat.size > 8 else ""
    lo, hi = flat.min(), flat.max()
    mean = float(flat.astype(np.float64).mean())
    text = f"min={lo} max={hi} mean={mean:.4g} [{head}{more}]"
    if t is not None and t.quant is not None and not t.quant.per_channel and flat.dtype.kind in "iu":
        s, zp = float(t.quant.scale[0]), int(t.quant.zero_point[0])
        text += f" real {s * (int(lo) - zp):.4g}..{s * (int(hi) - zp):.4g}"
    if flat.dtype.kind in "iu" and flat.dtype.itemsize <= 2:
        info = np.iinfo(flat.dtype)
        at_min, at_max = int((flat == info.min).sum()), int((flat == info.max).sum())
        if at_min or at_max:
            text += f" at limits: {at_min} at {info.min}, {at_max} at {info.max}"
    return text


def _short_array(value: np.ndarray) -> str:
    flat = value.reshape(-1)
    if flat.size <= 4:
        return str(flat.tolist())
    return f"{value.dtype}[{flat.size}] {flat.min()}..{flat.max()}"


def _op_data_lines(data: Any, arrays: bool = False) -> list[str]:
    """The kernel's prepared fields. A ``*multiplier*`` field with a matching
    ``*shift*`` field is shown with the real factor it encodes,
    ``multiplier * 2**(shift - 31)`` (TFLM's convention). Arrays of more than
    16 elements (weights, work buffers) are only named unless ``arrays``."""
    if data is None or not dataclasses.is_dataclass(data):
        return []
    values = {f.name: getattr(data, f.name) for f in dataclasses.fields(data)}
    plain, factors, used = [], [], set()
    for name, value in values.items():
        if "multiplier" in name and name.replace("multiplier", "shift") in values:
            shift_name = name.replace("multiplier", "shift")
            m, s = np.asarray(value), np.asarray(values[shift_name])
            if m.dtype.kind in "iu" and s.dtype.kind in "iu" and m.size and s.size:
                real = m.astype(np.float64) * np.exp2(s.astype(np.float64) - 31)
                if real.size == 1:
                    factors.append(f"{name}={int(m.reshape(-1)[0])} {shift_name}={int(s.reshape(-1)[0])}"
                                   f" -> x{float(real.reshape(-1)[0]):.6g}")
                else:
                    factors.append(f"{name}/{shift_name}: {real.size} channels, "
                                   f"x{float(real.min()):.4g}..x{float(real.max()):.4g} "
                                   f"(first {int(m.reshape(-1)[0])}, {int(s.reshape(-1)[0])})")
                used.update((name, shift_name))
    hidden = []
    for name, value in values.items():
        if name in used:
            continue
        if isinstance(value, np.ndarray):
            if value.size > 16 and not arrays:
                hidden.append(name)
                continue
            value = _short_array(value)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):  # e.g. a conv Window
            inner = [f"{f.name}={getattr(value, f.name)}" for f in dataclasses.fields(value)
                     if isinstance(getattr(value, f.name), (int, float, bool, str))]
            value = f"({' '.join(inner)})"
        elif isinstance(value, (np.integer, np.floating)):
            value = value.item()
        elif not isinstance(value, (int, float, bool, str, tuple, type(None))):
            continue
        plain.append(f"{name}={value}")
    lines = [f"rescale: {f}" for f in factors]
    if hidden:
        plain.append(f"arrays {', '.join(hidden)} (ranges at level 3)")
    if plain:
        lines.append("op data: " + "; ".join(plain))
    return lines


class Tracer:
    """Prints what the invoke loop does, at one of the levels above.

    ``stream`` defaults to ``sys.stderr`` so traces never mix with a
    command's results on stdout.
    """

    def __init__(self, interpreter: Any, level: int, stream: IO[str] | None = None) -> None:
        self.interp = interpreter
        self.level = level
        self.stream = stream if stream is not None else sys.stderr
        offsets = dict(zip(interpreter.memory.owners, interpreter.memory.plan.offsets))
        self.offsets = {int(k.split(":")[1]): v for k, v in offsets.items() if k.startswith("tensor:")}
        self.offsets.update(interpreter.memory.persistent_offsets)
        self.scratch = {}
        for owner, off, req in zip(interpreter.memory.owners, interpreter.memory.plan.offsets,
                                   interpreter.memory.requests):
            if owner.startswith("scratch:"):
                _, op, k = owner.split(":")
                self.scratch.setdefault(int(op), []).append((int(k), off, req.size))
        self.invocations = 0
        self._t0 = 0.0
        self._times: list[tuple[float, Node]] = []

    @property
    def last_times(self) -> list[tuple[float, Node]]:
        """(seconds, node) of every kernel call of the last invoke, in order (profile.py reads it)."""
        return list(self._times)

    def _print(self, line: str) -> None:
        print(line, file=self.stream)

    def _where(self, t: Tensor) -> str:
        if t.is_constant:
            return f"const ({t.nbytes} B)"
        off = self.offsets.get(t.index)
        if off is None:
            return "-"
        kind = "persistent " if t.index in self.interp.memory.persistent_offsets else ""
        return f"{kind}arena[{off}:{off + t.nbytes}]"

    def begin(self) -> None:
        self.invocations += 1
        self._times = []
        self._t0 = time.perf_counter()
        mem = self.interp.memory
        self._print(
            f"[microinterp] invoke #{self.invocations}: {len(self.interp.nodes)} ops, "
            f"arena {mem.total_bytes} B (planned {mem.planned_bytes} + persistent {mem.persistent_bytes}), "
            f"trace level {self.level}"
        )

    def end(self) -> None:
        ms = (time.perf_counter() - self._t0) * 1e3
        kernel_ms = sum(t for t, _ in self._times) * 1e3
        line = f"[microinterp] invoke #{self.invocations} done: {len(self._times)} ops in {ms:.3f} ms"
        if self._times:
            slow_t, slow = max(self._times, key=lambda p: p[0])
            line += (f" (kernels {kernel_ms:.3f} ms; slowest #{slow.index} {slow.name} "
                     f"{slow_t * 1e3:.3f} ms, {100 * slow_t * 1e3 / max(kernel_ms, 1e-12):.0f}%)")
        self._print(line)

    def run(self, node: Node, reg: Registration, data: Any,
            ins: Sequence[np.ndarray | None], outs: Sequence[np.ndarray]) -> None:
        t0 = time.perf_counter()
        reg.invoke(node, data, ins, outs)
        dt = time.perf_counter() - t0
        self._times.append((dt, node))
        out_desc = " ".join(_shape(t) for t in node.outputs)
        self._print(f"#{node.index:<3} {node.name:<24} -> {out_desc:<28} {dt * 1e6:9.1f} us")
        if self.level >= 2:
            self._level2(node, data, arrays=self.level >= 3)
        if self.level >= 3:
            for k, (t, a) in enumerate(zip(node.inputs, ins)):
                if t is not None:
                    self._print(f"      in{k}  = {_summary(t, a)}")
            for k, (t, a) in enumerate(zip(node.outputs, outs)):
                self._print(f"      out{k} = {_summary(t, a)}")

    def _level2(self, node: Node, data: Any, arrays: bool) -> None:
        opts = _options(node)
        if opts:
            self._print(f"      options: {opts}")
        for k, t in enumerate(node.inputs):
            if t is not None:
                self._print(f"      in{k}  t{t.index:<4} {_shape(t):<22} {_quant(t):<44} {self._where(t)}")
        for k, t in enumerate(node.outputs):
            self._print(f"      out{k} t{t.index:<4} {_shape(t):<22} {_quant(t):<44} {self._where(t)}")
        for k, off, size in self.scratch.get(node.index, []):
            self._print(f"      scratch{k} arena[{off}:{off + size}]")
        for line in _op_data_lines(data, arrays):
            self._print(f"      {line}")
