"""``microinterp plan``: how big must the tensor arena be, and why.

Works from the parsed model alone (no kernels are prepared), so it answers for
models whose ops microinterp cannot run yet. Prints, for one target:

* TFLM's arena: planned (head) bytes from TFLM's greedy plan, persistent
  (tail) bytes split by what they hold, alignment padding, and the smallest
  ``arena_size`` that works (``memory.tflm_arena``);
* microinterp's C port (``memory/firmware_arena.py``);
* the chosen planner's plan, the lower bound and the gap to it, and what TFLM
  would need with that plan written into the model (``--write-offline-plan``).
"""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

from ..errors import MicrointerpError
from ..memory import firmware_arena
from ..memory.firmware_arena import has_dsp
from ..memory.offline_plan import read_offline_plan, with_offline_plan
from ..memory.planner import PLANNERS, BufferRequest, Plan, lower_bound, plan_greedy
from ..memory.requests import parse_owner
from ..memory.tflm_arena import TARGETS, ModelPlanInput, TflmArena, plan_input, tflm_arena
from ..model import Model, hybrid_reason, load_model, tensor_bases
from ..stale_shapes import stale_shape_notes

#: Cortex-M cores: TFLM's figures are its 32-bit ``cortex-m`` build on each; the C
#: port's arena depends on the core (the Cortex-M4 kernels' DSP scratch buffers)
CORES = ("cortex-m0plus", "cortex-m4", "cortex-m4f")
#: the core the generic ``cortex-m`` names for the C port: the one without DSP scratch
GENERIC_CORE = "cortex-m0plus"


def tflm_target(target: str) -> str:
    """TFLM's target (``memory.tflm_arena.TARGETS``) for a ``--target`` name."""
    return "cortex-m" if target in CORES else target


def firmware_core(target: str) -> str:
    """The C port's target for a ``--target`` name: the core itself, ``cortex-m0plus`` for
    the generic ``cortex-m``, and the host for ``host64``."""
    return GENERIC_CORE if target == "cortex-m" else target


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("model", help=".tflite file")
    p.add_argument("--target", choices=sorted(TARGETS) + list(CORES), default="host64",
                   help="host64: the tflite-micro Python wheel on x86-64; cortex-m0plus, cortex-m4, "
                        "cortex-m4f: 32-bit firmware on that core (the C port's Cortex-M4 kernels add "
                        "their DSP scratch); cortex-m: 32-bit firmware, the C port as on cortex-m0plus "
                        "(default: host64)")
    p.add_argument("--planner", choices=sorted(PLANNERS), default="best",
                   help="planner for microinterp's plan (default: best; TFLM's figures always use greedy)")
    p.add_argument("--alias", action="store_true",
                   help="let the planner write outputs over inputs that die at RESHAPE/elementwise ops "
                        "(needs kernels that tolerate in-place operation)")
    p.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    p.add_argument("--ascii", action="store_true", help="print the plan like TFLM's PrintMemoryPlan")
    p.add_argument("--plot", metavar="FILE", help="draw the plan to FILE (.png or .svg; needs matplotlib)")
    p.add_argument("--write-offline-plan", metavar="OUT",
                   help="write a copy of the model whose OfflineMemoryAllocation metadata holds this plan")


def _labels(model: Model, owners: tuple[str, ...]) -> list[str]:
    """A label per planned buffer; buffers of subgraphs other than 0 say which (``sg1:``)."""
    out = []
    for o in owners:
        s, kind, ids = parse_owner(o)
        sg = model.subgraphs[s]
        where = f"sg{s}:" if s else ""
        if kind == "tensor":
            t = sg.tensors[ids[0]]
            out.append(f"{where}t{t.index} {t.name[-24:]}")
        else:
            op, k = ids
            out.append(f"scratch {where}op{op}.{k} {sg.operators[op].name.lower()}")
    return out


def _firmware(model: Model, target: str, planner: str) -> dict[str, Any]:
    """microinterp's C port arena on ``target`` (planned_bytes, persistent_bytes, total_bytes ...)."""
    return firmware_arena.firmware_arena_bytes(model, target, planner=planner)


def _tensor_offsets(pin: ModelPlanInput, plan: Plan, model: Model | None = None) -> dict[int, int]:
    """Planned offset per tensor, indexed over the tensors of every subgraph in order (the
    numbering of an ``OfflineMemoryAllocation`` entry; without ``model``, subgraph 0's only)."""
    bases = tensor_bases(model) if model is not None else [0]
    out = {}
    for i, o in enumerate(pin.owners):
        s, kind, ids = parse_owner(o)
        if kind == "tensor" and s < len(bases):
            out[bases[s] + ids[0]] = plan.offsets[i]
    return out


def _tflm_with_offline(model: Model, offsets: list[int], target: str) -> tuple[TflmArena, list[BufferRequest]]:
    """TFLM's arena when ``offsets`` come from an OfflineMemoryAllocation entry:
    tensors fixed, scratch placed online by TFLM's greedy planner."""
    pin = plan_input(model, offline_offsets=offsets)
    head = plan_greedy(pin.requests)
    return (tflm_arena(model, target, plan_size=head.size, n_planned=len(pin.requests), offline_offsets=offsets),
            list(pin.requests))


def figures(model: Model, target: str = "host64", planner: str = "best", alias: bool = False,
            model_name: str = "") -> tuple[dict[str, Any], ModelPlanInput, Plan]:
    """Every figure ``plan`` prints, as a JSON-ready dict, plus the plan itself."""
    requested, core, target = target, firmware_core(target), tflm_target(target)
    existing = read_offline_plan(model)
    if existing is not None:
        tflm, _ = _tflm_with_offline(model, existing, target)
    else:
        tflm = tflm_arena(model, target)
    pin = plan_input(model)
    hints = pin.hints if alias else None
    plan = PLANNERS[planner](pin.requests, hints)
    greedy = plan_greedy(pin.requests)
    lb = lower_bound(pin.requests, hints)
    offline_tflm, _ = _tflm_with_offline(
        model, [_tensor_offsets(pin, plan, model).get(i, -1) for i in range(sum(len(s.tensors) for s in model.subgraphs))],
        target)
    fw = _firmware(model, core, planner)
    hybrid = hybrid_reason(model)
    out: dict[str, Any] = {
        "model": model_name,
        "target": requested,
        "tflm_target": target,
        "firmware_target": core,
        "planner": planner,
        "aliasing": alias,
        # the smallest arena_size AllocateTensors() succeeds with, and what TFLM's
        # arena_used_bytes() reports after it: the second leaves out the greedy planner's
        # working memory, which CommitStaticMemoryPlan takes as a temporary between head
        # and tail and frees before returning (e.g. ad01_int8 on cortex-m: 2,700 and 2,260)
        "tflm_arena_bytes": tflm.arena_bytes,
        "tflm_arena_used_bytes": tflm.used_bytes,
        "microinterp_arena_bytes": fw.get("total_bytes") if fw else None,
        "planned_bytes": plan.size,
        "persistent_bytes": tflm.persistent_bytes,
        "lower_bound_bytes": lb,
        "gap_bytes": plan.size - lb,
        "tflm": {
            "rejects_model": f"hybrid models are not supported: {hybrid}" if hybrid else None,
            "planner": "greedy" if existing is None else "offline plan in the model",
            "planned_bytes": tflm.planned_bytes,
            "persistent_bytes": tflm.persistent_bytes,
            "persistent": tflm.persistent,
            "alignment_bytes": tflm.alignment_bytes,
            "used_bytes": tflm.used_bytes,
            "arena_bytes": tflm.arena_bytes,
            "planning_headroom_bytes": tflm.planning_headroom_bytes,
            "binding_phase": tflm.binding_phase,
            "approximate_ops": list(tflm.approximate_ops),
            "target_description": TARGETS[target].description,
        },
        "microinterp": {
            "planned_bytes": plan.size,
            "greedy_planned_bytes": greedy.size,
            "aliases": [list(a) for a in plan.aliases],
            "buffers": len(pin.requests),
            "tflm_arena_with_offline_plan_bytes": offline_tflm.arena_bytes,
            "c_port": fw,
        },
        # stored shapes TFLM runs as they are, unlike TensorFlow (stale_shapes.py)
        "warnings": stale_shape_notes(model),
    }
    return out, pin, plan


def _fmt(n: int | None) -> str:
    return "n/a" if n is None else f"{n:,}"


def render(fig: dict[str, Any]) -> str:
    t, mi = fig["tflm"], fig["microinterp"]
    fw = mi["c_port"]
    rows = [
        ("planned (non-persistent head)", t["planned_bytes"], fw and fw.get("planned_bytes")),
        ("persistent (tail)", t["persistent_bytes"], fw and fw.get("persistent_bytes")),
    ]
    for k, v in t["persistent"].items():
        rows.append((f"  {k}", v, None))
    rows.append(("  alignment padding", t["alignment_bytes"], None))
    rows.append(("arena_used_bytes() after allocating", t["used_bytes"], None))
    if t["planning_headroom_bytes"] > 0:
        rows.append(("  + temporaries while allocating", t["planning_headroom_bytes"], None))
    elif t["planning_headroom_bytes"] < 0:  # an arena end at 8 mod 16 saves tail padding
        rows.append(("  - tail padding saved at that size", t["planning_headroom_bytes"], None))
    rows.append(("total arena needed", t["arena_bytes"], fw and fw.get("total_bytes")))
    core = fig.get("firmware_target", fig["target"])
    lines = [f"model:   {fig['model']}",
             f"target:  {fig['target']}: {t['target_description']}",
             *([f"C port:  {core}" + (" (its DSP kernels' scratch included)" if has_dsp(core) else
                                      " (no DSP scratch)")] if core.startswith("cortex-m") else []),
             "",
             f"{'':34s}{'TFLM':>12s}   {'microinterp C port':>20s}"]
    for name, a, b in rows:
        lines.append(f"{name:34s}{_fmt(a):>12s}   {(_fmt(b) if fw else ''):>20s}")
    if not fw:
        lines.append(f"{'':34s}{'':12s}   {'n/a (C port not built)':>20s}")
    if t["rejects_model"]:
        lines.append(f"note: TFLM refuses this model ({t['rejects_model']}); the figures are what it would need")
    if t["planner"] != "greedy":
        lines.append(f"(TFLM uses the {t['planner']})")
    if t["binding_phase"] != "final layout":
        lines.append(f"(the arena minimum is set by {t['binding_phase']}, not by the final layout)")
    if t["approximate_ops"]:
        lines.append("approximate: no allocation model for " + ", ".join(t["approximate_ops"]))
    lines.extend(f"warning: {note}" for note in fig.get("warnings", []))
    lb, plan = fig["lower_bound_bytes"], fig["planned_bytes"]
    gap = plan - lb
    lines += [
        "",
        f"planner {fig['planner']}{' (in-place aliasing on)' if fig['aliasing'] else ''}: "
        f"{plan:,} bytes planned, {mi['buffers']} buffers"
        + (f", {len(mi['aliases'])} aliased" if mi["aliases"] else ""),
        f"  TFLM's greedy: {mi['greedy_planned_bytes']:,} bytes "
        f"({plan - mi['greedy_planned_bytes']:+,} bytes, {plan / max(mi['greedy_planned_bytes'], 1):.3f}x)",
        f"  lower bound:   {lb:,} bytes (gap {gap:,} bytes, {gap / lb * 100 if lb else 0.0:.1f}%)",
        f"  TFLM with this plan as an offline plan: {mi['tflm_arena_with_offline_plan_bytes']:,} bytes of arena "
        f"({mi['tflm_arena_with_offline_plan_bytes'] - t['arena_bytes']:+,})",
    ]
    return "\n".join(lines)


def main(args: argparse.Namespace) -> int:
    model = load_model(args.model)
    fig, pin, plan = figures(model, args.target, args.planner, args.alias, os.path.basename(args.model))
    if args.json:
        print(json.dumps(fig, indent=1))
    else:
        print(render(fig))
    labels = _labels(model, pin.owners)
    if args.ascii:
        from ..memory.picture import ascii_plan

        print()
        print(ascii_plan(pin.requests, plan, labels))
    if args.plot:
        from ..memory.picture import plot_plan

        plot_plan(pin.requests, plan, args.plot, labels=labels, lower_bound=fig["lower_bound_bytes"],
                  title=f"{fig['model']}: {args.planner} plan, {plan.size:,} bytes "
                        f"(TFLM greedy {fig['microinterp']['greedy_planned_bytes']:,})")
        if not args.json:
            print(f"plan picture written to {args.plot}")
    if args.write_offline_plan:
        data = with_offline_plan(model, _tensor_offsets(pin, plan, model))
        try:
            with open(args.write_offline_plan, "wb") as f:
                f.write(data)
        except OSError as e:
            raise MicrointerpError(f"cannot write {args.write_offline_plan!r}: {e.strerror}") from None
        if not args.json:
            print(f"offline-planned model written to {args.write_offline_plan} "
                  f"(TFLM needs {fig['microinterp']['tflm_arena_with_offline_plan_bytes']:,} bytes of arena)")
    return 0
