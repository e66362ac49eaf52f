"""Layer-by-layer diff: it names exactly the op whose output was changed, says
whether that op's inputs were still equal, and exits non-zero on difference."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from oracle import model_path, requires_tflm

from microinterp import Interpreter, OpResolver, load_model
from microinterp.cli.main import main as cli_main
from microinterp.golden.cases import generate, load_case
from microinterp.golden.diff import diff_dumps, diff_paths, load_dump, save_npz

AD = "mlperf-tiny/ad01_int8.tflite"  # ten FULLY_CONNECTED ops in a chain


@pytest.fixture(scope="module")
def ad_case(tmp_path_factory):
    path = model_path(AD)
    out = tmp_path_factory.mktemp("golden")
    [case] = generate(path, out / "ref", count=1, seed=11, layers=True)
    return path, case


def _bump_one_element(file: Path, flat_index: int) -> tuple[int, int]:
    """Change one element by a small amount without overflowing; return (old, new)."""
    a = np.load(file)
    flat = a.reshape(-1)
    old = int(flat[flat_index])
    new = old + 3 if old < np.iinfo(a.dtype).max - 3 else old - 3
    flat[flat_index] = new
    np.save(file, a)
    return old, new


def test_identical_folders_report_no_difference(ad_case, tmp_path, capsys):
    path, case = ad_case
    copy = tmp_path / "copy"
    shutil.copytree(case, copy)
    report = diff_dumps(path, case, copy)
    assert report.identical and report.first is None
    n_ops = len(load_model(str(path)).main.operators)
    assert report.compared_ops == n_ops and not report.uncompared_ops
    assert cli_main(["diff", str(path), str(case), str(copy)]) == 0
    assert "no difference" in capsys.readouterr().out


def test_one_changed_element_names_exactly_that_op(ad_case, tmp_path, capsys):
    path, case = ad_case
    meta = json.loads((case / "meta.json").read_text())
    layers = [r for r in meta["tensors"] if r["role"] == "layer"]
    for rec in layers:
        cand = tmp_path / f"cand_{rec['op_index']}"
        shutil.copytree(case, cand)
        size = int(np.prod(rec["shape"]))
        where = (7 * rec["op_index"] + 3) % size
        old, new = _bump_one_element(cand / rec["file"], where)
        report = diff_dumps(path, case, cand)
        assert not report.identical
        first = report.first
        assert first.op_index == rec["op_index"] and first.op_name == rec["op"]
        assert len(report.ops) == 1  # only that file changed
        [d] = first.outputs
        assert d.tensor_index == rec["tensor_index"] and d.count == 1 and d.max_abs == 3
        assert np.ravel_multi_index(d.first_position, rec["shape"]) == where
        assert (d.reference_value, d.candidate_value) == (old, new)
        assert first.inputs_equal is True  # so the fault is in this op
    # the CLI says the same, and exits 1
    last = layers[-1]
    assert cli_main(["diff", str(path), str(case), str(tmp_path / f"cand_{last['op_index']}")]) == 1
    out = capsys.readouterr().out
    assert f"FIRST DIFFERENCE at op #{last['op_index']} {last['op']}" in out
    assert "1 of" in out and "fault is in op" in out


@requires_tflm
def test_a_broken_kernel_is_found_against_tflm(tmp_path):
    """A realistic fault: one op's kernel is off by one in one element. The
    reference is TFLM's own dump; the diff names that op, says its inputs were
    equal, and lists the later ops the error propagated to."""
    path = model_path(AD)
    [ref] = generate(path, tmp_path / "tflm", count=1, seed=4, layers=True, engine="tflm")
    model = load_model(str(path))
    bad_op = 4
    good = OpResolver.builtins().resolve("FULLY_CONNECTED")

    def broken_invoke(node, data, inputs, outputs):
        good.invoke(node, data, inputs, outputs)
        if node.index == bad_op:
            out = outputs[0].reshape(-1)
            out[0] = out[0] + 1 if out[0] < 127 else out[0] - 1

    resolver = OpResolver.builtins()
    resolver.register("FULLY_CONNECTED", good.prepare, broken_invoke, replace=True)
    it = Interpreter(model, resolver=resolver, preserve_all_tensors=True)
    for i, x in enumerate(load_case(ref).inputs):
        it.set_input(x, i)
    it.invoke()
    report = diff_dumps(model, ref, it.intermediates())
    assert report.first.op_index == bad_op and report.first.inputs_equal is True
    assert report.first.outputs[0].count == 1 and report.first.outputs[0].max_abs == 1
    assert all(op.op_index > bad_op and op.inputs_equal is False for op in report.ops[1:])
    assert len(report.ops) > 1  # the error reached later layers
    assert "fault is in op #4 (FULLY_CONNECTED) itself" in report.format()


@requires_tflm
def test_npz_dumps_by_tensor_name_or_index(ad_case, tmp_path):
    """A TFLM dump saved as .npz (keys: tensor names, or t<index>) matches the golden folder."""
    from oracle import tflm_runtime

    from microinterp.memory.tflm_arena import generous_arena_size

    path, case = ad_case
    data = path.read_bytes()
    model = load_model(data)
    tf = tflm_runtime.Interpreter.from_bytes(
        data, arena_size=generous_arena_size(model),
        intrepreter_config=tflm_runtime.InterpreterConfig.kPreserveAllTensors)
    tf.set_input(load_case(case).inputs[0], 0)
    tf.invoke()
    dump = {t.index: tf.GetTensor(t.index, 0)["tensor_data"] for t in model.main.tensors if not t.is_constant}
    np.savez(tmp_path / "by_name.npz", **{model.main.tensors[i].name: v for i, v in dump.items()})
    by_index = save_npz(tmp_path / "by_index.npz", dump)
    for npz in (tmp_path / "by_name.npz", by_index):
        notes: list[str] = []
        assert set(load_dump(npz, model, notes)) == set(dump) and not notes
        assert diff_dumps(model, case, npz).identical
    np.savez(tmp_path / "extra.npz", t0=dump[0], nonsense=np.zeros(3))
    notes = []
    assert set(load_dump(tmp_path / "extra.npz", model, notes)) == {0}
    assert "nonsense" in notes[0]


def test_different_graph_inputs_are_called_out(ad_case, tmp_path, capsys):
    path, case = ad_case
    [other] = generate(path, tmp_path / "other", count=1, seed=12, layers=True)
    report = diff_dumps(path, case, other)
    assert report.graph_inputs and report.first.op_index == 0
    assert report.first.inputs_equal is False
    text = report.format()
    assert "GRAPH INPUTS DIFFER" in text and "already differed" in text


def test_dumps_without_layers_point_upstream(ad_case, tmp_path):
    """Only outputs dumped: the last op differs but its inputs were not dumped,
    so the verdict is 'here or upstream', not 'this op'."""
    path, case = ad_case
    [outputs_only] = generate(path, tmp_path / "o", count=1, seed=11, layers=False)
    assert diff_dumps(path, case, outputs_only).identical
    _bump_one_element(outputs_only / "output_0.npy", 0)
    report = diff_dumps(path, case, outputs_only)
    n = len(load_model(str(path)).main.operators)
    assert report.first.op_index == n - 1 and report.first.inputs_equal is None
    assert report.compared_ops == 1 and report.uncompared_ops == list(range(n - 1))
    assert "--layers" in report.format()


def test_sets_of_cases_shapes_json_and_errors(tmp_path, capsys):
    from test_golden import reshape_chain

    model_file = tmp_path / "m.tflite"
    model_file.write_bytes(reshape_chain("int8", (2, 3)))
    ref = generate(model_file, tmp_path / "ref", count=3, seed=0, layers=True)
    shutil.copytree(tmp_path / "ref", tmp_path / "cand")
    _bump_one_element(tmp_path / "cand" / ref[1].name / "layers" / "000_RESHAPE_mid.npy", 2)
    reports = diff_paths(model_file, tmp_path / "ref", tmp_path / "cand")
    assert [(name, rep.identical) for name, rep in reports] == [
        ("case_0000", True), ("case_0001", False), ("case_0002", True)]
    assert cli_main(["diff", str(model_file), str(tmp_path / "ref"), str(tmp_path / "cand")]) == 1
    out = capsys.readouterr().out
    assert "1 of 3 cases differ: case_0001" in out and "op #0 RESHAPE" in out
    assert cli_main(["diff", str(model_file), str(tmp_path / "ref"), str(tmp_path / "cand"), "--json"]) == 1
    parsed = json.loads(capsys.readouterr().out)
    assert [p["first_op"] for p in parsed] == [None, 0, None]
    # a tensor of the wrong size is a difference, with a note
    sg = load_model(str(model_file)).main
    mid = next(t.index for t in sg.tensors if t.name == "mid")
    save_npz(tmp_path / "short.npz", {mid: np.zeros(5, np.int8), sg.outputs[0]: np.load(ref[0] / "output_0.npy")})
    rep = diff_dumps(model_file, ref[0], tmp_path / "short.npz")
    assert rep.first.op_index == 0 and "shapes differ" in rep.first.outputs[0].note
    # nothing in common, or not a dump at all: exit 2 with a message
    save_npz(tmp_path / "empty.npz", {})
    assert cli_main(["diff", str(model_file), str(ref[0]), str(tmp_path / "empty.npz")]) == 2
    assert cli_main(["diff", str(model_file), str(ref[0]), str(tmp_path / "nowhere")]) == 2
    assert "neither a golden case folder" in capsys.readouterr().err
