"""Golden vectors: case folders match TFLM (outputs and every layer), the C
headers compile with gcc and arm-none-eabi-gcc and hold exactly the .npy
values, the CSVs are TFLM's layout byte for byte and round-trip, and random
inputs are reproducible over the full quantized range."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import struct
import subprocess
from pathlib import Path

import numpy as np
import pytest
from oracle import model_path, requires_tflm, tflm_runtime

from microinterp import Interpreter, load_model
from microinterp.builder import ModelBuilder
from microinterp.cli.main import main as cli_main
from microinterp.golden.c_headers import write_c_headers
from microinterp.golden.cases import (
    case_rng,
    generate,
    load_case,
    load_inputs,
    write_case,
)
from microinterp.golden.tflm_csv import read_csv, write_csv, write_csv_array
from microinterp.inputs import random_inputs
from microinterp.memory.tflm_arena import generous_arena_size

REAL_MODELS = [
    "mlperf-tiny/kws_ref_model.tflite",
    "mlperf-tiny/vww_96_int8.tflite",
    "mlperf-tiny/pretrainedResnet_quant.tflite",
    "mlperf-tiny/ad01_int8.tflite",
    "tflite-micro-seanet/conv0.tflite",
]
C_FLAGS = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic"]


def reshape_chain(dtype: str = "int8", shape=(1, 4, 4), q: bool = True, name: str = "mid") -> bytes:
    """input -> RESHAPE -> RESHAPE -> output: two ops, one intermediate (needs only RESHAPE)."""
    b = ModelBuilder()
    quant = {"scale": 0.5, "zero_point": -3} if q else {}
    size = int(np.prod(shape))
    x = b.add_input("x", shape, dtype, **quant)
    mid = b.add_tensor(name, (1, size), dtype, **quant)
    y = b.add_output("y", (size,), dtype, **quant)
    b.add_operator("RESHAPE", [x, b.add_constant("s1", np.array([1, size], np.int32))], [mid], new_shape=[1, size])
    b.add_operator("RESHAPE", [mid, b.add_constant("s2", np.array([size], np.int32))], [y], new_shape=[size])
    return b.build()


def tflm_run(model_bytes: bytes, inputs: list[np.ndarray]):
    interp = Interpreter.from_bytes(model_bytes)
    tf = tflm_runtime.Interpreter.from_bytes(
        model_bytes, arena_size=generous_arena_size(interp.model),
        intrepreter_config=tflm_runtime.InterpreterConfig.kPreserveAllTensors)
    for i, x in enumerate(inputs):
        tf.set_input(x, i)
    tf.invoke()
    return tf


# --------------------------------------------------------------------------- real models vs TFLM


@requires_tflm
@pytest.mark.parametrize("name", REAL_MODELS)
def test_golden_case_matches_tflm(name, tmp_path):
    """Every file of a case (outputs and every op's outputs) equals TFLM's own tensor."""
    path = model_path(name)
    data = path.read_bytes()
    [case] = generate(path, tmp_path / "g", count=1, seed=7, layers=True)
    meta = json.loads((case / "meta.json").read_text())
    assert meta["model_sha256"] == hashlib.sha256(data).hexdigest()
    assert meta["seed"] == 7 and meta["case"] == 0
    assert not (case / "model.tflite").exists()  # never copied unless asked
    loaded = load_case(case)
    tf = tflm_run(data, loaded.inputs)
    model = load_model(data)
    sg = model.main
    for k in range(len(sg.outputs)):
        assert np.array_equal(loaded.outputs[k], tf.get_output(k)), f"output {k}"
    layer_recs = [r for r in meta["tensors"] if r["role"] == "layer"]
    assert len(layer_recs) == sum(len(op.outputs) for op in sg.operators)
    for rec in layer_recs:
        t = sg.tensors[rec["tensor_index"]]
        want = tf.GetTensor(t.index, 0)["tensor_data"].reshape(t.shape)
        got = np.load(case / rec["file"])
        assert got.dtype == want.dtype and np.array_equal(got, want), rec["file"]
        # the file name carries op index, op name and tensor name
        assert re.match(rf"layers/0*{rec['op_index']}_{rec['op']}_", rec["file"])
        q = t.quant
        if q is None:
            assert rec["quantization"] is None
        else:
            assert np.array_equal(np.float32(rec["quantization"]["scale"]), q.scale)
            assert rec["quantization"]["zero_point"] == q.zero_point.tolist()


@requires_tflm
def test_engine_tflm_writes_the_same_case(tmp_path):
    path = model_path("mlperf-tiny/kws_ref_model.tflite")
    a = generate(path, tmp_path / "mi", count=2, seed=3, layers=True)
    b = generate(path, tmp_path / "tf", count=2, seed=3, layers=True, engine="tflm")
    for ca, cb in zip(a, b):
        files = sorted(p.relative_to(ca) for p in ca.rglob("*.npy"))
        assert files == sorted(p.relative_to(cb) for p in cb.rglob("*.npy"))
        for f in files:
            assert np.array_equal(np.load(ca / f), np.load(cb / f)), f
        assert json.loads((cb / "meta.json").read_text())["engine"] == "tflm"


# --------------------------------------------------------------------------- CSV


@requires_tflm
def test_csv_byte_identical_to_tflm_integration_test(tmp_path):
    """Fed TFLM's own input CSV, microinterp writes TFLM's golden CSV byte for byte."""
    d = model_path("tflite-micro-seanet/conv0.tflite").parent
    rc = cli_main(["golden", str(d / "conv0.tflite"), "--out", str(tmp_path / "g"),
                   "--inputs", str(d / "conv0_input0_int16.csv"), "--format", "csv"])
    assert rc == 0
    out = tmp_path / "g" / "case_0000" / "csv"
    for f in ("conv0_input0_int16.csv", "conv0_golden_int16.csv"):
        assert (out / f).read_bytes() == (d / f).read_bytes(), f


def test_csv_round_trips_every_dtype(tmp_path):
    rng = np.random.default_rng(0)
    arrays = {
        "int8": rng.integers(-128, 127, (3, 5), endpoint=True, dtype=np.int8),
        "int16": np.array([-32768, 32767, 0, -1], np.int16),
        "int32": np.array([-(2**31), 2**31 - 1, 7], np.int32),
        "float": np.array([0.1, -1e-38, 3.4028235e38, 1 / 3, -0.0, np.inf, 1e-45], np.float32),
        "uint8": np.array([0, 255, 3], np.uint8),
    }
    for word, a in arrays.items():
        p = write_csv_array(tmp_path / f"x_input0_{word}.csv", a)
        assert p.read_bytes().endswith(b"\r\n") and p.read_bytes().count(b"\r\n") == 1
        back = read_csv(p, shape=a.shape)  # dtype from the file name
        assert back.dtype == a.dtype
        assert np.array_equal(back.view(np.uint8), a.view(np.uint8)), word  # bit for bit, -0.0 included


def test_csv_written_from_case_folder(tmp_path):
    model = reshape_chain("int16", (2, 3, 4))
    [case] = generate(model, tmp_path / "g", count=1, seed=1, layers=True, formats="csv", model_path="net.tflite")
    c = load_case(case)
    files = sorted(p.relative_to(case / "csv").as_posix() for p in (case / "csv").rglob("*.csv"))
    assert files == ["layers/000_RESHAPE_mid_int16.csv", "layers/001_RESHAPE_y_int16.csv",
                     "net_golden_int16.csv", "net_input0_int16.csv"]
    assert np.array_equal(read_csv(case / "csv/net_input0_int16.csv", shape=c.inputs[0].shape), c.inputs[0])
    assert np.array_equal(read_csv(case / "csv/net_golden_int16.csv"), c.outputs[0].reshape(-1))
    # re-reading the CSV as inputs gives the same case back
    [again] = load_inputs(load_model(model), [case / "csv/net_input0_int16.csv"])
    assert np.array_equal(again[0], c.inputs[0])


# --------------------------------------------------------------------------- C headers


def _compile_and_dump(case: Path, tmp_path: Path, cc: str = "gcc") -> dict[str, np.ndarray]:
    """Compile a program that includes every header of the case and prints each
    data array's raw bytes as hex; return symbol -> bytes."""
    headers = sorted((case / "c").glob("*.h"))
    symbols = []
    for h in headers:
        symbols += re.findall(r"static const \w+ (\w+)\[(\d+)\] MI_GOLDEN_ALIGNED", h.read_text())
    src = ["#include <stdio.h>"] + [f'#include "{h}"' for h in headers]
    src += ["static void dump(const char *name, const void *p, unsigned long n) {",
            "  const unsigned char *b = (const unsigned char *)p; unsigned long i;",
            '  printf("%s ", name); for (i = 0; i < n; i++) printf("%02x", b[i]); printf("\\n"); }',
            "int main(void) {"]
    src += [f'  dump("{s}", {s}, sizeof {s});' for s, _ in symbols]
    src += ["  return 0; }"]
    (tmp_path / "t.c").write_text("\n".join(src) + "\n")
    exe = tmp_path / "t"
    r = subprocess.run([cc, *C_FLAGS, str(tmp_path / "t.c"), "-o", str(exe)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[:3000]
    out = subprocess.run([str(exe)], capture_output=True, text=True, check=True).stdout
    return {line.split()[0]: bytes.fromhex(line.split()[1]) for line in out.splitlines()}


def test_c_headers_hold_exactly_the_npy_values(tmp_path):
    """Edge values of every dtype survive as C literals (compiled and read back)."""
    b = ModelBuilder()
    specials = {
        "float32": np.array([0.1, -0.0, np.inf, -np.inf, np.nan, 1e-45, 3.4028235e38, 1 / 3], np.float32),
        "int32": np.array([-(2**31), 2**31 - 1, 0, -5, 5, 1, 2, 3], np.int32),
        "int16": np.array([-32768, 32767, 0, 1, 2, 3, 4, 5], np.int16),
        "uint8": np.array([0, 255, 1, 2, 3, 4, 5, 6], np.uint8),
    }
    for i, (dt, _) in enumerate(specials.items()):
        x = b.add_input(f"x{i}", (2, 4), dt)
        y = b.add_output(f"y{i} \"odd*/ name??=", (8,), dt)
        b.add_operator("RESHAPE", [x, b.add_constant(f"s{i}", np.array([8], np.int32))], [y], new_shape=[8])
    case = write_case(b.build(), tmp_path / "case_x", [v.reshape(2, 4) for v in specials.values()],
                      layers=True, formats="c")
    dumped = _compile_and_dump(case, tmp_path)
    for k, v in enumerate(specials.values()):
        for sym in (f"case_x_input_{k}", f"case_x_output_{k}", f"case_x_layer_{k}"):
            assert dumped[sym] == v.tobytes(), sym
    text = (case / "c" / "golden_outputs.h").read_text()
    sha = json.loads((case / "meta.json").read_text())["model_sha256"]
    assert re.search(rf"generated by microinterp \S+ from {sha}", text)


def test_c_headers_of_a_real_model_compile_with_gcc_and_arm(tmp_path):
    path = model_path("mlperf-tiny/kws_ref_model.tflite")
    [case] = generate(path, tmp_path / "g", count=1, seed=2, layers=True, formats="npy,c")
    names = sorted(p.name for p in (case / "c").iterdir())
    assert names == ["golden_inputs.h", "golden_layers.h", "golden_outputs.h"]
    inputs_h = (case / "c" / "golden_inputs.h").read_text()
    sg = load_model(str(path)).main
    t = sg.tensors[sg.inputs[0]]
    # dtype, shape and quantization are all in the header
    assert f"static const int8_t case_0000_input_0[{t.size}] MI_GOLDEN_ALIGNED" in inputs_h
    assert f"case_0000_input_0_shape[{len(t.shape)}] = {{{', '.join(map(str, t.shape))}}}" in inputs_h
    assert f"case_0000_input_0_zero_point[1] = {{{t.zero_point}}}" in inputs_h
    scale = re.search(r"case_0000_input_0_scale\[1\] = \{(\S+)f\}", inputs_h).group(1)
    assert np.float32(float(scale)) == t.quant.scale[0]
    dumped = _compile_and_dump(case, tmp_path)  # host gcc, values checked
    c = load_case(case)
    assert dumped["case_0000_output_0"] == c.outputs[0].tobytes()
    layer_values = [c.layers[r["tensor_index"]] for r in c.meta["tensors"] if r["role"] == "layer"]
    for n, v in enumerate(layer_values):
        assert dumped[f"case_0000_layer_{n}"] == v.tobytes()
    arm = shutil.which("arm-none-eabi-gcc")
    if arm is None:
        pytest.skip("arm-none-eabi-gcc not installed (the host gcc half of this test passed)")
    (tmp_path / "fw.c").write_text(
        "".join(f'#include "{h}"\n' for h in sorted((case / "c").glob("*.h")))
        + "int first(void) { return case_0000_input_0[0] + case_0000_layers[0].size; }\n")
    r = subprocess.run([arm, *C_FLAGS, "-mcpu=cortex-m4", "-mthumb", "-O2", "-c", str(tmp_path / "fw.c"),
                        "-o", str(tmp_path / "fw.o")], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[:3000]


# --------------------------------------------------------------------------- random inputs, meta, CLI


def test_random_inputs_are_reproducible_and_cover_the_full_range(tmp_path):
    model = reshape_chain("int8", (64, 64))
    a = generate(model, tmp_path / "a", count=2, seed=5)
    b = generate(model, tmp_path / "b", count=4, seed=5)
    c = generate(model, tmp_path / "c", count=2, seed=6)
    for k in range(2):  # case k depends only on (seed, k), not on how many cases
        assert (a[k] / "input_0.npy").read_bytes() == (b[k] / "input_0.npy").read_bytes()
        assert (a[k] / "meta.json").read_bytes() == (b[k] / "meta.json").read_bytes()
    assert not np.array_equal(np.load(a[0] / "input_0.npy"), np.load(c[0] / "input_0.npy"))
    assert not np.array_equal(np.load(b[0] / "input_0.npy"), np.load(b[1] / "input_0.npy"))
    x = np.load(a[0] / "input_0.npy")
    assert x.dtype == np.int8 and x.min() == -128 and x.max() == 127  # both ends of the range
    assert np.array_equal(x, random_inputs(load_model(model), case_rng(5, 0))[0])
    x16 = random_inputs(load_model(reshape_chain("int16", (256, 256))), case_rng(0, 0))[0]
    assert x16.min() == -32768 and x16.max() == 32767


def test_meta_records_quantization_of_every_written_tensor(tmp_path):
    model = reshape_chain("int8")
    [case] = generate(model, tmp_path / "g", count=1, seed=0, layers=True, copy_model=True)
    meta = json.loads((case / "meta.json").read_text())
    from microinterp import __version__

    assert meta["microinterp_version"] == __version__
    assert (case / "model.tflite").read_bytes() == model  # copied only because asked
    roles = [(r["role"], r["name"]) for r in meta["tensors"]]
    assert roles == [("input", "x"), ("output", "y"), ("layer", "mid"), ("layer", "y")]
    for r in meta["tensors"]:
        assert r["quantization"] == {"scale": [0.5], "zero_point": [-3], "quantized_dimension": 0}
        assert (case / r["file"]).is_file()


def test_cli_golden_with_input_files_and_batches(tmp_path, capsys):
    model_file = tmp_path / "m.tflite"
    model_file.write_bytes(reshape_chain("int8", (2, 3)))
    batch = np.arange(3 * 2 * 3, dtype=np.int8).reshape(3, 2, 3)
    np.save(tmp_path / "x.npy", batch)
    rc = cli_main(["golden", str(model_file), "--out", str(tmp_path / "g"), "--inputs", str(tmp_path / "x.npy"),
                   "--layers", "--format", "npy,c,csv"])
    assert rc == 0
    out = capsys.readouterr()
    assert "wrote 3 case(s)" in out.out and out.err == ""  # no progress bar when not a terminal
    cases = sorted((tmp_path / "g").iterdir())
    assert [c.name for c in cases] == ["case_0000", "case_0001", "case_0002"]
    for k, c in enumerate(cases):
        assert np.array_equal(np.load(c / "input_0.npy"), batch[k])
        assert np.array_equal(np.load(c / "output_0.npy"), batch[k].reshape(-1))
        meta = json.loads((c / "meta.json").read_text())
        assert meta["seed"] is None and str(tmp_path / "x.npy") in meta["inputs_from"]
        assert (c / "c" / "golden_layers.h").is_file() and (c / "csv" / "m_golden_int8.csv").is_file()
    # wrong dtype: a clear error, exit code 1
    np.save(tmp_path / "f.npy", batch.astype(np.float32))
    assert cli_main(["golden", str(model_file), "--out", str(tmp_path / "h"), "--inputs",
                     str(tmp_path / "f.npy")]) == 1
    assert "quantize it first" in capsys.readouterr().err


def test_write_c_and_csv_again_from_an_existing_folder(tmp_path):
    """The C and CSV forms are made from the folder alone (no model needed)."""
    [case] = generate(reshape_chain("int8"), tmp_path / "g", count=1, seed=0)
    assert not (case / "c").exists()
    assert [p.name for p in write_c_headers(case)] == ["golden_inputs.h", "golden_outputs.h"]
    assert sorted(p.name for p in write_csv(case)) == ["model_golden_int8.csv", "model_input0_int8.csv"]
    # symbols can get a prefix so that cases from several models can share a firmware test
    [h, _] = write_c_headers(case, tmp_path / "other", prefix="kws case")
    assert "static const int8_t kws_case_input_0[16]" in h.read_text()


def test_float_literals_are_exact(tmp_path):
    """Shortest float32 repr + 'f' reads back to the same bits (checked by compiling)."""
    rng = np.random.default_rng(1)
    bits = rng.integers(0, 2**32, 64, dtype=np.uint64).astype(np.uint32)
    vals = bits.view(np.float32)
    vals = vals[np.isfinite(vals)][:48]
    b = ModelBuilder()
    x = b.add_input("x", (vals.size,), "float32")
    y = b.add_output("y", (vals.size,), "float32")
    b.add_operator("RESHAPE", [x, b.add_constant("s", np.array([vals.size], np.int32))], [y],
                   new_shape=[vals.size])
    case = write_case(b.build(), tmp_path / "f", [vals], formats="c")
    dumped = _compile_and_dump(case, tmp_path)
    got = struct.unpack(f"<{vals.size}f", dumped["f_input_0"])
    assert np.array_equal(np.array(got, np.float32).view(np.uint32), vals.view(np.uint32))
