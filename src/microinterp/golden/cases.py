"""Golden vectors: run a model once per input set and write what it computed.

A *case folder* is the one source of truth; the C-header and CSV forms are
written from it, so they can never disagree with it::

    <case>/meta.json        generator version, model sha256 and path, seed,
                            and for every written tensor: file, role, tensor
                            index and name, producing op, dtype, shape, quant
    <case>/input_<i>.npy    model input i (what was fed in)
    <case>/output_<i>.npy   model output i
    <case>/layers/<op>_<OP_NAME>_<tensor name>.npy
                            every op's outputs, in execution order (--layers)
    <case>/c/golden_{inputs,outputs,layers}.h    (--format c, ``c_headers.py``)
    <case>/csv/<model>_input<i>_<type>.csv        (--format csv, TFLM's layout,
    <case>/csv/<model>_golden_<type>.csv           ``tflm_csv.py``)

The model is not copied into the case (its sha256 and path are recorded)
unless ``copy_model=True``. Several cases go into ``<out>/case_0000``,
``<out>/case_0001``, ...

Random inputs cover each input's whole quantized range (every int8 value
from -128 to 127 is possible) and case ``k`` of seed ``s`` is drawn from
``numpy.random.default_rng([s, k])``, so a case is reproducible from its
seed and index alone, whatever the number of cases generated with it.

Values come from microinterp by default. ``engine="tflm"`` writes the same
folder from TFLM itself (needs ``tflite-micro``), so that ``microinterp diff``
can compare the two, or compare either with a firmware dump.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError, MicrointerpError
from ..inputs import FLOAT_RANGE, random_inputs
from ..interpreter import Interpreter
from ..memory.tflm_arena import generous_arena_size
from ..model import Model, Tensor, load_model, tensor_bases

FORMATS = ("npy", "c", "csv")
ENGINES = ("microinterp", "tflm")


# --------------------------------------------------------------------------- models


def _as_model(model: Model | bytes | str | os.PathLike) -> tuple[Model, str | None]:
    """(parsed model, path or None)."""
    if isinstance(model, Model):
        return model, None
    if isinstance(model, (bytes, bytearray, memoryview)):
        return load_model(bytes(model)), None
    path = os.fspath(model)
    return load_model(path), path


def model_sha256(model: Model) -> str:
    return hashlib.sha256(model.raw).hexdigest()


def quant_record(t: Tensor) -> dict[str, Any] | None:
    """A tensor's quantization as JSON (``None`` for unquantized tensors).
    Scales are float32 values written as the exact doubles they equal."""
    q = t.quant
    if q is None:
        return None
    return {
        "scale": [float(s) for s in q.scale.astype(np.float32)],
        "zero_point": [int(z) for z in q.zero_point],
        "quantized_dimension": int(q.quantized_dimension),
    }


# --------------------------------------------------------------------------- inputs


def case_rng(seed: int, case: int) -> np.random.Generator:
    """The generator of case ``case`` of ``seed`` (independent of how many cases)."""
    return np.random.default_rng([int(seed), int(case)])


def load_array(path: str | os.PathLike) -> np.ndarray:
    """One array from a ``.npy`` file; ``InputError`` naming the file for anything else
    (missing, a directory, text, a pickle, an ``.npz`` archive, truncated)."""
    p = Path(path)
    try:
        value = np.load(p, allow_pickle=False)
    except OSError as e:
        raise InputError(f"cannot read input file {str(p)!r}: {e.strerror or e}") from None
    except (ValueError, EOFError) as e:  # numpy: not a .npy, a pickle, a truncated header
        reason = "it holds pickled objects" if "pickle" in str(e) else str(e).split("\n")[0]
        raise InputError(f"input file {str(p)!r} is not a .npy array ({reason})") from None
    if not isinstance(value, np.ndarray):  # an .npz archive
        value.close()
        raise InputError(f"input file {str(p)!r} is an .npz archive; give one .npy file per input")
    return value


def load_inputs(model: Model, sources: Sequence[str | os.PathLike]) -> list[list[np.ndarray]]:
    """Input sets from files, one list per case.

    * one ``.npz``: arrays named ``input_<i>`` (or ``arr_<i>``, or the input
      tensors' names), one per model input;
    * otherwise one file per model input, in order: ``.npy`` or a TFLM
      integration-test ``.csv`` (one row of values, reshaped to the input).

    An array whose shape is ``(N, *input_shape)`` holds ``N`` cases.
    """
    sg = model.main
    tensors = [sg.tensors[i] for i in sg.inputs]
    paths = [Path(p) for p in sources]
    if len(paths) == 1 and paths[0].suffix == ".npz":
        try:
            archive = np.load(paths[0], allow_pickle=False)
        except (OSError, ValueError, EOFError) as e:
            raise InputError(f"cannot read input archive {str(paths[0])!r}: "
                             f"{getattr(e, 'strerror', None) or str(e).splitlines()[0]}") from None
        if isinstance(archive, np.ndarray):
            raise InputError(f"{str(paths[0])!r} is a single .npy array, not an .npz archive")
        with archive as z:
            arrays = []
            for i, t in enumerate(tensors):
                for key in (f"input_{i}", f"arr_{i}", t.name):
                    if key in z.files:
                        arrays.append(z[key])
                        break
                else:
                    raise InputError(f"{paths[0]} has no array for input {i} ({t.name!r}); "
                                     f"expected a key input_{i}; it has {z.files}")
    else:
        if len(paths) != len(tensors):
            raise InputError(f"the model has {len(tensors)} inputs but {len(paths)} input files were given "
                             "(give one .npy/.csv per input, in order, or one .npz)")
        from .tflm_csv import read_csv

        arrays = []
        for p, t in zip(paths, tensors):
            if p.suffix == ".csv":
                arrays.append(read_csv(p, dtype=t.dtype))
            else:
                arrays.append(load_array(p))
    per_input: list[list[np.ndarray]] = []
    for i, (a, t) in enumerate(zip(arrays, tensors)):
        a = np.asarray(a)
        if a.dtype != t.dtype:
            raise InputError(f"input {i} ({t.name!r}) is {np.dtype(t.dtype).name} but the file holds "
                             f"{a.dtype.name}; quantize it first: q = round(x / scale) + zero_point")
        if a.shape == t.shape:
            per_input.append([a])
        elif a.shape[1:] == t.shape:
            per_input.append(list(a))
        elif a.ndim <= 2 and t.size and a.size % t.size == 0 and (a.ndim == 1 or a.shape[-1] == t.size):
            # flat rows, as in TFLM's CSVs: one case per t.size values
            per_input.append(list(a.reshape((-1, *t.shape))))
        else:
            raise InputError(f"input {i} ({t.name!r}) needs shape {list(t.shape)} (or [N, ...] for N cases) "
                             f"but the file holds {list(a.shape)}")
    counts = {len(c) for c in per_input}
    if len(counts) > 1:
        raise InputError(f"input files hold different numbers of cases: {[len(c) for c in per_input]}")
    return [list(case) for case in zip(*per_input)]


# --------------------------------------------------------------------------- running


@dataclass
class Run:
    """What one invoke produced: outputs, and every op's output tensors when asked."""

    inputs: list[np.ndarray]
    outputs: list[np.ndarray]
    layers: dict[int, np.ndarray] = field(default_factory=dict)  # tensor index -> value


class _Runner:
    """Runs one model repeatedly with microinterp or with TFLM."""

    def __init__(self, model: Model, engine: str, layers: bool) -> None:
        if engine not in ENGINES:
            raise MicrointerpError(f"unknown engine {engine!r}; choose one of {ENGINES}")
        self.model, self.engine, self.layers = model, engine, layers
        #: (subgraph, tensor index, flat index) of every op output of every subgraph
        bases = tensor_bases(model)
        self.layer_tensors = [(si, i, bases[si] + i) for si, sg in enumerate(model.subgraphs)
                              for op in sg.operators for i in op.outputs
                              if sg.tensors[i].type_name != "RESOURCE"]  # TFLM's GetTensor crashes on one
        if engine == "microinterp":
            self.interp: Any = Interpreter(model, preserve_all_tensors=layers)
        else:
            try:
                from tflite_micro.python.tflite_micro import runtime
            except ImportError as e:
                raise MicrointerpError(
                    "engine 'tflm' needs the tflite-micro package (pip install tflite-micro; "
                    "Linux x86_64 only)") from e
            kwargs = {"intrepreter_config": runtime.InterpreterConfig.kPreserveAllTensors} if layers else {}
            self.interp = runtime.Interpreter.from_bytes(model.raw, arena_size=generous_arena_size(model), **kwargs)

    def __call__(self, inputs: Sequence[np.ndarray]) -> Run:
        sg = self.model.main
        if len(inputs) != len(sg.inputs):
            raise InputError(f"the model has {len(sg.inputs)} inputs but {len(inputs)} arrays were given")
        self.interp.reset()  # every case starts from fresh state (variable tensors)
        for i, x in enumerate(inputs):
            self.interp.set_input(np.asarray(x), i)
        self.interp.invoke()
        outputs = [np.array(self.interp.get_output(k)) for k in range(len(sg.outputs))]
        layers = {}
        if self.layers:
            for si, index, flat in self.layer_tensors:
                t = self.model.subgraphs[si].tensors[index]
                if self.engine == "tflm":
                    value = np.array(self.interp.GetTensor(index, si)["tensor_data"]).reshape(t.shape)
                else:
                    value = self.interp.get_tensor(index, si)
                layers[flat] = value
        return Run([np.array(x) for x in inputs], outputs, layers)


class _BatchedRuns:
    """Every case's outputs computed up front by ``Interpreter.invoke_batch`` (each case
    from fresh state, exactly as ``_Runner`` runs it), handed out in case order."""

    def __init__(self, interp: Interpreter, all_inputs: list[list[np.ndarray]]) -> None:
        stacked = [np.stack([np.asarray(row[i]) for row in all_inputs]) for i in range(interp.num_inputs)]
        self.outputs = interp.invoke_batch(*stacked)
        self.next = 0

    def __call__(self, inputs: Sequence[np.ndarray]) -> Run:
        k, self.next = self.next, self.next + 1
        return Run([np.array(x) for x in inputs], [np.array(out[k]) for out in self.outputs], {})


def run_model(model: Model | bytes | str | os.PathLike, inputs: Sequence[np.ndarray], *,
              layers: bool = False, engine: str = "microinterp") -> Run:
    """Invoke once and return the outputs (and every op's outputs if ``layers``)."""
    m, _ = _as_model(model)
    return _Runner(m, engine, layers)(inputs)


# --------------------------------------------------------------------------- case folders

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _file_safe(name: str, limit: int = 48) -> str:
    """A tensor name made safe for a file name: the first ';'-separated part
    (TF joins fused names with ';'), unsafe characters -> '_', bounded length."""
    first = name.split(";")[0]
    safe = _UNSAFE.sub("_", first).strip("._") or "tensor"
    return safe[:limit].rstrip("._-") or "tensor"


def layer_file_names(model: Model) -> dict[int, str]:
    """tensor index -> ``layers/<op>_<OP_NAME>_<tensor name>`` (without suffix),
    for every op output; in subgraphs other than 0 (control flow) the index is
    ``tensor_bases``' and the name starts ``sg<s>_``. Op indices are zero-padded so
    names sort in execution order; a name that would repeat gets ``_t<tensor index>``."""
    width = max(3, len(str(max(max(len(sg.operators) for sg in model.subgraphs) - 1, 0))))
    names: dict[int, str] = {}
    taken: set[str] = set()
    for si, (sg, base) in enumerate(zip(model.subgraphs, tensor_bases(model))):
        where = f"sg{si}_" if si else ""
        for op in sg.operators:
            for index in op.outputs:
                t = sg.tensors[index]
                if base + index in names or t.type_name == "RESOURCE":
                    continue
                op_name = _UNSAFE.sub("_", op.name)
                stem = f"{where}{op.index:0{width}d}_{op_name}_{_file_safe(t.name)}"
                if stem in taken:
                    stem += f"_t{index}"
                taken.add(stem)
                names[base + index] = stem
    return names


def _record(t: Tensor, role: str, file: str, **extra: Any) -> dict[str, Any]:
    return {
        "file": file, "role": role, **extra, "tensor_index": t.index, "name": t.name,
        "dtype": np.dtype(t.dtype).name if t.dtype is not None else t.type_name.lower(),
        "type": t.type_name, "shape": list(t.shape), "quantization": quant_record(t),
    }


def write_case(model: Model | bytes | str | os.PathLike, case_dir: str | os.PathLike,
               inputs: Sequence[np.ndarray] | None = None, *, seed: int | None = None, case: int = 0,
               layers: bool = False, formats: Iterable[str] = ("npy",), engine: str = "microinterp",
               copy_model: bool = False, source: str | None = None, _runner: _Runner | None = None,
               _model_path: str | None = None) -> Path:
    """Run ``model`` on ``inputs`` (or on random inputs from ``seed`` and
    ``case``) and write one case folder; returns its path.

    ``formats`` adds ``"c"`` and/or ``"csv"`` forms next to the ``.npy``
    files, which are always written because the other forms are made from them.
    """
    m, path = _as_model(model)
    path = _model_path or path
    formats = _check_formats(formats)
    drawn = inputs is None
    if drawn:
        if seed is None:
            seed = 0
        inputs = random_inputs(m, case_rng(seed, case))
    runner = _runner if _runner is not None else _Runner(m, engine, layers)
    run = runner(inputs)
    out = Path(case_dir)
    out.mkdir(parents=True, exist_ok=True)
    if (out / "layers").exists():
        shutil.rmtree(out / "layers")  # never mix layers of two different runs
    for sub in ("c", "csv"):
        if (out / sub).exists():
            shutil.rmtree(out / sub)
    sg = m.main
    from .. import __version__

    records: list[dict[str, Any]] = []
    for i, (index, value) in enumerate(zip(sg.inputs, run.inputs)):
        records.append(_record(sg.tensors[index], "input", f"input_{i}.npy", position=i))
        np.save(out / f"input_{i}.npy", value)
    for k, (index, value) in enumerate(zip(sg.outputs, run.outputs)):
        records.append(_record(sg.tensors[index], "output", f"output_{k}.npy", position=k))
        np.save(out / f"output_{k}.npy", value)
    if layers:
        (out / "layers").mkdir()
        bases = tensor_bases(m)
        producer = {bases[si] + i: (si, op) for si, g in enumerate(m.subgraphs) for op in g.operators
                    for i in op.outputs}
        for flat, stem in layer_file_names(m).items():
            si, op = producer[flat]
            index = flat - bases[si]
            rec = _record(m.subgraphs[si].tensors[index], "layer", f"layers/{stem}.npy", op_index=op.index,
                          op=op.name, position=list(op.outputs).index(index))
            if si:  # a control-flow subgraph's tensor: its subgraph, and tensor_index in tensor_bases' numbering
                rec.update(subgraph=si, subgraph_tensor_index=index, tensor_index=flat)
            records.append(rec)
            np.save(out / "layers" / f"{stem}.npy", run.layers[flat])
    meta = {
        "generator": f"microinterp {__version__}",
        "microinterp_version": __version__,
        "engine": engine,
        "model_sha256": model_sha256(m),
        "model_path": os.path.abspath(path) if path else None,
        "model_name": Path(path).stem if path else "model",
        "model_ops": len(sg.operators),
        "case": case,
        "seed": seed if drawn else None,
        "rng": "numpy.random.default_rng([seed, case])" if drawn else None,
        "inputs_from": None if drawn else (source or "given arrays"),
        "float_input_range": list(FLOAT_RANGE) if drawn else None,
        "layers": bool(layers),
        "formats": sorted(formats),
        "tensors": records,
    }
    if copy_model:
        (out / "model.tflite").write_bytes(m.raw)
        meta["model_copy"] = "model.tflite"
    (out / "meta.json").write_text(json.dumps(meta, indent=1) + "\n")
    if "c" in formats:
        from .c_headers import write_c_headers  # they read the case back: imported here, not at the top

        write_c_headers(out)
    if "csv" in formats:
        from .tflm_csv import write_csv

        write_csv(out)
    return out


def _check_formats(formats: Iterable[str] | str) -> set[str]:
    if isinstance(formats, str):
        formats = formats.split(",")
    chosen = {f.strip().lower() for f in formats if f.strip()}
    unknown = chosen - set(FORMATS)
    if unknown:
        raise MicrointerpError(f"unknown golden format(s) {sorted(unknown)}; choose from {', '.join(FORMATS)}")
    return chosen | {"npy"}


def _progress(items: Iterable[Any], total: int, show: bool | None, desc: str) -> Iterable[Any]:
    """tqdm when installed and stderr is a terminal (or ``show=True``); else plain."""
    if show is None:
        show = total > 1 and sys.stderr.isatty()
    if not show:
        return items
    try:
        from tqdm import tqdm
    except ImportError:
        return items
    return tqdm(items, total=total, desc=desc, unit="case", file=sys.stderr)


def generate(model: Model | bytes | str | os.PathLike, out_dir: str | os.PathLike, *,
             inputs: Sequence[Sequence[np.ndarray]] | None = None, count: int | None = None, seed: int = 0,
             layers: bool = False, formats: Iterable[str] | str = ("npy",), engine: str = "microinterp",
             copy_model: bool = False, source: str | None = None, progress: bool | None = None,
             model_path: str | os.PathLike | None = None) -> list[Path]:
    """Write cases ``out_dir/case_0000``, ... and return their paths.

    Either ``inputs`` (a list of input sets, one per case) or ``count`` random
    cases from ``seed`` (default: one). ``progress=None`` shows a bar only
    when stderr is a terminal. ``model_path`` is recorded in meta.json when
    ``model`` is already parsed.
    """
    m, path = _as_model(model)
    path = os.fspath(model_path) if model_path is not None else path
    formats = _check_formats(formats)
    if inputs is not None and count is not None:
        raise InputError("give either inputs or a count of random cases, not both")
    n = len(inputs) if inputs is not None else (1 if count is None else int(count))
    if n < 1:
        raise InputError(f"nothing to generate: {n} cases")
    runner: Any = _Runner(m, engine, layers)
    if engine == "microinterp" and not layers and inputs is None and n > 1:
        runner = _BatchedRuns(runner.interp, [random_inputs(m, case_rng(seed, k)) for k in range(n)])
    width = max(4, len(str(n - 1)))
    paths = []
    for k in _progress(range(n), n, progress, "golden"):
        case_inputs = list(inputs[k]) if inputs is not None else None
        paths.append(write_case(
            m, Path(out_dir) / f"case_{k:0{width}d}", case_inputs, seed=None if inputs is not None else seed,
            case=k, layers=layers, formats=formats, engine=engine, copy_model=copy_model,
            source=(source or "given arrays") if inputs is not None else None, _runner=runner,
            _model_path=path,
        ))
    return paths


# --------------------------------------------------------------------------- reading cases


@dataclass
class GoldenCase:
    """A case folder read back: ``meta`` is meta.json; arrays are by role."""

    path: Path
    meta: dict[str, Any]
    inputs: list[np.ndarray]
    outputs: list[np.ndarray]
    layers: dict[int, np.ndarray]  # tensor index -> value

    def tensors(self) -> dict[int, np.ndarray]:
        """Every written tensor by tensor index (inputs, layers, outputs)."""
        out: dict[int, np.ndarray] = {}
        for rec in self.meta["tensors"]:
            if rec["role"] == "input":
                out[rec["tensor_index"]] = self.inputs[rec["position"]]
            elif rec["role"] == "output":
                out[rec["tensor_index"]] = self.outputs[rec["position"]]
        out.update(self.layers)
        return out

    def record(self, tensor_index: int) -> dict[str, Any] | None:
        return next((r for r in self.meta["tensors"] if r["tensor_index"] == tensor_index), None)


def is_case(path: str | os.PathLike) -> bool:
    return (Path(path) / "meta.json").is_file()


def load_case(case_dir: str | os.PathLike) -> GoldenCase:
    """Read a case folder written by ``write_case`` (or by hand, same layout)."""
    p = Path(case_dir)
    meta_path = p / "meta.json"
    if not meta_path.is_file():
        raise InputError(f"{p} is not a golden case folder (no meta.json)")
    try:
        meta = json.loads(meta_path.read_text())
    except json.JSONDecodeError as e:
        raise InputError(f"{meta_path} is not valid JSON: {e}") from None
    inputs: dict[int, np.ndarray] = {}
    outputs: dict[int, np.ndarray] = {}
    layers: dict[int, np.ndarray] = {}
    for rec in meta.get("tensors", []):
        f = p / rec["file"]
        if not f.is_file():
            if rec["role"] == "layer":
                continue  # a case may drop layer files it does not need
            raise InputError(f"{p}: {rec['file']} is listed in meta.json but missing")
        value = np.load(f, allow_pickle=False)
        {"input": inputs, "output": outputs, "layer": layers}[rec["role"]][
            rec["tensor_index"] if rec["role"] == "layer" else rec["position"]] = value
    return GoldenCase(p, meta, [inputs[i] for i in sorted(inputs)], [outputs[i] for i in sorted(outputs)],
                      layers)


def case_folders(path: str | os.PathLike) -> list[Path]:
    """The case folders under ``path`` (itself if it is one)."""
    p = Path(path)
    if is_case(p):
        return [p]
    return sorted(c for c in p.iterdir() if c.is_dir() and is_case(c)) if p.is_dir() else []
