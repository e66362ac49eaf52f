"""Multi-subgraph model makers for the control-flow tests (IF, WHILE, CALL_ONCE):
shared by tests/kernels/test_control_flow.py (against the TFLM oracle) and the
C-port cross-checks, so both run the same drawn models."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from strategies import scales, zero_points

from microinterp.builder import ModelBuilder


@st.composite
def value_specs(draw: st.DrawFn) -> dict:
    """A tensor shape and dtype, with quantization for int8."""
    shape = tuple(draw(st.lists(st.integers(1, 5), min_size=1, max_size=3)))
    dtype = draw(st.sampled_from(["float32", "int8"]))
    quant = {"scale": draw(scales(-6, 0)), "zero_point": draw(zero_points("int8"))} if dtype == "int8" else {}
    return {"shape": shape, "dtype": dtype, "quant": quant}


def _value(b: ModelBuilder, name: str, spec: dict, kind: str = "tensor") -> int:
    add = {"input": b.add_input, "output": b.add_output, "tensor": b.add_tensor}[kind]
    return add(name, spec["shape"], spec["dtype"], **spec["quant"])


def while_model(spec: dict) -> bytes:
    """``n, x -> WHILE`` counting ``n`` down to 0 while doubling ``x`` (x + x in its own
    dtype and quantization): cond is ``GREATER(n, 0)``, body ``SUB(n, 1)``, ``ADD(x, x)``.
    Only modelled ops (GREATER, SUB, ADD), so the arena prediction is exact."""
    b = ModelBuilder()
    n, x = b.add_input("n", (1,), "int32"), _value(b, "x", spec, "input")
    b.add_operator("WHILE", [n, x], [b.add_output("n_out", (1,), "int32"), _value(b, "x_out", spec, "output")],
                   cond_subgraph_index=1, body_subgraph_index=2)
    cond = b.add_subgraph("cond")
    cn, _ = cond.add_input("n", (1,), "int32"), _value(cond, "x", spec, "input")
    zero = cond.add_constant("zero", np.array([0], np.int32))
    cond.add_operator("GREATER", [cn, zero], [cond.add_output("more", (1,), "bool")])
    body = b.add_subgraph("body")
    bn, bx = body.add_input("n", (1,), "int32"), _value(body, "x", spec, "input")
    one = body.add_constant("one", np.array([1], np.int32))
    body.add_operator("SUB", [bn, one], [body.add_output("n1", (1,), "int32")])
    body.add_operator("ADD", [bx, bx], [_value(body, "x2", spec, "output")])
    return b.build()


def if_model(spec: dict) -> bytes:
    """``c, a, b -> IF(c) then ADD(a, b) else SUB(a, b)`` (all of ``spec``'s shape and type)."""
    b = ModelBuilder()
    c = b.add_input("c", (1,), "bool")
    x, y = _value(b, "a", spec, "input"), _value(b, "b", spec, "input")
    b.add_operator("IF", [c, x, y], [_value(b, "y", spec, "output")], then_subgraph_index=1, else_subgraph_index=2)
    for name, op in (("then", "ADD"), ("else", "SUB")):
        sg = b.add_subgraph(name)
        p, q = _value(sg, "a", spec, "input"), _value(sg, "b", spec, "input")
        sg.add_operator(op, [p, q], [_value(sg, "r", spec, "output")])
    return b.build()


def call_once_model(spec: dict) -> bytes:
    """``CALL_ONCE(init)`` then ``ADD(x, x)``: the init subgraph computes a constant sum into
    its own tensors (checked through ``GetTensor(index, 1)``), once."""
    b = ModelBuilder()
    x = _value(b, "x", spec, "input")
    b.add_operator("CALL_ONCE", [], [], init_subgraph_index=1)
    b.add_operator("ADD", [x, x], [_value(b, "y", spec, "output")])
    init = b.add_subgraph("init")
    k = init.add_constant("k", np.full(spec["shape"], 3, spec["dtype"]), **spec["quant"])
    init.add_operator("ADD", [k, k], [_value(init, "k2", spec)])
    return b.build()


def random_value(spec: dict, rng: np.random.Generator) -> np.ndarray:
    if spec["dtype"] == "float32":
        return rng.uniform(-4, 4, spec["shape"]).astype(np.float32)
    return rng.integers(-128, 127, spec["shape"], endpoint=True).astype(np.int8)


def variable_model(spec: dict, init: np.ndarray | None) -> bytes:
    """A running sum in a resource variable, as the TF converter writes state: ``CALL_ONCE``
    of an init subgraph that assigns ``init`` (when given), then ``VAR_HANDLE``,
    ``READ_VARIABLE``, ``ADD(read, x)``, ``ASSIGN_VARIABLE(sum)``; the output is the sum."""
    b = ModelBuilder()
    x = _value(b, "x", spec, "input")
    if init is not None:
        b.add_operator("CALL_ONCE", [], [], init_subgraph_index=1)
    h = b.add_tensor("h", (), "resource")
    b.add_operator("VAR_HANDLE", [], [h], shared_name="acc")
    r = _value(b, "read", spec)
    b.add_operator("READ_VARIABLE", [h], [r])
    y = _value(b, "y", spec, "output")
    b.add_operator("ADD", [r, x], [y])
    b.add_operator("ASSIGN_VARIABLE", [h, y], [])
    if init is not None:
        sg = b.add_subgraph("init")
        hi = sg.add_tensor("h", (), "resource")
        sg.add_operator("VAR_HANDLE", [], [hi], shared_name="acc")
        c = sg.add_constant("init", init.astype(spec["dtype"]), **spec["quant"])
        sg.add_operator("ASSIGN_VARIABLE", [hi, c], [])
    return b.build()
