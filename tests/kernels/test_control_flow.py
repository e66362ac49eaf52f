"""IF, WHILE, CALL_ONCE and resource variables (VAR_HANDLE, READ_VARIABLE,
ASSIGN_VARIABLE) against the TFLM oracle at tolerance 0: every output, every tensor of
subgraph 0 and every tensor of the subgraphs that ran (``GetTensor(index, subgraph)``),
over several invokes and resets; TFLM's arena for these multi-subgraph models predicted
exactly (print_allocations, and a live run at the minimum); recursion refused.
20 examples per op (the three resource-variable ops share one test)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from control_flow_cases import (
    call_once_model,
    if_model,
    random_value,
    value_specs,
    variable_model,
    while_model,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import seeds

from microinterp import Interpreter
from microinterp.builder import ModelBuilder
from microinterp.errors import ModelError
from microinterp.memory.tflm_arena import tflm_arena
from microinterp.model import load_model

EXAMPLES = settings(max_examples=20, deadline=None)


@requires_tflm
@EXAMPLES
@given(spec=value_specs(), counts=st.lists(st.integers(0, 6), min_size=1, max_size=3), seed=seeds)
def test_while_matches_tflm(spec: dict, counts: list[int], seed: int) -> None:
    rng = np.random.default_rng(seed)
    steps = [[np.array([n], np.int32), random_value(spec, rng)] for n in counts]
    mi = compare_with_tflm(while_model(spec), steps)
    assert mi.get_output(0)[0] == 0  # the loop ran to its end


@requires_tflm
@EXAMPLES
@given(spec=value_specs(), conds=st.lists(st.booleans(), min_size=1, max_size=4), seed=seeds)
def test_if_matches_tflm(spec: dict, conds: list[bool], seed: int) -> None:
    rng = np.random.default_rng(seed)
    steps = [[np.array([c]), random_value(spec, rng), random_value(spec, rng)] for c in conds]
    compare_with_tflm(if_model(spec), steps)


@requires_tflm
@EXAMPLES
@given(spec=value_specs(), seed=seeds)
def test_call_once_matches_tflm(spec: dict, seed: int) -> None:
    rng = np.random.default_rng(seed)
    mi = compare_with_tflm(call_once_model(spec), [[random_value(spec, rng)] for _ in range(3)])
    assert mi.graph.invocations[1] == 1  # once, however many invokes


@requires_tflm
@EXAMPLES
@given(spec=value_specs(), with_init=st.booleans(), steps=st.integers(1, 5), reset_after=st.integers(1, 5),
       seed=seeds)
def test_resource_variables_match_tflm(spec: dict, with_init: bool, steps: int, reset_after: int,
                                       seed: int) -> None:
    """A running sum in a resource variable, initialised by CALL_ONCE or left at its default
    (the value's zero point), carried across invokes and reset as TFLM resets it."""
    rng = np.random.default_rng(seed)
    init = random_value(spec, rng) if with_init else None
    compare_with_tflm(variable_model(spec, init), [[random_value(spec, rng)] for _ in range(steps)],
                      reset_after=reset_after)


def test_reading_an_unsized_variable_is_refused() -> None:
    """No ASSIGN_VARIABLE ever sizes the variable: TFLM would copy from a null buffer; the
    interpreter stops with an error naming the op."""
    b = ModelBuilder()
    h = b.add_tensor("h", (), "resource")
    b.add_operator("VAR_HANDLE", [], [h], shared_name="v")
    b.add_operator("READ_VARIABLE", [h], [b.add_output("y", (2,), "float32")])
    mi = Interpreter.from_bytes(b.build())
    from microinterp.errors import KernelError

    with pytest.raises(KernelError, match="operator 1 \\(READ_VARIABLE\\): reading resource variable 0 "):
        mi.invoke()


def test_var_handle_without_a_name_is_refused() -> None:
    b = ModelBuilder()
    h = b.add_tensor("h", (), "resource")
    b.add_operator("VAR_HANDLE", [], [h])
    b.add_operator("READ_VARIABLE", [h], [b.add_output("y", (2,), "float32")])
    from microinterp.errors import KernelError

    with pytest.raises(KernelError, match="no shared_name"):
        Interpreter.from_bytes(b.build())


def test_call_once_does_not_run_again_after_reset() -> None:
    """TFLM's CALL_ONCE has no reset function: reset() leaves it done."""
    spec = {"shape": (2,), "dtype": "float32", "quant": {}}
    mi = Interpreter.from_bytes(call_once_model(spec))
    mi.set_input(np.ones(2, np.float32))
    mi.invoke()
    mi.reset()
    mi.invoke()
    assert mi.graph.invocations[1] == 1


_PRINT_ALLOCATIONS = r"""
import sys
from tflite_micro.python.tflite_micro import runtime
it = runtime.Interpreter.from_bytes(open(sys.argv[1], "rb").read(), arena_size=1 << 20)
it.print_allocations()
"""

#: allocate and invoke once with every input zero (a WHILE counter left as arena garbage could
#: loop for billions of iterations)
_FITS = r"""
import os, sys
import numpy as np
from tflite_micro.python.tflite_micro import runtime
os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
try:
    it = runtime.Interpreter.from_bytes(open(sys.argv[1], "rb").read(), arena_size=int(sys.argv[2]))
    for i in range(int(sys.argv[3])):
        d = it.get_input_details(i)
        it.set_input(np.zeros(d["shape"], d["dtype"]), i)
    it.invoke()
except Exception:
    sys.exit(3)
"""


def _fits(path: str, arena: int, inputs: int) -> bool:
    return subprocess.run([sys.executable, "-c", _FITS, path, str(arena), str(inputs)],
                          capture_output=True, timeout=120).returncode == 0


@requires_tflm
def _variables_with_init(spec: dict) -> bytes:
    return variable_model(spec, np.arange(int(np.prod(spec["shape"]))).reshape(spec["shape"]))


@pytest.mark.parametrize("make", [while_model, if_model, call_once_model, _variables_with_init])
@pytest.mark.parametrize("dtype", ["float32", "int8"])
def test_arena_predicted_exactly(tmp_path, make, dtype: str) -> None:
    """host64 head, tail and total equal the wheel's print_allocations; the predicted
    minimum arena runs and one byte less does not."""
    import re

    spec = {"shape": (2, 3), "dtype": dtype, "quant": {"scale": 0.05, "zero_point": 3} if dtype == "int8" else {}}
    path = tmp_path / "model.tflite"
    path.write_bytes(make(spec))
    out = subprocess.run([sys.executable, "-c", _PRINT_ALLOCATIONS, str(path)], capture_output=True, text=True,
                         timeout=120).stderr
    want = {m.group(1): int(m.group(2)) for m in re.finditer(r"Arena allocation (total|head|tail) (\d+) bytes", out)}
    model = load_model(str(path))
    got = tflm_arena(model, "host64")
    assert (got.planned_bytes, got.persistent_bytes, got.used_bytes) == (want["head"], want["tail"], want["total"])
    assert got.approximate_ops == ()
    inputs = len(model.main.inputs)
    assert _fits(str(path), got.arena_bytes, inputs)
    assert not _fits(str(path), got.arena_bytes - 1, inputs)


def _loop(cond: int, body: int, subgraphs: int) -> bytes:
    """A WHILE in subgraph 0 over ``cond``/``body``; every other subgraph passes its input through
    a WHILE that calls ``cond`` and ``body`` too (so a cycle is easy to write)."""
    b = ModelBuilder()
    x = b.add_input("x", (1,), "bool")
    b.add_operator("WHILE", [x], [b.add_output("y", (1,), "bool")], cond_subgraph_index=cond,
                   body_subgraph_index=body)
    for k in range(1, subgraphs):
        sg = b.add_subgraph(f"s{k}")
        i = sg.add_input("x", (1,), "bool")
        o = sg.add_output("y", (1,), "bool")
        sg.add_operator("WHILE", [i], [o], cond_subgraph_index=1, body_subgraph_index=k)
    return b.build()


@pytest.mark.parametrize(("cond", "body", "n", "cycle"), [
    (0, 0, 1, "0 -> 0"),        # the main graph calling itself
    (1, 2, 3, "1 -> 1"),        # every helper calls subgraph 1 (itself included)
])
def test_recursion_is_refused(cond: int, body: int, n: int, cycle: str) -> None:
    with pytest.raises(ModelError, match=f"recursive control flow: subgraph calls {cycle}"):
        Interpreter.from_bytes(_loop(cond, body, n))


def test_missing_subgraph_is_refused() -> None:
    with pytest.raises(ModelError, match="calls subgraph 5, but the model has 1 subgraph"):
        load_model(_loop(5, 5, 1))


def test_exponential_fan_out_is_refused() -> None:
    """Subgraph k's IF calls subgraph k + 1 in both branches: 2**n visits of the lifetime walk."""
    b = ModelBuilder()
    graphs = [b] + [b.add_subgraph(f"s{k}") for k in range(1, 15)]
    for k, g in enumerate(graphs):
        c = g.add_input("c", (1,), "bool")
        if k + 1 < len(graphs):
            g.add_operator("IF", [c, c], [g.add_output("y", (1,), "bool")], then_subgraph_index=k + 1,
                           else_subgraph_index=k + 1)
        else:
            g.outputs.append(c)
    with pytest.raises(ModelError, match="fans out"):
        load_model(b.build())


def test_endless_while_is_stopped() -> None:
    """A condition that never turns false: TFLM hangs; here the loop stops with an error."""
    b = ModelBuilder()
    x = b.add_input("x", (1,), "bool")
    b.add_operator("WHILE", [x], [b.add_output("y", (1,), "bool")], cond_subgraph_index=1, body_subgraph_index=1)
    # subgraph 1 is both cond and body: its output is its input, so a true input loops forever
    sg = b.add_subgraph("same")
    sg.outputs.append(sg.add_input("x", (1,), "bool"))
    mi = Interpreter.from_bytes(b.build())
    mi.set_input(np.array([True]))
    from microinterp.errors import KernelError

    with pytest.raises(KernelError, match="did not end after"):
        mi.invoke()
