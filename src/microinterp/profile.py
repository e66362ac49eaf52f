"""Per-op profile: time and arena bytes of every operator, as a table, ASCII bars or a picture.

Why: after "how big is my arena", the next question is "which layer costs the
time and which sets the memory peak". Time is measured on the calls ``invoke()``
itself makes (``Interpreter.invoke_timed``: each operator's bound call, see
``Registration.bind``, not the tracing hook's plain ``invoke``; the median over
``repeats`` invokes is kept, so one noisy call does not decide); memory comes from the interpreter's
own plan: the bytes of planned buffers alive while the op runs (its inputs,
outputs, scratch and every tensor waiting for a later op) and the highest
arena byte they reach. On a microcontroller the time column is what the C port
measures instead (``microinterp firmware check`` on a Cortex-M target counts
instructions); the memory column is the same plan TFLM computes.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import InputError
from .interpreter import Interpreter

#: width of the ASCII bars
BAR_WIDTH = 40


@dataclass(frozen=True)
class OpProfile:
    """One operator: its median kernel time and the arena it keeps live."""

    index: int
    name: str
    seconds: float
    live_bytes: int  # planned bytes alive during the op
    high_water: int  # highest arena offset + size of those buffers


def profile(model: str | Path, inputs: list[np.ndarray], repeats: int = 10) -> list[OpProfile]:
    """Run ``model`` ``repeats`` times on ``inputs`` and profile every operator."""
    if repeats < 1:
        raise InputError(f"--repeats must be at least 1, got {repeats}")
    it = Interpreter.from_file(model, trace=0)
    for i, x in enumerate(inputs):
        it.set_input(x, i)
    per_op: list[list[float]] = [[] for _ in it.nodes]
    it.invoke()  # a first invoke warms caches (and a kernel's lazily prepared tables) up
    for _ in range(repeats):
        for node, seconds in zip(it.nodes, it.invoke_timed()):
            per_op[node.index].append(seconds)
    mem = it.memory
    placed = list(zip(mem.requests, mem.plan.offsets))
    out = []
    for node, times in zip(it.nodes, per_op):
        step = node.index + 1  # lifetimes count the graph inputs as step 0 (memory/planner.tensor_lifetimes)
        live = [(r, off) for r, off in placed if r.first_use <= step <= r.last_use]
        out.append(OpProfile(node.index, node.name, statistics.median(times) if times else 0.0,
                             sum(r.size for r, _ in live), max((off + r.size for r, off in live), default=0)))
    return out


def ascii_bars(rows: list[OpProfile]) -> str:
    """Two bar columns (time, live arena bytes), one line per op."""
    t_max = max((r.seconds for r in rows), default=0.0) or 1.0
    b_max = max((r.live_bytes for r in rows), default=0) or 1
    lines = [f"{'op':<28} {'time us':>9}  {'':<{BAR_WIDTH}}  {'live B':>8}  arena bytes"]
    for r in rows:
        t_bar = "#" * max(1 if r.seconds else 0, round(BAR_WIDTH * r.seconds / t_max))
        b_bar = "=" * max(1 if r.live_bytes else 0, round(BAR_WIDTH * r.live_bytes / b_max))
        lines.append(f"#{r.index:<3} {r.name:<23} {r.seconds * 1e6:9.1f}  {t_bar:<{BAR_WIDTH}}  "
                     f"{r.live_bytes:8d}  {b_bar}")
    total = sum(r.seconds for r in rows)
    peak = max(rows, key=lambda r: r.live_bytes) if rows else None
    if peak is not None:
        lines.append(f"total {total * 1e3:.3f} ms in kernels; memory peak {peak.live_bytes} B live at "
                     f"#{peak.index} {peak.name}")
    return "\n".join(lines)


def save_picture(rows: list[OpProfile], path: str | Path, title: str) -> None:
    """A bar chart (PNG or SVG, by extension): time and live arena bytes per op."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise InputError("--profile PATH needs matplotlib: pip install 'microinterp[plot]' "
                         "(or --profile - for ASCII bars)") from None
    labels = [f"#{r.index} {r.name}" for r in rows]
    y = np.arange(len(rows))
    fig, (ax_t, ax_b) = plt.subplots(1, 2, sharey=True, figsize=(11, 0.3 * len(rows) + 1.5))
    ax_t.barh(y, [r.seconds * 1e6 for r in rows], color="tab:blue")
    ax_t.set_xlabel("kernel time (us, median)")
    ax_t.set_yticks(y, labels, fontsize=8)
    ax_t.invert_yaxis()
    ax_b.barh(y, [r.live_bytes for r in rows], color="tab:orange", label="live planned bytes")
    ax_b.plot([r.high_water for r in rows], y, "k|", markersize=10, label="highest arena byte")
    ax_b.set_xlabel("arena bytes")
    ax_b.legend(loc="lower right", fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
