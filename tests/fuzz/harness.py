"""The property both fuzzers check, as one plain function the tests can call.

``run_one(data)`` loads ``data`` as a model with ``Interpreter.from_bytes``,
fills every input from the bytes themselves (so the values are as arbitrary
as the model, NaNs and extremes included), invokes, resets and invokes again.
Any outcome is fine except an exception that is not a ``MicrointerpError``:
a malformed model must be refused with a clear error when it is loaded or
allocated, never crash, hang or allocate without bound later. The fuzzer
(``fuzz_python.py``) turns such an exception into a finding; the regression
tests (``test_fuzz_regressions.py``) call this same function on each finding.
Its C twin is ``tests/fuzz/mi_fuzz_model.c`` (the libFuzzer target).
"""

from __future__ import annotations

import numpy as np

from microinterp import Interpreter
from microinterp.errors import MicrointerpError


def fill_inputs(interp: Interpreter, data: bytes) -> None:
    """Every input's bytes, taken cyclically from ``data`` (deterministic)."""
    pattern = np.frombuffer(data or b"\0", np.uint8)
    for i in range(interp.num_inputs):
        view = interp.tensor_view(interp.subgraph.inputs[i])
        raw = view.reshape(-1).view(np.uint8)
        if raw.size:
            raw[...] = np.resize(pattern, raw.size)
            if view.dtype == np.bool_:
                raw &= 1  # a bool byte other than 0/1 is not a value numpy (or TFLM) can hold


#: Models whose arena is larger are loaded and allocated but not invoked: the same 1 MiB
#: the C target gives its arena (MI_FUZZ_ARENA_BYTES), so both fuzzers run the same cases.
#: A mutated shape within the loader's bounds (a conv output of 2.9 million rows from a
#: 5x5 image) is a valid model whose invoke is merely slow; running it would report a
#: timeout, not a fault.
INVOKE_ARENA_BYTES = 1 << 20


def run_one(data: bytes) -> str:
    """Load, fill, invoke, reset, invoke. Returns what happened (for statistics);
    raises whatever non-``MicrointerpError`` exception escaped (a finding)."""
    try:
        interp = Interpreter.from_bytes(data)
    except MicrointerpError as e:
        return f"refused: {type(e).__name__}"
    if interp.arena_used_bytes() > INVOKE_ARENA_BYTES:
        return "allocated (too big to invoke here)"
    fill_inputs(interp, data)
    try:
        interp.invoke()
        interp.reset()
        interp.invoke()
    except MicrointerpError as e:
        return f"invoke refused: {type(e).__name__}"
    return "ran"
