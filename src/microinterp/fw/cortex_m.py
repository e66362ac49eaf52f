"""Cortex-M targets: build the C port with arm-none-eabi-gcc, run it in QEMU, and
report flash, RAM and instructions per inference.

Three targets, one per ABI that matters on microcontrollers:

=================  =========================================  ==================
target             compiler flags                             emulated machine
=================  =========================================  ==================
``cortex-m0plus``  ``-mcpu=cortex-m0plus -mthumb``            microbit, 4 MB/1 MB
``cortex-m4``      ``-mcpu=cortex-m4 -mfloat-abi=soft``       mps2-an386
``cortex-m4f``     ``-mfloat-abi=hard -mfpu=fpv4-sp-d16``     mps2-an386
=================  =========================================  ==================

Why these machines: ``microbit`` is a real ARMv6-M core, so it traps v7
instructions and unaligned word loads as M0+ silicon does (running M0 code on an
M4 machine would hide those bugs); ``mps2-an386`` is a Cortex-M4F.

How it is put together:

* :class:`CortexMTarget` holds a core's flags, machine and linker script, and runs an
  ELF in the emulator (``emulator.py``) with the counting plugin;
* the interpreter firmware is built by ``firmware/Makefile`` (the one home of the
  compiler flags): :func:`build_library` compiles the core once per target, and
  :func:`link_runner` links ``runner/mi_runner.c`` with the model in flash
  (``cm_model.S`` ``.incbin``) in a fraction of a second;
* :func:`run_runner` runs it over a file of input vectors in a temporary
  directory (semihosting files), so one emulator run checks many vectors;
* :func:`register_targets` puts the three targets in ``fw.targets``, so
  ``microinterp firmware check MODEL --target cortex-m4f`` works like ``host``;
* :func:`build_selftest` builds ``ports/cortex_m/selftest``, the port without the
  interpreter, for the tests of startup, semihosting, counting and faults.

Footprint (from ``arm-none-eabi-size -A`` and ``nm``):

* **flash** = vectors + ``.text`` + ``.rodata`` + unwind tables + ``.data``
  initial values, *without* the model (reported apart as ``model``);
* **RAM** = ``.data`` + ``.bss`` with the runner's oversized static arena cut to
  the bytes the firmware reports it used, + the 512 B fault-handler stack + the
  *measured* peak of the main stack (painted at reset, scanned at exit); the
  reserved sizes are reported too;
* **instructions per inference**: counted by a QEMU TCG plugin between two marker
  functions around each invoke. These are instructions, not cycles: QEMU is not
  cycle-accurate.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, fields
from pathlib import Path

from .emulator import (
    FIRMWARE_DIR,
    MICROBIT_BIG,
    MPS2_AN386,
    CountRegion,
    Emulator,
    Machine,
    Outcome,
    RunResult,
    select_emulator,
)
from .runner import RunnerOutput
from .runner import parse as parse_runner

PORT_DIR = FIRMWARE_DIR / "ports" / "cortex_m"

#: Port sources every Cortex-M firmware links (the model file is added at link time).
PORT_SOURCES = ("cm_vectors.S", "cm_startup.c", "cm_semihost.c")
MODEL_SOURCE = "cm_model.S"

#: Reserved main stack (bytes); the measured peak is reported separately.
DEFAULT_STACK_SIZE = 32 * 1024

CROSS_PREFIX = os.environ.get("MICROINTERP_CROSS_PREFIX", "arm-none-eabi-")


class ToolchainError(RuntimeError):
    """A compiler, linker or binutils step failed; the message holds the command and its output."""


def toolchain_missing() -> str | None:
    """Why the Cortex-M targets cannot run here, or None when they can."""
    missing = [t for t in (CROSS_PREFIX + "gcc", CROSS_PREFIX + "size", CROSS_PREFIX + "nm", "make",
                           "qemu-system-arm") if shutil.which(t) is None]
    if missing:
        return ("not installed: " + ", ".join(missing)
                + " (apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm)")
    return None


@dataclass(frozen=True)
class CortexMTarget:
    """One core + ABI + emulated board."""

    name: str
    cpu_flags: tuple[str, ...]
    machine: Machine
    linker_script: str
    description: str

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
            for (src, _obj, cmd), proc in zip(jobs, pool.map(lambda j: _run(j[2]), jobs)):
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
        proc = _run(cmd)
        if proc.returncode != 0:
            raise ToolchainError(f"{self.name}: assembling the model failed:\n{' '.join(cmd)}\n{proc.stderr}")
        cmd = [CROSS_PREFIX + "gcc", *self.ldflags(stack_size),
               *extra_ldflags, "-o", str(out), *map(str, objects), str(model_obj), "-lm", "-lc", "-lgcc"]
        proc = _run(cmd)
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

TARGETS: dict[str, CortexMTarget] = {t.name: t for t in (CORTEX_M0PLUS, CORTEX_M4, CORTEX_M4F)}


# ---- the interpreter firmware (firmware/Makefile, PORT=cortex_m) --------------------


def _locked(path: Path):  # type: ignore[no-untyped-def]
    from .targets import _locked as locked

    return locked(path)


def _make(target: CortexMTarget, build_dir: Path, goal: str, **variables: str) -> None:
    """Run firmware/Makefile for this target into ``build_dir`` (under fw.targets'
    per-build-dir lock): the Makefile holds the one set of compiler flags
    (warnings, -ffp-contract=off ...) for every target."""
    from . import targets as tg

    # Inside firmware/, name the build directory relative to it, as a manual
    # `make TARGET=...` does: the -MMD dependency files record object paths as
    # spelled, and a relative and an absolute spelling of one directory are two
    # different targets to make, so header changes would go unnoticed.
    try:
        build_arg = str(build_dir.resolve().relative_to(FIRMWARE_DIR.resolve()))
    except ValueError:
        build_arg = str(build_dir.resolve())
    try:
        tg.make([f"TARGET={target.name}", f"BUILD={build_arg}", f"CROSS={CROSS_PREFIX}", goal,
                 *(f"{k}={v}" for k, v in variables.items())],
                lock=build_dir.with_name(build_dir.name + ".lock"))
    except tg.BuildError as e:
        raise ToolchainError(f"{target.name}: {e}") from None


def build_library(target: CortexMTarget, workdir: Path, *, arena_bytes: int | None = None,
                  extra_cflags: Sequence[str] = (), dirname: str | None = None) -> Path:
    """Compile the core and kernels for ``target`` into ``<workdir>/<dirname or
    target>`` (no model yet) and return that build directory; :func:`link_runner`
    adds a model. Make keeps it incremental, so calling this again is cheap.
    ``extra_cflags`` (e.g. a test-only define) need a build directory of their own."""
    build_dir = Path(workdir).resolve() / (dirname or target.name)
    _make(target, build_dir, "lib", **_variables(arena_bytes, extra_cflags))
    return build_dir


def _variables(arena_bytes: int | None, extra_cflags: Sequence[str]) -> dict[str, str]:
    variables = {"ARENA": str(arena_bytes)} if arena_bytes else {}
    if extra_cflags:
        variables["EXTRA_CFLAGS"] = " ".join(extra_cflags)
    return variables


def link_runner(target: CortexMTarget, build_dir: Path, model: Path, *, arena_bytes: int | None = None,
                extra_cflags: Sequence[str] = ()) -> Path:
    """The runner firmware with ``model`` in flash, as ``<build_dir>/runner-<model>-<digest>.elf``.

    Always relinks (a fraction of a second): make brings the runner and port
    objects up to date first, so an image never outlives a source change. Under a
    lock, because make writes one ``mi_runner.elf`` per build directory."""
    model = Path(model).resolve()
    tag = f"-arena{arena_bytes}" if arena_bytes else ""
    out = build_dir / f"runner-{model.stem}-{file_digest(model)}{tag}.elf"
    variables = {"MODEL": str(model), **_variables(arena_bytes, extra_cflags)}
    with _locked(build_dir.with_name(build_dir.name + ".link.lock")):
        # The Makefile's link rule depends on the model file's time, not on which
        # model it is: remove the previous image so this model is really linked in.
        (build_dir / "mi_runner.elf").unlink(missing_ok=True)
        _make(target, build_dir, "runner", **variables)
        tmp = out.with_suffix(f".{os.getpid()}.tmp")
        shutil.copyfile(build_dir / "mi_runner.elf", tmp)
        os.replace(tmp, out)
    return out


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


# ---- the firmware-target registry (fw/targets.py) ------------------------------------


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
        return lines


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

    def unavailable(self) -> str | None:
        return toolchain_missing()

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
                         "stack_reserved": fp.stack_reserved}
        return out


FIRMWARE_TARGETS: dict[str, CortexMFirmwareTarget] = {n: CortexMFirmwareTarget(t) for n, t in TARGETS.items()}


def register_targets() -> None:
    """Called by ``fw.targets`` on first use: add cortex-m0plus, cortex-m4, cortex-m4f."""
    from . import targets as tg

    for t in FIRMWARE_TARGETS.values():
        if t.name not in tg.TARGETS:
            tg.register(t)


# ---- inspecting ELF files --------------------------------------------------------


@dataclass(frozen=True)
class Symbol:
    address: int
    size: int
    kind: str


def symbols(elf: Path) -> dict[str, Symbol]:
    """``nm -S`` as a dict (Thumb bit left in function addresses)."""
    proc = _run([CROSS_PREFIX + "nm", "-S", str(elf)])
    if proc.returncode != 0:
        raise ToolchainError(f"nm {elf} failed: {proc.stderr}")
    out: dict[str, Symbol] = {}
    for line in proc.stdout.splitlines():
        parts = line.split()
        if len(parts) == 4:
            out[parts[3]] = Symbol(int(parts[0], 16), int(parts[1], 16), parts[2])
        elif len(parts) == 3:
            out.setdefault(parts[2], Symbol(int(parts[0], 16), 0, parts[1]))
    return out


def section_sizes(elf: Path) -> dict[str, int]:
    """``size -A``: section name -> bytes."""
    proc = _run([CROSS_PREFIX + "size", "-A", str(elf)])
    if proc.returncode != 0:
        raise ToolchainError(f"size {elf} failed: {proc.stderr}")
    sizes: dict[str, int] = {}
    for line in proc.stdout.splitlines()[2:]:
        parts = line.split()
        if len(parts) == 3 and parts[1].isdigit():
            sizes[parts[0]] = int(parts[1])
    return sizes


_FLASH_SECTIONS = (".isr_vector", ".text", ".rodata", ".ARM.extab", ".ARM.exidx", ".data")


@dataclass
class Footprint:
    """Flash and RAM of one firmware image (bytes)."""

    text: int
    rodata: int
    data: int
    bss: int
    model: int
    stack_reserved: int
    fault_stack: int
    arena: int | None = None
    stack_used: int | None = None
    sections: dict[str, int] = field(default_factory=dict)

    @property
    def flash(self) -> int:
        """Code + constants + .data initial values, without the model."""
        return sum(self.sections.get(s, 0) for s in _FLASH_SECTIONS)

    @property
    def ram(self) -> int | None:
        """.data + .bss (arena included) + fault stack + measured peak stack."""
        if self.stack_used is None:
            return None
        return self.data + self.bss + self.fault_stack + self.stack_used

    @property
    def ram_reserved(self) -> int:
        """.data + .bss + both stacks as reserved by the linker script."""
        return self.data + self.bss + self.fault_stack + self.stack_reserved


def footprint(elf: Path, *, arena_symbol: str | None = None, stack_used: int | None = None) -> Footprint:
    """Measure an ELF; ``arena_symbol`` names the static arena (its size comes from nm)."""
    s = section_sizes(elf)
    arena = None
    if arena_symbol:
        sym = symbols(elf).get(arena_symbol)
        arena = sym.size if sym else None
    return Footprint(
        text=s.get(".isr_vector", 0) + s.get(".text", 0),
        rodata=s.get(".rodata", 0) + s.get(".ARM.extab", 0) + s.get(".ARM.exidx", 0),
        data=s.get(".data", 0),
        bss=s.get(".bss", 0),
        model=s.get(".model", 0),
        stack_reserved=s.get(".stack", 0),
        fault_stack=s.get(".fault_stack", 0),
        arena=arena,
        stack_used=stack_used,
        sections=s,
    )


def file_digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]


def _run(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True)


def build_selftest(target: CortexMTarget, workdir: Path, *, defines: Sequence[str] = ()) -> Path:
    """Build the port's own selftest firmware (no interpreter): used by the tests to
    check startup, semihosting, exit codes, counting and fault reporting alone."""
    objdir = workdir / f"selftest-{target.name}"
    objs = target.port_objects(objdir, defines=defines)
    objs += target.compile([PORT_DIR / "selftest" / "cm_selftest.c"], objdir, defines=defines)
    return target.link(objs, objdir / "cm_selftest.elf")
