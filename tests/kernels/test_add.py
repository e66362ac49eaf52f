"""ADD vs TFLM (tolerance 0): float32, int32 (full range, wrapping), int8 and
int16 (TFLM Micro's general rescaling path for both, whatever
``pot_scale_int16`` says); numpy-style broadcasting up to rank 6 (including
scalars and an output of higher rank than both inputs), fused activations,
extreme scales and zero points at the range ends. Plus the int16 seanet ADD
models and TFLM's int8 simple_add model with full-range random inputs.

Only configurations TFLM accepts are drawn: the output scale keeps the
output multiplier ``2 * max(s1, s2) / (2**left_shift * s_out)`` below 1 (TFLM
aborts otherwise) and int16 zero points are 0.
"""

import glob
import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import MODELS_DIR, compare_with_tflm, model_path, random_input, requires_tflm
from strategies import ACTIVATIONS, int_array, scales, seeds, zero_points

from microinterp import Interpreter
from microinterp.builder import ModelBuilder


@st.composite
def broadcast_shapes(draw) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """(input1, input2, output) shapes under TFLM's right-aligned broadcast rules (numpy's,
    except that the last output dimension must come from at least one input)."""
    out = tuple(draw(st.lists(st.integers(1, 4), min_size=0, max_size=6)))
    while int(np.prod(out)) > 512:
        out = out[1:]

    def operand() -> tuple[int, ...]:
        rank = draw(st.integers(0, len(out)))
        return tuple(d if draw(st.booleans()) else 1 for d in out[len(out) - rank:])

    a, b = operand(), operand()
    if out and out[-1] > 1 and (len(a) == 0 or a[-1] == 1) and (len(b) == 0 or b[-1] == 1):
        a = (*a[:-1], out[-1]) if a else (out[-1],)  # TFLM's innermost loop cannot broadcast both inputs
    if draw(st.booleans()):  # often the output has exactly the broadcast shape (no extra leading 1s)
        out = tuple(int(d) for d in np.broadcast_shapes(a, b))
    return a, b, out


@st.composite
def add_case(draw) -> dict:
    dtype = draw(st.sampled_from(["float32", "int32", "int8", "int16"]))
    a, b, out = draw(broadcast_shapes())
    # TFLM's elementwise path (equal input shapes; for int8/int16 equal after padding to the same
    # rank) CHECK-aborts unless the output has the same number of elements.
    rank = max(len(a), len(b))
    same = a == b if dtype in ("float32", "int32") else (1,) * (rank - len(a)) + a == (1,) * (rank - len(b)) + b
    if same and int(np.prod(out)) != int(np.prod(a)):
        out = tuple(int(d) for d in np.broadcast_shapes(a, b))
    case = dict(dtype=dtype, shapes=(a, b, out), act=draw(st.sampled_from(ACTIVATIONS)))
    if dtype in ("int8", "int16"):
        s1, s2 = draw(scales(-12, 2)), draw(scales(-12, 2))
        s_out = float(np.float32(max(s1, s2) * 2.0 ** draw(st.integers(-10, 6)) * draw(st.floats(1.0, 2.0))))
        case.update(scales=(s1, s2, s_out), zps=tuple(draw(zero_points(dtype)) for _ in range(3)))
    return case


def build(case: dict, rng: np.random.Generator) -> tuple[bytes, list[np.ndarray]]:
    dtype, (sa, sb, so) = case["dtype"], case["shapes"]
    b = ModelBuilder()
    q = [{}, {}, {}]
    if dtype in ("int8", "int16"):
        q = [dict(scale=s, zero_point=z) for s, z in zip(case["scales"], case["zps"])]
    x1 = b.add_input("x1", sa, dtype, **q[0])
    x2 = b.add_input("x2", sb, dtype, **q[1])
    y = b.add_output("y", so, dtype, **q[2])
    b.add_operator("ADD", [x1, x2], [y], fused_activation_function=case["act"])
    if dtype == "float32":
        data = [rng.uniform(-8, 8, s).astype(np.float32) for s in (sa, sb)]
    else:
        data = [int_array(rng, s, dtype) for s in (sa, sb)]
    return b.build(), data


@requires_tflm
@settings(max_examples=60, deadline=None)
@given(add_case(), seeds)
def test_add_matches_tflm(case, seed):
    model, data = build(case, np.random.default_rng(seed))
    compare_with_tflm(model, [data])


def test_add_rejects_what_tflm_aborts_on():
    """An output scale too small for the 20-bit headroom makes TFLM abort; microinterp refuses it."""
    b = ModelBuilder()
    x1 = b.add_input("x1", (4,), "int8", scale=1.0, zero_point=0)
    x2 = b.add_input("x2", (4,), "int8", scale=1.0, zero_point=0)
    y = b.add_output("y", (4,), "int8", scale=2.0 ** -21, zero_point=0)
    b.add_operator("ADD", [x1, x2], [y])
    with pytest.raises(Exception, match="TFLM aborts"):
        Interpreter.from_bytes(b.build())


SEANET_ADD = sorted(os.path.basename(p) for p in glob.glob(str(MODELS_DIR / "tflite-micro-seanet" / "add*.tflite")))


@requires_tflm
@pytest.mark.parametrize("name", SEANET_ADD or ["add0.tflite"])
def test_seanet_add_models(name):
    """The int16 seanet ADD models (pot_scale_int16=False) with full-range random inputs."""
    path = model_path(f"tflite-micro-seanet/{name}")
    model = path.read_bytes()
    mi = Interpreter.from_bytes(model)
    rng = np.random.default_rng(len(name))
    inputs = [random_input(mi.get_input_details(i), rng) for i in range(2)]
    compare_with_tflm(model, [inputs])


@requires_tflm
def test_simple_add_model():
    """TFLM's int8 simple_add example model (128x128 elements) with full-range random inputs."""
    model = model_path("tflite-micro/simple_add_model.tflite").read_bytes()
    mi = Interpreter.from_bytes(model)
    rng = np.random.default_rng(5)
    compare_with_tflm(model, [[random_input(mi.get_input_details(i), rng) for i in range(2)]])


@requires_tflm
@pytest.mark.parametrize("act", ACTIVATIONS)
def test_add_float_signed_zero_and_nan_bits(act):
    """Float ADD keeps TFLM's exact bits, not just equal values: (-0) + (-0) stays -0.0 through
    RELU (std::max keeps its first argument on ties), NaN and infinities pass the clamp as in C."""
    from oracle import tflm_runtime

    values = np.array([-0.0, 0.0, np.nan, np.inf, -np.inf, 1.0, -1.0, 6.0, 7.5, -3.0e38], np.float32)
    a = np.repeat(values, values.size)
    b = np.tile(values, values.size)
    builder = ModelBuilder()
    x1 = builder.add_input("x1", a.shape, "float32")
    x2 = builder.add_input("x2", b.shape, "float32")
    y = builder.add_output("y", a.shape, "float32")
    builder.add_operator("ADD", [x1, x2], [y], fused_activation_function=act)
    model = builder.build()
    mi = Interpreter.from_bytes(model)
    tf = tflm_runtime.Interpreter.from_bytes(model, arena_size=1 << 16)
    for it in (mi, tf):
        it.set_input(a, 0)
        it.set_input(b, 1)
        it.invoke()
    assert np.array_equal(mi.get_output(0).view(np.uint32), tf.get_output(0).view(np.uint32))
