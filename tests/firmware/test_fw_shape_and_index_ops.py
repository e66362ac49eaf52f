"""Shape, index and copy C kernels against their Python twins on hypothesis-drawn
single-op models (test_fw_data_movement.py has STRIDED_SLICE, PAD, TRANSPOSE):
SQUEEZE, EXPAND_DIMS, PACK, UNPACK, SPLIT, SPLIT_V, SLICE, CAST, GATHER, GATHER_ND, EMBEDDING_LOOKUP, DEPTH_TO_SPACE, SPACE_TO_DEPTH,
BATCH_TO_SPACE_ND, SPACE_TO_BATCH_ND, REVERSE_V2, ARG_MAX, ARG_MIN,
BROADCAST_TO, BROADCAST_ARGS, CUMSUM and BATCH_MATMUL
(firmware/src/kernels/mi_<stem>.c).

Models and inputs come from the Python kernel tests' strategies where they
exist as functions (slice_case/slice_model, cast_model/cast_input) and from
the same shape/axis/type draws otherwise; inputs carry the extremes
(broadcast_cases.data), NaN and infinities for CAST. Every output byte and
the arena must match; Python's refusals must be C statuses (at allocation,
or from invoke for what is read at invoke time).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

# the kernel tests' shared case modules (batch_d_models, broadcast_cases) import each other by name
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "kernels"))
from batch_d_models import quant_params, single_op  # noqa: E402
from broadcast_cases import any_type_data, broadcast_shapes, data
from fw_helpers import requires_host_cc
from fw_twins import SETTINGS, assert_both_refuse, run_both_on
from hypothesis import assume, given
from hypothesis import strategies as st
from kernels import test_arg_min_max as arg_cases
from kernels import test_batch_matmul as matmul_cases
from kernels import test_batch_to_space_nd as b2s_cases
from kernels import test_broadcast_to as broadcast_to_cases
from kernels import test_cast as cast_cases
from kernels import test_cumsum as cumsum_cases
from kernels import test_embedding_lookup as lookup_cases
from kernels import test_gather as gather_cases
from kernels import test_gather_nd as gather_nd_cases
from kernels import test_reverse_v2 as reverse_cases
from kernels import test_slice as slice_cases
from kernels import test_space_to_batch_nd as s2b_cases
from strategies import scales, seeds, zero_points

from microinterp.builder import ModelBuilder

pytestmark = requires_host_cc

ANY = ["float32", "int8", "int16", "int32"]


def _q(draw: st.DrawFn, dtype: str) -> dict:
    return draw(quant_params(dtype))


@SETTINGS
@given(st.data())
def test_squeeze(data_: st.DataObject) -> None:
    draw = data_.draw
    shape = tuple(draw(st.lists(st.sampled_from([1, 1, 2, 3]), min_size=1, max_size=6)))
    dtype = draw(st.sampled_from(ANY + ["bool", "int64"]))
    ones = [d for d, n in enumerate(shape) if n == 1]
    dims = draw(st.lists(st.sampled_from(ones), unique=True)) if ones else []
    dims = [d - len(shape) if draw(st.booleans()) else d for d in dims]
    squeezed = {d % len(shape) for d in dims} if dims else set(ones)
    b = ModelBuilder()
    x = b.add_input("x", shape, dtype)
    y = b.add_output("y", tuple(n for d, n in enumerate(shape) if d not in squeezed), dtype)
    b.add_operator("SQUEEZE", [x], [y], squeeze_dims=dims)
    rng = np.random.default_rng(draw(seeds))
    x0 = rng.integers(0, 2, size=shape).astype(bool) if dtype == "bool" else data(shape, dtype, rng)
    run_both_on(b.build(), [[x0]])


@SETTINGS
@given(st.data())
def test_expand_dims(data_: st.DataObject) -> None:
    draw = data_.draw
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=0, max_size=5)))
    dtype = draw(st.sampled_from(["float32", "int8", "int16"]))
    axis = draw(st.integers(-len(shape) - 1, len(shape)))
    pos = axis + len(shape) + 1 if axis < 0 else axis
    q = _q(draw, dtype)
    b = ModelBuilder()
    x = b.add_input("x", shape, dtype, **q)
    a = b.add_constant("axis", np.array([axis], np.int32))
    y = b.add_output("y", shape[:pos] + (1,) + shape[pos:], dtype, **q)
    b.add_operator("EXPAND_DIMS", [x, a], [y])
    run_both_on(b.build(), [[data(shape, dtype, np.random.default_rng(draw(seeds)))]])


@SETTINGS
@given(st.data())
def test_pack_and_unpack(data_: st.DataObject) -> None:
    draw = data_.draw
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=0, max_size=4)))
    n = draw(st.integers(1, 5))
    dtype = draw(st.sampled_from(ANY + ["int64"]))
    rank = len(shape) + 1
    axis = draw(st.integers(-rank, rank - 1))
    pos = axis + rank if axis < 0 else axis
    rng = np.random.default_rng(draw(seeds))
    packed = shape[:pos] + (n,) + shape[pos:]
    b = ModelBuilder()
    xs = [b.add_input(f"x{i}", shape, dtype, **_q(draw, dtype)) for i in range(n)]
    y = b.add_output("y", packed, dtype)
    b.add_operator("PACK", xs, [y], values_count=n, axis=axis)
    feeds = [rng.integers(-(2**62), 2**62, size=shape).astype(np.int64) if dtype == "int64"
             else data(shape, dtype, rng) for _ in range(n)]
    run_both_on(b.build(), [feeds])
    if dtype == "int64":
        return  # UNPACK has no int64
    b = ModelBuilder()
    x = b.add_input("x", packed, dtype)
    ys = [b.add_output(f"y{i}", shape, dtype) for i in range(n)]
    b.add_operator("UNPACK", [x], ys, num=n, axis=axis)
    run_both_on(b.build(), [[data(packed, dtype, rng)]])


@SETTINGS
@given(st.data())
def test_split_and_split_v(data_: st.DataObject) -> None:
    draw = data_.draw
    shape = list(draw(st.lists(st.integers(1, 4), min_size=1, max_size=5)))
    dtype = draw(st.sampled_from(ANY))
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    pos = axis % len(shape)
    rng = np.random.default_rng(draw(seeds))
    q = _q(draw, dtype)
    parts = draw(st.integers(1, 4))
    even = list(shape)
    even[pos] *= parts
    part = tuple(even[:pos] + [even[pos] // parts] + even[pos + 1:])
    b = ModelBuilder()
    a = b.add_constant("axis", np.array(axis, np.int32))
    x = b.add_input("x", tuple(even), dtype, **q)
    ys = [b.add_output(f"y{i}", part, dtype, **q) for i in range(parts)]
    b.add_operator("SPLIT", [a, x], ys, num_splits=parts)
    run_both_on(b.build(), [[data(tuple(even), dtype, rng)]])

    sizes = draw(st.lists(st.integers(0, 4), min_size=1, max_size=4))
    uneven = list(shape)
    uneven[pos] = sum(sizes)
    b = ModelBuilder()
    x = b.add_input("x", tuple(uneven), dtype, **q)
    s = b.add_constant("size_splits", np.array(sizes, np.int32))
    a = b.add_constant("axis", np.array([axis], np.int32))
    ys = [b.add_output(f"y{i}", tuple(uneven[:pos] + [p] + uneven[pos + 1:]), dtype, **q) for i, p in enumerate(sizes)]
    b.add_operator("SPLIT_V", [x, s, a], ys, num_splits=len(sizes))
    run_both_on(b.build(), [[data(tuple(uneven), dtype, rng)]])


@SETTINGS
@given(case=slice_cases.slice_case(), dtype=st.sampled_from(["float32", "int32", "int8", "int16", "bool"]),
       index_dtype=st.sampled_from(["int32", "int64"]), const=st.booleans(), seed=seeds, data_=st.data())
def test_slice(case, dtype, index_dtype, const, seed, data_) -> None:  # type: ignore[no-untyped-def]
    shape, begin, size, out = case
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 2, size=shape).astype(bool) if dtype == "bool" else data(shape, dtype, rng)
    model = slice_cases.slice_model(shape, begin, size, out, dtype, _q(data_.draw, dtype), index_dtype, const)
    feeds = [x] if const else [x, np.array(begin, index_dtype), np.array(size, index_dtype)]
    vectors = [feeds]
    if not const:  # a block past the input, read at invoke: both fail there
        vectors.append([x, np.array(begin, index_dtype), np.array([d + 1 for d in shape], index_dtype)])
    run_both_on(model, vectors)


@SETTINGS
@given(src=st.sampled_from(cast_cases.INPUTS), dst=st.sampled_from(cast_cases.OUTPUTS), shape=cast_cases.SHAPES,
       seed=seeds)
def test_cast(src: str, dst: str, shape: tuple, seed: int) -> None:
    rng = np.random.default_rng(seed)
    vectors = [[cast_cases.cast_input(shape, src, rng)] for _ in range(2)]
    if src == "float32":
        vectors[1][0].reshape(-1)[0] = np.float32(np.nan)
    run_both_on(cast_cases.cast_model(shape, src, dst), vectors)


def test_refusals() -> None:
    """Shapes and types Python refuses in prepare: C refuses them with a status."""
    b = ModelBuilder()
    x = b.add_input("x", (2, 1, 3), "int8")
    y = b.add_output("y", (2, 3), "int8")
    b.add_operator("SQUEEZE", [x], [y], squeeze_dims=[0])  # dimension 0 is not 1
    assert_both_refuse(b.build())
    b = ModelBuilder()
    x = b.add_input("x", (2, 3), "int32")
    a = b.add_constant("axis", np.array([1], np.int32))
    y = b.add_output("y", (2, 1, 3), "int32")
    b.add_operator("EXPAND_DIMS", [x, a], [y])  # int32 is not an EXPAND_DIMS type
    assert_both_refuse(b.build())
    b = ModelBuilder()
    a = b.add_constant("axis", np.array(0, np.int32))
    x = b.add_input("x", (3, 2), "float32")
    ys = [b.add_output(f"y{i}", (1, 2), "float32") for i in range(2)]
    b.add_operator("SPLIT", [a, x], ys, num_splits=2)  # 3 rows do not split in 2
    assert_both_refuse(b.build())
    b = ModelBuilder()
    x = b.add_input("x", (4,), "uint8")
    y = b.add_output("y", (4,), "int64")
    b.add_operator("CAST", [x], [y])
    assert_both_refuse(b.build())


# ---- GATHER, GATHER_ND, EMBEDDING_LOOKUP: positions checked before any write

@SETTINGS
@given(case=gather_cases.gather_case(), dtype=st.sampled_from(["float32", "int8"]), const=st.booleans(), seed=seeds,
       data_=st.data())
def test_gather(case, dtype, const, seed, data_) -> None:  # type: ignore[no-untyped-def]
    shape, axis, batch_dims, pos_shape = case
    rank = len(shape)
    a, bd = axis % rank, batch_dims % len(pos_shape) if batch_dims < 0 else batch_dims
    rng = np.random.default_rng(seed)
    positions = rng.integers(0, shape[a], size=pos_shape).astype(np.int32)
    q = _q(data_.draw, dtype)
    b = ModelBuilder()
    x = b.add_input("x", shape, dtype, **q)
    p = b.add_constant("positions", positions) if const else b.add_input("positions", pos_shape, "int32")
    y = b.add_output("y", shape[:a] + pos_shape[bd:] + shape[a + 1:], dtype, **q)
    b.add_operator("GATHER", [x, p], [y], axis=axis, batch_dims=batch_dims)
    x0 = data(shape, dtype, rng)
    vectors = [[x0] if const else [x0, positions]]
    if not const and positions.size:
        vectors.append([x0, np.full(pos_shape, shape[a], np.int32)])  # past the end: both fail at invoke
    run_both_on(b.build(), vectors)


@SETTINGS
@given(case=gather_nd_cases.gather_nd_case(wild=False), wild=gather_nd_cases.gather_nd_case(wild=True),
       dtype=st.sampled_from(["float32", "int8"]), seed=seeds, data_=st.data())
def test_gather_nd(case, wild, dtype, seed, data_) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    for params_shape, idx, out_shape in (case, wild):
        model = gather_nd_cases.gather_nd_model(params_shape, idx.shape, out_shape, dtype, _q(data_.draw, dtype))
        x = data(params_shape, dtype, rng)
        run_both_on(model, [[x, idx], [x, np.full(idx.shape, 7, np.int32)]])


@SETTINGS
@given(rows=st.integers(1, 8), tail=st.lists(st.integers(1, 4), min_size=1, max_size=3), ids_n=st.integers(1, 10),
       kind=st.sampled_from(lookup_cases.KINDS), const_table=st.booleans(), seed=seeds, data_=st.data())
def test_embedding_lookup(rows, tail, ids_n, kind, const_table, seed, data_) -> None:  # type: ignore[no-untyped-def]
    value_dtype, out_dtype = kind
    rng = np.random.default_rng(seed)
    table = data((rows, *tail), value_dtype, rng)
    q = {}
    if value_dtype == "int8":
        zp = 0 if out_dtype == "float32" else data_.draw(zero_points())
        q = {"scale": data_.draw(scales(-20, 4)), "zero_point": zp}
    ids = rng.integers(0, rows, size=ids_n).astype(np.int32)
    model = lookup_cases.lookup_model(ids_n, table, value_dtype, out_dtype, q, const_table)
    bad = ids.copy()
    bad[-1] = rows
    run_both_on(model, [[ids] if const_table else [ids, table], [bad] if const_table else [bad, table]])


# ---- block moves

@SETTINGS
@given(n=st.integers(1, 2), h=st.integers(1, 5), w=st.integers(1, 5), c=st.integers(1, 3), bs=st.integers(1, 4),
       dtype=st.sampled_from(["float32", "int8"]), seed=seeds, data_=st.data())
def test_depth_to_space_and_space_to_depth(n, h, w, c, bs, dtype, seed, data_) -> None:  # type: ignore[no-untyped-def]
    q = _q(data_.draw, dtype)
    deep, wide = (n, h, w, c * bs * bs), (n, h * bs, w * bs, c)
    rng = np.random.default_rng(seed)
    run_both_on(single_op("DEPTH_TO_SPACE", [("x", deep, dtype, q)], [("y", wide, dtype, q)], block_size=bs),
                [[data(deep, dtype, rng)]])
    run_both_on(single_op("SPACE_TO_DEPTH", [("x", wide, dtype, q)], [("y", deep, dtype, q)], block_size=bs),
                [[data(wide, dtype, rng)]])


@SETTINGS
@given(b2s=b2s_cases.b2s_case(), s2b=s2b_cases.s2b_case(padded=True), dtype=st.sampled_from(["float32", "int8"]),
       seed=seeds, data_=st.data())
def test_batch_to_space_nd_and_space_to_batch_nd(b2s, s2b, dtype, seed, data_) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    in_shape, block, crops, out_shape = b2s
    q = _q(data_.draw, dtype)
    model = single_op("BATCH_TO_SPACE_ND", [("x", in_shape, dtype, q), ("block_shape", np.array(block, np.int32)),
                                            ("crops", np.array(crops, np.int32))], [("y", out_shape, dtype, q)])
    run_both_on(model, [[data(in_shape, dtype, rng)]])
    # padding included: both pad with +0.0 / the output zero point
    run_both_on(s2b_cases.s2b_model(s2b, dtype, _q(data_.draw, dtype)), [[data(s2b[0], dtype, rng)]])


@SETTINGS
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=5), dtype=st.sampled_from(reverse_cases.DTYPES),
       const=st.booleans(), seed=seeds, data_=st.data())
def test_reverse_v2(shape, dtype, const, seed, data_) -> None:  # type: ignore[no-untyped-def]
    draw = data_.draw
    shape = tuple(shape)
    rank = len(shape)
    first = draw(st.integers(0, rank - 1))
    last = draw(st.integers(first, rank - 1))
    axes = draw(st.permutations([a - rank if draw(st.booleans()) else a for a in range(first, last + 1)]))
    x = any_type_data(shape, dtype, np.random.default_rng(seed))
    if dtype == "float32":
        x.reshape(-1)[0] = np.nan
    model = reverse_cases.reverse_model(shape, axes, dtype, _q(draw, dtype), const)
    vectors = [[x] if const else [x, np.array(axes, np.int32)]]
    if not const and rank > 2:  # a gap in the axes, read at invoke: both fail there
        vectors.append([x, np.array([0, 2] + [0] * (len(axes) - 2), np.int32)[:len(axes)]])
    run_both_on(model, vectors)


# ---- ARG_MAX / ARG_MIN (shared mi_arg_min_max.c), ties, NaN

@SETTINGS
@given(op=st.sampled_from(["ARG_MAX", "ARG_MIN"]), shape=arg_cases.SHAPES, dtype=st.sampled_from(["float32", "int8"]),
       const_axis=st.booleans(), seed=seeds, data_=st.data())
def test_arg_min_max(op, shape, dtype, const_axis, seed, data_) -> None:  # type: ignore[no-untyped-def]
    shape = tuple(shape)
    axis = data_.draw(st.integers(-len(shape), len(shape) - 1))
    rng = np.random.default_rng(seed)
    x = arg_cases.tied(shape, dtype, rng)
    if dtype == "float32":
        x[rng.random(shape) < 0.3] = np.nan
    model = arg_cases.arg_model(op, shape, axis, dtype, _q(data_.draw, dtype), const_axis)
    vectors = [[x] if const_axis else [x, np.array([axis], np.int32)]]
    if not const_axis:
        vectors.append([x, np.array([len(shape)], np.int32)])  # out of range at invoke
    run_both_on(model, vectors)


# ---- BROADCAST_TO, BROADCAST_ARGS

@SETTINGS
@given(case=broadcast_to_cases.broadcast_case(), dtype=st.sampled_from(broadcast_to_cases.DTYPES),
       shape_dtype=st.sampled_from(["int32", "int64"]), seed=seeds, data_=st.data())
def test_broadcast_to(case, dtype, shape_dtype, seed, data_) -> None:  # type: ignore[no-untyped-def]
    shape, target = case
    model = single_op("BROADCAST_TO", [("x", shape, dtype, _q(data_.draw, dtype)),
                                       ("shape", np.array(target, shape_dtype))], [("y", target, dtype, {})])
    x = any_type_data(shape, dtype, np.random.default_rng(seed))
    if dtype == "float32" and x.size:
        x.reshape(-1)[0] = np.nan
    run_both_on(model, [[x]])


@SETTINGS
@given(shapes=broadcast_shapes(max_rank=5, max_dim=6), dtype=st.sampled_from(["int32", "int64"]),
       extra=st.integers(0, 2))
def test_broadcast_args(shapes, dtype, extra) -> None:  # type: ignore[no-untyped-def]
    s1, s2, _out = shapes
    assume(len(s1) and len(s2))  # the runner cannot feed an empty graph input
    a, b = np.array(s1, dtype), np.array(s2, dtype)
    n = max(len(s1), len(s2)) + extra
    model = single_op("BROADCAST_ARGS", [("s1", a.shape, dtype), ("s2", b.shape, dtype)], [("y", (n,), dtype, {})])
    vectors = [[a, b]]
    if a.size and b.size:  # 5 against 7 in the last place: both fail at invoke
        clash_a, clash_b = a.copy(), b.copy()
        clash_a[-1], clash_b[-1] = 5, 7
        vectors.append([clash_a, clash_b])
    run_both_on(model, vectors)


# ---- CUMSUM, BATCH_MATMUL (arithmetic)

@SETTINGS
@given(case=cumsum_cases.cumsum_case(), dtype=st.sampled_from(["int8", "float32"]), seed=seeds, data_=st.data())
def test_cumsum(case, dtype, seed, data_) -> None:  # type: ignore[no-untyped-def]
    shape, axis, const_axis, exclusive, reverse = case
    rng = np.random.default_rng(seed)
    if dtype == "int8":
        s_in = data_.draw(scales(-10, 0))
        s_out = float(np.float32(s_in * 2.0 ** data_.draw(st.floats(-4, 8))))
        in_q = {"scale": s_in, "zero_point": data_.draw(zero_points())}
        out_q = {"scale": s_out, "zero_point": data_.draw(zero_points())}
        x = data(shape, "int8", rng)
    else:
        in_q = out_q = {}
        x = data(shape, "float32", rng, low=-1e3, high=1e3)
    model = cumsum_cases.cumsum_model(shape, axis, dtype, in_q, out_q, const_axis, exclusive, reverse)
    vectors = [[x] if const_axis else [x, np.array(axis, np.int32)]]
    if not const_axis:
        vectors.append([x, np.array(len(shape), np.int32)])
    run_both_on(model, vectors)


@SETTINGS
@given(case=matmul_cases.matmul_case(), dtype=st.sampled_from(["int8", "int16", "float32"]), rhs_const=st.booleans(),
       seed=seeds, data_=st.data())
def test_batch_matmul(case, dtype, rhs_const, seed, data_) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    if dtype == "float32":
        lq = rq = oq = {}
        lhs, rhs = (data(case[i], dtype, rng, low=-1e3, high=1e3) for i in (0, 1))
    else:
        sl, sr = data_.draw(scales(-10, 0)), data_.draw(scales(-10, 0))
        so = float(np.float32(sl * sr * 2.0 ** data_.draw(st.floats(0, 14 if dtype == "int8" else 20))))
        zp = (lambda: data_.draw(zero_points())) if dtype == "int8" else (lambda: 0)
        lq, rq, oq = ({"scale": s, "zero_point": zp()} for s in (sl, sr, so))
        lhs, rhs = data(case[0], dtype, rng), data(case[1], dtype, rng)
    model = matmul_cases.matmul_model(case, dtype, lq, rq, oq, rhs if rhs_const else None)
    feeds = [lhs] if rhs_const else [lhs, rhs]
    run_both_on(model, [feeds, [data(case[0], dtype, rng)] + feeds[1:]])
