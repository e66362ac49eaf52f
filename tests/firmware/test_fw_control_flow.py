"""IF, WHILE and CALL_ONCE in the C port against the Python interpreter: multi-subgraph
models drawn as in tests/kernels/test_control_flow.py (its makers, imported), run on the
host under ASan/UBSan with chosen inputs (a WHILE counter drawn at random would loop
2**31 times): every output byte equal and the arena equal to memory/firmware_arena.py's
prediction; recursion and the other control-flow refusals refused by both, with a
status in C and never a fault; and stale SPACE_TO_BATCH_ND / BATCH_TO_SPACE_ND shapes
(tests/kernels/test_stale_shapes.py) computed alike. 5 examples per test (MI_FW_EXAMPLES
raises it)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest
from fw_batch import EXAMPLES
from fw_helpers import build_dir, c_status, requires_host_cc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "kernels"))
from control_flow_cases import call_once_model, if_model, random_value, value_specs, while_model  # noqa: E402
from stale_shape_cases import stale_specs  # noqa: E402

from microinterp import Interpreter  # noqa: E402
from microinterp.errors import MicrointerpError  # noqa: E402
from microinterp.fw import check as fwcheck  # noqa: E402
from microinterp.fw import runner as rp  # noqa: E402
from microinterp.fw import targets as tg  # noqa: E402

SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check(model: bytes, inputs: list[list[np.ndarray]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "m.tflite"
        path.write_bytes(model)
        report = fwcheck.check(path, "host-asan", inputs=inputs, layers=False, timeout=120)
    assert report.ok, "\n".join(report.lines())


@requires_host_cc
@SETTINGS
@given(spec=value_specs(), counts=st.lists(st.integers(0, 6), min_size=1, max_size=3), seed=st.integers(0, 2**32 - 1))
def test_while_c_matches_python(spec: dict, counts: list[int], seed: int) -> None:
    rng = np.random.default_rng(seed)
    _check(while_model(spec), [[np.array([n], np.int32), random_value(spec, rng)] for n in counts])


@requires_host_cc
@SETTINGS
@given(spec=value_specs(), conds=st.lists(st.booleans(), min_size=1, max_size=3), seed=st.integers(0, 2**32 - 1))
def test_if_c_matches_python(spec: dict, conds: list[bool], seed: int) -> None:
    rng = np.random.default_rng(seed)
    _check(if_model(spec), [[np.array([c]), random_value(spec, rng), random_value(spec, rng)] for c in conds])


@requires_host_cc
@SETTINGS
@given(spec=value_specs(), seed=st.integers(0, 2**32 - 1))
def test_call_once_c_matches_python(spec: dict, seed: int) -> None:
    rng = np.random.default_rng(seed)
    _check(call_once_model(spec), [[random_value(spec, rng)] for _ in range(2)])


def _refusals() -> list[tuple[str, bytes]]:
    """The models test_control_flow.py refuses in Python, rebuilt here."""
    from test_control_flow import _loop  # the recursion builder of the Python tests

    from microinterp.builder import ModelBuilder

    fan = ModelBuilder()
    graphs = [fan] + [fan.add_subgraph(f"s{k}") for k in range(1, 15)]
    for k, g in enumerate(graphs):
        c = g.add_input("c", (1,), "bool")
        if k + 1 < len(graphs):
            g.add_operator("IF", [c, c], [g.add_output("y", (1,), "bool")], then_subgraph_index=k + 1,
                           else_subgraph_index=k + 1)
        else:
            g.outputs.append(c)
    deep = ModelBuilder()
    chain = [deep] + [deep.add_subgraph(f"d{k}") for k in range(1, 18)]
    for k, g in enumerate(chain):
        c = g.add_input("c", (1,), "bool")
        if k + 1 < len(chain):
            g.add_operator("IF", [c, c], [g.add_output("y", (1,), "bool")], then_subgraph_index=k + 1,
                           else_subgraph_index=len(chain) - 1)
        else:
            g.outputs.append(c)
    return [("self-loop", _loop(0, 0, 1)), ("cycle", _loop(1, 2, 3)), ("missing subgraph", _loop(5, 5, 1)),
            ("exponential fan-out", fan.build()), ("17 deep", deep.build())]


@requires_host_cc
@pytest.mark.parametrize("index", range(5))
def test_control_flow_refusals_in_both(index: int) -> None:
    name, model = _refusals()[index]
    with pytest.raises(MicrointerpError):
        Interpreter.from_bytes(model)
    code, status = c_status(model)
    assert code in (rp.EXIT_MODEL, rp.EXIT_ALLOCATE), (name, code, status)
    assert status not in (None, "MI_OK"), name


@requires_host_cc
def test_endless_while_stops_in_both() -> None:
    """A condition that never turns false: both stop after the iteration bound with an error."""
    from microinterp.builder import ModelBuilder
    from microinterp.errors import KernelError

    b = ModelBuilder()
    x = b.add_input("x", (1,), "bool")
    b.add_operator("WHILE", [x], [b.add_output("y", (1,), "bool")], cond_subgraph_index=1, body_subgraph_index=1)
    sg = b.add_subgraph("same")
    sg.outputs.append(sg.add_input("x", (1,), "bool"))
    model = b.build()
    mi = Interpreter.from_bytes(model)
    mi.set_input(np.array([True]))
    with pytest.raises(KernelError, match="did not end"):
        mi.invoke()
    code, status = c_status(model, bytes([1]))
    assert (code, status) == (rp.EXIT_INVOKE, "MI_ERR_BAD_PARAM")


# --------------------------------------------------------------------------- stale batch shapes


def _stale_s2b(spec: dict) -> bytes:
    """SPACE_TO_BATCH_ND alone, its output stored with batch 1 (stale_shapes.py): every
    output value is written (a copy or the padding), so every byte is compared."""
    from microinterp.builder import ModelBuilder

    k, bh, bw, c = spec["block"], spec["blocks_h"], spec["blocks_w"], spec["cin"]
    q = {"scale": 0.05, "zero_point": -3} if spec["dtype"] == "int8" else {}
    b = ModelBuilder()
    x = b.add_input("x", (1, bh * k, bw * k, c), spec["dtype"], **q)
    block = b.add_constant("block", np.array([k, k], np.int32))
    pads = b.add_constant("paddings", np.array([[0, 0], [0, 0]], np.int32))
    b.add_operator("SPACE_TO_BATCH_ND", [x, block, pads], [b.add_output("y", (1, bh, bw, c), spec["dtype"], **q)])
    return b.build()


@requires_host_cc
@SETTINGS
@given(spec=st.builds(dict, dtype=st.sampled_from(["float32", "int8"]), block=st.integers(2, 3),
                      blocks_h=st.integers(1, 4), blocks_w=st.integers(1, 4), cin=st.integers(1, 3)),
       seed=st.integers(0, 2**32 - 1))
def test_stale_space_to_batch_c_matches_python(spec: dict, seed: int) -> None:
    import warnings

    from stale_shape_cases import stale_input

    from microinterp.stale_shapes import StaleShapeWarning

    rng = np.random.default_rng(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StaleShapeWarning)
        _check(_stale_s2b(spec), [[stale_input(spec, rng)] for _ in range(2)])


@requires_host_cc
@SETTINGS
@given(spec=stale_specs())
def test_stale_dilated_conv_c_matches_python(spec: dict) -> None:
    """The SPACE_TO_BATCH_ND -> CONV_2D -> BATCH_TO_SPACE_ND chain: every output pixel
    TFLM's BATCH_TO_SPACE_ND writes is byte-identical in C and Python (the others hold
    whatever each arena held there, in TFLM too: tests/kernels/test_stale_shapes.py)."""
    import warnings

    from stale_shape_cases import stale_dilated_conv, stale_input, written_pixels

    from microinterp.stale_shapes import StaleShapeWarning

    model = stale_dilated_conv(spec)
    x = stale_input(spec, np.random.default_rng(spec["seed"]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StaleShapeWarning)
        mi = Interpreter.from_bytes(model)
    mi.set_input(x)
    mi.invoke()
    want = mi.get_output(0)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "m.tflite"
        path.write_bytes(model)
        (Path(tmp) / "in.bin").write_bytes(rp.pack_inputs([[x]]))
        out = tg.get_target("host-asan").run(build_dir("host-asan") / "mi_runner", path, Path(tmp) / "in.bin",
                                              Path(tmp) / "out.bin", timeout=120)
        assert out.returncode == rp.EXIT_OK, out.describe()
        got = np.frombuffer((Path(tmp) / "out.bin").read_bytes(), want.dtype).reshape(want.shape)
    mask = written_pixels(spec)
    assert np.array_equal(got[mask].view(np.uint8), want[mask].view(np.uint8))
