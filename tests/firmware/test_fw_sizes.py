"""memory.firmware_arena's C struct layouts against the compiled C port.

memory.firmware_arena predicts the firmware arena from field lists of the C structs; these
tests read the real ``sizeof`` values: on the host from the runner's
``--sizes`` report, and for 32-bit Cortex-M from the object files
arm-none-eabi-gcc produces (each registration's ``op_data_size`` sits at byte
4 of its read-only section, and ``mi_struct_sizes`` lists the runtime
structures), so a layout change that memory.firmware_arena does not follow fails here.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import tempfile
from pathlib import Path

import pytest
from fw_helpers import build_dir, requires_host_cc

from microinterp.fw import runner as rp
from microinterp.fw import targets as tg
from microinterp.fw.kernel_select import kernel_stem
from microinterp.memory import firmware_arena

STRUCT_ORDER = ["mi_tensor_t", "mi_node_t", "mi_scratch_t", "mi_plan_buffer_t", "mi_graph_t"]
REPORT_KEYS = ["sizeof_tensor", "sizeof_node", "sizeof_scratch", "sizeof_plan_buffer", "sizeof_graph"]
STEMS = {op: kernel_stem(op) for op in firmware_arena.c_kernels()}


@requires_host_cc
def test_host_sizes_match_firmware_arena() -> None:
    t = tg.get_target("host")
    out = t.execute([str(build_dir("host") / "mi_runner"), "--sizes"], timeout=30)
    assert out.ok, out.describe()
    want = firmware_arena.struct_sizes("host")
    assert out.values["sizeof_pointer"] == 8
    for key, name in zip(REPORT_KEYS, STRUCT_ORDER):
        assert out.values[key] == want[name], name
    # the runner names a custom op's registration by its custom code
    names = {op: op.split(":", 1)[1] if op.startswith("CUSTOM:") else op for op in firmware_arena.c_kernels()}
    assert out.op_data_sizes == {names[op]: want[f"op_data:{op}"] for op in firmware_arena.c_kernels()}
    assert set(out.op_data_sizes) == set(names.values())


def test_layout_calculator() -> None:
    """C's alignment rules on hand-checked layouts."""
    assert firmware_arena.sizeof("pwbbh", firmware_arena.HOST64) == 16 and firmware_arena.sizeof("pwbbh", firmware_arena.ILP32) == 12
    assert firmware_arena.sizeof("b", firmware_arena.HOST64) == 1 and firmware_arena.sizeof("wb", firmware_arena.HOST64) == 8
    assert firmware_arena.sizeof("bw", firmware_arena.ILP32) == 8 and firmware_arena.sizeof("pb", firmware_arena.HOST64) == 16
    assert firmware_arena.sizeof("", firmware_arena.HOST64) == 0
    assert firmware_arena.abi_of("cortex-m0plus") is firmware_arena.ILP32 and firmware_arena.abi_of("host-asan") is firmware_arena.HOST64
    with pytest.raises(ValueError):
        firmware_arena.abi_of("z80")


CROSS = "arm-none-eabi-"


@pytest.mark.skipif(shutil.which(CROSS + "gcc") is None or shutil.which(CROSS + "objcopy") is None,
                    reason="arm-none-eabi-gcc/objcopy not installed (apt-get install gcc-arm-none-eabi)")
@pytest.mark.parametrize("target", ["cortex-m0plus", "cortex-m4f"])
def test_cortex_m_sizes_match_firmware_arena(target: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / target
        tg.make([f"TARGET={target}", f"BUILD={out}", "lib"], lock=Path(tmp) / "lock")
        objs = out / "obj" / "src"
        want = firmware_arena.struct_sizes(target)

        def section(obj: Path, name: str) -> bytes:
            dst = Path(tmp) / "section.bin"
            subprocess.run([CROSS + "objcopy", "-O", "binary", f"--only-section={name}", str(obj), str(dst)],
                           check=True, capture_output=True)
            return dst.read_bytes()

        sizes = struct.unpack("<5I", section(objs / "mi_interpreter.o", ".rodata.mi_struct_sizes"))
        assert dict(zip(STRUCT_ORDER, sizes)) == {n: want[n] for n in STRUCT_ORDER}
        for op, stem in STEMS.items():
            reg = section(objs / "kernels" / f"mi_{stem}.o", f".rodata.mi_registration_{stem}")
            builtin_code, op_data_size = struct.unpack_from("<iI", reg, 0)
            assert op_data_size == want[f"op_data:{op}"], op


def test_status_names_mirror_the_c_enum() -> None:
    header = (tg.FIRMWARE_DIR / "include" / "mi" / "mi_status.h").read_text()
    body = header[header.index("typedef enum mi_status {"):header.index("} mi_status_t;")]
    names = [line.split()[0].rstrip(",").split("=")[0] for line in body.splitlines()[1:]
             if line.strip().startswith("MI_") and "MI_STATUS_COUNT" not in line]
    assert tuple(names) == rp.STATUS_NAMES
