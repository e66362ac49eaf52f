"""Is the predicted host64 TFLM arena of a built model the wheel's true minimum?

Allocation only (``AllocateTensors`` inside ``Interpreter.from_bytes``): Init and
Prepare allocate every persistent buffer and scratch request, while an invoke would
read the arena's uninitialised inputs. Each probe runs in its own process, since
TFLM can crash on too small an arena.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from microinterp.memory.tflm_arena import tflm_arena
from microinterp.model import load_model

_ALLOCATES = """
import sys
from tflite_micro.python.tflite_micro import runtime
try:
    runtime.Interpreter.from_bytes(open(sys.argv[1], "rb").read(), arena_size=int(sys.argv[2]))
except Exception:
    sys.exit(3)
"""


def tflm_allocates(path: Path, arena_size: int) -> bool:
    run = subprocess.run([sys.executable, "-c", _ALLOCATES, str(path), str(arena_size)], capture_output=True,
                         timeout=120)
    return run.returncode == 0


def assert_predicted_arena_is_minimum(model: bytes, tmp_path: Path) -> int:
    """The wheel allocates ``model`` in the predicted arena and fails with one byte less."""
    path = tmp_path / "model.tflite"
    path.write_bytes(model)
    size = tflm_arena(load_model(str(path)), "host64").arena_bytes
    assert tflm_allocates(path, size), f"TFLM does not allocate in the predicted {size} bytes"
    assert not tflm_allocates(path, size - 1), f"TFLM allocates in {size - 1} bytes, less than predicted"
    return size
