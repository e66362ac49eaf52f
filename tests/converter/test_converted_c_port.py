"""The C port on the converter's recurrent models: the WHILE loops of a Keras LSTM, GRU and SimpleRNN
(``make_models.py``) run on the host under ASan/UBSan, every output byte equal to the
Python interpreter's (itself bit-exact with TFLM: test_converted_models.py) and the arena
equal to ``memory/firmware_arena.py``'s prediction (``firmware check``).

The dilated CNNs are left out here on purpose: their stale BATCH_TO_SPACE_ND leaves 3 of
4 output pixels holding whatever each arena held, and the C port's arena layout is not
the Python interpreter's (nor TFLM's), so their outputs legitimately differ; the chain's
written pixels are compared C against Python in tests/firmware/test_fw_control_flow.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "firmware"))
from fw_helpers import requires_host_cc  # noqa: E402

from microinterp import Interpreter  # noqa: E402
from microinterp.fw import check as fwcheck  # noqa: E402


@requires_host_cc
@pytest.mark.parametrize("name", ["lstm_float.tflite", "gru_float.tflite", "simple_rnn_float.tflite"])
def test_recurrent_c_matches_python(converted, name: str) -> None:  # type: ignore[no-untyped-def]
    path = converted.path(name)
    shape = Interpreter.from_bytes(converted.bytes(name)).get_input_details(0)["shape"]
    rng = np.random.default_rng(2)
    inputs = [[rng.standard_normal(shape).astype(np.float32)] for _ in range(3)]
    report = fwcheck.check(path, "host-asan", inputs=inputs, layers=True, timeout=300)
    assert report.ok, "\n".join(report.lines())
