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
* ``lower_bound`` is the largest sum of live bytes at any time: no planner
  can do better.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

#: TFLM's ``MicroArenaBufferAlignment()``: every planned buffer is padded to it.
BUFFER_ALIGNMENT = 16

ONLINE = -1  # TFLM's kOnlinePlannedBuffer


def align_up(n: int, alignment: int = BUFFER_ALIGNMENT) -> int:
    return (n + alignment - 1) // alignment * alignment


@dataclass(frozen=True)
class BufferRequest:
    """One buffer to place: ``size`` bytes live from ``first_use`` to ``last_use`` inclusive."""

    size: int
    first_use: int
    last_use: int
    offline_offset: int = ONLINE

    def overlaps_in_time(self, other: BufferRequest) -> bool:
        return not (self.first_use > other.last_use or other.first_use > self.last_use)


@dataclass(frozen=True)
class Plan:
    offsets: tuple[int, ...]
    size: int  # bytes from offset 0 to the end of the highest buffer
    planner: str


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


def plan_greedy(requests: Sequence[BufferRequest]) -> Plan:
    """TFLM's GreedyMemoryPlanner: largest first, first fit among live buffers."""
    n = len(requests)
    if n == 0:
        return Plan((), 0, "greedy")
    offline = [i for i in range(n) if requests[i].offline_offset != ONLINE]
    online = [i for i in range(n) if requests[i].offline_offset == ONLINE]
    # TFLM fills online buffers from the tail of its array (so in reverse order),
    # then bubble-sorts them by size descending; the bubble sort is stable.
    online.reverse()
    online.sort(key=lambda i: -requests[i].size)
    order = offline + online

    offsets = [0] * n
    placed: list[int] = []  # buffer ids sorted by offset (stable for equal offsets)
    for b in order:
        req = requests[b]
        if req.offline_offset != ONLINE:
            candidate = req.offline_offset
        else:
            candidate = 0
            for p in placed:
                other = requests[p]
                if not req.overlaps_in_time(other):
                    continue
                if offsets[p] - candidate >= req.size:
                    break  # the gap before this live buffer is big enough
                candidate = max(candidate, offsets[p] + other.size)
        offsets[b] = candidate
        # insert after every entry with offset <= candidate (TFLM's list insert)
        pos = len(placed)
        for j, p in enumerate(placed):
            if offsets[p] > candidate:
                pos = j
                break
        placed.insert(pos, b)
    size = max((offsets[i] + requests[i].size for i in range(n)), default=0)
    return Plan(tuple(offsets), size, "greedy")


def plan_linear(requests: Sequence[BufferRequest]) -> Plan:
    """Every buffer gets its own bytes, in request order (no reuse)."""
    offsets = []
    end = 0
    for req in requests:
        offsets.append(end)
        end += req.size
    return Plan(tuple(offsets), end, "linear")


def lower_bound(requests: Sequence[BufferRequest]) -> int:
    """Largest total size of buffers live at the same time."""
    times = {t for r in requests for t in (r.first_use, r.last_use)}
    best = 0
    for t in times:
        live = sum(r.size for r in requests if r.first_use <= t <= r.last_use)
        best = max(best, live)
    return best


def check_plan(requests: Sequence[BufferRequest], plan: Plan) -> None:
    """Raise AssertionError if two buffers live at the same time share bytes."""
    for i, a in enumerate(requests):
        for j in range(i + 1, len(requests)):
            b = requests[j]
            if a.size == 0 or b.size == 0 or not a.overlaps_in_time(b):
                continue
            oa, ob = plan.offsets[i], plan.offsets[j]
            if oa < ob + b.size and ob < oa + a.size:
                raise AssertionError(f"buffers {i} and {j} overlap in time and in memory")


PLANNERS: dict[str, Callable[[Sequence[BufferRequest]], Plan]] = {
    "greedy": plan_greedy,
    "linear": plan_linear,
}
