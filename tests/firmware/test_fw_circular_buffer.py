"""CIRCULAR_BUFFER in C (firmware/src/kernels/mi_circular_buffer.c) against its
Python twin: the model maker of tests/kernels/test_circular_buffer.py (the buffer
followed by an ADD that runs only on the invokes the buffer lets through, so the
early end of an invoke, mi_end_invoke, is exercised), eight input vectors per model.
Every output byte and the arena must match; Python's refusals must be C statuses.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

# the kernel test imports its sibling helper modules by name
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "kernels"))
from fw_helpers import requires_host_cc  # noqa: E402
from fw_twins import SETTINGS, assert_both_refuse, run_both_on  # noqa: E402
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from kernels import test_circular_buffer as cb  # noqa: E402
from strategies import seeds  # noqa: E402

pytestmark = requires_host_cc


@SETTINGS
@given(batch=st.integers(1, 2), slots=st.sampled_from([1, 2, 3, 5, 7, 13]), h=st.integers(1, 3),
       w=st.integers(1, 5), cycles_max=st.sampled_from([None, 0, -1, 1, 2, 3]), seed=seeds)
def test_circular_buffer(batch, slots, h, w, cycles_max, seed) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    model = cb.build(batch, slots, h, w, cycles_max)
    run_both_on(model, [[rng.integers(-128, 127, (batch, 1, h, w), endpoint=True).astype(np.int8)]
                        for _ in range(8)])


def test_circular_buffer_refusals() -> None:
    for kwargs in cb.REFUSALS:
        assert_both_refuse(cb.build(**kwargs))
