"""The one tracing hook of the invoke loop, with numbered levels.

``Interpreter(trace=n)``, ``$MICROINTERP_TRACE=n`` or ``microinterp run --trace n``:

* 1: one line per op: index, op name, output shape and dtype, time taken;
* 2: adds each tensor's quantization, the kernel's multipliers/shifts (read
  from its op data) and arena offsets;
* 3: adds a summary of every input and output value (min/max/mean, first values).

The interpreter only calls into this module when the level is above 0, so
tracing costs nothing when it is off.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from collections.abc import Sequence
from typing import IO, Any

import numpy as np

from .context import Node, Registration
from .model import Tensor


def _shape(t: Tensor | None) -> str:
    if t is None:
        return "-"
    return f"{t.type_name.lower()}[{','.join(str(d) for d in t.shape)}]"


def _quant(t: Tensor) -> str:
    q = t.quant
    if q is None:
        return "float" if t.type_name.startswith("FLOAT") else "unquantized"
    if q.per_channel:
        return (f"per-channel(dim={q.quantized_dimension}, {q.scale.size} scales "
                f"{float(q.scale.min()):.3g}..{float(q.scale.max()):.3g}, zp={int(q.zero_point[0])})")
    return f"scale={float(q.scale[0]):.6g} zp={int(q.zero_point[0])}"


def _summary(a: np.ndarray | None) -> str:
    if a is None:
        return "-"
    if a.size == 0:
        return "(empty)"
    flat = a.reshape(-1)
    head = ", ".join(str(v) for v in flat[:6].tolist())
    more = ", ..." if flat.size > 6 else ""
    mean = float(flat.astype(np.float64).mean())
    return f"min={flat.min()} max={flat.max()} mean={mean:.4g} [{head}{more}]"


def _op_data_fields(data: Any) -> list[str]:
    """Scale-derived fields of a kernel's op data (multipliers, shifts, ranges)."""
    if data is None or not dataclasses.is_dataclass(data):
        return []
    out = []
    for f in dataclasses.fields(data):
        value = getattr(data, f.name)
        if isinstance(value, np.ndarray):
            if value.size > 4:
                value = f"{value.dtype}[{value.size}] {value.reshape(-1)[:4].tolist()}..."
            else:
                value = value.tolist()
        elif not isinstance(value, (int, float, bool, str, tuple, type(None))):
            continue
        out.append(f"{f.name}={value}")
    return out


class Tracer:
    def __init__(self, interpreter: Any, level: int, stream: IO[str] | None = None) -> None:
        self.interp = interpreter
        self.level = level
        self.stream = stream if stream is not None else sys.stderr
        offsets = dict(zip(interpreter.memory.owners, interpreter.memory.plan.offsets))
        self.offsets = {int(k.split(":")[1]): v for k, v in offsets.items() if k.startswith("tensor:")}
        self.offsets.update(interpreter.memory.persistent_offsets)
        self._t0 = 0.0

    def _print(self, line: str) -> None:
        print(line, file=self.stream)

    def _where(self, t: Tensor) -> str:
        if t.is_constant:
            return "const"
        off = self.offsets.get(t.index)
        return f"arena@{off}" if off is not None else "-"

    def begin(self) -> None:
        self._t0 = time.perf_counter()
        if self.level >= 1:
            self._print(f"[microinterp] invoke: {len(self.interp.nodes)} ops, arena {self.interp.arena_used_bytes()} B")

    def end(self) -> None:
        ms = (time.perf_counter() - self._t0) * 1e3
        self._print(f"[microinterp] invoke done in {ms:.3f} ms")

    def run(self, node: Node, reg: Registration, data: Any,
            ins: Sequence[np.ndarray | None], outs: Sequence[np.ndarray]) -> None:
        t0 = time.perf_counter()
        reg.invoke(node, data, ins, outs)
        us = (time.perf_counter() - t0) * 1e6
        out_desc = " ".join(_shape(t) for t in node.outputs)
        self._print(f"#{node.index:<3} {node.name:<24} -> {out_desc:<28} {us:9.1f} us")
        if self.level >= 2:
            for k, t in enumerate(node.inputs):
                if t is not None:
                    self._print(f"      in{k}  t{t.index:<4} {_shape(t):<22} {_quant(t):<40} {self._where(t)}")
            for k, t in enumerate(node.outputs):
                self._print(f"      out{k} t{t.index:<4} {_shape(t):<22} {_quant(t):<40} {self._where(t)}")
            fields = _op_data_fields(data)
            if fields:
                self._print("      op data: " + "; ".join(fields))
        if self.level >= 3:
            for k, (t, a) in enumerate(zip(node.inputs, ins)):
                if t is not None and not t.is_constant:
                    self._print(f"      in{k}  = {_summary(a)}")
            for k, a in enumerate(outs):
                self._print(f"      out{k} = {_summary(a)}")
