"""PRELU vs TFLM, tolerance 0: float32 (rank <= 4; -0.0 and NaN as TFLM's
``x >= 0`` sends them), int8 with int8 alpha and int16 with int8 alpha, drawn
scales (output/input within 2^-6..2^6, alpha scale 2^-10..2^-1) and zero
points, every input value of the type, alpha constant (per channel, as
converters emit) or a second graph input, broadcast either way.

Hypothesis examples: 20 (float32) + 40 (quantized) = 60.
"""

import numpy as np
import pytest
from elementwise_math_cases import check_nan_pairs, values
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import scales, seeds, wide_zero_points, zero_points

from microinterp import Interpreter
from microinterp.builder import ModelBuilder
from microinterp.errors import UnsupportedOpError


@st.composite
def prelu_shapes(draw, max_rank):
    rank = draw(st.integers(1, max_rank))
    x = tuple(draw(st.lists(st.integers(1, 5), min_size=rank, max_size=rank)))
    r = draw(st.integers(1, rank))
    alpha = tuple(1 if draw(st.integers(0, 2)) == 0 else d for d in x[rank - r:])
    if draw(st.integers(0, 4)) == 0:  # alpha wider than x in some dimension
        x = tuple(1 if (i >= rank - r and draw(st.booleans())) else d for i, d in enumerate(x))
    return x, alpha, tuple(np.broadcast_shapes(x, alpha))


def _model(shapes, dtype, alpha_dtype, quants, alpha_const) -> bytes:
    xs, als, os = shapes
    b = ModelBuilder()
    x = b.add_input("x", xs, dtype, **quants[0])
    if alpha_const is not None:
        a = b.add_constant("alpha", alpha_const, alpha_dtype, **quants[1])
    else:
        a = b.add_input("alpha", als, alpha_dtype, **quants[1])
    y = b.add_output("y", os, dtype, **quants[2])
    b.add_operator("PRELU", [x, a], [y])
    return b.build()


@requires_tflm
@settings(max_examples=20, deadline=None)
@given(shapes=prelu_shapes(4), const=st.booleans(), seed=seeds)
def test_prelu_float_matches_tflm(shapes, const, seed):
    rng = np.random.default_rng(seed)
    x = values(rng, shapes[0], "float32")
    alpha = rng.uniform(-1, 1, size=shapes[1]).astype(np.float32)
    model = _model(shapes, "float32", "float32", [{}, {}, {}], alpha if const else None)
    compare_with_tflm(model, [[x] if const else [x, alpha]], nan_payloads=True)


@requires_tflm
@pytest.mark.parametrize("broadcast", [False, True])
def test_prelu_float_nan_payloads_match_tflm(broadcast):
    check_nan_pairs("PRELU", broadcast)


@requires_tflm
@settings(max_examples=40, deadline=None)
@given(dtype=st.sampled_from(["int8", "int16"]), shapes=prelu_shapes(5), const=st.booleans(), seed=seeds,
       s_in=scales(-12, 0), ratio=st.floats(-6, 6), s_alpha=scales(-10, -2), zp_alpha=zero_points(), data_=st.data())
def test_prelu_quantized_matches_tflm(dtype, shapes, const, seed, s_in, ratio, s_alpha, zp_alpha, data_):
    rng = np.random.default_rng(seed)
    quants = [{"scale": s_in, "zero_point": data_.draw(zero_points(dtype))},
              {"scale": s_alpha, "zero_point": zp_alpha},
              {"scale": float(np.float32(s_in * 2.0**ratio)), "zero_point": data_.draw(zero_points(dtype))}]
    x = values(rng, shapes[0], dtype)
    alpha = values(rng, shapes[1], "int8")
    model = _model(shapes, dtype, "int8", quants, alpha if const else None)
    compare_with_tflm(model, [[x] if const else [x, alpha]], nan_payloads=True)


@requires_tflm
@pytest.mark.parametrize("dtype", ["int8", "int16"])
def test_prelu_every_input_matches_tflm(dtype):
    info = np.iinfo(dtype)
    x = np.arange(info.min, info.max + 1).astype(dtype).reshape(-1, 256)
    alpha = np.arange(-128, 128).astype(np.int8)
    quants = [{"scale": 0.01, "zero_point": 5 if dtype == "int8" else 0}, {"scale": 0.004, "zero_point": -3},
              {"scale": 0.013, "zero_point": -9 if dtype == "int8" else 0}]
    compare_with_tflm(_model((x.shape, alpha.shape, x.shape), dtype, "int8", quants, alpha), [[x]])


def test_prelu_refuses_what_tflm_refuses():
    q = {"scale": 0.1, "zero_point": 0}
    with pytest.raises(UnsupportedOpError, match="int8 alpha"):  # TFLM: int16 needs an int8 alpha
        Interpreter.from_bytes(_model(((4,), (4,), (4,)), "int16", "int16", [q, q, q], None))
    with pytest.raises(UnsupportedOpError, match="at most 4"):
        s = (1, 2, 2, 2, 2)
        Interpreter.from_bytes(_model((s, s, s), "float32", "float32", [{}, {}, {}], None))


@requires_tflm
@settings(max_examples=25, deadline=None)
@given(dtype=st.sampled_from(["int8", "int16"]), const=st.booleans(), seed=seeds, data_=st.data())
def test_prelu_wide_zero_points_match_tflm(dtype, const, seed, data_):
    """Zero points across int32 (hostile models): TFLM's int32 arithmetic wraps the offset
    input, its product with the offset alpha and the sum with the output zero point, and its
    sign test sees the wrapped value; every input value against random alphas."""
    rng = np.random.default_rng(seed)
    info = np.iinfo(dtype)
    x = np.arange(info.min, info.max + 1, 1 if dtype == "int8" else 61).astype(dtype)
    s_in = data_.draw(scales(-12, 0))
    quants = [{"scale": s_in, "zero_point": data_.draw(wide_zero_points())},
              {"scale": data_.draw(scales(-10, -2)), "zero_point": data_.draw(wide_zero_points())},
              {"scale": float(np.float32(s_in * 2.0 ** data_.draw(st.floats(-6, 6)))),
               "zero_point": data_.draw(wide_zero_points())}]
    alpha = rng.integers(-128, 127, size=x.shape, endpoint=True).astype(np.int8)
    shapes = (x.shape, alpha.shape, x.shape)
    model = _model(shapes, dtype, "int8", quants, alpha if const else None)
    compare_with_tflm(model, [[x] if const else [x, alpha]])
