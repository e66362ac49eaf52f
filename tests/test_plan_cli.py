"""``microinterp plan``: text, JSON, pictures and the offline-plan export."""

from __future__ import annotations

import json
import sys

import pytest
from oracle import MODELS_DIR

from microinterp.cli.main import main
from microinterp.memory.offline_plan import read_offline_plan
from microinterp.memory.tflm_arena import plan_model, tflm_arena
from microinterp.model import load_model

KWS = MODELS_DIR / "mlperf-tiny" / "kws_ref_model.tflite"
VWW = MODELS_DIR / "mlperf-tiny" / "vww_96_int8.tflite"


def _model(path):  # type: ignore[no-untyped-def]
    if not path.exists():
        pytest.skip(f"{path.name} not found under {MODELS_DIR}")
    return str(path)


def _json(capsys, *args: str) -> dict:  # type: ignore[no-untyped-def]
    assert main(["plan", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("target", ["host64", "cortex-m"])
def test_json_figures(capsys, target: str) -> None:  # type: ignore[no-untyped-def]
    path = _model(VWW)
    fig = _json(capsys, path, "--target", target)
    for key in ("tflm_arena_bytes", "microinterp_arena_bytes", "planned_bytes", "persistent_bytes",
                "lower_bound_bytes", "target", "planner"):
        assert key in fig
    model = load_model(path)
    tflm = tflm_arena(model, target)
    assert fig["target"] == target and fig["planner"] == "best"
    assert fig["tflm_arena_bytes"] == tflm.arena_bytes
    assert fig["persistent_bytes"] == tflm.persistent_bytes
    assert fig["tflm"]["planned_bytes"] == plan_model(model, "greedy")[1].size
    assert fig["lower_bound_bytes"] <= fig["planned_bytes"] <= fig["tflm"]["planned_bytes"]
    assert fig["planned_bytes"] == plan_model(model, "best", aliasing=False)[1].size
    c_port = fig["microinterp"]["c_port"]
    assert (fig["microinterp_arena_bytes"] is None) == (c_port is None)


def test_planner_choice_and_greedy_matches_tflm(capsys) -> None:  # type: ignore[no-untyped-def]
    fig = _json(capsys, _model(KWS), "--planner", "greedy")
    assert fig["planner"] == "greedy" and fig["planned_bytes"] == fig["tflm"]["planned_bytes"]


def test_text_report(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["plan", _model(VWW)]) == 0
    out = capsys.readouterr().out
    assert "total arena needed" in out and "lower bound" in out and "TFLM's greedy" in out
    assert "persistent (tail)" in out and "alignment padding" in out
    fig = tflm_arena(load_model(str(VWW)), "host64")
    assert f"{fig.arena_bytes:,}" in out
    try:
        import microinterp.memory.firmware_arena  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        assert "n/a (C port not built)" in out


def test_ascii_picture(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["plan", _model(KWS), "--ascii"]) == 0
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line[:4].strip().isdigit() and line[4:6] == ": "]
    assert len(rows) == len(load_model(str(KWS)).main.operators) + 1  # steps 0..n_ops
    assert all(len(r.split(": ", 1)[1].split(" (")[0]) == 80 for r in rows)
    assert not any("!" in r for r in rows)  # no overlapping buffers
    assert "(id=0): size=" in out


@pytest.mark.parametrize("ext", ["png", "svg"])
def test_plot(tmp_path, capsys, ext: str) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("matplotlib")
    out = tmp_path / f"plan.{ext}"
    assert main(["plan", _model(KWS), "--plot", str(out)]) == 0
    data = out.read_bytes()
    assert data.startswith(b"\x89PNG") if ext == "png" else b"<svg" in data[:2000]


def test_plot_without_matplotlib(tmp_path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if it were not installed
    assert main(["plan", _model(KWS), "--plot", str(tmp_path / "p.png")]) == 1
    assert "pip install 'microinterp[plot]'" in capsys.readouterr().err


def test_write_offline_plan(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "vww_offline.tflite"
    fig = _json(capsys, _model(VWW), "--write-offline-plan", str(out))
    offsets = read_offline_plan(load_model(str(out)))
    assert offsets is not None
    # the plan command on the exported model reports TFLM with the offline plan
    fig2 = _json(capsys, str(out))
    assert fig2["tflm"]["planner"] == "offline plan in the model"
    assert fig2["tflm_arena_bytes"] == fig["microinterp"]["tflm_arena_with_offline_plan_bytes"]
    assert fig2["tflm_arena_bytes"] < fig["tflm_arena_bytes"]


def test_bad_model_is_a_clear_error(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.tflite"
    bad.write_bytes(b"not a model at all")
    assert main(["plan", str(bad)]) == 1
    assert "not a .tflite model" in capsys.readouterr().err


#: arena_used_bytes() of TFLM at commit 90b983c2, reference kernels, BUILD_TYPE=release, measured in QEMU
#: on 32-bit Cortex-M (REFERENCE.md's device table; test_sizing reads the same figures from it).
CORTEX_M_ARENA_USED = {"kws_ref_model": 22_772, "vww_96_int8": 100_660, "pretrainedResnet_quant": 54_340,
                       "ad01_int8": 2_260}


@pytest.mark.parametrize("name", sorted(CORTEX_M_ARENA_USED))
def test_cortex_m_json_predicts_the_measured_arena(capsys, name: str) -> None:  # type: ignore[no-untyped-def]
    """``plan --target cortex-m --json`` reports TFLM's 32-bit arena_used_bytes() exactly.

    ``tflm_arena_bytes`` (the smallest arena_size that works) equals it when the final
    layout is the binding constraint; on ad01_int8 it is larger because TFLM's
    CommitStaticMemoryPlan hands the greedy planner all the memory between head and
    tail as a temporary (40 bytes per planned buffer) and frees it before
    arena_used_bytes() is read."""
    fig = _json(capsys, _model(MODELS_DIR / "mlperf-tiny" / f"{name}.tflite"), "--target", "cortex-m",
                "--planner", "greedy")
    assert fig["tflm_arena_used_bytes"] == CORTEX_M_ARENA_USED[name]
    t = fig["tflm"]
    if t["binding_phase"] == "final layout":
        assert fig["tflm_arena_bytes"] == fig["tflm_arena_used_bytes"]
    else:
        assert "planner working memory" in t["binding_phase"]
        assert fig["tflm_arena_bytes"] == fig["tflm_arena_used_bytes"] + t["planning_headroom_bytes"]


@pytest.mark.parametrize("core", ["cortex-m0plus", "cortex-m4", "cortex-m4f", "cortex-m"])
def test_a_core_names_the_c_port_arena_it_predicts(capsys, core: str) -> None:  # type: ignore[no-untyped-def]
    """``--target cortex-m4`` includes the DSP kernels' scratch in the C port's arena (what
    ``firmware check`` measures on that core), ``cortex-m0plus`` and the generic
    ``cortex-m`` do not; TFLM's 32-bit figures are the same for every core."""
    from microinterp.memory.firmware_arena import firmware_arena_bytes

    path = _model(KWS)
    fig = _json(capsys, path, "--target", core, "--planner", "greedy")
    want_core = "cortex-m0plus" if core == "cortex-m" else core
    assert fig["target"] == core and fig["firmware_target"] == want_core and fig["tflm_target"] == "cortex-m"
    assert fig["tflm_arena_used_bytes"] == CORTEX_M_ARENA_USED["kws_ref_model"]
    assert fig["microinterp_arena_bytes"] == firmware_arena_bytes(load_model(path), want_core)["total_bytes"]
    generic = firmware_arena_bytes(load_model(path), "cortex-m0plus")["total_bytes"]
    if want_core == "cortex-m0plus":
        assert fig["microinterp_arena_bytes"] == generic
    else:  # KWS's convolutions take the DSP path, with its scratch buffers
        assert fig["microinterp_arena_bytes"] > generic
    assert main(["plan", path, "--target", core]) == 0
    assert f"C port:  {want_core}" in capsys.readouterr().out
