"""``microinterp.runtime`` is a drop-in for ``tflite_micro``'s Python runtime.

Each test is one piece of TFLM-style user code, written once against a
``runtime`` module and run on both TFLM's real wheel and microinterp's
drop-in (the ``rt`` fixture), asserting the same results, return values and
exception classes. A few TFLM behaviours cannot run side by side because
TFLM's wheel crashes the process (an out-of-bound ``GetTensor``, an arena too
small for its allocator): those run on microinterp only and say so.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from oracle import model_path, tflm_runtime

from microinterp import InputError, MicrointerpError, OpResolver
from microinterp import runtime as mi_runtime
from microinterp.builder import ModelBuilder
from microinterp.examples import digits_model_path, digits_test_split

RUNTIMES = [pytest.param(mi_runtime, id="microinterp")]
RUNTIMES.append(pytest.param(tflm_runtime, id="tflm", marks=pytest.mark.skipif(
    tflm_runtime is None, reason="tflite-micro (the TFLM oracle) is not installable on this platform")))


@pytest.fixture(params=RUNTIMES)
def rt(request):  # type: ignore[no-untyped-def]
    return request.param


def _add_model(dtype: str = "int8") -> bytes:
    """x + y -> out, two inputs and one output (int8 quantized, or float32)."""
    b = ModelBuilder()
    q = dict(scale=0.5, zero_point=-3) if dtype == "int8" else {}
    x = b.add_input("x", [1, 4], dtype, **q)
    y = b.add_input("y", [1, 4], dtype, **q)
    out = b.add_output("out", [1, 4], dtype, **(dict(scale=1.0, zero_point=0) if q else {}))
    b.add_operator("ADD", [x, y], [out])
    return b.build()


def _custom_model() -> bytes:
    b = ModelBuilder()
    x = b.add_input("x", [1, 4], "float32")
    out = b.add_output("out", [1, 4], "float32")
    b.add_operator("CUSTOM:TimesTwo", [x], [out])
    return b.build()


def register_times_two(resolver: OpResolver) -> bool:
    """A custom-op registerer as ``custom_op_registerers`` names it (``test_runtime_dropin:register_times_two``)."""
    def invoke(node, data, inputs, outputs):  # type: ignore[no-untyped-def]
        outputs[0][...] = inputs[0] * 2

    resolver.register("TimesTwo", lambda node: None, invoke)
    return True


# ----------------------------------------------------------------------------- same code, same answers


def test_digits_example_same_outputs_details_and_statuses(rt) -> None:  # type: ignore[no-untyped-def]
    """The README-style loop over the built-in digits model, positional TFLM arguments."""
    it = rt.Interpreter.from_file(str(digits_model_path()), [], None, rt.InterpreterConfig.kAllocationRecording)
    x, _ = digits_test_split()
    d = it.get_input_details(0)
    assert set(d) == {"dtype", "shape", "quantization_parameters"}
    assert set(d["quantization_parameters"]) == {"scales", "zero_points", "quantized_dimension"}
    assert d["shape"].dtype == np.int32
    outs = []
    for img in x[:8]:
        it.set_input(img.reshape(d["shape"]).astype(d["dtype"]), 0)
        assert it.invoke() == 0
        outs.append(it.get_output(0))
    assert it.reset() == 0
    assert np.stack(outs).dtype == it.get_output_details(0)["dtype"]


def test_both_runtimes_agree_on_digits() -> None:
    """What the test above recorded on each runtime is identical (outputs bit for bit)."""
    if tflm_runtime is None:
        pytest.skip("tflite-micro (the TFLM oracle) is not installable on this platform")
    results = []
    for rt in (mi_runtime, tflm_runtime):
        it = rt.Interpreter.from_bytes(digits_model_path().read_bytes())
        x, _ = digits_test_split()
        d = it.get_input_details(0)
        outs = []
        for img in x[:32]:
            it.set_input(img.reshape(d["shape"]).astype(d["dtype"]), 0)
            it.invoke()
            outs.append(it.get_output(0))
        results.append((np.stack(outs), d, it.get_output_details(0)))
    (mo, md, mod), (to, td, tod) = results
    assert mo.dtype == to.dtype and np.array_equal(mo, to)
    for a, b in ((md, td), (mod, tod)):
        assert a["dtype"] is b["dtype"]
        assert np.array_equal(a["shape"], b["shape"]) and a["shape"].dtype == b["shape"].dtype
        for k in ("scales", "zero_points"):
            x, y = a["quantization_parameters"][k], b["quantization_parameters"][k]
            assert x.dtype == y.dtype and np.array_equal(x, y)
        assert a["quantization_parameters"]["quantized_dimension"] == b["quantization_parameters"]["quantized_dimension"]


@pytest.mark.parametrize("dtype", ["int8", "float32"])
def test_get_tensor_dicts_identical(dtype: str) -> None:
    """``GetTensor(i, 0)`` under kPreserveAllTensors: same keys, dtypes, shapes and data."""
    if tflm_runtime is None:
        pytest.skip("tflite-micro (the TFLM oracle) is not installable on this platform")
    m = _add_model(dtype)
    rng = np.random.default_rng(0)
    xs = [rng.integers(-128, 128, (1, 4)).astype(dtype) for _ in range(2)]
    got = []
    for rt in (mi_runtime, tflm_runtime):
        it = rt.Interpreter.from_bytes(m, arena_size=1 << 16,
                                       intrepreter_config=rt.InterpreterConfig.kPreserveAllTensors)
        for i, x in enumerate(xs):
            it.set_input(x, i)
        it.invoke()
        got.append([it.GetTensor(i, 0) for i in range(3)])
    for a, b in zip(*got):
        assert set(a) == set(b) == {"dtype", "shape", "tensor_data"}
        assert a["dtype"] is b["dtype"] and np.array_equal(a["shape"], b["shape"])
        assert a["tensor_data"].dtype == b["tensor_data"].dtype and np.array_equal(a["tensor_data"], b["tensor_data"])


def test_interpreter_config_enum_matches() -> None:
    assert [(c.name, c.value) for c in mi_runtime.InterpreterConfig] == [
        ("kAllocationRecording", 0), ("kPreserveAllTensors", 1)]
    if tflm_runtime is not None:
        assert [(c.name, c.value) for c in mi_runtime.InterpreterConfig] == [
            (c.name, c.value) for c in tflm_runtime.InterpreterConfig]


def test_signatures_match_tflm() -> None:
    """Parameter names, order and defaults of every public method are TFLM's."""
    if tflm_runtime is None:
        pytest.skip("tflite-micro (the TFLM oracle) is not installable on this platform")
    import inspect

    def sig(f):  # type: ignore[no-untyped-def]
        return [(p.name, p.default if p.default is inspect.Parameter.empty else repr(p.default))
                for p in inspect.signature(f).parameters.values()]

    for name in ("__init__", "from_file", "from_bytes", "invoke", "reset", "set_input", "get_output",
                 "GetTensor", "get_input_details", "get_output_details", "print_allocations"):
        assert sig(getattr(mi_runtime.Interpreter, name)) == sig(getattr(tflm_runtime.Interpreter, name)), name


# ----------------------------------------------------------------------------- same faults, same classes


def _faults(rt, tmp_path: Path) -> dict[str, type[BaseException] | None]:  # type: ignore[no-untyped-def]
    """Run every fault TFLM reports with an exception; return the class each raised."""
    m = _add_model()
    it = rt.Interpreter.from_bytes(m)
    ok = np.zeros((1, 4), np.int8)
    faults = {
        "missing path": lambda: rt.Interpreter.from_file(str(tmp_path / "missing.tflite")),
        "directory path": lambda: rt.Interpreter.from_file(str(tmp_path)),
        "None model": lambda: rt.Interpreter.from_bytes(None),
        "registerers not a list": lambda: rt.Interpreter.from_bytes(m, "abc"),
        "unknown registerer": lambda: rt.Interpreter.from_bytes(m, ["NoSuchRegisterer"]),
        "unknown custom op": lambda: rt.Interpreter.from_bytes(_custom_model(), arena_size=1 << 16),
        "negative index": lambda: it.set_input(ok, -1),
        "input index out of bound": lambda: it.set_input(ok, 2),
        "output index out of bound": lambda: it.get_output(1),
        "input details out of bound": lambda: it.get_input_details(9),
        "output details out of bound": lambda: it.get_output_details(9),
        "wrong dtype": lambda: it.set_input(ok.astype(np.float32), 0),
        "dimension mismatch": lambda: it.set_input(np.zeros((1, 5), np.int8), 0),
        "rank mismatch": lambda: it.set_input(np.zeros(4, np.int8), 0),
        "python list (int64)": lambda: it.set_input([[1, 2, 3, 4]], 0),
        "input None": lambda: it.set_input(None, 0),
        "GetTensor while recording": lambda: it.GetTensor(0, 0),
        "print_allocations while preserving": lambda: rt.Interpreter.from_bytes(
            m, [], 1 << 16, rt.InterpreterConfig.kPreserveAllTensors).print_allocations(),
    }
    raised: dict[str, type[BaseException] | None] = {}
    for name, f in faults.items():
        try:
            f()
            raised[name] = None
        except Exception as e:  # noqa: BLE001 - the class is what is compared
            raised[name] = type(e)
    return raised


TFLM_CLASSES = {
    "missing path": ValueError, "directory path": ValueError, "None model": ValueError,
    "registerers not a list": ValueError, "unknown registerer": RuntimeError, "unknown custom op": RuntimeError,
    "negative index": ValueError, "input index out of bound": IndexError, "output index out of bound": IndexError,
    "input details out of bound": IndexError, "output details out of bound": IndexError,
    "wrong dtype": ValueError, "dimension mismatch": ValueError, "rank mismatch": ValueError,
    "python list (int64)": ValueError, "input None": ValueError, "GetTensor while recording": RuntimeError,
    "print_allocations while preserving": ValueError,
}


def test_faults_raise_tflms_classes(rt, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Every fault raises (a subclass of) the class TFLM raises; on microinterp also a MicrointerpError."""
    raised = _faults(rt, tmp_path)
    assert set(raised) == set(TFLM_CLASSES)
    for name, cls in TFLM_CLASSES.items():
        assert raised[name] is not None, f"{name}: nothing raised"
        assert issubclass(raised[name], cls), f"{name}: {raised[name]} is not a {cls.__name__}"
        if rt is mi_runtime:
            assert issubclass(raised[name], MicrointerpError), name


def test_tflm_except_clauses_catch_microinterp_errors(tmp_path: Path) -> None:
    """TFLM-style ``except IndexError`` and microinterp-style ``except InputError`` both work."""
    it = mi_runtime.Interpreter.from_bytes(_add_model())
    with pytest.raises(IndexError, match="out of bound"):
        it.get_output(3)
    with pytest.raises(InputError):
        it.get_output(3)


# ----------------------------------------------------------------------------- registerers, arena, report


def test_custom_op_registerer_by_name() -> None:
    """A registerer named like TFLM's (a string) registers a Python kernel."""
    it = mi_runtime.Interpreter.from_bytes(_custom_model(), ["test_runtime_dropin:register_times_two"])
    it.set_input(np.arange(4, dtype=np.float32).reshape(1, 4), 0)
    it.invoke()
    assert np.array_equal(it.get_output(0), np.arange(4, dtype=np.float32).reshape(1, 4) * 2)
    with pytest.raises(RuntimeError, match="could not register custom op via 'os:nope'"):
        mi_runtime.Interpreter.from_bytes(_custom_model(), ["os:nope"])


def test_arena_size_checked_against_tflms_need() -> None:
    """An explicit arena below TFLM's need raises RuntimeError with the exact need;
    TFLM's wheel itself runs with exactly that many bytes."""
    m = digits_model_path().read_bytes()
    with pytest.raises(RuntimeError, match="arena too small") as e:
        mi_runtime.Interpreter.from_bytes(m, [], 100)
    needed = e.value.needed
    with pytest.raises(RuntimeError):
        mi_runtime.Interpreter.from_bytes(m, [], needed - 1)
    mi_runtime.Interpreter.from_bytes(m, [], needed).invoke()
    if tflm_runtime is not None:  # TFLM accepts exactly that arena (one byte less may crash its process)
        assert tflm_runtime.Interpreter.from_bytes(m, [], needed).invoke() == 0
    with pytest.raises(ValueError, match="arena_size"):
        mi_runtime.Interpreter.from_bytes(m, [], "big")


def test_get_tensor_out_of_bound_is_an_index_error_not_a_crash() -> None:
    """(microinterp only: TFLM's wheel segfaults here.)"""
    it = mi_runtime.Interpreter.from_bytes(_add_model(), intrepreter_config=mi_runtime.InterpreterConfig.kPreserveAllTensors)
    with pytest.raises(IndexError):
        it.GetTensor(7, 0)
    with pytest.raises(IndexError):
        it.GetTensor(0, 3)


def _tflm_report(model: Path) -> str:
    """TFLM's print_allocations() output (its C++ writes straight to fd 2, so run it in a child)."""
    code = textwrap.dedent(f"""
        from tflite_micro.python.tflite_micro import runtime
        runtime.Interpreter.from_file({str(model)!r}, arena_size=8 << 20).print_allocations()
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": ""})
    assert proc.returncode == 0, proc.stderr
    return proc.stderr


PRINT_ALLOCATION_MODELS = ["mlperf-tiny/kws_ref_model.tflite", "mlperf-tiny/vww_96_int8.tflite",
                           "tflite-micro/hello_world_int8.tflite", "tflite-micro/person_detect.tflite"]


@pytest.mark.parametrize("rel", [None, *PRINT_ALLOCATION_MODELS])
def test_print_allocations_matches_tflms_report(rel: str | None, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """The whole report (totals, then each recorded category's used/requested/count) equals
    TFLM's, on stderr and as the return value. (Checked on all 82 shared models both run: 78
    identical; on the 3 LSTM models and keyword_scrambled the 'Persistent buffer data' used
    bytes are 4-8 low, alignment padding the replay attributes to a neighbouring allocation.)"""
    if rel is None:
        path = tmp_path / "add.tflite"
        path.write_bytes(_add_model())
    else:
        path = model_path(rel)
    report = mi_runtime.Interpreter.from_file(str(path)).print_allocations()
    assert capsys.readouterr().err == report
    mine = report.splitlines()
    assert len(mine) >= 5 and all(line.startswith("[RecordingMicroAllocator]") for line in mine)
    if tflm_runtime is not None:
        theirs = [line for line in _tflm_report(path).splitlines() if line.startswith("[RecordingMicroAllocator]")]
        assert mine == theirs
