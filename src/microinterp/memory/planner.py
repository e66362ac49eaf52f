"""Memory planning on plain integers (C twin: ``firmware/src/mi_planner.c``).

Nothing here knows about models or numpy: a plan is computed from a list of
``BufferRequest`` (size in bytes, first and last time used), so the planner
can be unit-tested on hand-made lifetime sets and mirrored line for line in C.

* ``tensor_lifetimes`` reproduces TFLM's ``AllocationInfoBuilder``: graph
  inputs live from time 0, operator ``i`` runs at time ``i + 1``, graph
  outputs live until the last operator.
* ``plan_greedy`` reproduces TFLM's ``GreedyMemoryPlanner`` exactly, including
  its ordering (offline-planned buffers first, then online ones by size,
  largest first, ties broken with the *later-added* buffer first, because TFLM
  fills its sort array from the tail) and its first-fit rule over the buffers
  already placed, in offset order.
* ``plan_linear`` gives every buffer its own bytes (TFLM's
  ``LinearMemoryPlanner``), used when all tensors must be preserved.
* ``plan_best`` tries a small portfolio of orderings and placement rules
  (TFLM's own greedy among them, so it is never larger than ``plan_greedy``)
  and keeps the smallest plan. With ``hints`` it also reuses an input's bytes
  for an output the op may legally write over it (see ``AliasHint``).
* ``lower_bound`` is the largest sum of live bytes at any time: no planner
  without aliasing can do better.

Planners share one signature, ``planner(requests, hints=None) -> Plan``, and
are registered by name in ``PLANNERS``. ``hints`` are pure integers too: which
buffer may share bytes with which, computed outside by code that knows ops.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

#: TFLM's ``MicroArenaBufferAlignment()``: every planned buffer is padded to it.
BUFFER_ALIGNMENT = 16

ONLINE = -1  # TFLM's kOnlinePlannedBuffer


def align_up(n: int, alignment: int = BUFFER_ALIGNMENT) -> int:
    """``n`` rounded up to a multiple of ``alignment``."""
    return (n + alignment - 1) // alignment * alignment


@dataclass(frozen=True)
class BufferRequest:
    """One buffer to place: ``size`` bytes live from ``first_use`` to ``last_use`` inclusive.

    ``overlaps``/``distance`` (the C port only, ``firmware_arena``; TFLM's requests
    never set them): this buffer is an operator's output that may start
    ``distance`` bytes or more before buffer ``overlaps`` (one of the operator's
    inputs) and run on over it, because its kernel writes in an order that never
    overwrites an input byte it still has to read (``overlap_extent``);
    ``0 <= distance < size`` (a larger one would keep more than the buffer clear).
    """

    size: int
    first_use: int
    last_use: int
    offline_offset: int = ONLINE
    overlaps: int = -1
    distance: int = 0

    def overlaps_in_time(self, other: BufferRequest) -> bool:
        return not (self.first_use > other.last_use or other.first_use > self.last_use)


@dataclass(frozen=True)
class Plan:
    """Where each request lives: ``offsets[i]`` for ``requests[i]``; ``size`` is
    the bytes from offset 0 to the end of the highest buffer."""

    offsets: tuple[int, ...]
    size: int
    planner: str
    aliases: tuple[tuple[int, int], ...] = ()  # (buffer, shares_bytes_with) pairs used


@dataclass(frozen=True)
class AliasHint:
    """``buffer`` may occupy the same bytes as ``shares_with``.

    Op knowledge decides it (``tflm_arena.alias_hints``): e.g. RESHAPE's output may
    be its input's bytes, and an elementwise op may write over an input that
    dies at that op. The planner only checks the integer side: the two must
    meet in time exactly once (``shares_with`` is last used when ``buffer`` is
    first created), so sharing can never clobber a value still needed.
    """

    buffer: int
    shares_with: int


class Planner(Protocol):
    def __call__(self, requests: Sequence[BufferRequest],
                 hints: Sequence[AliasHint] | None = None) -> Plan: ...


def tensor_lifetimes(
    num_tensors: int,
    graph_inputs: Sequence[int],
    op_inputs: Sequence[Sequence[int]],
    op_outputs: Sequence[Sequence[int]],
    graph_outputs: Sequence[int],
) -> list[tuple[int, int]]:
    """(first_created, last_used) per tensor, -1 where never touched (TFLM semantics)."""
    first = [-1] * num_tensors
    last = [-1] * num_tensors

    def create(t: int, time: int) -> None:
        if first[t] == -1:
            first[t] = time

    for t in graph_inputs:
        create(t, 0)
        last[t] = 0
    time = 0
    for ins, outs in zip(op_inputs, op_outputs):
        time += 1
        for t in outs:
            create(t, time)
        for t in ins:
            if t >= 0:
                last[t] = time
        for t in outs:
            last[t] = time
    for t in graph_outputs:
        create(t, time)
        last[t] = time
    return list(zip(first, last))


@dataclass(frozen=True)
class GraphShape:
    """One subgraph on integers, for ``graph_lifetimes``: its tensor count, inputs,
    each operator's inputs and outputs, its outputs, and the subgraphs each
    operator invokes (IF: then, else; WHILE: cond, body; CALL_ONCE: init)."""

    num_tensors: int
    inputs: Sequence[int]
    op_inputs: Sequence[Sequence[int]]
    op_outputs: Sequence[Sequence[int]]
    outputs: Sequence[int]
    op_calls: Sequence[Sequence[int]]


def graph_lifetimes(graphs: Sequence[GraphShape]
                    ) -> tuple[list[list[tuple[int, int]]], list[list[tuple[int, int]]]]:
    """TFLM's ``AllocationInfoBuilder::MarkAllocationLifetimes`` over every subgraph.

    Returns (per subgraph, (first_created, last_used) per tensor) and (per subgraph,
    (first, last) time per operator, the lifetime of its scratch buffers); -1 where
    never reached. The walk starts at subgraph 0 with a scope counter at 0: a
    subgraph's inputs are created at the counter when it is entered, each operator
    advances it, creates its outputs, then walks the subgraphs it calls (each one
    one step further), then uses its inputs and outputs; the subgraph's outputs live
    to its end. A subgraph called twice keeps its first creation and its last use.
    With one subgraph this is ``tensor_lifetimes``. The caller guarantees the calls
    form no cycle and nest shallowly (``model.check_subgraph_calls``).
    """
    first = [[-1] * g.num_tensors for g in graphs]
    last = [[-1] * g.num_tensors for g in graphs]
    ops = [[(-1, -1)] * len(g.op_inputs) for g in graphs]
    scope = 0

    def create(s: int, t: int, time: int) -> None:
        if first[s][t] == -1:
            first[s][t] = time

    def walk(s: int) -> None:
        nonlocal scope
        g = graphs[s]
        for t in g.inputs:
            create(s, t, scope)
            last[s][t] = scope
        for i, (ins, outs) in enumerate(zip(g.op_inputs, g.op_outputs)):
            scope += 1
            for t in outs:
                create(s, t, scope)
            start = scope
            for callee in g.op_calls[i]:
                scope += 1
                walk(callee)
            for t in ins:
                if t >= 0:
                    last[s][t] = scope
            for t in outs:
                last[s][t] = scope
            begun = ops[s][i][0]
            ops[s][i] = (start if begun == -1 else begun, scope)
        for t in g.outputs:
            create(s, t, scope)
            last[s][t] = scope

    if graphs:
        walk(0)
    return ([list(zip(f, la)) for f, la in zip(first, last)], ops)


def overlap_extent(requests: Sequence[BufferRequest], a: int, b: int) -> int:
    """The bytes of buffer ``a`` that buffer ``b`` must keep clear of, from ``a``'s start.

    All of ``a`` (its size), except when ``a`` is the output of the operator at
    which its input ``b`` dies and may overlap it (``a.overlaps == b`` and ``b``'s
    last use is ``a``'s first: they meet at that operator only): then only ``a``'s
    first ``distance`` bytes. So two live buffers are compatible when one ends, in
    this sense, before the other starts: an output placed ``distance`` or more
    bytes before its input, or wholly after it, or they are disjoint; an output
    never starts after its input's start while sharing bytes with it (its kernel
    writes forward). ``mi_planner.c`` overlap_extent is the twin.
    """
    ra = requests[a]
    if ra.overlaps == b and requests[b].last_use == ra.first_use:
        return ra.distance
    return ra.size


def plan_greedy(requests: Sequence[BufferRequest], hints: Sequence[AliasHint] | None = None) -> Plan:
    """TFLM's GreedyMemoryPlanner: largest first, first fit among live buffers.

    ``hints`` are ignored: TFLM never aliases buffers, and this planner's size
    must equal TFLM's head usage. Requests with ``overlaps`` set (the C port's,
    never TFLM's) may share bytes with their input as ``overlap_extent`` allows;
    without them the plan is TFLM's, offset for offset.
    """
    offsets = _place(requests, _tflm_order(requests), best_fit=False)
    return Plan(tuple(offsets), _extent(requests, offsets), "greedy")


def _tflm_order(requests: Sequence[BufferRequest]) -> list[int]:
    n = len(requests)
    offline = [i for i in range(n) if requests[i].offline_offset != ONLINE]
    online = [i for i in range(n) if requests[i].offline_offset == ONLINE]
    # TFLM fills online buffers from the tail of its array (so in reverse order),
    # then bubble-sorts them by size descending; the bubble sort is stable.
    online.reverse()
    online.sort(key=lambda i: -requests[i].size)
    return offline + online


def _place(requests: Sequence[BufferRequest], order: Sequence[int], *, best_fit: bool,
           alignment: int = 1) -> list[int]:
    """Place buffers one by one in ``order`` next to the live ones already placed.

    First fit (``best_fit=False``) is TFLM's rule: the lowest gap between
    simultaneously live buffers that is big enough, else the end. Best fit takes
    the smallest big-enough gap instead (ties: lowest offset), else the end.
    Offline-planned buffers keep their offset.
    """
    offsets = [0] * len(requests)
    placed: list[int] = []  # buffer ids sorted by offset (stable for equal offsets)
    for b in order:
        req = requests[b]
        if req.offline_offset != ONLINE:
            candidate = req.offline_offset
        elif not best_fit:
            candidate = _first_fit(requests, b, placed, offsets, alignment)
        else:
            candidate, best_gap, pos = None, None, 0
            for p in placed:
                other = requests[p]
                if not req.overlaps_in_time(other):
                    continue
                gap = offsets[p] - pos
                if gap >= req.size and (best_gap is None or gap < best_gap):
                    candidate, best_gap = pos, gap
                pos = max(pos, align_up(offsets[p] + other.size, alignment))
            if candidate is None:
                candidate = pos
        offsets[b] = candidate
        # insert after every entry with offset <= candidate (TFLM's list insert)
        at = len(placed)
        for j, p in enumerate(placed):
            if offsets[p] > candidate:
                at = j
                break
        placed.insert(at, b)
    return offsets


def _first_fit(requests: Sequence[BufferRequest], b: int, placed: Sequence[int], offsets: Sequence[int],
               alignment: int) -> int:
    """The lowest offset for buffer ``b`` clear of every live buffer already placed
    (``placed`` sorted by offset): TFLM's first fit.

    TFLM's scan: stop at the first live buffer that starts far enough above the
    candidate, else move the candidate past its end. With overlapping requests a
    buffer that ``b`` may overlap (``overlap_extent``) is also skipped while it
    starts at least ``b``'s shorter extent above the candidate; once the
    candidate moves past another buffer, such a skipped buffer may conflict
    again, so the scan starts over. Each move only goes to the end of a buffer
    that conflicts with every lower candidate, so the result is the lowest
    conflict-free offset, as TFLM's (no overlaps) is. ``mi_planner.c`` is the twin.
    """
    req = requests[b]
    candidate = 0
    skipped = False
    j = 0
    while j < len(placed):
        p = placed[j]
        j += 1
        if not req.overlaps_in_time(requests[p]):
            continue
        if offsets[p] - candidate >= req.size:
            break  # the gap before this live buffer is big enough
        if offsets[p] - candidate >= overlap_extent(requests, b, p):
            skipped = True  # b's output bytes may run on over its input p
            continue
        end = align_up(offsets[p] + overlap_extent(requests, p, b), alignment)
        if end > candidate:
            candidate = end
            if skipped:
                j, skipped = 0, False  # scan again from the lowest
    return candidate


def _extent(requests: Sequence[BufferRequest], offsets: Sequence[int]) -> int:
    return max((offsets[i] + requests[i].size for i in range(len(requests))), default=0)


def plan_linear(requests: Sequence[BufferRequest], hints: Sequence[AliasHint] | None = None) -> Plan:
    """Every buffer gets its own bytes, in request order (no reuse)."""
    offsets = []
    end = 0
    for req in requests:
        offsets.append(end)
        end += req.size
    return Plan(tuple(offsets), end, "linear")


# --------------------------------------------------------------------------- aliasing


def valid_hints(requests: Sequence[BufferRequest], hints: Sequence[AliasHint] | None) -> list[AliasHint]:
    """The hints that are safe on integers alone, in the order given.

    A hint is kept when both buffers are online and distinct, ``shares_with``
    is last used exactly when ``buffer`` is created, each buffer is on each
    side of at most one kept hint (two outputs written over one input would
    clobber each other), and the buffers it joins, sorted by creation, form a
    chain in which only neighbours meet, each at a single step.
    """
    n = len(requests)
    kept: list[AliasHint] = []
    used_as_buffer: set[int] = set()
    used_as_source: set[int] = set()
    group_of = list(range(n))
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    for h in hints or ():
        a, b = h.buffer, h.shares_with
        if not (0 <= a < n and 0 <= b < n) or a == b or a in used_as_buffer or b in used_as_source:
            continue
        ra, rb = requests[a], requests[b]
        if ra.offline_offset != ONLINE or rb.offline_offset != ONLINE or rb.last_use != ra.first_use:
            continue
        if ra.size == 0 or rb.size == 0:
            continue  # nothing to share
        ga, gb = group_of[a], group_of[b]
        if ga == gb:
            continue
        chain = sorted(members[ga] + members[gb], key=lambda i: (requests[i].first_use, requests[i].last_use))
        if not _is_chain([requests[i] for i in chain]):
            continue
        used_as_buffer.add(a)
        used_as_source.add(b)
        kept.append(h)
        for i in members[gb]:
            group_of[i] = ga
        members[ga] = chain
        del members[gb]
    return kept


def _is_chain(chain: Sequence[BufferRequest]) -> bool:
    for k, r in enumerate(chain):
        if k + 1 < len(chain) and r.last_use != chain[k + 1].first_use:
            return False
        for later in chain[k + 2:]:
            if r.overlaps_in_time(later):
                return False
    return True


def _merge(requests: Sequence[BufferRequest], hints: Sequence[AliasHint]
           ) -> tuple[list[BufferRequest], list[int]]:
    """Fold aliased buffers into groups: one request per group (max size,
    union of lifetimes) and the group of each original buffer."""
    parent = list(range(len(requests)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for h in hints:
        ra, rb = find(h.buffer), find(h.shares_with)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    roots = sorted({find(i) for i in range(len(requests))})
    index = {r: k for k, r in enumerate(roots)}
    group = [index[find(i)] for i in range(len(requests))]
    merged: list[BufferRequest] = []
    for r in roots:
        members = [requests[i] for i in range(len(requests)) if find(i) == r]
        merged.append(BufferRequest(
            max(m.size for m in members),
            min(m.first_use for m in members),
            max(m.last_use for m in members),
        ))
    return merged, group


# --------------------------------------------------------------------------- a better planner

#: (name, sort key, best_fit). Each ordering is a known-good heuristic for
#: offline interval packing; none dominates, so ``plan_best`` tries them all.
_PORTFOLIO: tuple[tuple[str, Callable[[BufferRequest], tuple], bool], ...] = (
    ("size", lambda r: (-r.size,), True),
    ("size-then-start", lambda r: (-r.size, r.first_use), True),
    ("area", lambda r: (-r.size * (r.last_use - r.first_use + 1), -r.size), True),
    ("area", lambda r: (-r.size * (r.last_use - r.first_use + 1), -r.size), False),
    ("duration", lambda r: (-(r.last_use - r.first_use), -r.size), True),
    ("duration", lambda r: (-(r.last_use - r.first_use), -r.size), False),
    ("start", lambda r: (r.first_use, -r.size), True),
)


def _conflict_order(requests: Sequence[BufferRequest]) -> list[int]:
    """Largest 'conflict weight' first: size times the bytes it is live with."""
    n = len(requests)
    weight = []
    for i in range(n):
        live_with = sum(requests[j].size for j in range(n) if j != i and requests[i].overlaps_in_time(requests[j]))
        weight.append((-(requests[i].size * (live_with + requests[i].size)), -requests[i].size, i))
    return [i for *_, i in sorted(weight)]


def plan_best(requests: Sequence[BufferRequest], hints: Sequence[AliasHint] | None = None) -> Plan:
    """The smallest of TFLM's greedy plan and a portfolio of other orderings
    (size, area, duration, start time, conflict weight) with first- or
    best-fit placement; then the same over buffers merged along the valid
    alias ``hints``, kept only if it is strictly smaller (aliasing constrains
    the kernels, so it must pay for itself).

    Never larger than ``plan_greedy`` on the same requests: the greedy plan
    itself is the first candidate. Offsets stay multiples of
    ``BUFFER_ALIGNMENT`` when the sizes are.
    """
    greedy = plan_greedy(requests)
    best = Plan(greedy.offsets, greedy.size, "best")
    if not requests:
        return best
    best = _portfolio(requests, [], best)
    kept = valid_hints(requests, hints)
    if kept:
        best = _portfolio(requests, kept, best)
    return best


def _portfolio(requests: Sequence[BufferRequest], kept: Sequence[AliasHint], best: Plan) -> Plan:
    merged, group = _merge(requests, kept)
    floor = lower_bound(merged)
    orders = [(_tflm_order(merged), True), (_conflict_order(merged), True), (_conflict_order(merged), False)]
    if kept:
        orders.insert(0, (_tflm_order(merged), False))
    for _, key, best_fit in _PORTFOLIO:
        orders.append((sorted(range(len(merged)), key=lambda i: (*key(merged[i]), i)), best_fit))
    for order, best_fit in orders:
        if best.size <= floor:
            break
        # offline buffers always go first, as in TFLM
        order = [i for i in order if merged[i].offline_offset != ONLINE] + [
            i for i in order if merged[i].offline_offset == ONLINE]
        placed = _place(merged, order, best_fit=best_fit, alignment=BUFFER_ALIGNMENT)
        size = _extent(merged, placed)
        if size < best.size:
            offsets = tuple(placed[group[i]] for i in range(len(requests)))
            best = Plan(offsets, size, "best", tuple((h.buffer, h.shares_with) for h in kept))
    return best


# --------------------------------------------------------------------------- bounds and checks


def lower_bound(requests: Sequence[BufferRequest], hints: Sequence[AliasHint] | None = None) -> int:
    """Largest total size of buffers live at the same time: no plan of these
    buffers is smaller. With alias ``hints``, the smaller of that and the same
    bound over the buffers merged along the valid hints (a plan may take the
    hints or leave them, as ``plan_best`` does)."""
    if hints:
        kept = valid_hints(requests, hints)
        if kept:
            return min(lower_bound(requests), lower_bound(_merge(requests, kept)[0]))
    times = {t for r in requests for t in (r.first_use, r.last_use)}
    best = 0
    for t in times:
        live = sum(r.size for r in requests if r.first_use <= t <= r.last_use)
        best = max(best, live)
    return best


def check_plan(requests: Sequence[BufferRequest], plan: Plan) -> None:
    """Raise AssertionError if two buffers live at the same time share bytes
    (except the alias pairs the plan declares, and an output over its input as
    ``overlap_extent`` allows), or if the size is wrong."""
    allowed = {frozenset(p) for p in plan.aliases}
    if len(plan.offsets) != len(requests):
        raise AssertionError(f"plan has {len(plan.offsets)} offsets for {len(requests)} requests")
    for i, a in enumerate(requests):
        if a.offline_offset != ONLINE and plan.offsets[i] != a.offline_offset:
            raise AssertionError(f"buffer {i} moved from its offline offset {a.offline_offset}")
        for j in range(i + 1, len(requests)):
            b = requests[j]
            if a.size == 0 or b.size == 0 or not a.overlaps_in_time(b):
                continue
            oa, ob = plan.offsets[i], plan.offsets[j]
            if (oa + overlap_extent(requests, i, j) > ob and ob + overlap_extent(requests, j, i) > oa
                    and frozenset((i, j)) not in allowed):
                raise AssertionError(f"buffers {i} and {j} overlap in time and in memory")
    if plan.size != _extent(requests, plan.offsets):
        raise AssertionError(f"plan size {plan.size} is not the extent {_extent(requests, plan.offsets)}")


PLANNERS: dict[str, Planner] = {
    "greedy": plan_greedy,
    "best": plan_best,
    "linear": plan_linear,
}
