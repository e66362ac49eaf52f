"""BATCH_MATMUL vs TFLM, tolerance 0: LHS and RHS of rank 2..5 with batch
dimensions that broadcast (1 against anything, either side; the RHS batch-1
case TFLM folds into the LHS rows included), adj_x and adj_y in all
combinations, the RHS as a graph input or a constant (TFLM transposes it
once), invoked twice; float32 (k-ordered float32 sums, bit for bit, depths up
to 40), int8 (any zero points) and int16 (zero points 0, int64 accumulation
and TFLM's 16-bit reduced multiplier), with output scales over a wide range.

Hypothesis examples: 60 (quantized) + 30 (float32) + 15 (int8 multiplier in double) = 105.
"""

import numpy as np
from broadcast_cases import assert_same_bits, data
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import compare_with_tflm, requires_tflm
from strategies import scales, seeds, zero_points

from microinterp.builder import ModelBuilder


@st.composite
def matmul_case(draw, max_depth: int = 8):
    rank = draw(st.integers(2, 5))
    batch = [draw(st.integers(1, 3)) for _ in range(rank - 2)]
    lhs_rank = draw(st.integers(2, rank))
    rhs_rank = rank if lhs_rank < rank else draw(st.integers(2, rank))

    def side(r):
        dims = batch[len(batch) - (r - 2):] if r > 2 else []
        return [1 if draw(st.booleans()) else d for d in dims]

    lb, rb = side(lhs_rank), side(rhs_rank)
    a, k, c = draw(st.integers(1, 5)), draw(st.integers(1, max_depth)), draw(st.integers(1, 5))
    adj_x, adj_y = draw(st.booleans()), draw(st.booleans())
    lhs = tuple(lb) + ((k, a) if adj_x else (a, k))
    rhs = tuple(rb) + ((c, k) if adj_y else (k, c))
    out = tuple(np.broadcast_shapes(tuple(lb), tuple(rb))) + (a, c)
    return lhs, rhs, out, adj_x, adj_y


def matmul_model(case, dtype, lq, rq, oq, rhs_const=None):
    lhs, rhs, out, adj_x, adj_y = case
    b = ModelBuilder()
    x = b.add_input("lhs", lhs, dtype, **lq)
    y = b.add_constant("rhs", rhs_const, **rq) if rhs_const is not None else b.add_input("rhs", rhs, dtype, **rq)
    z = b.add_output("out", out, dtype, **oq)
    b.add_operator("BATCH_MATMUL", [x, y], [z], adj_x=adj_x, adj_y=adj_y)
    return b.build()


@requires_tflm
@settings(max_examples=60, deadline=None)
@given(case=matmul_case(), dtype=st.sampled_from(["int8", "int16"]), rhs_const=st.booleans(), seed=seeds,
       data_=st.data())
def test_batch_matmul_quantized_matches_tflm(case, dtype, rhs_const, seed, data_):
    sl, sr = data_.draw(scales(-10, 0)), data_.draw(scales(-10, 0))
    so = float(np.float32(sl * sr * 2.0 ** data_.draw(st.floats(0, 14 if dtype == "int8" else 20))))
    zp = (lambda: data_.draw(zero_points())) if dtype == "int8" else (lambda: 0)
    lq, rq, oq = ({"scale": s, "zero_point": zp()} for s in (sl, sr, so))
    rng = np.random.default_rng(seed)
    lhs, rhs = data(case[0], dtype, rng), data(case[1], dtype, rng)
    model = matmul_model(case, dtype, lq, rq, oq, rhs if rhs_const else None)
    feeds = [lhs] if rhs_const else [lhs, rhs]
    compare_with_tflm(model, [feeds, [data(case[0], dtype, rng)] + feeds[1:]])


@requires_tflm
@settings(max_examples=30, deadline=None)
@given(case=matmul_case(max_depth=40), rhs_const=st.booleans(), seed=seeds)
def test_batch_matmul_float_matches_tflm(case, rhs_const, seed):
    rng = np.random.default_rng(seed)
    lhs, rhs = data(case[0], "float32", rng, low=-1e3, high=1e3), data(case[1], "float32", rng, low=-1e3, high=1e3)
    model = matmul_model(case, "float32", {}, {}, {}, rhs if rhs_const else None)
    feeds = [lhs] if rhs_const else [lhs, rhs]
    compare_with_tflm(model, [feeds])
    assert_same_bits(model, feeds)


@requires_tflm
@settings(max_examples=15, deadline=None)
@given(sl=scales(-10, -4), sr=scales(-10, -4), ratio=st.floats(3000, 20000))
def test_batch_matmul_int8_multiplier_is_computed_in_double(sl, sr, ratio):
    """An accumulator that the float-product and double-product multipliers round
    differently, built from a 1x64 by 64x1 product; TFLM must agree with us on it."""
    from microinterp import quant

    so = float(np.float32(sl * sr * ratio))
    by_float = quant.quantize_multiplier(float(np.float32(sl) * np.float32(sr)) / so)
    by_double = quant.quantize_multiplier(sl * sr / so)
    accs = np.arange(-1_000_000, 1_000_000, dtype=np.int64)
    y_float = quant.multiply_by_quantized_multiplier(accs, *by_float)
    y_double = quant.multiply_by_quantized_multiplier(accs, *by_double)
    decisive = np.flatnonzero((y_float != y_double) & (np.abs(y_double) < 127))
    acc = int(accs[decisive[0]]) if decisive.size else 12345
    q, r = divmod(acc, 127)  # acc = 127 * sum(col[:63]) + col[63]
    if r > 63:
        q, r = q + 1, r - 127
    col = np.full(63, q // 63)
    col[: q % 63] += 1
    rhs = np.concatenate([col, [r]]).astype(np.int8).reshape(64, 1)
    lhs = np.full((1, 64), 127, np.int8)
    lhs[0, 63] = 1
    case = ((1, 64), (64, 1), (1, 1), False, False)
    model = matmul_model(case, "int8", {"scale": sl, "zero_point": 0}, {"scale": sr, "zero_point": 0},
                         {"scale": so, "zero_point": 0})
    compare_with_tflm(model, [[lhs, rhs]])
