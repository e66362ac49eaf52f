"""The element-wise ops' bound calls (``bind``: ADD/MUL/MINIMUM/MAXIMUM through
``elementwise.bind_integer``, int32 DIV by a constant divisor in float64, float32 MUL by
a constant) against the
kernels' own ``invoke``, bit for bit, on every activation and broadcast shape, with
the extremes of each type among the values; and int32 DIV by a constant vs TFLM
(the other oracle tests feed the divisor as an input).

Hypothesis examples: 40 (bound vs invoke) + 20 (float32 MUL by a constant, bound vs invoke) + 20
(DIV by a constant vs TFLM).
"""

import io

import numpy as np
from broadcast_cases import binary_model, broadcast_shapes, data
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import ACTIVATIONS, seeds

from microinterp import Interpreter

OPS = {"ADD": ["int32"], "MUL": ["int32"], "DIV": ["int32"], "MINIMUM": ["int32", "int8", "int16"],
       "MAXIMUM": ["int32", "int8", "int16"]}


def _divisor(shape: tuple, rng: np.random.Generator) -> np.ndarray:
    """Non-zero int32 divisors (0 is undefined in TFLM), -1 among them now and then."""
    d = data(shape, "int32", rng)
    return np.where(d == 0, rng.choice([7, -1, 1, -3]), d).astype(np.int32)


@settings(max_examples=40, deadline=None)
@given(op=st.sampled_from(sorted(OPS)), shapes=broadcast_shapes(), act=st.sampled_from(ACTIVATIONS),
       const=st.booleans(), seed=seeds, data_=st.data())
def test_integer_bound_calls_equal_invoke(op, shapes, act, const, seed, data_):
    dtype = data_.draw(st.sampled_from(OPS[op]))
    rng = np.random.default_rng(seed)
    options = {"fused_activation_function": act} if op in ("ADD", "MUL", "DIV") else {}
    second = _divisor(shapes[1], rng) if op == "DIV" else data(shapes[1], dtype, rng)
    model = binary_model(op, shapes, dtype, [{}, {}, {}], const2=second if const else None, **options)
    bound = Interpreter.from_bytes(model, preserve_all_tensors=True)
    traced = Interpreter.from_bytes(model, preserve_all_tensors=True, trace=1, trace_stream=io.StringIO())
    for _ in range(3):
        first = data(shapes[0], dtype, rng)
        if op == "DIV":  # INT32_MIN / -1 traps in C
            first = np.where(first == np.iinfo(np.int32).min, 5, first).astype(np.int32)
        feed = [first] if const else [first, second]
        for it in (bound, traced):
            for i, x in enumerate(feed):
                it.set_input(x, i)
            it.invoke()
        assert bound.get_output(0).tobytes() == traced.get_output(0).tobytes()


FLOAT_SPECIALS = np.array([np.nan, -np.nan, np.inf, -np.inf, 0.0, -0.0, 3e38, -3e38, 1e-45], np.float32)


@settings(max_examples=20, deadline=None)
@given(shapes=broadcast_shapes(), act=st.sampled_from(ACTIVATIONS), const_first=st.booleans(), seed=seeds)
def test_float_mul_by_a_constant_bound_equals_invoke(shapes, act, const_first, seed):
    """float32 MUL with a constant operand (``mul.bind``'s three calls when the activation
    is NONE): NaN payloads, infinities clamped to +-FLT_MAX, signed zeros, overflow."""
    rng = np.random.default_rng(seed)
    const = data(shapes[1], "float32", rng, low=-1e30, high=1e30)
    model = binary_model("MUL", shapes, "float32", [{}, {}, {}], const2=const, fused_activation_function=act)
    bound = Interpreter.from_bytes(model, preserve_all_tensors=True)
    traced = Interpreter.from_bytes(model, preserve_all_tensors=True, trace=1, trace_stream=io.StringIO())
    for _ in range(3):
        x = data(shapes[0], "float32", rng, low=-1e10, high=1e10)
        flat = x.reshape(-1)
        flat[: min(flat.size, 4)] = rng.choice(FLOAT_SPECIALS, size=min(flat.size, 4))
        for it in (bound, traced):
            it.set_input(x, 0)
            it.invoke()
        assert bound.get_output(0).tobytes() == traced.get_output(0).tobytes()


@requires_tflm
@settings(max_examples=20, deadline=None)
@given(shapes=broadcast_shapes(), act=st.sampled_from(ACTIVATIONS), seed=seeds)
def test_div_int32_by_a_constant_matches_tflm(shapes, act, seed):
    rng = np.random.default_rng(seed)
    divisor = _divisor(shapes[1], rng)
    divisor = np.where(divisor == -1, 2, divisor).astype(np.int32)  # takes the float64 path
    a = data(shapes[0], "int32", rng)
    a = np.where(a == np.iinfo(np.int32).min, 5, a).astype(np.int32)
    near = (divisor.reshape(-1)[:1].astype(np.int64) * rng.integers(-1000, 1000)).clip(-2**31 + 1, 2**31 - 1)
    a.reshape(-1)[:1] = near  # an exact multiple now and then
    model = binary_model("DIV", shapes, "int32", [{}, {}, {}], const2=divisor, fused_activation_function=act)
    compare_with_tflm(model, [[a]])
