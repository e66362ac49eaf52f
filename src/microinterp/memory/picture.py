"""Pictures of a memory plan: ASCII for the terminal, PNG/SVG with matplotlib.

The ASCII form follows TFLM's ``GreedyMemoryPlanner::PrintMemoryPlan`` so the
two can be read side by side: one line per buffer (ordinal character, size,
offset, first and last use), then one 80-column row per time step with each
live buffer drawn at its offset ('*' for buffers live at a single step, such
as scratch; '!' where two buffers would overlap, which a valid plan never
shows) and the live kilobytes at the end of the row.

The figure draws every buffer as a box: x spans its lifetime (op steps), y its
bytes in the arena; the plan's extent and the step with the most live bytes
are marked. matplotlib is an optional extra (``pip install microinterp[plot]``).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import MicrointerpError
from .planner import BufferRequest, Plan

LINE_WIDTH = 80


def ordinal(i: int) -> str:
    """TFLM's buffer character: 0-9, a-z, A-Z, then wrapping."""
    i %= 62
    if i < 10:
        return chr(ord("0") + i)
    if i < 36:
        return chr(ord("a") + i - 10)
    return chr(ord("A") + i - 36)


def ascii_plan(requests: Sequence[BufferRequest], plan: Plan, labels: Sequence[str] | None = None,
               width: int = LINE_WIDTH) -> str:
    """The plan as text, like TFLM's PrintMemoryPlan (plus a label per buffer)."""
    lines = []
    for i, r in enumerate(requests):
        c = "*" if r.first_use == r.last_use else ordinal(i)
        label = f"  {labels[i]}" if labels else ""
        lines.append(f"{c} (id={i}): size={r.size}, offset={plan.offsets[i]}, "
                     f"first_used={r.first_use} last_used={r.last_use}{label}")
    max_size = max([width] + [plan.offsets[i] + r.size for i, r in enumerate(requests)])
    max_time = max([0] + [r.last_use for r in requests])
    aliased = {frozenset(p) for p in plan.aliases}
    for t in range(max_time + 1):
        row = ["."] * width
        owner: list[int | None] = [None] * width
        used = 0
        for i, r in enumerate(requests):
            if not r.first_use <= t <= r.last_use:
                continue
            used += r.size
            start = plan.offsets[i] * width // max_size
            end = (plan.offsets[i] + r.size) * width // max_size
            for n in range(start, end):
                if row[n] == "." or (owner[n] is not None and frozenset((owner[n], i)) in aliased):
                    row[n] = "*" if r.first_use == r.last_use else ordinal(i)
                    owner[n] = i
                else:
                    row[n] = "!"
        lines.append(f"{t:4d}: {''.join(row)} ({(used + 1023) // 1024}k)")
    return "\n".join(lines)


def peak_step(requests: Sequence[BufferRequest]) -> tuple[int, int]:
    """(time step, live bytes) where the most bytes are live."""
    best = (0, 0)
    for t in sorted({r.first_use for r in requests} | {r.last_use for r in requests}):
        live = sum(r.size for r in requests if r.first_use <= t <= r.last_use)
        if live > best[1]:
            best = (t, live)
    return best


def plot_plan(requests: Sequence[BufferRequest], plan: Plan, path: str, *,
              labels: Sequence[str] | None = None, title: str = "", lower_bound: int | None = None) -> None:
    """Draw the plan to ``path`` (.png or .svg, by its extension)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.patches import Rectangle
    except ImportError:
        raise MicrointerpError(
            "drawing a plan needs matplotlib: pip install 'microinterp[plot]' (or pip install matplotlib)"
        ) from None
    if not path.lower().endswith((".png", ".svg")):
        raise MicrointerpError(f"--plot expects a .png or .svg file name, got {path!r}")
    fig, ax = plt.subplots(figsize=(11, 6.5))
    cmap = plt.get_cmap("tab20")
    max_time = max([1] + [r.last_use for r in requests])
    for i, r in enumerate(requests):
        if r.size == 0:
            continue
        x0, x1 = r.first_use - 0.4, r.last_use + 0.4
        scratch = labels is not None and labels[i].startswith("scratch")
        ax.add_patch(Rectangle((x0, plan.offsets[i]), x1 - x0, r.size, facecolor=cmap(i % 20),
                               edgecolor="black", linewidth=0.6, alpha=0.85, hatch="//" if scratch else None))
        if labels and r.size >= plan.size * 0.04:
            short = labels[i].split()[0]  # "t12" / "scratch"; full names are in --ascii
            text = f"{short}\n{r.size / 1024:.1f}K" if r.size >= plan.size * 0.08 else short
            ax.text((x0 + x1) / 2, plan.offsets[i] + r.size / 2, text, ha="center", va="center", fontsize=7)
    ax.axhline(plan.size, color="red", linewidth=1.2, linestyle="--")
    ax.text(max_time + 0.5, plan.size, f" plan: {plan.size:,} B", color="red", va="bottom", ha="right", fontsize=8)
    if lower_bound is not None and lower_bound != plan.size:
        ax.axhline(lower_bound, color="green", linewidth=1.0, linestyle=":")
        ax.text(max_time + 0.5, lower_bound, f" lower bound: {lower_bound:,} B", color="green",
                va="top", ha="right", fontsize=8)
    t, live = peak_step(requests)
    ax.axvline(t, color="purple", linewidth=1.0, linestyle=":")
    ax.text(t, plan.size * 1.02, f"peak: {live:,} B live at step {t}", color="purple", ha="center", fontsize=8)
    ax.set_xlim(-0.6, max_time + 0.6)
    ax.set_ylim(0, max(plan.size, 1) * 1.08)
    ax.set_xlabel("time step (0 = graph inputs, op i runs at step i + 1)")
    ax.set_ylabel("arena offset (bytes)")
    ax.set_title(title or f"memory plan ({plan.planner}): {plan.size:,} bytes")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
