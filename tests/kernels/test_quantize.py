"""QUANTIZE vs TFLM (tolerance 0): float32 -> int8/int16 and every
requantization pair TFLM Micro evaluates (int8 -> int8/uint8/int16/int32,
int16 -> int8/int16/int32, int32 -> int8/int16, uint8 -> int8), with extreme
scale ratios (multipliers down to zero, up to a 2**24 gain), zero points at
the range ends, and float inputs that overflow int32 (+/-inf, 1e30, NaN)
after scaling. Plus the seanet quantize0 model (int32 -> int16) with
full-range random inputs.

Only configurations TFLM accepts are drawn: per-tensor output quantization
and a requantization multiplier shift <= 30.
"""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, model_path, random_input, requires_tflm
from strategies import int_array, scales, seeds

from microinterp import Interpreter
from microinterp.builder import ModelBuilder

PAIRS = [("float32", "int8"), ("float32", "int16"), ("int8", "int8"), ("int8", "uint8"), ("int8", "int16"),
         ("int8", "int32"), ("int16", "int8"), ("int16", "int16"), ("int16", "int32"), ("int32", "int8"),
         ("int32", "int16"), ("uint8", "int8")]


def any_zero_point(dtype: str) -> st.SearchStrategy[int]:
    """QUANTIZE/DEQUANTIZE do not require symmetric int16, so draw the whole range (ends included)."""
    info = np.iinfo(dtype)
    lo, hi = (int(info.min), int(info.max)) if dtype != "int32" else (-(2**20), 2**20)
    return st.one_of(st.sampled_from([lo, hi, 0]), st.integers(lo, hi))


@st.composite
def quantize_case(draw) -> dict:
    src, dst = draw(st.sampled_from(PAIRS))
    shape = tuple(draw(st.lists(st.integers(1, 6), min_size=1, max_size=4)))
    out_scale = draw(scales(-14, 4))
    case = dict(src=src, dst=dst, shape=shape, out_scale=out_scale, out_zp=draw(any_zero_point(dst)),
                special=src == "float32" and draw(st.booleans()))
    if src != "float32":
        gain = 2.0 ** draw(st.integers(-24, 24)) * draw(st.floats(1.0, 2.0))
        case.update(in_scale=float(np.float32(out_scale * gain)), in_zp=draw(any_zero_point(src)))
    return case


def build(case: dict, rng: np.random.Generator) -> tuple[bytes, np.ndarray]:
    b = ModelBuilder()
    src, dst, shape = case["src"], case["dst"], case["shape"]
    q_in = {} if src == "float32" else dict(scale=case["in_scale"], zero_point=case["in_zp"])
    x = b.add_input("x", shape, src, **q_in)
    y = b.add_output("y", shape, dst, scale=case["out_scale"], zero_point=case["out_zp"])
    b.add_operator("QUANTIZE", [x], [y])
    if src == "float32":
        span = case["out_scale"] * float(np.iinfo(dst).max) * 1.5
        data = rng.uniform(-span, span, shape).astype(np.float32)
        if case["special"]:
            flat = data.reshape(-1)
            picks = rng.integers(0, flat.size, size=min(4, flat.size))
            flat[picks] = rng.choice(np.array([np.inf, -np.inf, np.nan, 1e30, -1e30, 3e9], np.float32), picks.size)
    else:
        data = int_array(rng, shape, src)
    return b.build(), data


@requires_tflm
@settings(max_examples=60, deadline=None)
@given(quantize_case(), seeds)
def test_quantize_matches_tflm(case, seed):
    model, data = build(case, np.random.default_rng(seed))
    # A NaN in the float input makes the input tensor itself compare unequal (NaN != NaN), so with
    # special values only the output (never NaN) is compared; the model has no other tensor.
    compare_with_tflm(model, [[data]], check_intermediates=not case["special"])


@requires_tflm
def test_seanet_quantize0_model():
    """The seanet int32 -> int16 QUANTIZE model with full-range random int32 inputs."""
    model = model_path("tflite-micro-seanet/quantize0.tflite").read_bytes()
    rng = np.random.default_rng(0)
    details = Interpreter.from_bytes(model).get_input_details(0)
    compare_with_tflm(model, [[random_input(details, rng)], [random_input(details, rng) // 4096]])


@requires_tflm
def test_quantize_out_of_range_floats():
    """+/-inf, NaN and +/-1e30 become INT32_MIN in the float -> int conversion and the zero point
    is then added with int32 wrap-around: with a negative zero point they saturate high."""
    data = np.array([np.inf, -np.inf, np.nan, 1e30, -1e30, 0.4, -0.5, 2.5e9, -2.5e9], np.float32)
    for dtype in ("int8", "int16"):
        for zp in (-5, 0, 5):
            b = ModelBuilder()
            x = b.add_input("x", data.shape, "float32")
            y = b.add_output("y", data.shape, dtype, scale=0.5, zero_point=zp)
            b.add_operator("QUANTIZE", [x], [y])
            compare_with_tflm(b.build(), [[data]], check_intermediates=False)  # NaN input: outputs only
