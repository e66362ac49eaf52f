"""The three Cortex-M cores microinterp's C port targets, one per ABI that matters on
microcontrollers, each with its compiler flags, linker script and emulated board:

=================  =========================================  ==================
core               compiler flags                             emulated machine
=================  =========================================  ==================
``cortex-m0plus``  ``-mcpu=cortex-m0plus -mthumb``            microbit, 4 MB/1 MB
``cortex-m4``      ``-mcpu=cortex-m4 -mfloat-abi=soft``       mps2-an386
``cortex-m4f``     ``-mfloat-abi=hard -mfpu=fpv4-sp-d16``     mps2-an386
=================  =========================================  ==================

Why these machines: ``microbit`` is a real ARMv6-M core, so it traps v7
instructions and unaligned word loads as M0+ silicon does (running M0 code on an
M4 machine would hide those bugs); ``mps2-an386`` is a Cortex-M4F.

:class:`CortexMTarget` compiles and links sources outside ``firmware/Makefile``
(the port's selftest) and runs an ELF in the emulator (``emulator.py``) with the
instruction-counting plugin.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .emulator import (
    FIRMWARE_DIR,
    MICROBIT_BIG,
    MPS2_AN386,
    CountRegion,
    Emulator,
    Machine,
    RunResult,
    select_emulator,
)
from .footprint import symbols
from .toolchain import CROSS_PREFIX, ToolchainError, run_tool

PORT_DIR = FIRMWARE_DIR / "ports" / "cortex_m"

#: Port sources every Cortex-M firmware links (the model file is added at link time).
PORT_SOURCES = ("cm_vectors.S", "cm_startup.c", "cm_semihost.c")
MODEL_SOURCE = "cm_model.S"

#: Reserved main stack (bytes); the measured peak is reported separately.
DEFAULT_STACK_SIZE = 32 * 1024


@dataclass(frozen=True)
class CortexMTarget:
    """One core + ABI + emulated board."""

    name: str
    cpu_flags: tuple[str, ...]
    machine: Machine
    linker_script: str
    description: str

    @property
    def dsp(self) -> bool:
        """The core has the DSP extension (__ARM_FEATURE_DSP: the kernels' MI_SIMD_DSP paths)."""
        return any(f in self.cpu_flags for f in ("-mcpu=cortex-m4", "-mcpu=cortex-m7"))

    # ---- building ----------------------------------------------------------

    def cflags(self, opt: str = "-O2") -> list[str]:
        """Flags for sources built outside firmware/Makefile (the selftest), with the
        same warnings the Makefile treats as errors."""
        return [*self.cpu_flags, opt, "-g", "-std=c99", "-pedantic", "-Wall", "-Wextra", "-Werror", "-Wshadow",
                "-Wstrict-prototypes", "-Wmissing-prototypes", "-Wundef", "-ffunction-sections", "-fdata-sections",
                "-fno-common"]

    def ldflags(self, stack_size: int) -> list[str]:
        return [*self.cpu_flags, "-nostartfiles", "--specs=nano.specs", f"-L{PORT_DIR}", "-T", self.linker_script,
                "-Wl,--gc-sections", f"-Wl,--defsym=__cm_stack_size={stack_size}"]

    def compile(self, sources: Iterable[Path], objdir: Path, *, include_dirs: Sequence[Path] = (),
                defines: Sequence[str] = (), opt: str = "-O2", extra_cflags: Sequence[str] = ()) -> list[Path]:
        """Compile C and assembler sources to objects in ``objdir`` (in parallel).

        Object names keep the parent directory's name to stay unique
        (``kernels/mi_add.c`` and ``ports/x/mi_add.c`` must not collide)."""
        objdir.mkdir(parents=True, exist_ok=True)
        incs = [f"-I{d}" for d in (PORT_DIR, *include_dirs)]
        defs = [f"-D{d}" for d in defines]
        jobs = []
        for src in sources:
            src = Path(src)
            obj = objdir / f"{src.parent.name}__{src.stem}.o"
            jobs.append((src, obj, [CROSS_PREFIX + "gcc", *self.cflags(opt), *extra_cflags, *incs, *defs,
                                    "-c", str(src), "-o", str(obj)]))
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            for (src, _obj, cmd), proc in zip(jobs, pool.map(lambda j: run_tool(j[2]), jobs)):
                if proc.returncode != 0:
                    raise ToolchainError(f"{self.name}: compiling {src} failed:\n{' '.join(cmd)}\n{proc.stderr}")
        return [obj for _src, obj, _cmd in jobs]

    def link(self, objects: Sequence[Path], out: Path, *, model: Path | None = None,
             stack_size: int = DEFAULT_STACK_SIZE, extra_ldflags: Sequence[str] = ()) -> Path:
        """Link objects (plus the model, when given, into the ``.model`` flash section)."""
        out.parent.mkdir(parents=True, exist_ok=True)
        model_obj = out.with_suffix(".model.o")
        model_def = []
        if model is not None:
            model = Path(model).resolve()
            if '"' in str(model) or "\\" in str(model):
                raise ValueError(f"model path {model} cannot be passed to the assembler")
            model_def = [f'-DCM_MODEL_PATH="{model}"']
        cmd = [CROSS_PREFIX + "gcc", *self.cpu_flags, *model_def, "-c", str(PORT_DIR / MODEL_SOURCE),
               "-o", str(model_obj)]
        proc = run_tool(cmd)
        if proc.returncode != 0:
            raise ToolchainError(f"{self.name}: assembling the model failed:\n{' '.join(cmd)}\n{proc.stderr}")
        cmd = [CROSS_PREFIX + "gcc", *self.ldflags(stack_size),
               *extra_ldflags, "-o", str(out), *map(str, objects), str(model_obj), "-lm", "-lc", "-lgcc"]
        proc = run_tool(cmd)
        if proc.returncode != 0:
            raise ToolchainError(f"{self.name}: linking {out.name} failed:\n{' '.join(cmd)}\n{proc.stderr}")
        return out

    def port_objects(self, objdir: Path, *, include_dirs: Sequence[Path] = (), defines: Sequence[str] = (),
                     opt: str = "-O2") -> list[Path]:
        """The startup, vector table and semihosting objects."""
        return self.compile([PORT_DIR / s for s in PORT_SOURCES], objdir, include_dirs=include_dirs,
                            defines=defines, opt=opt)

    # ---- running ------------------------------------------------------------

    def run(self, elf: Path, args: Sequence[str], *, cwd: Path, timeout: float, count: bool = True,
            emulator: Emulator | None = None) -> RunResult:
        """Run an ELF with semihosting arguments in ``cwd``; count instructions between
        ``cm_mark_start`` and ``cm_mark_stop`` when ``count``."""
        emu = emulator or select_emulator()
        region = None
        if count:
            syms = symbols(elf)
            if "cm_mark_start" in syms and "cm_mark_stop" in syms:
                region = CountRegion(syms["cm_mark_start"].address, syms["cm_mark_stop"].address)
        return emu.run(elf, self.machine, args, cwd=cwd, timeout=timeout, count=region)


CORTEX_M0PLUS = CortexMTarget(
    name="cortex-m0plus",
    cpu_flags=("-mcpu=cortex-m0plus", "-mthumb", "-mfloat-abi=soft"),
    machine=MICROBIT_BIG,
    linker_script="cm_microbit_big.ld",
    description="Cortex-M0+ (ARMv6-M, soft-float) on QEMU microbit with 4 MB flash / 1 MB RAM",
)
CORTEX_M4 = CortexMTarget(
    name="cortex-m4",
    cpu_flags=("-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=soft"),
    machine=MPS2_AN386,
    linker_script="cm_mps2_an386.ld",
    description="Cortex-M4 (ARMv7E-M, soft-float ABI) on QEMU mps2-an386",
)
CORTEX_M4F = CortexMTarget(
    name="cortex-m4f",
    cpu_flags=("-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"),
    machine=MPS2_AN386,
    linker_script="cm_mps2_an386.ld",
    description="Cortex-M4F (ARMv7E-M, hard-float fpv4-sp-d16) on QEMU mps2-an386",
)

CORES: dict[str, CortexMTarget] = {t.name: t for t in (CORTEX_M0PLUS, CORTEX_M4, CORTEX_M4F)}
