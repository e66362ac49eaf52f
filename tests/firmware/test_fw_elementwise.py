"""The C kernels of the element-wise, unary, comparison and logical families
(firmware/src/kernels/mi_<stem>.c: ABS ... SHAPE) against their Python twins.

Each test draws single-op models with the strategies and model makers of the
Python kernel tests (tests/kernels/, themselves checked against TFLM) and runs
them through the C port built with ASan/UBSan and through
``microinterp.Interpreter``: every output byte must match (floats bit for bit,
NaN payloads, signed zeros and all), and the arena the firmware reports must
match fwplan's prediction. Inputs are the Python tests' value draws (NaNs,
infinities, subnormals, exact halves, full-range integers with their
extremes), not the uniform draw of ``fw.check``.

A model the Python side refuses must be refused by the C port too, at the
same stage: a prepare-time refusal is a failed ``mi_interpreter_allocate``, an
invoke-time one (RSQRT below the zero point, FLOOR_DIV by zero) a failed
``mi_interpreter_invoke`` -- with a status, never a sanitizer report.

``MI_FW_EXAMPLES`` (default 15) sets the examples per test; each is one runner
process plus one Python interpreter, so the defaults keep the file near a
minute on one core.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest
from fw_helpers import build_dir, requires_host_cc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "kernels"))  # the kernel tests' shared helpers

from broadcast_cases import broadcast_shapes  # noqa: E402
from comparison_cases import comparison_case  # noqa: E402
from elementwise_math_cases import binary_model, comparable_values, shapes, unary_model, values  # noqa: E402
from strategies import ACTIVATIONS, scales, seeds, zero_points  # noqa: E402
from test_add_n import _model as add_n_model  # noqa: E402
from test_fill import _model as fill_model  # noqa: E402
from test_select_v2 import _model as select_v2_model  # noqa: E402
from test_select_v2 import select_shapes  # noqa: E402
from test_shape import _model as shape_model  # noqa: E402

from microinterp import Interpreter  # noqa: E402
from microinterp.errors import MicrointerpError  # noqa: E402
from microinterp.fw import check as fwcheck  # noqa: E402
from microinterp.fw import runner as rp  # noqa: E402
from microinterp.fw import targets as tg  # noqa: E402

pytestmark = requires_host_cc

SETTINGS = settings(max_examples=int(os.environ.get("MI_FW_EXAMPLES", "15")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

FLOAT_UNARY = ["NEG", "SQUARE", "SQRT", "RSQRT", "EXP", "LOG", "SIN", "COS", "FLOOR", "CEIL", "ROUND", "ABS", "ELU"]


def python_refusal(model: bytes, vectors: list[list[np.ndarray]]) -> str | None:
    """Where the Python interpreter refuses the model: "prepare", "invoke" or None."""
    try:
        it = Interpreter.from_bytes(model)
    except MicrointerpError:
        return "prepare"
    try:
        for row in vectors:
            for i, x in enumerate(row):
                it.set_input(x, i)
            it.invoke()
    except MicrointerpError:
        return "invoke"
    return None


def cross_check(model: bytes, *vectors: list[np.ndarray]) -> str:
    """Run ``model`` on ``vectors`` (one list of inputs each) in the C port and in
    Python. Both run it: identical bytes and arena ("ran"). Python refuses it:
    the C port must fail at the same stage with a status ("refused")."""
    rows = [list(v) for v in vectors]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "m.tflite"
        path.write_bytes(model)
        report = fwcheck.check(path, "host-asan", inputs=rows, timeout=60)
        if report.ok:
            return "ran"
        stage = python_refusal(model, rows) if report.outcome == "unavailable" else None
        assert stage is not None, "\n".join(report.lines())
        (Path(tmp) / "in.bin").write_bytes(rp.pack_inputs(rows))
        run = tg.get_target("host-asan").run(build_dir("host-asan") / "mi_runner", path, Path(tmp) / "in.bin",
                                             Path(tmp) / "out.bin", timeout=60)
        want = rp.EXIT_ALLOCATE if stage == "prepare" else rp.EXIT_INVOKE
        assert run.returncode == want and run.status_name not in (None, "MI_OK"), (
            f"Python refuses at {stage}; the C port: {run.describe()}")
        return "refused"


def two_draws(rng: np.random.Generator, shape: tuple, dtype: str) -> list[np.ndarray]:
    return [values(rng, shape, dtype), values(rng, shape, dtype)]


def quant(draw: st.DrawFn, dtype: str, lo: int = -10, hi: int = 0) -> dict:
    return {"scale": draw(scales(lo, hi)), "zero_point": draw(zero_points(dtype))}


# --------------------------------------------------------------------------- unary


@pytest.mark.parametrize("op", FLOAT_UNARY)
@SETTINGS
@given(shape=shapes, seed=seeds)
def test_float_unary(op: str, shape: tuple, seed: int) -> None:
    rng = np.random.default_rng(seed)
    a, b = two_draws(rng, shape, "float32")
    assert cross_check(unary_model(op, shape, "float32"), [a], [b]) == "ran"


def test_float_unary_sweep() -> None:
    """Every float unary op on 4096 values in one model each: a last-bit
    difference of a C-library function has nowhere to hide."""
    rng = np.random.default_rng(7)
    x = values(rng, (4096,), "float32")
    for op in FLOAT_UNARY:
        assert cross_check(unary_model(op, x.shape, "float32"), [x]) == "ran", op


@pytest.mark.parametrize("op", ["ABS", "RSQRT", "ELU"])
@SETTINGS
@given(data=st.data(), dtype=st.sampled_from(["int8", "int16"]),
       shape=shapes, seed=seeds)
def test_quantized_unary(data: st.DataObject, op: str, dtype: str, shape: tuple, seed: int) -> None:
    """ABS, RSQRT (int8, int16) and ELU (int8): drawn scales and zero points; RSQRT
    inputs below the zero point fail the invoke on both sides."""
    if op == "ELU":
        dtype = "int8"
    qin, qout = quant(data.draw, dtype, -10, 2), quant(data.draw, dtype, -10, 2)
    if data.draw(st.booleans()):
        qout = qin  # ABS: equal scales take the no-rescale path
    rng = np.random.default_rng(seed)
    xs = two_draws(rng, shape, dtype)
    if op == "RSQRT" and data.draw(st.booleans()):  # mostly valid inputs: at or above the zero point
        xs = [np.maximum(x, np.array(qin["zero_point"]).astype(dtype)) for x in xs]
    cross_check(unary_model(op, shape, dtype, qin, qout), [xs[0]], [xs[1]])


@pytest.mark.parametrize("op", ["ABS", "LOGICAL_NOT", "ZEROS_LIKE"])
@SETTINGS
@given(dtype=st.sampled_from(["int16", "bool", "int64", "int32", "int8", "float32"]), shape=shapes, seed=seeds)
def test_unquantized_unary(op: str, dtype: str, shape: tuple, seed: int) -> None:
    """int16 ABS without quantization, LOGICAL_NOT and ZEROS_LIKE over every type
    (the ones their Python twins refuse included)."""
    rng = np.random.default_rng(seed)
    xs = two_draws(rng, shape, dtype)
    cross_check(unary_model(op, shape, dtype), [xs[0]], [xs[1]])


# --------------------------------------------------------------------------- binary arithmetic


@pytest.mark.parametrize("op", ["MAXIMUM", "MINIMUM", "SQUARED_DIFFERENCE", "DIV", "FLOOR_DIV", "FLOOR_MOD"])
@SETTINGS
@given(dtype=st.sampled_from(["float32", "float32", "int32", "int64"]), shapes_=broadcast_shapes(),
       act=st.sampled_from(ACTIVATIONS), seed=seeds)
def test_binary_unquantized(op: str, dtype: str, shapes_: tuple, act: str, seed: int) -> None:
    """float32 (NaNs, infinities and zeros included), int32 and int64 operands; the
    types an op does not take are refused on both sides."""
    rng = np.random.default_rng(seed)
    s1, s2, so = shapes_
    options = {"fused_activation_function": act} if op == "DIV" else {}
    model = binary_model(op, s1, s2, so, dtype, **options)
    rows = [[values(rng, s1, dtype), values(rng, s2, dtype)] for _ in range(2)]
    if op == "FLOOR_DIV" and dtype == "float32" and seed % 2:  # half the time no zero divisor, so it runs
        rows = [[a, np.where(b == 0, np.float32(0.75), b).astype(dtype)] for a, b in rows]
    cross_check(model, *rows)


@pytest.mark.parametrize("op", ["MAXIMUM", "MINIMUM", "SQUARED_DIFFERENCE", "DIV"])
@SETTINGS
@given(data=st.data(), dtype=st.sampled_from(["int8", "int8", "int16"]), shapes_=broadcast_shapes(),
       act=st.sampled_from(ACTIVATIONS), seed=seeds)
def test_binary_quantized(data: st.DataObject, op: str, dtype: str, shapes_: tuple, act: str, seed: int) -> None:
    s1, s2, so = shapes_
    qs = [quant(data.draw, dtype, -10, 0) for _ in range(3)]
    options = {"fused_activation_function": act} if op == "DIV" else {}
    rng = np.random.default_rng(seed)
    const = data.draw(st.booleans())
    b_const = values(rng, s2, dtype)
    model = binary_model(op, s1, s2, so, dtype, qs=qs, const2=b_const if const else None, **options)
    rows = [[values(rng, s1, dtype)] + ([] if const else [values(rng, s2, dtype)]) for _ in range(2)]
    cross_check(model, *rows)


def test_div_int8_every_pair() -> None:
    """Every int8 pair, zero dividends and divisors included (TFLM's shift of 32)."""
    a = np.arange(-128, 128, dtype=np.int8).reshape(256, 1)
    b = np.arange(-128, 128, dtype=np.int8).reshape(1, 256)
    for qs in ([{"scale": 0.05, "zero_point": 3}, {"scale": 0.02, "zero_point": -5}, {"scale": 0.3, "zero_point": 1}],
               [{"scale": 1e-3, "zero_point": -128}, {"scale": 0.5, "zero_point": 127}, {"scale": 2e-5, "zero_point": 0}]):
        assert cross_check(binary_model("DIV", a.shape, b.shape, (256, 256), "int8", qs=qs), [a, b]) == "ran"


# --------------------------------------------------------------------------- comparisons and logic


@pytest.mark.parametrize("op", ["EQUAL", "NOT_EQUAL", "GREATER", "GREATER_EQUAL", "LESS", "LESS_EQUAL"])
@SETTINGS
@given(case=comparison_case(["bool", "float32", "int32", "int64", "int8", "int8", "int16"]), seed=seeds)
def test_comparison(op: str, case: tuple, seed: int) -> None:
    dtype, (s1, s2, so), qs, const = case
    rng = np.random.default_rng(seed)
    a, b = comparable_values(rng, s1, dtype), comparable_values(rng, s2, dtype)
    model = binary_model(op, s1, s2, so, dtype, "bool", qs, b if const else None)
    cross_check(model, [a] if const else [a, b])


@pytest.mark.parametrize("op", ["LOGICAL_AND", "LOGICAL_OR"])
@SETTINGS
@given(dtype=st.sampled_from(["bool", "bool", "bool", "int8"]),
       shapes_=broadcast_shapes(), seed=seeds)
def test_logical(op: str, dtype: str, shapes_: tuple, seed: int) -> None:
    s1, s2, so = shapes_
    rng = np.random.default_rng(seed)
    cross_check(binary_model(op, s1, s2, so, dtype), [values(rng, s1, dtype), values(rng, s2, dtype)])


@SETTINGS
@given(shapes_=select_shapes(), dtype=st.sampled_from(["float32", "int8", "int16"]), seed=seeds)
def test_select_v2(shapes_: tuple, dtype: str, seed: int) -> None:
    c, x, y, _o = shapes_
    rng = np.random.default_rng(seed)
    quants = ([{"scale": 0.5, "zero_point": 1}, {"scale": 0.25, "zero_point": -3}, {"scale": 0.5, "zero_point": 1}]
              if dtype != "float32" else [{}, {}, {}])
    rows = [[rng.integers(0, 2, size=c).astype(bool), values(rng, x, dtype), values(rng, y, dtype)]
            for _ in range(2)]
    assert cross_check(select_v2_model(shapes_, dtype, quants), *rows) == "ran"


# --------------------------------------------------------------------------- many inputs, constants, shapes


@SETTINGS
@given(data=st.data(), dtype=st.sampled_from(["float32", "int8"]), shape=shapes, n=st.integers(2, 5), seed=seeds)
def test_add_n(data: st.DataObject, dtype: str, shape: tuple, n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    if dtype == "float32":
        in_q, out_q = {}, {}
    else:
        s_in = data.draw(scales(-12, 0))
        in_q = {"scale": s_in, "zero_point": data.draw(zero_points())}
        out_q = {"scale": float(np.float32(s_in * 2.0 ** data.draw(st.floats(-3, 6)))),
                 "zero_point": data.draw(zero_points())}
    rows = [[values(rng, shape, dtype) for _ in range(n)] for _ in range(2)]
    cross_check(add_n_model(shape, dtype, n, in_q, out_q), *rows)


@SETTINGS
@given(shape=st.lists(st.integers(1, 5), min_size=1, max_size=4).map(tuple),
       dtype=st.sampled_from(["float32", "int32", "int8"]), dims_dtype=st.sampled_from(["int32", "int64", "int16", "int8"]),
       seed=seeds)
def test_fill(shape: tuple, dtype: str, dims_dtype: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    quant_ = {"scale": 0.5, "zero_point": 3} if dtype == "int8" else None
    model = fill_model(shape, dtype, dims_dtype, quant=quant_)
    assert cross_check(model, [values(rng, (), dtype)], [values(rng, (), dtype)]) == "ran"


@SETTINGS
@given(shape=st.lists(st.integers(1, 7), min_size=1, max_size=6).map(tuple),
       dtype=st.sampled_from(["float32", "int8", "int16", "int32", "bool"]), seed=seeds)
def test_shape(shape: tuple, dtype: str, seed: int) -> None:
    x = values(np.random.default_rng(seed), shape, dtype)
    assert cross_check(shape_model(shape, dtype), [x]) == "ran"


# --------------------------------------------------------------------------- refusals


def _refusals() -> list[tuple[str, bytes, list[list[np.ndarray]]]]:
    f4, i8q = np.zeros(4, np.float32), {"scale": 0.5, "zero_point": 0}
    return [
        ("float unary on int8", unary_model("SIN", (4,), "int8", i8q, i8q), [[np.zeros(4, np.int8)]]),
        ("unary type mismatch", unary_model("NEG", (4,), "float32", out_dtype="int32"), [[f4]]),
        ("int8 ABS unquantized", unary_model("ABS", (4,), "int8"), [[np.zeros(4, np.int8)]]),
        ("int16 ABS zero point", unary_model("ABS", (4,), "int16", {"scale": 0.5, "zero_point": 3},
                                             {"scale": 0.5, "zero_point": 0}), [[np.zeros(4, np.int16)]]),
        ("int16 RSQRT unquantized", unary_model("RSQRT", (4,), "int16"), [[np.zeros(4, np.int16)]]),
        ("RSQRT below the zero point", unary_model("RSQRT", (4,), "int8", {"scale": 0.5, "zero_point": 2}, i8q),
         [[np.array([5, 2, 1, 9], np.int8)]]),
        ("int8 ELU unquantized", unary_model("ELU", (4,), "int8"), [[np.zeros(4, np.int8)]]),
        ("FLOOR_DIV by -0.0", binary_model("FLOOR_DIV", (4,), (4,), (4,), "float32"),
         [[f4 + 1, np.array([1, 2, -0.0, 3], np.float32)]]),
        ("no broadcast", binary_model("MAXIMUM", (3,), (4,), (4,), "float32"), [[f4[:3], f4]]),
        ("flat count", binary_model("MINIMUM", (4,), (4,), (2, 4), "float32"), [[f4, f4]]),
        ("int8 comparison scale 1", binary_model("LESS", (4,), (4,), (4,), "int8", "bool",
                                                 [{"scale": 1.0, "zero_point": 0}] * 2 + [{}]),
         [[np.zeros(4, np.int8)] * 2]),
        ("comparison to int8", binary_model("EQUAL", (4,), (4,), (4,), "float32", "int8"), [[f4, f4]]),
        ("int16 GREATER", binary_model("GREATER", (4,), (4,), (4,), "int16", "bool"), [[np.zeros(4, np.int16)] * 2]),
        ("bool LESS", binary_model("LESS", (4,), (4,), (4,), "bool", "bool"), [[np.zeros(4, bool)] * 2]),
        ("int16 DIV", binary_model("DIV", (4,), (4,), (4,), "int16", qs=[{"scale": 0.5, "zero_point": 0}] * 3),
         [[np.ones(4, np.int16)] * 2]),
        ("quantized int32 DIV", binary_model("DIV", (4,), (4,), (4,), "int32", qs=[i8q] * 3),
         [[np.ones(4, np.int32)] * 2]),
        ("int16 SQUARED_DIFFERENCE zero point",
         binary_model("SQUARED_DIFFERENCE", (4,), (4,), (4,), "int16", qs=[{"scale": 0.5, "zero_point": 1}] * 3),
         [[np.ones(4, np.int16)] * 2]),
        ("ADD_N mixed scales", _add_n_mixed(), [[np.ones(4, np.int8)] * 2]),
        ("ADD_N output multiplier", add_n_model((4,), "int8", 2, {"scale": 1.0, "zero_point": 0},
                                                {"scale": 1e-7, "zero_point": 0}), [[np.ones(4, np.int8)] * 2]),
        ("FILL dims mismatch", fill_model((2, 3), "float32", "int32", dims=(3, 2)), [[np.float32(1)]]),
        ("FILL dims not constant", fill_model((2, 3), "int32", "int32", dims_const=False),
         [[np.array([2, 3], np.int32), np.int32(4)]]),
        ("SHAPE int64 output", shape_model((2, 3), "float32", "int64"), [[np.zeros((2, 3), np.float32)]]),
        ("SELECT_V2 not the broadcast shape", select_v2_model(((4,), (1,), (4,), (2, 4)), "float32", [{}, {}, {}]),
         [[np.zeros(4, bool), np.zeros(1, np.float32), f4]]),
    ]


def _add_n_mixed() -> bytes:
    from microinterp.builder import ModelBuilder

    b = ModelBuilder()
    x0 = b.add_input("x0", (4,), "int8", scale=0.5, zero_point=0)
    x1 = b.add_input("x1", (4,), "int8", scale=0.25, zero_point=0)
    y = b.add_output("y", (4,), "int8", scale=0.5, zero_point=0)
    b.add_operator("ADD_N", [x0, x1], [y])
    return b.build()


@pytest.mark.parametrize("name,model,rows", _refusals(), ids=[case[0] for case in _refusals()])
def test_refused_by_both(name: str, model: bytes, rows: list[list[np.ndarray]]) -> None:
    assert cross_check(model, *rows) == "refused", name
