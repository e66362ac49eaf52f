"""The planners on hand-made and drawn lifetime sets, and on the shared models
against TFLM's own head usage (what ``print_allocations`` reports as head)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import requires_tflm
from test_sizing import tflm_allocations, tflm_models

from microinterp import OpResolver
from microinterp.memory.planner import (
    BUFFER_ALIGNMENT,
    PLANNERS,
    AliasHint,
    BufferRequest,
    Plan,
    check_plan,
    lower_bound,
    plan_best,
    plan_greedy,
    plan_linear,
    tensor_lifetimes,
    valid_hints,
)
from microinterp.memory.tflm_arena import plan_model
from microinterp.model import load_model

R = BufferRequest


def _all(requests: list[BufferRequest], hints: list[AliasHint] | None = None) -> dict[str, Plan]:
    return {name: planner(requests, hints) for name, planner in PLANNERS.items()}


# --------------------------------------------------------------------------- hand-made sets


def test_empty() -> None:
    for plan in _all([]).values():
        assert plan.offsets == () and plan.size == 0
    assert lower_bound([]) == 0


def test_single_tensor() -> None:
    for name, plan in _all([R(48, 0, 3)]).items():
        assert plan.offsets == (0,) and plan.size == 48, name


def test_zero_size_buffers_take_no_room() -> None:
    reqs = [R(0, 0, 5), R(32, 0, 5), R(0, 2, 2), R(16, 1, 4)]
    for name, plan in _all(reqs).items():
        check_plan(reqs, plan)
        if name != "linear":
            assert plan.size == 48, name
    assert lower_bound(reqs) == 48


def test_all_overlapping_stack_up() -> None:
    reqs = [R(16 * (i + 1), 0, 4) for i in range(5)]
    for name, plan in _all(reqs).items():
        check_plan(reqs, plan)
        assert plan.size == sum(r.size for r in reqs), name
    assert lower_bound(reqs) == 240


def test_none_overlapping_share_offset_zero() -> None:
    reqs = [R(16 * (i + 1), i, i) for i in range(5)]
    for name in ("greedy", "best"):
        plan = PLANNERS[name](reqs)
        assert plan.offsets == (0,) * 5 and plan.size == 80, name
    assert lower_bound(reqs) == 80


def test_greedy_follows_tflm_tie_break() -> None:
    """Equal sizes: TFLM places the later-added buffer first (it fills its sort
    array from the tail and bubble-sorts stably)."""
    reqs = [R(32, 0, 1), R(32, 0, 1)]
    assert plan_greedy(reqs).offsets == (32, 0)


def test_greedy_first_fit_gap() -> None:
    # 64 (t0-4) at 0; 32 (t0-1) at 64; 32 (t3-4) fits beside the 64 at 64;
    # 16 (t2) finds the first gap after the 64-byte buffer
    reqs = [R(64, 0, 4), R(32, 0, 1), R(32, 3, 4), R(16, 2, 2)]
    plan = plan_greedy(reqs)
    assert plan.offsets == (0, 64, 64, 64) and plan.size == 96


def test_best_beats_greedy_where_first_fit_fragments() -> None:
    """A known bad case for size-ordered first fit."""
    reqs = [R(32, 0, 1), R(32, 2, 3), R(16, 1, 2), R(16, 0, 0), R(16, 3, 3)]
    greedy, best = plan_greedy(reqs), plan_best(reqs)
    check_plan(reqs, best)
    assert best.size <= greedy.size
    assert best.size == lower_bound(reqs)


def test_lifetimes_follow_tflm() -> None:
    # graph input 0 -> op0 -> 1 -> op1 -> 2 (output); 3 is an unused output of op0
    lt = tensor_lifetimes(5, [0], [[0], [1]], [[1, 3], [2]], [2])
    assert lt == [(0, 1), (1, 2), (2, 2), (1, 1), (-1, -1)]


def test_alias_hint_rules() -> None:
    # buffer 1 is created at 2, where buffer 0 dies: legal; 2 starts at 3, where 1 dies
    reqs = [R(64, 0, 2), R(64, 2, 3), R(64, 3, 5), R(64, 1, 4)]
    kept = valid_hints(reqs, [AliasHint(1, 0), AliasHint(2, 1), AliasHint(3, 0)])
    assert kept == [AliasHint(1, 0), AliasHint(2, 1)]  # 3 starts before 0 dies
    plan = plan_best(reqs, kept)
    check_plan(reqs, plan)
    assert plan.size == 128 and plan.offsets[0] == plan.offsets[1] == plan.offsets[2]
    assert lower_bound(reqs, kept) == 128 < lower_bound(reqs)
    # two outputs over one input, or a chain through a buffer born and dead at once: refused
    assert valid_hints(reqs, [AliasHint(1, 0), AliasHint(1, 0)]) == [AliasHint(1, 0)]
    flash = [R(16, 0, 2), R(16, 2, 2), R(16, 2, 4)]
    assert valid_hints(flash, [AliasHint(1, 0), AliasHint(2, 1)]) == [AliasHint(1, 0)]


def test_offline_offsets_are_kept() -> None:
    reqs = [R(64, 0, 3, offline_offset=32), R(32, 0, 1), R(32, 2, 3)]
    for name in ("greedy", "best"):
        plan = PLANNERS[name](reqs)
        check_plan(reqs, plan)
        assert plan.offsets[0] == 32
        assert plan.offsets[1] == plan.offsets[2] == 0  # the gap below the fixed buffer


# --------------------------------------------------------------------------- drawn sets


@st.composite
def lifetime_sets(draw: st.DrawFn) -> list[BufferRequest]:
    n = draw(st.integers(0, 24))
    horizon = draw(st.integers(0, 12))
    reqs = []
    for _ in range(n):
        a = draw(st.integers(0, horizon))
        b = draw(st.integers(a, horizon))
        size = BUFFER_ALIGNMENT * draw(st.integers(0, 64))
        reqs.append(R(size, a, b))
    return reqs


@settings(max_examples=300, deadline=None)
@given(lifetime_sets())
def test_plans_are_valid_aligned_and_bounded(reqs: list[BufferRequest]) -> None:
    lb = lower_bound(reqs)
    greedy = plan_greedy(reqs)
    for plan in (greedy, plan_best(reqs), plan_linear(reqs)):
        check_plan(reqs, plan)
        assert all(o % BUFFER_ALIGNMENT == 0 for o in plan.offsets)
        assert plan.size >= lb
    assert plan_best(reqs).size <= greedy.size


@settings(max_examples=200, deadline=None)
@given(lifetime_sets(), st.lists(st.tuples(st.integers(0, 23), st.integers(0, 23)), max_size=10))
def test_aliasing_plans_are_valid(reqs: list[BufferRequest], pairs: list[tuple[int, int]]) -> None:
    hints = [AliasHint(a, b) for a, b in pairs]
    kept = valid_hints(reqs, hints)
    for h in kept:
        assert reqs[h.shares_with].last_use == reqs[h.buffer].first_use
    plan = plan_best(reqs, hints)
    check_plan(reqs, plan)  # only the declared alias pairs may share bytes
    assert set(plan.aliases) <= {(h.buffer, h.shares_with) for h in kept}
    assert plan.size >= lower_bound(reqs, kept)
    assert plan.size <= plan_greedy(reqs).size


# --------------------------------------------------------------------------- real models vs TFLM


def _resolvable(rel: str) -> None:
    model = load_model(str(tflm_models()[rel]))
    missing = sorted({op.name for op in model.main.operators if op.name not in OpResolver.builtins()})
    if missing:
        pytest.skip(f"microinterp has no kernel for {', '.join(missing)}")


@requires_tflm
@pytest.mark.parametrize("rel", sorted(tflm_models()) or ["(no models)"])
def test_greedy_plan_equals_tflm_head(rel: str) -> None:
    """microinterp's greedy plan (tensors + TFLM's scratch requests, from the
    parsed model) and the Interpreter's own plan are TFLM's head, byte for byte."""
    if rel == "(no models)":
        pytest.skip("shared models not found")
    _resolvable(rel)
    model = load_model(str(tflm_models()[rel]))
    tflm = tflm_allocations()[rel]
    pin, greedy = plan_model(model, "greedy", aliasing=False)
    assert greedy.size == tflm["head"]
    from microinterp import Interpreter

    assert Interpreter(model).memory.plan.size == tflm["head"]
    best = plan_model(model, "best", aliasing=False)[1]
    check_plan(pin.requests, best)
    assert lower_bound(pin.requests) <= best.size <= greedy.size
