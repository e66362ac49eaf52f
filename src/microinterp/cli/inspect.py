"""``microinterp inspect``: print a model's graph readably (ops, tensors, shapes,
dtypes, quantization), as a first look before running or sizing it."""

from __future__ import annotations

import argparse
import hashlib

import tflite

from ..model import Model, Tensor, load_model


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


def describe(model: Model, with_tensors: bool = False) -> str:
    sg = model.main
    lines = [f"version {model.version}, {len(model.subgraphs)} subgraph(s), {len(sg.operators)} ops, "
             f"{len(sg.tensors)} tensors"]
    if model.description:
        lines.append(f"description: {model.description}")
    const_bytes = sum(t.nbytes for t in sg.tensors if t.is_constant)
    lines.append(f"constant data: {const_bytes} bytes; metadata: {', '.join(model.metadata) or '-'}")
    lines.append("inputs:  " + "; ".join(_tensor(sg.tensors[i]) for i in sg.inputs))
    lines.append("outputs: " + "; ".join(_tensor(sg.tensors[i]) for i in sg.outputs))
    lines.append("operators:")
    for op in sg.operators:
        opts = ""
        if op.options is not None:
            fields = {k: v for k, v in vars(op.options).items() if v not in (None, ())}
            opts = " " + ", ".join(_option(k, v) for k, v in fields.items()) if fields else ""
        lines.append(f"  #{op.index:<3} {op.name}{opts}")
        for i in op.inputs:
            lines.append(f"        in  {_tensor(sg.tensors[i]) if i >= 0 else '(none)'}")
        for i in op.outputs:
            lines.append(f"        out {_tensor(sg.tensors[i])}")
    if with_tensors:
        lines.append("tensors:")
        lines.extend(f"  {_tensor(t)}" for t in sg.tensors)
    return "\n".join(lines)


def main(args: argparse.Namespace) -> int:
    model = load_model(str(args.model))  # a missing or unreadable file is a ModelError, one line
    raw = model.raw
    print(f"{args.model} ({len(raw)} bytes, sha256 {hashlib.sha256(raw).hexdigest()[:16]}...)")
    print(describe(model, args.tensors))
    return 0
