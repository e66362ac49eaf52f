"""C headers of a golden case (``golden_inputs.h``, ``golden_outputs.h``,
``golden_layers.h``) for firmware tests, written from the case folder (``cases.py``).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import MicrointerpError
from .cases import load_case

_C_TYPE = {
    "int8": "int8_t", "uint8": "uint8_t", "int16": "int16_t", "uint16": "uint16_t", "int32": "int32_t",
    "uint32": "uint32_t", "int64": "int64_t", "uint64": "uint64_t", "float32": "float", "float64": "double",
    "bool": "uint8_t", "float16": "uint16_t",
}


def _c_ident(text: str) -> str:
    ident = re.sub(r"[^A-Za-z0-9_]", "_", text)
    return ident if ident and not ident[0].isdigit() else f"g_{ident}"


def _c_comment(text: str) -> str:
    """Text safe inside ``/* */`` (no comment end, no trigraphs, one line)."""
    return re.sub(r"[^\x20-\x7e]", "?", text).replace("*/", "* /").replace("??", "? ?")


def _c_string(text: str) -> str:
    """A C string literal; ``?`` escaped so -std=c99 sees no trigraphs."""
    out = []
    for byte in text.encode("utf-8"):
        ch = chr(byte)
        if ch in '\\"?':
            out.append("\\" + ch)
        elif 0x20 <= byte < 0x7F:
            out.append(ch)
        else:
            out.append(f"\\{byte:03o}")
    return '"' + "".join(out) + '"'


def _c_float(v: np.floating, suffix: str) -> str:
    if np.isnan(v):
        return "NAN"
    if np.isinf(v):
        return "INFINITY" if v > 0 else "(-INFINITY)"
    text = str(v)  # numpy's shortest repr that reads back to the same value
    if not any(ch in text for ch in ".e"):
        text += ".0"
    return text + suffix


def _c_values(value: np.ndarray) -> tuple[list[str], bool]:
    """Element literals in C order, and whether ``<math.h>`` is needed."""
    flat = np.ascontiguousarray(value).reshape(-1)
    name = flat.dtype.name
    if name == "float32":
        lits = [_c_float(v, "f") for v in flat]
        return lits, any(lit in ("NAN", "INFINITY", "(-INFINITY)") for lit in lits)
    if name == "float64":
        lits = [_c_float(v, "") for v in flat]
        return lits, any(lit in ("NAN", "INFINITY", "(-INFINITY)") for lit in lits)
    if name == "float16":
        return [str(v) for v in flat.view(np.uint16).tolist()], False
    if name == "bool":
        return [str(int(v)) for v in flat.tolist()], False
    ints = flat.tolist()
    if name == "int32":
        return [("(-2147483647 - 1)" if v == -(2**31) else str(v)) for v in ints], False
    if name == "uint32":
        return [f"{v}u" for v in ints], False
    if name == "int64":
        return [("(-INT64_C(9223372036854775807) - 1)" if v == -(2**63) else f"INT64_C({v})") for v in ints], False
    if name == "uint64":
        return [f"UINT64_C({v})" for v in ints], False
    return [str(v) for v in ints], False


def _wrap(items: list[str], indent: str = "    ", width: int = 100) -> str:
    lines, line = [], indent
    for it in items:
        piece = it + ","
        if len(line) + len(piece) + 1 > width and line.strip():
            lines.append(line.rstrip())
            line = indent
        line += piece + " "
    if line.strip():
        lines.append(line.rstrip())
    return "\n".join(lines)


_ALIGN = """\
#ifndef MI_GOLDEN_ALIGNED
#if defined(__GNUC__) || defined(__clang__)
#define MI_GOLDEN_ALIGNED __attribute__((aligned(16)))
#else
#define MI_GOLDEN_ALIGNED
#endif
#endif
"""

_LAYER_STRUCT = """\
#ifndef MI_GOLDEN_LAYER_T_DEFINED
#define MI_GOLDEN_LAYER_T_DEFINED
/* One intermediate tensor: `type` is the TFLite TensorType number
   (INT8 = 9, INT16 = 7, INT32 = 2, FLOAT32 = 0, UINT8 = 3, BOOL = 6). */
typedef struct {
    int32_t op_index;
    const char *op_name;
    int32_t tensor_index;
    const char *tensor_name;
    int32_t type;
    const void *data;
    int32_t size; /* elements */
} mi_golden_layer_t;
#endif
"""


def _zp_text(zp: int) -> str:
    return f"q - {zp}" if zp >= 0 else f"q + {-zp}"


def _tensor_block(prefix: str, rec: dict[str, Any], value: np.ndarray, label: str) -> tuple[str, bool]:
    """Declarations for one tensor: shape, quantization and data."""
    up = prefix.upper()
    shape = [int(d) for d in value.shape]
    q = rec.get("quantization")
    where = f"op {rec['op_index']} {rec['op']}, " if rec["role"] == "layer" else ""
    desc = (f"/* {label}: {where}tensor {rec['tensor_index']} "
            f"'{_c_comment(rec['name'])}', {value.dtype.name}[{','.join(map(str, shape))}]")
    if q and len(q["scale"]) == 1:
        desc += f", real = {float(q['scale'][0]):.9g} * ({_zp_text(int(q['zero_point'][0]))})"
    elif q:
        desc += f", per-channel on dimension {q['quantized_dimension']}"
    lines = [desc + " */"]
    lines.append(f"#define {up}_SIZE {value.size}")
    lines.append(f"#define {up}_DIMS {len(shape)}")
    if shape:
        lines.append(f"static const int32_t {prefix}_shape[{len(shape)}] = {{{', '.join(map(str, shape))}}};")
    if q:
        scales = [_c_float(np.float32(s), "f") for s in q["scale"]]
        lines.append(f"#define {up}_QUANTIZED 1")
        lines.append(f"#define {up}_NUM_CHANNELS {len(scales)}")
        lines.append(f"#define {up}_QUANTIZED_DIMENSION {q['quantized_dimension']}")
        lines.append(f"static const float {prefix}_scale[{len(scales)}] = {{{', '.join(scales)}}};")
        lines.append(f"static const int32_t {prefix}_zero_point[{len(scales)}] = "
                     f"{{{', '.join(str(int(z)) for z in q['zero_point'])}}};")
    else:
        lines.append(f"#define {up}_QUANTIZED 0")
    needs_math = False
    if value.size == 0:
        lines.append(f"/* {prefix}: empty tensor, no data array */")
    else:
        if value.dtype.name not in _C_TYPE:
            raise MicrointerpError(f"cannot write {value.dtype.name} tensor {rec['name']!r} as C")
        lits, needs_math = _c_values(value)
        note = " /* bool as 0/1 */" if value.dtype.name == "bool" else (
            " /* float16 bit patterns */" if value.dtype.name == "float16" else "")
        lines.append(f"static const {_C_TYPE[value.dtype.name]} {prefix}[{value.size}] MI_GOLDEN_ALIGNED = "
                     f"{{{note}")
        lines.append(_wrap(lits))
        lines.append("};")
    return "\n".join(lines) + "\n", needs_math


def _header(path: Path, guard: str, banner: list[str], blocks: list[str], needs_math: bool,
            extra: str = "") -> Path:
    head = "/* " + "\n * ".join(_c_comment(b) for b in banner) + "\n */\n"
    text = [head, f"#ifndef {guard}", f"#define {guard}", "", "#include <stdint.h>"]
    if needs_math:
        text.append("#include <math.h>")
    text += ["", _ALIGN]
    if extra:
        text.append(extra)
    text += blocks
    text.append(f"#endif /* {guard} */\n")
    path.write_text("\n".join(text))
    return path


_TYPE_CODE = {"FLOAT32": 0, "FLOAT16": 1, "INT32": 2, "UINT8": 3, "INT64": 4, "BOOL": 6, "INT16": 7,
              "INT8": 9, "FLOAT64": 10, "UINT64": 12, "UINT32": 15, "UINT16": 16}


def write_c_headers(case_dir: str | os.PathLike, out_dir: str | os.PathLike | None = None,
                    prefix: str | None = None) -> list[Path]:
    """Write ``golden_inputs.h``, ``golden_outputs.h`` and (with layers)
    ``golden_layers.h`` for a case folder, in ``<case>/c`` by default.

    Every symbol starts with ``prefix`` (default: the case folder's name, e.g.
    ``case_0000_input_0``) so several cases can be included in one firmware
    test. Arrays are ``static const`` and 16-byte aligned; each tensor also
    gets its shape, scale(s) and zero point(s). The headers compile cleanly
    with ``-std=c99 -Wall -Wextra -Werror`` on gcc and arm-none-eabi-gcc.
    """
    case = load_case(case_dir)
    d = Path(out_dir) if out_dir is not None else case.path / "c"
    d.mkdir(parents=True, exist_ok=True)
    meta = case.meta
    px = _c_ident(prefix if prefix is not None else case.path.name)
    banner = [
        f"generated by microinterp {meta.get('microinterp_version', '?')} from {meta.get('model_sha256', '?')}",
        f"model: {meta.get('model_name', 'model')}  case: {case.path.name}  engine: {meta.get('engine', '?')}  "
        + (f"seed: {meta['seed']} (case {meta.get('case', 0)})" if meta.get("seed") is not None
           else f"inputs: {meta.get('inputs_from')}"),
        "real value = scale * (q - zero_point); arrays are flattened in C (row-major) order.",
        "Do not edit: regenerate with `microinterp golden`.",
    ]
    written = []
    by_role: dict[str, list[dict[str, Any]]] = {"input": [], "output": [], "layer": []}
    for rec in meta["tensors"]:
        by_role[rec["role"]].append(rec)
    values = {"input": case.inputs, "output": case.outputs}
    for role, fname in (("input", "golden_inputs.h"), ("output", "golden_outputs.h")):
        blocks, math_needed = [f"#define {px.upper()}_NUM_{role.upper()}S {len(by_role[role])}\n"], False
        for rec in by_role[role]:
            block, nm = _tensor_block(f"{px}_{role}_{rec['position']}", rec, values[role][rec["position"]],
                                      f"{role} {rec['position']}")
            blocks.append(block)
            math_needed |= nm
        guard = f"{px.upper()}_GOLDEN_{role.upper()}S_H"
        written.append(_header(d / fname, guard, banner, blocks, math_needed))
    layer_recs = [r for r in by_role["layer"] if r["tensor_index"] in case.layers]
    if layer_recs:
        blocks, math_needed, table = [f"#define {px.upper()}_NUM_LAYERS {len(layer_recs)}\n"], False, []
        for n, rec in enumerate(layer_recs):
            value = case.layers[rec["tensor_index"]]
            sym = f"{px}_layer_{n}"
            block, nm = _tensor_block(sym, rec, value, f"layer {n}")
            blocks.append(block)
            math_needed |= nm
            table.append(f"    {{{rec['op_index']}, {_c_string(rec['op'])}, {rec['tensor_index']}, "
                         f"{_c_string(rec['name'])}, {_TYPE_CODE.get(rec['type'], -1)}, "
                         f"{sym if value.size else 'NULL'}, {value.size}}},")
        blocks.append(f"/* every layer in execution order */\nstatic const mi_golden_layer_t {px}_layers"
                      f"[{len(layer_recs)}] = {{\n" + "\n".join(table) + "\n};\n")
        guard = f"{px.upper()}_GOLDEN_LAYERS_H"
        extra = _LAYER_STRUCT + ("#include <stddef.h>\n" if any(v.size == 0 for v in case.layers.values()) else "")
        written.append(_header(d / "golden_layers.h", guard, banner, blocks, math_needed, extra))
    return written
