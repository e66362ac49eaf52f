"""Cortex-M firmware targets: run the interpreter firmware in QEMU and report flash,
RAM and instructions per inference.

* :func:`run_runner` runs the runner (built by ``build.py``) over a file of input
  vectors in a temporary directory (semihosting files), so one emulator run
  checks many vectors;
* :class:`CortexMFirmwareTarget` is a core (``cores.py``) as ``fw.targets`` sees
  it, so ``microinterp firmware check MODEL --target cortex-m4f`` works like
  ``host``; ``FIRMWARE_TARGETS`` holds the three.

Instructions per inference are counted by a QEMU TCG plugin between two marker
functions around each invoke. These are instructions, not cycles: QEMU is not
cycle-accurate. Flash and RAM: see ``footprint.py``.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path

from .build import build_library, link_runner, map_path
from .cores import CORES, CortexMTarget
from .emulator import Emulator, Outcome, RunResult
from .footprint import FLASH_PARTS, Footprint, flash_split, footprint
from .runner import RunnerOutput
from .runner import parse as parse_runner
from .toolchain import toolchain_missing

#: Symbol of the runner's static arena (firmware/runner/mi_runner.c).
RUNNER_ARENA_SYMBOL = "arena"


@dataclass
class RunnerRun:
    """One emulator run of the runner firmware over a file of input vectors."""

    target: CortexMTarget
    elf: Path
    result: RunResult
    #: ``mi: key=value`` console lines of the runner (last value wins).
    info: dict[str, str]
    footprint: Footprint

    @property
    def ok(self) -> bool:
        return self.result.ok

    @property
    def instructions(self) -> list[int]:
        """Instructions per inference, one per vector."""
        return self.result.regions

    @property
    def arena_used(self) -> int | None:
        v = self.info.get("arena_used_bytes")
        return int(v) if v is not None else None

    @property
    def ram(self) -> int | None:
        """RAM a deployment needs: .data + .bss with the runner's oversized static
        arena replaced by the bytes really used, + fault stack + measured peak stack."""
        fp = self.footprint
        if fp.stack_used is None or fp.arena is None or self.arena_used is None:
            return None
        return fp.data + fp.bss - fp.arena + self.arena_used + fp.fault_stack + fp.stack_used


def parse_runner_console(console: str) -> dict[str, str]:
    """``mi: key=value`` lines -> dict (an ``mi: error ...`` line lands under ``error``)."""
    info: dict[str, str] = {}
    for line in console.splitlines():
        if not line.startswith("mi: "):
            continue
        body = line[4:].strip()
        if body.startswith("error "):
            info["error"] = body[6:]
        elif "=" in body and " " not in body.split("=", 1)[0]:
            key, value = body.split("=", 1)
            info[key] = value
    return info


def run_runner(target: CortexMTarget, elf: Path, inputs: Path, outputs: Path, *, timeout: float,
               dump: Path | None = None, arena_bytes: int | None = None, count: bool = True,
               emulator: Emulator | None = None) -> RunnerRun:
    """Run the runner firmware on a file of input vectors in a temporary directory
    (semihosting sees the host file system there), then move the outputs (and the
    per-op dump) to the paths asked for."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix=f"mi-{target.name}-") as tmp:
        run_dir = Path(tmp)
        shutil.copyfile(inputs, run_dir / "in.bin")
        args = ["--inputs", "in.bin", "--outputs", "out.bin"]
        if dump is not None:
            args += ["--dump", "dump.bin"]
        if arena_bytes:
            args += ["--arena", str(arena_bytes)]
        result = target.run(elf, args, cwd=run_dir, timeout=timeout, count=count, emulator=emulator)
        if (run_dir / "out.bin").exists():
            shutil.move(run_dir / "out.bin", outputs)
        if dump is not None and (run_dir / "dump.bin").exists():
            shutil.move(run_dir / "dump.bin", dump)
    info = parse_runner_console(result.console)
    if result.ok is False and "error" in info and result.outcome.value == "firmware-error":
        result.message += f": {info['error']}"
    fp = footprint(elf, arena_symbol=RUNNER_ARENA_SYMBOL, stack_used=result.stack_used)
    return RunnerRun(target, elf, result, info, fp)


@dataclass
class CortexMRunnerOutput(RunnerOutput):
    """The runner's parsed console (as on the host) plus what only an emulated
    Cortex-M run knows: how the emulator run ended, instructions per inference,
    and the image's footprint."""

    emulator: RunResult | None = None
    instructions: list[int] = field(default_factory=list)
    footprint: dict[str, int | None] = field(default_factory=dict)

    def describe(self) -> str:
        """The emulator's verdict (HardFault, lockup, timeout ...) with the console
        tail and command; for a runner error exit, the runner's own explanation."""
        if self.emulator is None or self.emulator.outcome is Outcome.OK:
            return super().describe()
        if self.emulator.outcome is Outcome.FIRMWARE_ERROR:
            return super().describe() + f"\n(emulated on {self.emulator.emulator})"
        return self.emulator.describe()

    def report_lines(self) -> list[str]:
        """Lines for a check report: instructions per inference, flash and RAM."""
        fp = self.footprint
        lines = []
        if self.instructions:
            ins = sorted(self.instructions)
            lines.append(f"instructions per inference: median {ins[len(ins) // 2]:,} (min {ins[0]:,}, "
                         f"max {ins[-1]:,}; QEMU TCG plugin, instructions not cycles)")
        if fp:
            lines.append(f"flash: {fp.get('flash'):,} B code+constants (+ model {fp.get('model'):,} B); "
                         f"RAM: {_fmt_bytes(fp.get('ram'))} (.data+.bss with the arena cut to "
                         f"{_fmt_bytes(fp.get('arena_used'))} used, + peak stack {_fmt_bytes(fp.get('stack_used'))})")
        if fp.get("flash_framework") is not None:
            lines.append("flash by part: " + ", ".join(f"{k.replace('_', ' ')} {_fmt_bytes(fp.get('flash_' + k))}"
                                                       for k in FLASH_PARTS))
        return lines

    def structured(self) -> dict[str, dict[str, int | None] | None]:
        """The ``instructions`` / ``flash`` / ``ram`` numbers of ``firmware check
        --json``: instructions per inference {median, min, max}; flash {total,
        framework, kernels, runtime_library, port, padding} in bytes (code +
        rodata + .data initial values, the model excluded; ``port`` is the test
        runner and startup, ``padding`` alignment fill); ram {arena (used),
        static (.data + .bss besides the arena), stack_peak (measured), total (the
        three + the fault-handler stack)}."""
        fp = self.footprint
        ins = sorted(self.instructions)
        flash = None
        if fp.get("flash") is not None:
            flash = {"total": fp["flash"], **{k: fp.get(f"flash_{k}") for k in FLASH_PARTS}}
        return {
            "instructions": {"median": ins[len(ins) // 2], "min": ins[0], "max": ins[-1]} if ins else None,
            "flash": flash,
            "ram": {"arena": fp.get("arena_used"), "static": fp.get("ram_static"), "stack_peak": fp.get("stack_used"),
                    "total": fp.get("ram")},
        }


def _fmt_bytes(v: int | None) -> str:
    return "?" if v is None else f"{v:,} B"


class CortexMFirmwareTarget:
    """A Cortex-M target as ``fw.targets`` sees it: ``build`` compiles the port once,
    ``run`` links the model into flash (cached per model) and runs the runner in
    the emulator over the inputs file."""

    abi = "ilp32"

    def __init__(self, cm: CortexMTarget, emulator: Emulator | None = None, *, name: str | None = None,
                 extra_cflags: Sequence[str] = ()) -> None:
        self.cm = cm
        self.name = name or cm.name
        self.description = cm.description + (f" [{' '.join(extra_cflags)}]" if extra_cflags else "")
        self.emulator = emulator
        self.extra_cflags = tuple(extra_cflags)

    @property
    def dsp(self) -> bool:
        """The core has the DSP extension (``__ARM_FEATURE_DSP``): the kernels take
        their DSP fast paths, whose scratch ``memory.firmware_arena`` predicts."""
        return "-mcpu=cortex-m4" in self.cm.cpu_flags or "-mcpu=cortex-m7" in self.cm.cpu_flags

    def unavailable(self) -> str | None:
        from .sources import missing

        return toolchain_missing() or missing()

    def build_dir(self, workdir: Path | None = None) -> Path:
        from . import targets as tg

        return ((Path(workdir) if workdir is not None else tg.BUILD_DIR) / self.name).resolve()

    def build(self, workdir: Path | None = None) -> Path:
        """Compile core and kernels; returns the build directory (the runner image
        itself needs a model, so ``run`` links it, once per model)."""
        out = self.build_dir(workdir)
        return build_library(self.cm, out.parent, extra_cflags=self.extra_cflags, dirname=out.name)

    def run(self, binary: Path, model: Path, inputs: Path, outputs: Path, *, timeout: float,
            dump: Path | None = None, arena: int | None = None) -> CortexMRunnerOutput:
        build_dir = Path(binary) if Path(binary).is_dir() else Path(binary).parent
        elf = link_runner(self.cm, build_dir, model, extra_cflags=self.extra_cflags)
        r = run_runner(self.cm, elf, inputs, outputs, timeout=timeout, dump=dump, arena_bytes=arena,
                       emulator=self.emulator)
        res = r.result
        parsed = parse_runner(res.returncode, res.console, res.stderr, timed_out=res.outcome is Outcome.TIMEOUT,
                              seconds=res.seconds, command=res.command)
        out = CortexMRunnerOutput(**{f.name: getattr(parsed, f.name) for f in fields(RunnerOutput)})
        out.emulator = res
        out.instructions = list(res.regions)
        if out.invoke_cycles and not any(out.invoke_cycles):
            # DWT->CYCCNT reads 0 under QEMU (and ARMv6-M has none): zeros are not
            # a measurement, so report none; the instruction counts stand in.
            out.invoke_cycles = []
        fp = r.footprint
        out.footprint = {"flash": fp.flash, "model": fp.model, "ram": r.ram, "ram_linked": fp.ram_reserved,
                         "arena_static": fp.arena, "arena_used": r.arena_used, "stack_used": fp.stack_used,
                         "stack_reserved": fp.stack_reserved,
                         "ram_static": fp.data + fp.bss - (fp.arena or 0)}
        if map_path(elf).exists():
            out.footprint.update({f"flash_{k}": v for k, v in flash_split(map_path(elf)).items()})
        return out



FIRMWARE_TARGETS: dict[str, CortexMFirmwareTarget] = {n: CortexMFirmwareTarget(t) for n, t in CORES.items()}
