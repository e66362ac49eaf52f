"""Layer-by-layer diff: name the first op whose output differs between two dumps.

Why: when a firmware (or another runtime) disagrees with TFLM, the question
is *which op* is wrong. Walking the ops in execution order, the first op
whose output differs while its inputs were still equal is the faulty one;
everything after it only inherits the difference.

A *dump* is any of:

* a golden case folder (``meta.json`` + ``.npy`` files, see ``golden/cases.py``);
* a ``.npz`` whose keys are tensor names (these win), ``t<index>`` (what
  ``save_npz`` writes), ``input_<i>``/``output_<i>``, or golden layer-file stems;
* a ``dict`` of tensor index -> array (from Python).

Tensors are compared exactly (tolerance 0; NaN equals NaN).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError
from ..model import Model, Operator, Tensor, load_model, subgraph_calls, tensor_bases

Dump = Mapping[int, np.ndarray]


# --------------------------------------------------------------------------- loading


def _model(model: Model | bytes | str | os.PathLike) -> Model:
    if isinstance(model, Model):
        return model
    if isinstance(model, (bytes, bytearray)):
        return load_model(bytes(model))
    return load_model(os.fspath(model))


def save_npz(path: str | os.PathLike, tensors: Dump) -> Path:
    """Write tensors as a ``.npz`` keyed ``t<tensor index>`` (readable by ``load_dump``)."""
    p = Path(path)
    np.savez(p, **{f"t{int(i)}": np.asarray(v) for i, v in tensors.items()})
    return p if p.suffix == ".npz" else p.with_name(p.name + ".npz")


def _npz_index(key: str, model: Model, names: dict[str, int], stems: dict[str, int]) -> int | None:
    sg = model.main
    if key in names:  # a tensor's own name wins over the patterns below
        return names[key]
    m = re.fullmatch(r"(?:t|tensor_?)?(\d+)", key)
    if m:
        return int(m.group(1))
    m = re.fullmatch(r"(input|output)_(\d+)", key)
    if m:
        seq = sg.inputs if m.group(1) == "input" else sg.outputs
        k = int(m.group(2))
        return seq[k] if k < len(seq) else None
    return stems.get(key)


def load_dump(source: str | os.PathLike | Dump, model: Model | bytes | str | os.PathLike,
              notes: list[str] | None = None) -> dict[int, np.ndarray]:
    """Tensor index -> array from a case folder, a ``.npz`` or a dict.
    Anything odd but harmless (unknown keys, another model's sha256) is
    appended to ``notes``."""
    from .cases import layer_file_names, load_case, model_sha256

    m = _model(model)
    notes = notes if notes is not None else []
    if isinstance(source, Mapping):
        return {int(k): np.asarray(v) for k, v in source.items()}
    p = Path(source)
    if p.is_dir():
        case = load_case(p)
        sha = case.meta.get("model_sha256")
        if sha and sha != model_sha256(m):
            notes.append(f"{p} was generated from another model file (sha256 {sha[:12]}..., "
                         f"this model is {model_sha256(m)[:12]}...)")
        return case.tensors()
    if p.suffix == ".npz" and p.is_file():
        names: dict[str, int] = {}
        for t in m.main.tensors:
            names.setdefault(t.name, t.index)
        stems = {stem: i for i, stem in layer_file_names(m).items()}
        out, unknown = {}, []
        with np.load(p, allow_pickle=False) as z:
            for key in z.files:
                index = _npz_index(key, m, names, stems)
                if index is None or not 0 <= index < len(m.main.tensors):
                    unknown.append(key)
                else:
                    out[index] = z[key]
        if unknown:
            notes.append(f"{p.name}: ignored {len(unknown)} key(s) that name no tensor: {unknown[:5]}")
        return out
    raise InputError(f"{p} is neither a golden case folder (with meta.json) nor a .npz file")


# --------------------------------------------------------------------------- comparing


@dataclass(frozen=True)
class TensorDiff:
    """How one tensor differs. ``max_abs`` is in quantized units; ``scale``
    (per-tensor quantization only) converts it to real units."""

    tensor_index: int
    name: str
    shape: tuple[int, ...]
    size: int
    count: int
    max_abs: float
    first_position: tuple[int, ...] | None
    reference_value: Any
    candidate_value: Any
    scale: float | None = None
    note: str = ""

    def describe(self) -> str:
        head = (f"tensor {self.tensor_index} {_short_name(self.name)!r} [{','.join(map(str, self.shape))}]: "
                f"{self.count} of {self.size} elements differ")
        if self.note:
            return f"{head} ({self.note})"
        text = f"{head}, max |diff| {self.max_abs:g}"
        if self.scale is not None:
            text += f" (= {self.max_abs * self.scale:.6g} in real units, scale {self.scale:.6g})"
        if self.first_position is not None:
            text += (f"; first at [{','.join(map(str, self.first_position))}]: "
                     f"reference {self.reference_value}, candidate {self.candidate_value}")
        return text


@dataclass(frozen=True)
class InputStatus:
    """One input of an op: ``equal``, ``differs``, ``constant`` (weights, not
    in dumps), ``missing`` (not in both dumps) or ``absent`` (optional input)."""

    position: int
    tensor_index: int
    name: str
    status: str


@dataclass(frozen=True)
class OpDiff:
    op_index: int
    op_name: str
    outputs: tuple[TensorDiff, ...]
    inputs: tuple[InputStatus, ...]
    subgraph: int = 0  # the subgraph the op is in (control flow); its tensors in tensor_bases' numbering

    @property
    def label(self) -> str:
        """``#3 ADD``, or ``sg1:#3 ADD`` for an op of subgraph 1."""
        return f"{f'sg{self.subgraph}:' if self.subgraph else ''}#{self.op_index} {self.op_name}"

    @property
    def inputs_equal(self) -> bool | None:
        """True: every dumped input was equal (the fault is in this op);
        False: an input already differed; None: an input was not dumped."""
        statuses = {s.status for s in self.inputs}
        if "differs" in statuses:
            return False
        if "missing" in statuses:
            return None
        return True


@dataclass
class DiffReport:
    model_ops: int
    reference: str
    candidate: str
    graph_inputs: list[TensorDiff] = field(default_factory=list)
    ops: list[OpDiff] = field(default_factory=list)  # every op with a differing output, in order
    compared_ops: int = 0
    uncompared_ops: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        return not self.ops and not self.graph_inputs

    @property
    def first(self) -> OpDiff | None:
        return self.ops[0] if self.ops else None

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["identical"] = self.identical
        d["first_op"] = self.first.op_index if self.first else None
        return d

    def format(self, all_ops: bool = False) -> str:
        """A report a person can act on: what differs first, and whose fault it is."""
        lines = [f"reference: {self.reference}", f"candidate: {self.candidate}",
                 f"compared {self.compared_ops} of {self.model_ops} ops"
                 + (f" (no dumped output for ops {_short_list(self.uncompared_ops)})" if self.uncompared_ops else "")]
        lines += [f"note: {n}" for n in self.notes]
        if self.graph_inputs:
            lines.append("GRAPH INPUTS DIFFER: the dumps were not made from the same inputs")
            lines += [f"  {d.describe()}" for d in self.graph_inputs]
        if not self.ops:
            lines.append("no difference" if not self.graph_inputs else "no op output differs")
            return "\n".join(lines)
        for n, op in enumerate(self.ops if all_ops else self.ops[:1]):
            title = "FIRST DIFFERENCE" if n == 0 else "then"
            lines.append(f"{title} at op {op.label}" + (f" (in subgraph {op.subgraph})" if op.subgraph else ""))
            for d in op.outputs:
                lines.append(f"  output {d.describe()}")
            ins = ", ".join(f"in{s.position} t{s.tensor_index} {s.status}" for s in op.inputs) or "none"
            lines.append(f"  its inputs: {ins}")
            if n == 0:
                lines.append("  -> " + _verdict(op))
        if len(self.ops) > 1:
            rest = self.ops[1:]
            lines.append(f"{len(rest)} later op(s) also differ: "
                         + _short_list([o.label for o in rest])
                         + ("" if all_ops else " (--all for details)"))
        return "\n".join(lines)


def _short_name(name: str, limit: int = 60) -> str:
    """TF joins fused tensor names with ';'; the first part says enough."""
    if len(name) <= limit:
        return name
    first = name.split(";")[0]
    return (first if len(first) <= limit else first[: limit - 3]) + "..."


def _short_list(items: list[Any], limit: int = 8) -> str:
    shown = ", ".join(str(i) for i in items[:limit])
    return shown + (f", ... ({len(items)} in all)" if len(items) > limit else "")


def _verdict(op: OpDiff) -> str:
    eq = op.inputs_equal
    if eq is True:
        where = f"sg{op.subgraph}:" if op.subgraph else ""
        return f"its inputs were equal, so the fault is in op {where}#{op.op_index} ({op.op_name}) itself"
    if eq is False:
        bad = [f"in{s.position} (tensor {s.tensor_index})" for s in op.inputs if s.status == "differs"]
        return (f"input {', '.join(bad)} already differed before this op ran (graph input or "
                "state), so look at what fed it")
    miss = [f"in{s.position} (tensor {s.tensor_index})" for s in op.inputs if s.status == "missing"]
    return (f"input {', '.join(miss)} is not in both dumps, so the fault is here or upstream; "
            "dump every layer (--layers) to tell")


def compare_tensor(t: Tensor, ref: np.ndarray, cand: np.ndarray) -> TensorDiff | None:
    """None when equal (bit for bit, NaN == NaN); else how they differ."""
    r, c = np.asarray(ref), np.asarray(cand)
    scale = float(t.quant.scale[0]) if t.quant is not None and not t.quant.per_channel else None
    if r.size != c.size:
        return TensorDiff(t.index, t.name, tuple(r.shape), int(r.size), int(max(r.size, c.size)), float("nan"),
                          None, None, None, scale, note=f"shapes differ: {list(r.shape)} vs {list(c.shape)}")
    c = c.reshape(r.shape)
    mask = r != c
    if r.dtype.kind == "f" or c.dtype.kind == "f":
        mask &= ~(np.isnan(r.astype(np.float64)) & np.isnan(c.astype(np.float64)))
    count = int(mask.sum())
    if count == 0:
        return None
    delta = np.abs(r.astype(np.float64) - c.astype(np.float64))
    delta = np.where(mask, delta, 0.0)
    pos = tuple(int(i) for i in np.argwhere(mask)[0]) if r.ndim else ()
    return TensorDiff(t.index, t.name, tuple(r.shape), int(r.size), count, float(np.nanmax(delta)), pos,
                      r[pos].item(), c[pos].item(), scale)


def diff_dumps(model: Model | bytes | str | os.PathLike, reference: str | os.PathLike | Dump,
               candidate: str | os.PathLike | Dump) -> DiffReport:
    """Compare two dumps op by op, in execution order."""
    m = _model(model)
    sg = m.main
    notes: list[str] = []
    ref = load_dump(reference, m, notes)
    cand = load_dump(candidate, m, notes)
    report = DiffReport(sum(len(g.operators) for g in m.subgraphs), _label(reference), _label(candidate),
                        notes=notes)
    for index in sorted(set(ref) & set(cand)):
        rd, cd = np.asarray(ref[index]).dtype, np.asarray(cand[index]).dtype
        if rd != cd:
            notes.append(f"tensor {index}: dtypes differ ({rd} vs {cd}); values compared")
    status: dict[int, str] = {}
    for index in sg.inputs:
        t = sg.tensors[index]
        if index in ref and index in cand:
            d = compare_tensor(t, ref[index], cand[index])
            status[index] = "equal" if d is None else "differs"
            if d is not None:
                report.graph_inputs.append(d)
    bases = tensor_bases(m)
    for si, op in execution_order(m):
        graph, base = m.subgraphs[si], bases[si]
        outs = [i for i in op.outputs if base + i in ref and base + i in cand]
        if not outs:
            if not si:  # a control-flow subgraph without dumped outputs was simply not recorded
                report.uncompared_ops.append(op.index)
            for i in op.outputs:
                status.setdefault(base + i, "missing")
            continue
        report.compared_ops += 1
        diffs = []
        for i in op.outputs:
            if i not in outs:
                status[base + i] = "missing"
                continue
            d = compare_tensor(graph.tensors[i], ref[base + i], cand[base + i])
            status[base + i] = "equal" if d is None else "differs"
            if d is not None:
                diffs.append(d)
        if diffs:
            inputs = []
            for k, i in enumerate(op.inputs):
                if i < 0:
                    inputs.append(InputStatus(k, i, "", "absent"))
                    continue
                t, flat = graph.tensors[i], base + i
                if t.is_constant:
                    st = "constant"
                elif flat in status:
                    st = status[flat]
                elif flat in ref and flat in cand:  # e.g. a state tensor both dumps recorded
                    st = "equal" if compare_tensor(t, ref[flat], cand[flat]) is None else "differs"
                else:
                    st = "missing"
                inputs.append(InputStatus(k, i, t.name, st))
            report.ops.append(OpDiff(op.index, op.name, tuple(diffs), tuple(inputs), si))
    if report.compared_ops == 0 and not report.graph_inputs:
        raise InputError("the two dumps share no op output of this model: nothing to compare "
                         "(are they dumps of this model?)")
    return report


def execution_order(model: Model) -> list[tuple[int, Operator]]:
    """(subgraph, operator) in the order they first run: subgraph 0's operators, each
    control-flow op preceded by the operators of the subgraphs it calls (they run inside
    it, before its outputs exist), each subgraph listed once; never-called subgraphs last."""
    order: list[tuple[int, Operator]] = []
    seen: set[int] = set()

    def visit(s: int) -> None:  # depth bounded by model.MAX_SUBGRAPH_DEPTH
        seen.add(s)
        for op in model.subgraphs[s].operators:
            for callee in subgraph_calls(op):
                if callee not in seen:
                    visit(callee)
            order.append((s, op))

    for s in range(len(model.subgraphs)):
        if s not in seen:
            visit(s)
    return order


def _label(source: Any) -> str:
    return "<dict>" if isinstance(source, Mapping) else os.fspath(source)


def diff_paths(model: Model | bytes | str | os.PathLike, reference: str | os.PathLike,
               candidate: str | os.PathLike) -> list[tuple[str, DiffReport]]:
    """Like ``diff_dumps``, and for two folders of cases (``golden --random N``)
    compares the cases of the same name: [(case name, report), ...]."""
    from .cases import is_case

    r, c = Path(reference), Path(candidate)
    if r.is_dir() and c.is_dir() and not is_case(r) and not is_case(c):
        from .cases import case_folders

        rc = {p.name: p for p in case_folders(r)}
        cc = {p.name: p for p in case_folders(c)}
        common = sorted(set(rc) & set(cc))
        if not common:
            raise InputError(f"{r} and {c} hold no case folders of the same name")
        m = _model(model)
        out = [(name, diff_dumps(m, rc[name], cc[name])) for name in common]
        only = sorted(set(rc) ^ set(cc))
        if only:
            out[0][1].notes.append(f"cases in only one folder, not compared: {_short_list(only)}")
        return out
    return [("", diff_dumps(model, r, c))]


def report_json(reports: list[tuple[str, DiffReport]]) -> str:
    return json.dumps([{"case": name, **rep.to_json()} for name, rep in reports], indent=1, default=str)
