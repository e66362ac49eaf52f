"""The C port's output-over-input overlap on integers: ``memory/overlap.py``'s distance
against a brute-force replay of the sliding-window kernels' access order, and the
planner's rule (``planner.overlap_extent``) on hand-made and drawn lifetime sets.

The replay is the argument's premise written out: output pixels in row-major order,
each writing its channels after (or while) reading its window's taps inside the image,
later pixels reading only their own windows. Its smallest safe distance is
``max over pixels q of (q + 1) * Py - min over q' >= q of the lowest byte q' reads``;
the formula must never be below it. Whether the C kernels really follow that order
is checked by running them over overlapping buffers (tests/firmware/test_fw_overlap.py).
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from microinterp.kernels.padding import compute_out_size, compute_padding_height_width
from microinterp.memory.overlap import window_overlap
from microinterp.memory.planner import BufferRequest, check_plan, overlap_extent, plan_greedy

R = BufferRequest


def replayed_distance(batches: int, in_h: int, in_w: int, in_px: int, out_h: int, out_w: int, out_px: int,
                      stride: tuple[int, int], dilation: tuple[int, int], pad: tuple[int, int],
                      filt: tuple[int, int]) -> int:
    """The smallest distance at which no write of pixel q reaches a byte a pixel >= q reads."""
    lowest = []
    for b in range(batches):
        for oy in range(out_h):
            for ox in range(out_w):
                reads = [((b * in_h + iy) * in_w + ix) * in_px
                         for fy in range(filt[0]) for fx in range(filt[1])
                         for iy in [oy * stride[0] - pad[0] + fy * dilation[0]]
                         for ix in [ox * stride[1] - pad[1] + fx * dilation[1]]
                         if 0 <= iy < in_h and 0 <= ix < in_w]
                lowest.append(min(reads) if reads else None)
    need, suffix = 0, None
    for q in range(len(lowest) - 1, -1, -1):
        if lowest[q] is not None:
            suffix = lowest[q] if suffix is None else min(suffix, lowest[q])
        if suffix is not None:
            need = max(need, (q + 1) * out_px - suffix)
    return need


@settings(max_examples=400, deadline=None)
@given(st.integers(1, 2), st.integers(1, 9), st.integers(1, 9), st.integers(1, 4), st.integers(1, 4),
       st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.sampled_from([0, 1]),
       st.sampled_from([1, 2, 3, 4, 8, 16]), st.sampled_from([1, 2, 4, 8, 16, 32]))
def test_distance_is_never_below_the_replayed_one(batches: int, h: int, w: int, kh: int, kw: int, sh: int, sw: int,
                                                  dh: int, dw: int, padding: int, in_px: int, out_px: int) -> None:
    oh, ow = compute_out_size(padding, h, kh, sh, dh), compute_out_size(padding, w, kw, sw, dw)
    if not oh or not ow:
        return
    pad, _, _ = compute_padding_height_width(sh, sw, dh, dw, h, w, kh, kw, padding)
    d = window_overlap(batches, h, w, in_px, oh, ow, out_px, sh, sw, pad.height, pad.width)
    assert d is not None
    need = replayed_distance(batches, h, w, in_px, oh, ow, out_px, (sh, sw), (dh, dw), (pad.height, pad.width),
                             (kh, kw))
    assert d >= need
    if dh == dw == 1 and padding == 0 and batches == 1:
        assert d == need  # tight when every pixel reads its first tap (no dilation gaps)


def test_distance_of_resnet8s_first_stage() -> None:
    """3x3 stride 1 SAME over 32x32x16 int8: one input row and two pixels; 1x1 stride 2
    16 -> 32 channels: one output pixel; 3x3 stride 2 SAME 16 -> 32: one output pixel."""
    assert window_overlap(1, 32, 32, 16, 32, 32, 16, 1, 1, 1, 1) == 32 * 16 + 2 * 16
    assert window_overlap(1, 32, 32, 16, 16, 16, 32, 2, 2, 0, 0) == 32
    assert window_overlap(1, 32, 32, 16, 16, 16, 32, 2, 2, 0, 0) == replayed_distance(
        1, 32, 32, 16, 16, 16, 32, (2, 2), (1, 1), (0, 0), (1, 1))


def test_distance_refuses_what_the_argument_does_not_cover() -> None:
    assert window_overlap(1, 4, 4, 4, 4, 4, 4, 0, 1, 0, 0) is None  # no stride
    assert window_overlap(1, 4, 4, 4, 4, 4, 4, 1, 1, -1, 0) is None  # negative padding
    assert window_overlap(0, 4, 4, 4, 4, 4, 4, 1, 1, 0, 0) is None  # empty


def test_an_output_may_start_its_distance_before_its_dying_input() -> None:
    # the output (1) is placed first (larger); its input (0) dies when it is created
    reqs = [R(1024, 0, 1), R(2048, 1, 2, overlaps=0, distance=96)]
    plan = plan_greedy(reqs)
    assert plan.offsets == (96, 0) and plan.size == 2048
    check_plan(reqs, plan)
    assert overlap_extent(reqs, 1, 0) == 96 and overlap_extent(reqs, 0, 1) == 1024


def test_no_overlap_unless_the_input_dies_where_the_output_is_created() -> None:
    reqs = [R(1024, 0, 2), R(2048, 1, 2, overlaps=0, distance=96)]  # the input lives on
    assert plan_greedy(reqs).offsets == (2048, 0)
    assert overlap_extent(reqs, 1, 0) == 2048


def test_an_output_never_starts_inside_its_input() -> None:
    # the input (0, larger) is placed first at 0: the output cannot start before it
    reqs = [R(4096, 0, 1), R(1024, 1, 2, overlaps=0, distance=16)]
    assert plan_greedy(reqs).offsets == (0, 4096)


def test_in_place_chain() -> None:
    """conv (distance 544) then an in-place ADD: ResNet-8's block on three buffers' worth
    of lifetimes fits in two buffers and the distance."""
    s = 16384
    # block input (read again by the ADD), conv1's output, conv2's over it, the ADD's over that
    reqs = [R(s, 1, 4), R(s, 2, 3), R(s, 3, 4, overlaps=1, distance=544), R(s, 4, 5, overlaps=2, distance=0)]
    plan = plan_greedy(reqs)
    check_plan(reqs, plan)
    assert plan.size == 2 * s + 544


def test_rescan_after_a_move() -> None:
    """An input skipped while the candidate was below it conflicts again once the
    candidate moves past another buffer: the scan starts over (the plan stays valid)."""
    reqs = [R(64, 0, 1), R(512, 1, 2, overlaps=0, distance=32), R(48, 0, 2), R(400, 1, 1)]
    plan = plan_greedy(reqs)
    check_plan(reqs, plan)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([16, 32, 48, 64, 96, 256]), st.integers(0, 6), st.integers(0, 3),
                          st.integers(-1, 12), st.integers(0, 16)), min_size=1, max_size=14))
def test_overlapping_plans_are_valid(spec: list[tuple[int, int, int, int, int]]) -> None:
    n = len(spec)
    reqs = [R(size, first, first + extra, -1, source if source < n else -1, min(16 * steps, size - 16))
            for size, first, extra, source, steps in spec]
    check_plan(reqs, plan_greedy(reqs))
