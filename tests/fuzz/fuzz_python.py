"""Coverage-guided fuzzer (atheris) over ``Interpreter.from_bytes`` + ``invoke``.

Run it through ``scripts/fuzz.sh python [--time S] [--runs N]``, which installs
atheris, writes the seed corpus (``seeds.py``: builder models, the built-in
example, the shared real models read at run time) and passes libFuzzer flags
through. The property is ``harness.run_one``: any exception that is not a
``MicrointerpError`` is a finding, saved by libFuzzer as ``crash-<sha1>`` in
the artifact directory; turn each into a case in ``test_fuzz_regressions.py``.

Only microinterp, the ``tflite`` schema package and ``flatbuffers`` are
instrumented for coverage (numpy is not: its coverage would drown the signal
and slow every case down).
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent))

with atheris.instrument_imports(include=["microinterp", "tflite", "flatbuffers", "harness"]):
    import harness

# numpy's RuntimeWarnings (overflow in a float kernel fed NaN bytes, ...) are
# expected values, not findings; keep them off the fuzzer's output.
warnings.simplefilter("ignore", RuntimeWarning)


def test_one_input(data: bytes) -> None:
    harness.run_one(bytes(data))


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
