"""VAR_HANDLE, READ_VARIABLE and ASSIGN_VARIABLE in the C port against the Python
interpreter: the running-sum model of tests/kernels/test_control_flow.py
(``control_flow_cases.variable_model``: a resource variable initialised by a CALL_ONCE
subgraph or left at its default, the value's zero point, carried across invokes), run
on the host under ASan/UBSan, every output byte and every operator's outputs equal and
the arena equal to memory/firmware_arena.py's prediction (the table of variables and
each variable's buffer included); the refusals of both twins, with a status in C and
never a fault; and one run of each dtype on emulated Cortex-M0+ and Cortex-M4.
5 examples for the drawn test (MI_FW_EXAMPLES raises it)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from fw_batch import EXAMPLES
from fw_helpers import assert_twins_agree, c_status, requires_host_cc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "kernels"))
from control_flow_cases import random_value, value_specs, variable_model  # noqa: E402

from microinterp import Interpreter  # noqa: E402
from microinterp.builder import ModelBuilder  # noqa: E402
from microinterp.errors import KernelError  # noqa: E402
from microinterp.fw import runner as rp  # noqa: E402
from microinterp.fw.toolchain import toolchain_missing  # noqa: E402

SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@requires_host_cc
@SETTINGS
@given(spec=value_specs(), with_init=st.booleans(), steps=st.integers(1, 4), seed=st.integers(0, 2**32 - 1))
def test_resource_variables_c_match_python(spec: dict, with_init: bool, steps: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    init = random_value(spec, rng) if with_init else None
    assert_twins_agree(variable_model(spec, init), [[random_value(spec, rng)] for _ in range(steps)])


def _unsized_read() -> bytes:
    """No ASSIGN_VARIABLE ever sizes the variable (TFLM would copy from a null buffer)."""
    b = ModelBuilder()
    x = b.add_input("x", (2,), "float32")
    h = b.add_tensor("h", (), "resource")
    b.add_operator("VAR_HANDLE", [], [h], shared_name="v")
    r = b.add_tensor("r", (2,), "float32")
    b.add_operator("READ_VARIABLE", [h], [r])
    b.add_operator("ADD", [r, x], [b.add_output("y", (2,), "float32")])
    return b.build()


def _other_length() -> bytes:
    """The variable is sized by a 2-float ASSIGN_VARIABLE and read as 3 floats."""
    b = ModelBuilder()
    x = b.add_input("x", (2,), "float32")
    h = b.add_tensor("h", (), "resource")
    b.add_operator("VAR_HANDLE", [], [h], shared_name="v")
    b.add_operator("ASSIGN_VARIABLE", [h, x], [])
    b.add_operator("READ_VARIABLE", [h], [b.add_output("y", (3,), "float32")])
    return b.build()


def _unnamed() -> bytes:
    b = ModelBuilder()
    x = b.add_input("x", (2,), "float32")
    h = b.add_tensor("h", (), "resource")
    b.add_operator("VAR_HANDLE", [], [h])
    b.add_operator("ASSIGN_VARIABLE", [h, x], [])
    b.add_operator("READ_VARIABLE", [h], [b.add_output("y", (2,), "float32")])
    return b.build()


def _two_containers() -> bytes:
    """One shared name in two containers: one slot per unique shared name, as TFLM's Python
    interpreter creates them, so the second variable does not fit."""
    b = ModelBuilder()
    x = b.add_input("x", (2,), "float32")
    for k, container in enumerate(("a", "b")):
        h = b.add_tensor(f"h{k}", (), "resource")
        b.add_operator("VAR_HANDLE", [], [h], container=container, shared_name="v")
        b.add_operator("ASSIGN_VARIABLE", [h, x], [])
    h = b.add_tensor("h", (), "resource")
    b.add_operator("VAR_HANDLE", [], [h], container="a", shared_name="v")
    b.add_operator("READ_VARIABLE", [h], [b.add_output("y", (2,), "float32")])
    return b.build()


REFUSALS = [  # (name, model, Python's message, C exit code, C status)
    ("unsized read", _unsized_read, "reading resource variable 0 .* before any ASSIGN_VARIABLE sized it",
     rp.EXIT_INVOKE, "MI_ERR_BAD_PARAM"),
    ("other byte length", _other_length, "it holds 8 bytes, the tensor 12", rp.EXIT_INVOKE, "MI_ERR_BAD_PARAM"),
    ("no shared name", _unnamed, "no shared_name", rp.EXIT_ALLOCATE, "MI_ERR_BAD_PARAM"),
    ("table full", _two_containers, "more resource variables than the 1 unique", rp.EXIT_ALLOCATE,
     "MI_ERR_BAD_PARAM"),
]


@requires_host_cc
@pytest.mark.parametrize("index", range(len(REFUSALS)), ids=[r[0] for r in REFUSALS])
def test_refusals_in_both(index: int) -> None:
    _name, make, message, code, status = REFUSALS[index]
    model = make()
    x = np.array([1.5, -2.0], np.float32)
    with pytest.raises(KernelError, match=message):
        mi = Interpreter.from_bytes(model)
        mi.set_input(x)
        mi.invoke()
    assert c_status(model, x.tobytes()) == (code, status)


@requires_host_cc
def test_a_shared_name_found_in_any_container() -> None:
    """A handle without a container finds the variable another handle created in one
    (CreateIdIfNoneFound's null container): both twins read what was assigned."""
    b = ModelBuilder()
    x = b.add_input("x", (3,), "int16")
    h = b.add_tensor("h", (), "resource")
    b.add_operator("VAR_HANDLE", [], [h], container="c", shared_name="v")
    b.add_operator("ASSIGN_VARIABLE", [h, x], [])
    g = b.add_tensor("g", (), "resource")
    b.add_operator("VAR_HANDLE", [], [g], shared_name="v")
    b.add_operator("READ_VARIABLE", [g], [b.add_output("y", (3,), "int16")])
    model = b.build()
    x0 = np.array([7, -300, 32767], np.int16)
    mi = Interpreter.from_bytes(model)
    mi.set_input(x0)
    mi.invoke()
    assert np.array_equal(mi.get_output(0), x0)
    assert_twins_agree(model, [[x0], [x0[::-1].copy()]])


_missing = toolchain_missing()


@pytest.mark.skipif(_missing is not None, reason=f"Cortex-M toolchain/emulator absent: {_missing}")
@pytest.mark.parametrize("target", ["cortex-m0plus", "cortex-m4"])
@pytest.mark.parametrize("dtype", ["int8", "float32"])
def test_resource_variables_on_cortex_m(target: str, dtype: str) -> None:
    """The running sum with a CALL_ONCE initialiser, 3 invokes, on the emulated core."""
    spec = {"dtype": dtype, "shape": (2, 3), "quant": {"scale": 0.5, "zero_point": -3} if dtype == "int8" else {}}
    rng = np.random.default_rng(11)
    assert_twins_agree(variable_model(spec, random_value(spec, rng)), [[random_value(spec, rng)] for _ in range(3)], target)
