"""The C port's public API contract (firmware/tests/test_api.c): argument and
call-order checks, exact input/output sizes, the arena sized to exactly the
reported bytes (and 16 fewer failing), misaligned arena starts. Under
ASan/UBSan, on several models."""

from __future__ import annotations

import pytest
from fw_helpers import assert_clean, requires_host_cc, run_binary
from oracle import model_path

from microinterp.memory import firmware_arena

pytestmark = requires_host_cc


@pytest.mark.parametrize("rel", ["tflite-micro/hello_world_int8.tflite", "tflite-micro/hello_world_float.tflite",
                                 "mlperf-tiny/kws_ref_model.tflite", "tflite-micro/micro_speech_quantized.tflite"])
def test_api_contract(rel: str) -> None:
    path = model_path(rel)
    proc = run_binary("test_api", [str(path)])
    assert_clean(proc)
    assert "api failures=0" in proc.stdout, proc.stdout
    used = int(proc.stdout.split("used=")[1].split()[0])
    assert used == firmware_arena.firmware_arena_bytes(path, "host")["total_bytes"]
