"""mi_planner.c against memory/planner.py plan_greedy on the same lifetime sets.

The C planner decides every tensor's offset in the firmware and memory.firmware_arena
predicts the firmware arena from planner.py, so the two must agree offset by
offset: on random lifetime sets (ties in size included, offline-pinned
buffers included) and on the request lists of the real models.
"""

from __future__ import annotations

import numpy as np
import pytest
from fw_helpers import assert_clean, build_dir, requires_host_cc, run_binary
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import model_path

from microinterp import Interpreter, load_model
from microinterp.fw import targets as tg
from microinterp.memory import firmware_arena
from microinterp.memory.overlap import with_overlap
from microinterp.memory.planner import ONLINE, BufferRequest, check_plan, plan_greedy
from microinterp.model import Model

pytestmark = requires_host_cc


def c_plans(cases: list[list[BufferRequest]]) -> list[tuple[int, list[int]]]:
    """Plan every case with the C planner in one process."""
    text = []
    for reqs in cases:
        text.append(f"case {len(reqs)}")
        text += [f"{r.size} {r.first_use} {r.last_use} {r.offline_offset} {r.overlaps} {r.distance}" for r in reqs]
    proc = run_binary("test_planner", [], stdin="\n".join(text) + "\n")
    assert_clean(proc)
    out = []
    for line in proc.stdout.splitlines():
        assert line.startswith("plan "), line
        nums = [int(v) for v in line.split()[1:]]
        out.append((nums[0], nums[1:]))
    assert len(out) == len(cases)
    return out


def assert_same(cases: list[list[BufferRequest]]) -> None:
    for reqs, (size, offsets) in zip(cases, c_plans(cases)):
        want = plan_greedy(reqs)
        assert offsets == list(want.offsets), (reqs, offsets, want.offsets)
        assert size == want.size


def random_case(rng: np.random.Generator, n: int, times: int, offline_share: float = 0.0) -> list[BufferRequest]:
    reqs = []
    for _ in range(n):
        first = int(rng.integers(-1, times))
        last = first if first < 0 else int(rng.integers(first, times))
        size = int(rng.choice([16, 32, 48, 64, 128, 1024, 4096]) if rng.random() < 0.6 else rng.integers(1, 5000) * 16)
        offline = int(rng.integers(0, 64)) * 16 if rng.random() < offline_share else ONLINE
        reqs.append(BufferRequest(size, first, last, offline))
    return reqs


def test_random_lifetime_sets() -> None:
    rng = np.random.default_rng(7)
    cases = [[]] + [random_case(rng, int(rng.integers(1, 60)), int(rng.integers(1, 30))) for _ in range(300)]
    assert_same(cases)


def test_random_sets_with_offline_buffers() -> None:
    rng = np.random.default_rng(8)
    assert_same([random_case(rng, int(rng.integers(1, 40)), int(rng.integers(1, 20)), 0.4) for _ in range(200)])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([16, 32, 48, 64, 96]), st.integers(0, 6), st.integers(0, 4)),
                min_size=1, max_size=25))
def test_size_ties_and_touching_lifetimes(spec: list[tuple[int, int, int]]) -> None:
    """Few distinct sizes and short lifetimes: many ties (the later buffer goes
    first) and buffers that meet in time exactly at one step."""
    assert_same([[BufferRequest(size, first, first + extra) for size, first, extra in spec]])


def _model(rel: str, overlap: bool) -> Model:
    model = load_model(str(model_path(rel)))
    return load_model(with_overlap(model)) if overlap else model


@pytest.mark.parametrize("overlap", [False, True])
@pytest.mark.parametrize("rel", ["mlperf-tiny/kws_ref_model.tflite", "mlperf-tiny/vww_96_int8.tflite",
                                 "mlperf-tiny/pretrainedResnet_quant.tflite", "tflite-micro/person_detect.tflite"])
def test_real_model_requests(rel: str, overlap: bool) -> None:
    requests, _owners, _pinned = firmware_arena.head_requests(_model(rel, overlap))
    assert any(r.overlaps >= 0 for r in requests) == overlap
    assert_same([requests])


@pytest.mark.parametrize("overlap", [False, True])
@pytest.mark.parametrize("rel", ["mlperf-tiny/kws_ref_model.tflite", "mlperf-tiny/vww_96_int8.tflite",
                                 "mlperf-tiny/pretrainedResnet_quant.tflite", "tflite-micro/person_detect.tflite",
                                 "tflite-micro/micro_speech_quantized.tflite"])
def test_firmware_places_every_tensor_where_python_does(rel: str, overlap: bool, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The running firmware's tensor offsets (runner --plan) are memory.firmware_arena's: the
    Python interpreter's plan, or with outputs over dying inputs when the model opts in."""
    path = tmp_path / "m.tflite"
    model = load_model(str(model_path(rel)))
    path.write_bytes(with_overlap(model) if overlap else model.raw)
    (tmp_path / "empty.bin").write_bytes(b"")
    t = tg.get_target("host-asan")
    out = t.execute([str(build_dir("host-asan") / "mi_runner"), "--model", str(path), "--inputs",
                     str(tmp_path / "empty.bin"), "--outputs", str(tmp_path / "out.bin"), "--plan"], timeout=60)
    assert out.ok, out.describe()
    model = load_model(str(path))
    assert out.tensor_offsets == firmware_arena.tensor_offsets(model, "host-asan")
    if not overlap:
        it = Interpreter(model)
        assert out.tensor_offsets == {int(o.split(":")[1]): off for o, off in zip(it.memory.owners,
                                      it.memory.plan.offsets) if o.startswith("tensor:")}


def test_overlap_changes_only_the_firmware_layout() -> None:
    """The Python interpreter keeps TFLM's plan (disjoint buffers); only the C port's
    plan lets an output run on over the input that dies at its op."""
    model = _model("mlperf-tiny/pretrainedResnet_quant.tflite", overlap=True)
    it = Interpreter(model)
    python = {int(o.split(":")[1]): off for o, off in zip(it.memory.owners, it.memory.plan.offsets)
              if o.startswith("tensor:")}
    requests, _owners, _ = firmware_arena.head_requests(model)
    assert any(r.overlaps >= 0 for r in requests)
    assert all(r.overlaps < 0 for r in it.memory.requests)
    check_plan(it.memory.requests, it.memory.plan)
    assert firmware_arena.tensor_offsets(model, "host") != python


def overlap_case(rng: np.random.Generator, n: int, times: int) -> list[BufferRequest]:
    """A random lifetime set in which some buffers may overlap another: mostly a buffer
    that dies where they are created (the planner honours those), sometimes not."""
    reqs = random_case(rng, n, times)
    out = []
    for k, r in enumerate(reqs):
        if rng.random() < 0.5 and r.first_use >= 0:
            dying = [j for j, o in enumerate(reqs) if j != k and (o.last_use == r.first_use or rng.random() < 0.1)]
            if dying:
                r = BufferRequest(r.size, r.first_use, r.last_use, r.offline_offset, int(rng.choice(dying)),
                                  int(rng.integers(0, max(r.size // 16, 1))) * 16)
        out.append(r)
    return out


def test_random_sets_with_overlapping_outputs() -> None:
    rng = np.random.default_rng(9)
    cases = [overlap_case(rng, int(rng.integers(1, 50)), int(rng.integers(1, 12))) for _ in range(300)]
    assert_same(cases)
    for reqs in cases:
        check_plan(reqs, plan_greedy(reqs))


def test_overlap_with_offline_buffers() -> None:
    rng = np.random.default_rng(10)
    cases = []
    for _ in range(100):
        reqs = overlap_case(rng, int(rng.integers(1, 30)), int(rng.integers(1, 10)))
        cases.append([BufferRequest(r.size, r.first_use, r.last_use, int(rng.integers(0, 32)) * 16, r.overlaps,
                                    r.distance) if rng.random() < 0.3 else r for r in reqs])
    assert_same(cases)
