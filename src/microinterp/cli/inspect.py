"""``microinterp inspect``: print a model's graph readably (ops, tensors, shapes,
dtypes, quantization), as a first look before running or sizing it."""

from __future__ import annotations

import argparse
import hashlib

import tflite

from ..model import Model, Subgraph, Tensor, load_model, subgraph_calls
from ..stale_shapes import stale_shape_notes


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("model", help=".tflite file")
    p.add_argument("--tensors", action="store_true", help="also list every tensor")


def _quant(t: Tensor) -> str:
    q = t.quant
    if q is None:
        return ""
    if q.per_channel:
        return (f" q=per-channel[dim {q.quantized_dimension}] x{q.scale.size} "
                f"scale {float(q.scale.min()):.3g}..{float(q.scale.max()):.3g}")
    return f" q=(scale {float(q.scale[0]):.6g}, zp {int(q.zero_point[0])})"


def _enum_names(enum_cls: type) -> dict[int, str]:
    return {v: k for k, v in vars(enum_cls).items() if k.isupper()}


_ENUM_FIELDS = {
    "padding": _enum_names(tflite.Padding),
    "fused_activation_function": _enum_names(tflite.ActivationFunctionType),
}


def _option(key: str, value: object) -> str:
    names = _ENUM_FIELDS.get(key)
    return f"{key}={names.get(value, value) if names else value}"


def _tensor(t: Tensor) -> str:
    kind = "const " if t.is_constant else ("var " if t.is_variable else "")
    return f"t{t.index} {kind}{t.type_name.lower()}{list(t.shape)} {t.name!r}{_quant(t)}"


def _operators(sg: Subgraph, prefix: str) -> list[str]:
    lines = []
    for op in sg.operators:
        opts = ""
        if op.options is not None:
            fields = {k: v for k, v in vars(op.options).items() if v not in (None, ())}
            opts = " " + ", ".join(_option(k, v) for k, v in fields.items()) if fields else ""
        lines.append(f"  {prefix}#{op.index:<3} {op.name}{opts}")
        for i in op.inputs:
            lines.append(f"        in  {_tensor(sg.tensors[i]) if i >= 0 else '(none)'}")
        for i in op.outputs:
            lines.append(f"        out {_tensor(sg.tensors[i])}")
    return lines


def describe(model: Model, with_tensors: bool = False) -> str:
    """The model readably: subgraph 0 (what TFLM invokes), then each other subgraph (what its
    IF / WHILE / CALL_ONCE operators run), every operator named with its subgraph when not 0."""
    sg = model.main
    lines = [f"version {model.version}, {len(model.subgraphs)} subgraph(s), {len(sg.operators)} ops, "
             f"{len(sg.tensors)} tensors"]
    if model.description:
        lines.append(f"description: {model.description}")
    const_bytes = sum(t.nbytes for s in model.subgraphs for t in s.tensors if t.is_constant)
    lines.append(f"constant data: {const_bytes} bytes; metadata: {', '.join(model.metadata) or '-'}")
    for index, graph in enumerate(model.subgraphs):
        prefix = f"sg{index}:" if index else ""
        if index:
            lines.append(f"subgraph {index} {graph.name!r}: {len(graph.operators)} ops, {len(graph.tensors)} tensors"
                         + (f", called by {', '.join(_callers(model, index))}" if _callers(model, index) else
                            ", not called"))
        lines.append("inputs:  " + "; ".join(_tensor(graph.tensors[i]) for i in graph.inputs))
        lines.append("outputs: " + "; ".join(_tensor(graph.tensors[i]) for i in graph.outputs))
        lines.append("operators:")
        lines.extend(_operators(graph, prefix))
        if with_tensors:
            lines.append("tensors:")
            lines.extend(f"  {_tensor(t)}" for t in graph.tensors)
    lines.extend(f"warning: {note}" for note in stale_shape_notes(model))
    return "\n".join(lines)


def _callers(model: Model, index: int) -> list[str]:
    return [f"{f'sg{s}:' if s else ''}#{op.index} {op.name}" for s, sg in enumerate(model.subgraphs)
            for op in sg.operators if index in subgraph_calls(op)]


def main(args: argparse.Namespace) -> int:
    model = load_model(str(args.model))  # a missing or unreadable file is a ModelError, one line
    raw = model.raw
    print(f"{args.model} ({len(raw)} bytes, sha256 {hashlib.sha256(raw).hexdigest()[:16]}...)")
    print(describe(model, args.tensors))
    return 0
