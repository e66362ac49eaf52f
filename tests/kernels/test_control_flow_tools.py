"""The tools on multi-subgraph models: ``inspect`` lists each subgraph and who calls it,
``plan`` labels other subgraphs' buffers, ``golden --layers`` dumps every subgraph's op
outputs (microinterp and TFLM alike) and ``diff`` names the subgraph of the op that differs."""

from __future__ import annotations

import numpy as np
from control_flow_cases import while_model
from oracle import requires_tflm

from microinterp.cli.inspect import describe
from microinterp.cli.plan import _labels, figures
from microinterp.golden.cases import load_case, write_case
from microinterp.golden.diff import diff_dumps, execution_order
from microinterp.model import load_model

SPEC = {"shape": (2, 3), "dtype": "float32", "quant": {}}


def test_inspect_names_every_subgraph() -> None:
    text = describe(load_model(while_model(SPEC)))
    assert "subgraph 1 'cond': 1 ops, 4 tensors, called by #0 WHILE" in text
    assert "subgraph 2 'body': 2 ops, 5 tensors, called by #0 WHILE" in text
    assert "  sg2:#1   ADD" in text


def test_plan_labels_subgraph_buffers() -> None:
    model = load_model(while_model(SPEC))
    _, pin, _ = figures(model)
    labels = _labels(model, pin.owners)
    assert "sg2:t4 x2" in labels and "t2 n_out" in labels


def test_execution_order_puts_called_subgraphs_before_their_caller() -> None:
    order = [(s, op.name) for s, op in execution_order(load_model(while_model(SPEC)))]
    assert order == [(1, "GREATER"), (2, "SUB"), (2, "ADD"), (0, "WHILE")]


@requires_tflm
def test_golden_layers_and_diff_name_the_subgraph(tmp_path) -> None:
    model = while_model(SPEC)
    inputs = [np.array([3], np.int32), np.ones((2, 3), np.float32)]
    ours = write_case(model, tmp_path / "mi", inputs, layers=True)
    tflm = write_case(model, tmp_path / "tflm", inputs, layers=True, engine="tflm")
    names = sorted(p.name for p in (ours / "layers").iterdir())
    assert names == ["000_WHILE_n_out.npy", "000_WHILE_x_out.npy", "sg1_000_GREATER_more.npy",
                     "sg2_000_SUB_n1.npy", "sg2_001_ADD_x2.npy"]
    report = diff_dumps(model, ours, tflm)
    assert report.identical and report.compared_ops == 4
    bad = load_case(tflm).tensors()
    layer = load_case(tflm).meta["tensors"]
    x2 = next(r for r in layer if r["name"] == "x2")
    assert (x2["subgraph"], x2["subgraph_tensor_index"]) == (2, 4)
    bad[x2["tensor_index"]] = bad[x2["tensor_index"]] + 1
    text = diff_dumps(model, ours, bad).format()
    assert "FIRST DIFFERENCE at op sg2:#1 ADD (in subgraph 2)" in text


def test_invoke_batch_resets_resource_variables_between_samples() -> None:
    """Sample i is what invoke() gives right after reset(): resource variables count as state."""
    from control_flow_cases import variable_model

    from microinterp import Interpreter

    mi = Interpreter.from_bytes(variable_model(SPEC, None))
    out = mi.invoke_batch(np.ones((3, 2, 3), np.float32))
    assert np.array_equal(out[0], np.ones((3, 2, 3), np.float32))
