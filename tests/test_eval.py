"""``microinterp eval`` and ``microinterp.evaluate`` on the built-in digits example
(360 labelled test images): accuracy equals one ``invoke()`` per image, the same
outputs in one process, a process pool and a Dask ``LocalCluster``; float data is
quantized as TFLM quantizes; bad data is a one-line error."""

from __future__ import annotations

import numpy as np
import pytest

from microinterp import Interpreter
from microinterp import evaluate as ev
from microinterp.cli.main import main
from microinterp.examples import digits_model_path, digits_test_split


@pytest.fixture(scope="module")
def digits():
    images, labels = digits_test_split()
    model = digits_model_path().read_bytes()
    it = Interpreter.from_bytes(model)
    want = []
    for img in images:
        it.set_input(img[None], 0)
        it.invoke()
        want.append(it.get_output(0))
    return model, images, labels, np.stack(want)


def test_evaluate_equals_invoke_per_sample_in_process_and_pool(digits):
    model, images, _labels, want = digits
    assert np.array_equal(ev.evaluate(model, [images], chunk=100)[0], want)
    seen = []
    got = ev.evaluate(model, [images], jobs=2, chunk=90, progress=seen.append)[0]
    assert np.array_equal(got, want)
    assert seen == [90, 90, 90, 90]


def test_evaluate_on_a_dask_local_cluster(digits):
    distributed = pytest.importorskip("dask.distributed", reason="dask[distributed] is in the test extras")
    model, images, _labels, want = digits
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) \
            as cluster, distributed.Client(cluster) as client:
        assert np.array_equal(ev.evaluate(model, [images], scheduler=client, chunk=128)[0], want)
        assert np.array_equal(ev.evaluate(model, [images], scheduler=cluster.scheduler_address, chunk=128)[0], want)


def test_eval_cli_reports_accuracy(digits, tmp_path, capsys):
    model, images, labels, want = digits
    np.savez(tmp_path / "data.npz", images=images)
    np.save(tmp_path / "labels.npy", labels)
    (tmp_path / "m.tflite").write_bytes(model)
    rc = main(["eval", str(tmp_path / "m.tflite"), "--data", str(tmp_path / "data.npz"), "--labels",
               str(tmp_path / "labels.npy"), "--save", str(tmp_path / "out.npz"), "--progress", "off"])
    out = capsys.readouterr().out
    assert rc == 0
    correct = int((want.reshape(len(want), -1).argmax(1) == labels).sum())
    assert f"top-1:    {correct / len(labels):.2%} ({correct} of {len(labels)})" in out
    assert np.array_equal(np.load(tmp_path / "out.npz")["output_0"], want)
    one_hot = np.eye(10, dtype=np.float32)[labels]
    assert np.array_equal(ev.labels_as_classes(one_hot, len(labels)), labels)


def test_eval_quantizes_float_data_like_tflm(digits, tmp_path, capsys):
    model, images, _labels, _want = digits
    it = Interpreter.from_bytes(model)
    q = it.get_input_details(0)["quantization_parameters"]
    scale, zp = float(q["scales"][0]), int(q["zero_points"][0])
    real = ((images[:20].astype(np.float32) - zp) * np.float32(scale)).astype(np.float32)
    np.save(tmp_path / "x.npy", real)
    (tmp_path / "m.tflite").write_bytes(model)
    data, notes = __import__("microinterp.cli.eval", fromlist=["load_inputs"]).load_inputs(it, str(tmp_path / "x.npy"))
    assert np.array_equal(data[0], images[:20]) and "quantized" in notes[0]


@pytest.mark.parametrize("args, message", [
    (["--data", "{tmp}/missing.npz"], "data file not found"),
    (["--data", "{tmp}/bad.npy"], "expects a batch shaped"),
    (["--data", "{tmp}/ok.npy", "--labels", "{tmp}/short.npy"], "3 labels for 5 samples"),
    (["--data", "{tmp}/ok.npy", "--jobs", "0"], "--jobs and --chunk must be at least 1"),
])
def test_eval_cli_errors_are_one_line(digits, tmp_path, capsys, args, message):
    model, images, _labels, _want = digits
    (tmp_path / "m.tflite").write_bytes(model)
    np.save(tmp_path / "bad.npy", np.zeros((4, 3), np.int8))
    np.save(tmp_path / "ok.npy", images[:5])
    np.save(tmp_path / "short.npy", np.zeros(3, np.int64))
    rc = main(["eval", str(tmp_path / "m.tflite"), *[a.format(tmp=tmp_path) for a in args], "--litert", "off"])
    err = capsys.readouterr().err
    assert rc == 1 and err.startswith("microinterp: error: ") and message in err and err.count("\n") == 1


def test_eval_cli_progress_bar_and_litert_agreement(digits, tmp_path, capsys):
    """``--progress on`` draws tqdm's bar on stderr up to every sample; the LiteRT line
    reports the samples whose output 0 differs from LiteRT's reference kernels, by how
    much, and where top-1 differs -- the figures ``evaluate.agreement`` computes from
    LiteRT's own outputs (ai-edge-litert and tqdm are test dependencies)."""
    model, images, labels, want = digits
    np.savez(tmp_path / "data.npz", images=images)
    np.save(tmp_path / "labels.npy", labels)
    (tmp_path / "m.tflite").write_bytes(model)
    rc = main(["eval", str(tmp_path / "m.tflite"), "--data", str(tmp_path / "data.npz"), "--labels",
               str(tmp_path / "labels.npy"), "--progress", "on", "--litert", "auto"])
    captured = capsys.readouterr()
    assert rc == 0
    assert f"{len(labels)}/{len(labels)}" in captured.err and "eval" in captured.err
    theirs = ev.litert_outputs(model, [images])
    assert theirs is not None, "ai-edge-litert is a test dependency and runs this model"
    a = ev.agreement("LiteRT reference kernels", want, theirs)
    differing = int(np.any(want.reshape(len(want), -1) != theirs.reshape(len(theirs), -1), axis=1).sum())
    assert a.samples == len(labels) and a.samples_differing == differing
    assert (f"LiteRT:   {differing} of {len(labels)} samples differ (max |diff| {a.max_abs_diff:g} in output units; "
            f"top-1 differs on {a.top1_differing})") in captured.out
    litert_top1 = int((ev.top1(theirs) == labels).sum()) / len(labels)
    assert f"LiteRT top-1 {litert_top1:.2%}" in captured.out
