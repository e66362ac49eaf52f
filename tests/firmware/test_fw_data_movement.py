"""C twins of the data-movement kernels against their Python twins: STRIDED_SLICE,
PAD, PADV2, MIRROR_PAD, TRANSPOSE, CONCATENATION, RESIZE_NEAREST_NEIGHBOR,
RESIZE_BILINEAR (firmware/src/kernels/mi_<stem>.c vs kernels/<stem>.py).

Shapes, masks, paddings and permutations come from the strategies of the
Python kernel tests (tests/kernels/test_<op>.py, themselves checked against
TFLM); each hypothesis example is a batch of such cases in one model, run in
the C port under ASan/UBSan and in the Python interpreter: every output byte
and the arena prediction must match (fw_batch). The refusals are checked on
both sides too. MIRROR_PAD's paddings (read at invoke) are a constant or the
output of a RESHAPE of one (random graph inputs would never be valid
paddings), drawn as tests/kernels/test_mirror_pad.py draws them. Examples per test: fw_batch.EXAMPLES batches of up to
fw_batch.MAX_CASES cases.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from fw_batch import SETTINGS, Case, assert_both_refuse, batches, run_cases
from fw_helpers import requires_host_cc
from hypothesis import given
from hypothesis import strategies as st

from microinterp.builder import ModelBuilder

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "kernels"))
from batch_d_models import quant_params  # noqa: E402
from strategies import scales, zero_points  # noqa: E402
from test_concatenation import DTYPES as CONCAT_DTYPES  # noqa: E402
from test_concatenation import concat_case  # noqa: E402
from test_pad import pad_case  # noqa: E402
from test_strided_slice import slice_case  # noqa: E402
from test_transpose import transpose_case  # noqa: E402

pytestmark = requires_host_cc


@st.composite
def quant(draw: st.DrawFn, dtype: str) -> dict:
    if dtype in ("int8", "int16"):
        return {"scale": draw(scales()), "zero_point": draw(zero_points(dtype))}
    return {}


@st.composite
def strided_slice_cases(draw: st.DrawFn) -> Case:
    shape, begin, end, strides, begin_mask, end_mask, shrink_mask, out_shape = draw(slice_case())
    dtype = draw(st.sampled_from(["float32", "int8", "int16", "int32", "bool"]))
    q = draw(quant(dtype))

    def add(b: ModelBuilder, p: str) -> None:
        x = b.add_input(p + "x", shape, dtype, **q)
        consts = [b.add_constant(p + n, np.array(v, np.int32))
                  for n, v in (("begin", begin), ("end", end), ("strides", strides))]
        y = b.add_output(p + "y", out_shape, dtype, **q)
        b.add_operator("STRIDED_SLICE", [x, *consts], [y], begin_mask=begin_mask, end_mask=end_mask,
                       shrink_axis_mask=shrink_mask)
    return add


@st.composite
def pad_cases(draw: st.DrawFn) -> Case:
    shape, pads = draw(pad_case())
    op = draw(st.sampled_from(["PAD", "PADV2"]))
    dtype = draw(st.sampled_from(["float32", "int8", "int16", "int32"]))
    q = draw(quant(dtype))
    value = draw(st.sampled_from(["none", "constant", "input"])) if op == "PADV2" else "none"
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    out_shape = tuple(d + lo + hi for d, (lo, hi) in zip(shape, pads))

    def add(b: ModelBuilder, p: str) -> None:
        x = b.add_input(p + "x", shape, dtype, **q)
        ins = [x, b.add_constant(p + "paddings", np.array(pads, np.int32).reshape(len(shape), 2))]
        if value == "constant":
            info = np.iinfo(dtype) if dtype != "float32" else None
            v = rng.uniform(-4, 4) if info is None else int(rng.integers(info.min, info.max, endpoint=True))
            ins.append(b.add_constant(p + "value", np.array(v, dtype), dtype, **q))
        elif value == "input":
            ins.append(b.add_input(p + "value", (), dtype, **q))
        y = b.add_output(p + "y", out_shape, dtype, **q)
        b.add_operator(op, ins, [y])
    return add


@st.composite
def transpose_cases(draw: st.DrawFn) -> Case:
    shape, perm = draw(transpose_case())
    dtype = draw(st.sampled_from(["float32", "int8", "int16"]))
    q = draw(quant(dtype))

    def add(b: ModelBuilder, p: str) -> None:
        x = b.add_input(p + "x", shape, dtype, **q)
        y = b.add_output(p + "y", tuple(shape[i] for i in perm), dtype, **q)
        b.add_operator("TRANSPOSE", [x, b.add_constant(p + "perm", np.array(perm, np.int32))], [y])
    return add


@st.composite
def mirror_pad_cases(draw: st.DrawFn) -> Case:
    """As test_mirror_pad.py: ranks 1..4, paddings up to the widest each mode allows."""
    shape = tuple(draw(st.lists(st.integers(1, 5), min_size=1, max_size=4)))
    mode = draw(st.sampled_from([0, 1]))
    dtype = draw(st.sampled_from(["float32", "int8"]))
    pad_dtype = draw(st.sampled_from(["int32", "int64"]))
    at_invoke = draw(st.booleans())
    widest = [d - 1 if mode == 0 else d for d in shape]
    pads = np.array([[draw(st.integers(0, m)), draw(st.integers(0, m))] for m in widest], pad_dtype)
    q = draw(quant_params(dtype))
    out = tuple(d + lo + hi for d, (lo, hi) in zip(shape, pads.tolist()))

    def add(b: ModelBuilder, p: str) -> None:
        x = b.add_input(p + "x", shape, dtype, **q)
        pt = b.add_constant(p + "paddings", pads)
        if at_invoke:
            now = b.add_tensor(p + "paddings_now", pads.shape, pad_dtype)
            b.add_operator("RESHAPE", [pt], [now])
            pt = now
        b.add_operator("MIRROR_PAD", [x, pt], [b.add_output(p + "y", out, dtype, **q)], mode=mode)
    return add


@st.composite
def concatenation_cases(draw: st.DrawFn) -> Case:
    """As test_concatenation.py: 1..10 inputs of ranks 1..6, any axis, int16 inputs with other scales."""
    shapes, axis = draw(concat_case())
    dtype = draw(st.sampled_from(CONCAT_DTYPES))
    out_q: dict = {}
    if dtype == "int8":
        out_q = {"scale": draw(scales()), "zero_point": draw(zero_points("int8"))}
    elif dtype == "int16":
        out_q = {"scale": draw(scales()), "zero_point": 0}
    in_qs = [dict(out_q, scale=draw(scales())) if dtype == "int16" else out_q for _ in shapes]
    consts = [draw(st.booleans()) and i > 0 for i in range(len(shapes))]
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    out = list(shapes[0])
    out[axis] = sum(s[axis] for s in shapes)

    def add(b: ModelBuilder, p: str) -> None:
        ins = []
        for i, (shape, q) in enumerate(zip(shapes, in_qs)):
            if consts[i]:
                v = (rng.integers(0, 2, size=shape).astype(bool) if dtype == "bool" else
                     rng.uniform(-4, 4, size=shape).astype(np.float32) if dtype == "float32" else
                     rng.integers(np.iinfo(dtype).min, np.iinfo(dtype).max, size=shape, endpoint=True).astype(dtype))
                ins.append(b.add_constant(f"{p}c{i}", v, **q))
            else:
                ins.append(b.add_input(f"{p}x{i}", shape, dtype, **q))
        b.add_operator("CONCATENATION", ins, [b.add_output(p + "y", tuple(out), dtype, **out_q)], axis=axis)
    return add


@st.composite
def resize_cases(draw: st.DrawFn) -> Case:
    """As test_resize_nearest_neighbor.py / test_resize_bilinear.py draw them."""
    op = draw(st.sampled_from(["RESIZE_NEAREST_NEIGHBOR", "RESIZE_BILINEAR"]))
    n, h, w, c = (draw(st.integers(1, 2)), draw(st.integers(1, 9)), draw(st.integers(1, 9)), draw(st.integers(1, 3)))
    new_h, new_w = draw(st.integers(1, 13)), draw(st.integers(1, 13))
    if op == "RESIZE_BILINEAR":
        mode = draw(st.sampled_from(["none", "align", "half"]))
        options = {"align_corners": mode == "align", "half_pixel_centers": mode == "half"}
        dtype = draw(st.sampled_from(["float32", "int8"]))
    else:
        options = {"align_corners": draw(st.booleans()), "half_pixel_centers": draw(st.booleans())}
        dtype = draw(st.sampled_from(["float32", "int8", "int16"]))
    q = draw(quant_params(dtype))

    def add(b: ModelBuilder, p: str) -> None:
        x = b.add_input(p + "x", (n, h, w, c), dtype, **q)
        size = b.add_constant(p + "size", np.array([new_h, new_w], np.int32))
        b.add_operator(op, [x, size], [b.add_output(p + "y", (n, new_h, new_w, c), dtype, **q)], **options)
    return add


@SETTINGS
@given(batches(concatenation_cases()))
def test_concatenation(cases: list[Case]) -> None:
    run_cases(cases)


@SETTINGS
@given(batches(resize_cases()))
def test_resize(cases: list[Case]) -> None:
    run_cases(cases)


@SETTINGS
@given(batches(mirror_pad_cases()))
def test_mirror_pad(cases: list[Case]) -> None:
    run_cases(cases)


@SETTINGS
@given(batches(strided_slice_cases()))
def test_strided_slice(cases: list[Case]) -> None:
    run_cases(cases)


@SETTINGS
@given(batches(pad_cases()))
def test_pad_and_padv2(cases: list[Case]) -> None:
    run_cases(cases)


@SETTINGS
@given(batches(transpose_cases()))
def test_transpose(cases: list[Case]) -> None:
    run_cases(cases)


def _one(op: str, in_shape: tuple[int, ...], out_shape: tuple[int, ...], dtype: str,
         consts: list[np.ndarray], *, const_as_input: bool = False, **options: object) -> bytes:
    b = ModelBuilder()
    x = b.add_input("x", in_shape, dtype)
    ins = [x]
    for k, c in enumerate(consts):
        ins.append(b.add_input(f"c{k}", c.shape, c.dtype) if const_as_input else b.add_constant(f"c{k}", c))
    y = b.add_output("y", out_shape, dtype)
    b.add_operator(op, ins, [y], **options)
    return b.build()


I32 = np.int32
REFUSED = {
    "strided_slice rank 5": _one("STRIDED_SLICE", (1, 1, 1, 1, 2), (1, 1, 1, 1, 2), "float32",
                                 [np.zeros(5, I32), np.array([1, 1, 1, 1, 2], I32), np.ones(5, I32)]),
    "strided_slice stride 0": _one("STRIDED_SLICE", (4,), (4,), "float32",
                                   [np.zeros(1, I32), np.array([4], I32), np.zeros(1, I32)]),
    "strided_slice wrong output": _one("STRIDED_SLICE", (4,), (3,), "float32",
                                       [np.zeros(1, I32), np.array([4], I32), np.ones(1, I32)]),
    "strided_slice begin not constant": _one("STRIDED_SLICE", (4,), (4,), "float32",
                                             [np.zeros(1, I32), np.array([4], I32), np.ones(1, I32)],
                                             const_as_input=True),
    "strided_slice uint8": _one("STRIDED_SLICE", (4,), (4,), "uint8",
                                [np.zeros(1, I32), np.array([4], I32), np.ones(1, I32)]),
    "pad negative": _one("PAD", (4,), (3,), "float32", [np.array([[-1, 0]], I32)]),
    "pad wrong output": _one("PAD", (4,), (5,), "float32", [np.array([[1, 1]], I32)]),
    "pad int64 paddings": _one("PAD", (4,), (6,), "float32", [np.array([[1, 1]], np.int64)]),
    "pad rank 6": _one("PAD", (1,) * 6, (1,) * 6, "float32", [np.zeros((6, 2), I32)]),
    "pad bool": _one("PAD", (4,), (6,), "bool", [np.array([[1, 1]], I32)]),
    "mirror_pad reflect wider than the input": _one("MIRROR_PAD", (3,), (6,), "float32",
                                                    [np.array([[3, 0]], I32)], mode=0),
    "mirror_pad wrong output": _one("MIRROR_PAD", (3,), (5,), "float32", [np.array([[1, 0]], I32)], mode=1),
    "mirror_pad int16": _one("MIRROR_PAD", (3,), (4,), "int16", [np.array([[1, 0]], I32)], mode=1),
    "mirror_pad float paddings": _one("MIRROR_PAD", (3,), (4,), "float32", [np.array([[1, 0]], np.float32)]),
    "concatenation sizes do not add up": _one("CONCATENATION", (2,), (4,), "int8", [], axis=0),
    "concatenation axis out of range": _one("CONCATENATION", (2,), (2,), "float32", [], axis=1),
    "concatenation relu": _one("CONCATENATION", (2,), (2,), "float32", [], axis=0,
                               fused_activation_function="RELU"),
    "resize_bilinear int16": _one("RESIZE_BILINEAR", (1, 2, 2, 1), (1, 4, 4, 1), "int16",
                                  [np.array([4, 4], I32)]),
    "resize_bilinear both modes": _one("RESIZE_BILINEAR", (1, 2, 2, 1), (1, 4, 4, 1), "float32",
                                       [np.array([4, 4], I32)], align_corners=True, half_pixel_centers=True),
    "resize_nearest_neighbor wrong output": _one("RESIZE_NEAREST_NEIGHBOR", (1, 2, 2, 1), (1, 4, 3, 1), "float32",
                                                 [np.array([4, 4], I32)]),
    "resize_nearest_neighbor size not constant": _one("RESIZE_NEAREST_NEIGHBOR", (1, 2, 2, 1), (1, 4, 4, 1),
                                                      "float32", [np.array([4, 4], I32)], const_as_input=True),
    "transpose int32": _one("TRANSPOSE", (2, 3), (3, 2), "int32", [np.array([1, 0], I32)]),
    "transpose not a permutation": _one("TRANSPOSE", (2, 3), (2, 2), "float32", [np.array([0, 0], I32)]),
    "transpose wrong output": _one("TRANSPOSE", (2, 3), (2, 3), "float32", [np.array([1, 0], I32)]),
    "transpose perm not constant": _one("TRANSPOSE", (2, 3), (3, 2), "float32", [np.array([1, 0], I32)],
                                        const_as_input=True),
}


def _concat_rescaling() -> bytes:
    b = ModelBuilder()
    x0 = b.add_input("x0", (2,), "int8", scale=0.5, zero_point=0)
    x1 = b.add_input("x1", (2,), "int8", scale=0.25, zero_point=0)
    b.add_operator("CONCATENATION", [x0, x1], [b.add_output("y", (4,), "int8", scale=0.5, zero_point=0)], axis=0)
    return b.build()


REFUSED["concatenation int8 rescaling"] = _concat_rescaling()


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refusals(name: str) -> None:
    assert_both_refuse(REFUSED[name])
