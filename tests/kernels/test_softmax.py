"""SOFTMAX vs TFLM (tolerance 0): float32, int8 -> int8, int8 -> int16 and
int16 -> int16 (TFLM's LUT path); ranks 1-4, depths up to 200, betas from
tiny to large enough to hit the capped input multiplier, extreme input scales
and zero points, and rows with ties (narrow or constant data).

Only configurations TFLM accepts are drawn: the output quantization TFLM
demands for each type pair, and depths small enough that an int8 row's sum
of exps never reaches TFLM's abort (more than ~512 equal maxima).
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import scales, seeds, zero_points

from microinterp.builder import ModelBuilder

OUTPUT_QUANT = {"int8": dict(scale=1 / 256, zero_point=-128), "int16_from_int8": dict(scale=1 / 65536,
                                                                                       zero_point=-32768),
                "int16": dict(scale=1 / 32768, zero_point=0)}


@st.composite
def softmax_case(draw) -> dict:
    pair = draw(st.sampled_from([("float32", "float32"), ("int8", "int8"), ("int8", "int16"), ("int16", "int16")]))
    lead = draw(st.lists(st.integers(1, 3), min_size=0, max_size=3))
    depth = draw(st.one_of(st.integers(1, 16), st.integers(17, 200)))
    beta = draw(st.one_of(st.just(1.0), st.floats(0.0625, 4.0, width=32), st.floats(4.0, 64.0, width=32)))
    case = dict(in_dtype=pair[0], out_dtype=pair[1], shape=(*lead, depth), beta=beta,
                data_mode=draw(st.sampled_from(["full", "full", "narrow", "constant"])))
    # Input scales: mostly ones where beta * scale * range spans a few units (outputs spread out),
    # sometimes extreme ones, and for int8 sometimes beta * scale >= 32, where TFLM caps the input
    # multiplier at 2**31 - 1 (left shift 31, diff_min 0: only the maxima count).
    regime = draw(st.sampled_from(["useful", "useful", "extreme", "capped"]))
    if pair[0] == "int8":
        scale = {"useful": scales(-7, -3), "extreme": scales(-12, 2), "capped": scales(0, 2)}[regime]
        case.update(in_scale=draw(scale), in_zp=draw(zero_points("int8")))
        if regime == "capped":
            case["beta"] = float(np.float32(64.0 / case["in_scale"] * draw(st.floats(1.0, 2.0))))
    elif pair[0] == "int16":
        scale = {"useful": scales(-15, -11), "extreme": scales(-20, -4), "capped": scales(-10, -6)}[regime]
        case.update(in_scale=draw(scale), in_zp=0)
    return case


def build(case: dict, rng: np.random.Generator) -> tuple[bytes, np.ndarray]:
    b = ModelBuilder()
    shape, in_dtype, out_dtype = case["shape"], case["in_dtype"], case["out_dtype"]
    if in_dtype == "float32":
        x = b.add_input("x", shape, "float32")
        y = b.add_output("y", shape, "float32")
    else:
        x = b.add_input("x", shape, in_dtype, scale=case["in_scale"], zero_point=case["in_zp"])
        key = "int16_from_int8" if (in_dtype, out_dtype) == ("int8", "int16") else out_dtype
        y = b.add_output("y", shape, out_dtype, **OUTPUT_QUANT[key])
    b.add_operator("SOFTMAX", [x], [y], beta=case["beta"])
    mode = case["data_mode"]
    if in_dtype == "float32":
        width = {"full": 20.0, "narrow": 0.5, "constant": 0.0}[mode]
        data = (rng.uniform(-width, width, shape) + rng.uniform(-5, 5)).astype(np.float32)
    else:
        info = np.iinfo(in_dtype)
        if mode == "full":
            data = rng.integers(info.min, info.max, shape, endpoint=True)
        else:
            centre = int(rng.integers(info.min + 4, info.max - 4))
            data = centre + (rng.integers(-3, 4, shape) if mode == "narrow" else np.zeros(shape, np.int64))
        data = data.astype(in_dtype)
    return b.build(), data


@requires_tflm
@settings(max_examples=60, deadline=None)
@given(softmax_case(), seeds)
def test_softmax_matches_tflm(case, seed):
    model, data = build(case, np.random.default_rng(seed))
    compare_with_tflm(model, [[data]])


@requires_tflm
@pytest.mark.parametrize("beta", [1.0, 0.37, -2.0])
def test_softmax_float_extremes_match_tflm(beta):
    """The bound float path hands libm every exp that is not a normal float32: zero and
    subnormal exps (differences below -87.3), infinite ones (a negative beta), the NaN of
    an infinite maximum, NaN inputs; the rest keep the float64 exp rounded to float32."""
    rows = np.array([[0, -90, -100, -87.3, -104, -200], [np.inf, 1, 2, 3, 4, 5], [-np.inf, 0, 1, 2, 3, 4],
                     [np.nan, 0, 1, 2, 3, 4], [3e38, -3e38, 0, 1, 2, 3], [5, 5, 5, 5, 5, 5],
                     [50, 0, -10, 60, -45, 45]], np.float32)
    b = ModelBuilder()
    x = b.add_input("x", rows.shape, "float32")
    y = b.add_output("y", rows.shape, "float32")
    b.add_operator("SOFTMAX", [x], [y], beta=beta)
    compare_with_tflm(b.build(), [[rows]])
