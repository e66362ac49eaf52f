"""TANH vs TFLM: float32 (libm tanhf), int8 (gemmlowp fixed point, every int8 value at
every drawn scale/zero point), int16 (LUT: power-of-two input shifts 0 and 1, and the
general input-multiplier path)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import scales, seeds, zero_points

from microinterp.builder import ModelBuilder

SHAPES = st.sampled_from([(256,), (4, 64), (2, 2, 8, 8), (1, 16, 16)])


def _model(op: str, shape: tuple[int, ...], dtype: str, in_q: dict, out_q: dict) -> bytes:
    b = ModelBuilder()
    x = b.add_input("x", shape, dtype, **in_q)
    y = b.add_output("y", shape, dtype, **out_q)
    b.add_operator(op, [x], [y])
    return b.build()


def _all_int8(shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """Every int8 value once (shuffled), tiled to fill ``shape``."""
    n = int(np.prod(shape))
    vals = np.resize(rng.permutation(np.arange(-128, 128)), n)
    return vals.astype(np.int8).reshape(shape)


def _int16(shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    n = int(np.prod(shape))
    edge = np.array([-32768, -32767, -1, 0, 1, 32767, 4096, -4096, 12288, -12288], np.int64)
    vals = rng.integers(-32768, 32767, size=n, endpoint=True)
    vals[: edge.size] = edge[:n]
    return vals.astype(np.int16).reshape(shape)


def _float(shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    n = int(np.prod(shape))
    special = np.array([0.0, -0.0, -9.0, -9.000001, -8.999999, 16.619047164916992188, 16.62, 16.6,
                        -30.0, 30.0, -100.0, 100.0, 1e-8, -1e-8, 88.0, -88.0, -104.0], np.float32)
    vals = (rng.standard_normal(n) * rng.choice([0.5, 4.0, 20.0], size=n)).astype(np.float32)
    vals[: special.size] = special[:n]
    return vals.reshape(shape)


@requires_tflm
@settings(max_examples=25, deadline=None)
@given(shape=SHAPES, scale=scales(-12, 0), zp=zero_points("int8"), seed=seeds)
def test_tanh_int8_matches_tflm(shape, scale, zp, seed):
    rng = np.random.default_rng(seed)
    model = _model("TANH", shape, "int8", {"scale": scale, "zero_point": zp},
                   {"scale": 1.0 / 128, "zero_point": 0})
    compare_with_tflm(model, [[_all_int8(shape, rng)]])


@requires_tflm
@settings(max_examples=20, deadline=None)
@given(shape=SHAPES, pot=st.booleans(), scale=scales(-16, -6), seed=seeds)
def test_tanh_int16_matches_tflm(shape, pot, scale, seed):
    rng = np.random.default_rng(seed)
    in_scale = (2.0**-12 if seed % 2 else 2.0**-11) if pot else scale
    model = _model("TANH", shape, "int16", {"scale": in_scale, "zero_point": 0},
                   {"scale": 2.0**-15, "zero_point": 0})
    compare_with_tflm(model, [[_int16(shape, rng)]])


@requires_tflm
@settings(max_examples=10, deadline=None)
@given(shape=SHAPES, seed=seeds)
def test_tanh_float_matches_tflm(shape, seed):
    rng = np.random.default_rng(seed)
    compare_with_tflm(_model("TANH", shape, "float32", {}, {}), [[_float(shape, rng)]])
