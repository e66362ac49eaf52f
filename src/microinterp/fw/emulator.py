"""Run Cortex-M firmware in an emulator and say plainly what happened.

Why one small interface: the cross-check must fail fast with a clear message
(TFLM's own Renode tests notice failures only by timing out), and the emulator
must be replaceable. QEMU (``qemu-system-arm``) is the one used and tested here;
a Renode runner sits beside it and is picked when ``renode`` is on PATH (or
``MICROINTERP_EMULATOR=renode``), but Renode could not be installed where this was
written, so that path is untested.

Every run has a timeout and ends in exactly one :class:`Outcome`:

* ``ok``              the firmware returned 0 from ``main``;
* ``hardfault``       the port's fault handler ran (exit code 250 and a
                      ``HardFault:`` line naming the exception, pc and lr);
* ``firmware-error``  the firmware exited with another non-zero code;
* ``emulator-crash``  QEMU itself died (signal, rc 134/139, or ``qemu: fatal``,
                      e.g. a CPU lockup);
* ``emulator-error``  the emulator refused to start (bad machine, plugin ...);
* ``timeout``         nothing ended the run in time (the process is killed);
* ``emulator-missing`` no emulator binary.

``mismatch`` is decided by the caller, who compares the outputs the firmware
wrote with the reference; it is part of the same enum so that reports use one
vocabulary.
"""

from __future__ import annotations

import enum
import hashlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from .sources import firmware_dir

#: Exit code of the fault handler (firmware/ports/cortex_m/cm_port.h, CM_EXIT_HARDFAULT).
HARDFAULT_EXIT_CODE = 250

#: Return codes a shell reports for a process killed by SIGSEGV / SIGABRT.
_SHELL_SIGNAL_CODES = {139: "SIGSEGV", 134: "SIGABRT"}

FIRMWARE_DIR = firmware_dir()  # the checkout's firmware/ or the wheel's copy (fw/sources.py)
PLUGIN_DIR = FIRMWARE_DIR / "tools" / "qemu_plugin"
RENODE_DIR = FIRMWARE_DIR / "ports" / "renode"


class Outcome(str, enum.Enum):
    """How an emulator run (or a cross-check built on it) ended."""

    OK = "ok"
    MISMATCH = "mismatch"
    HARDFAULT = "hardfault"
    FIRMWARE_ERROR = "firmware-error"
    EMULATOR_CRASH = "emulator-crash"
    EMULATOR_ERROR = "emulator-error"
    TIMEOUT = "timeout"
    EMULATOR_MISSING = "emulator-missing"


@dataclass(frozen=True)
class Machine:
    """One emulated board: how QEMU starts it and which Renode script models it."""

    name: str
    qemu_args: tuple[str, ...]
    renode_script: str | None = None
    description: str = ""


#: Cortex-M0+ code on a real ARMv6-M core (traps v7 instructions and unaligned word
#: loads like silicon), with 4 MB flash / 1 MB RAM instead of the nRF51's 256 KB / 16 KB.
MICROBIT_BIG = Machine(
    name="microbit-big",
    qemu_args=(
        "-M", "microbit",
        "-global", "nrf51-soc.flash-size=0x400000",
        "-global", "nrf51-soc.sram-size=0x100000",
    ),
    renode_script="cortex_m0plus.resc",
    description="QEMU microbit (nRF51, ARMv6-M) with 4 MB flash and 1 MB RAM",
)

#: Cortex-M4F: 4 MB code at 0, 4 MB RAM at 0x20000000. Runs soft- and hard-float builds.
MPS2_AN386 = Machine(
    name="mps2-an386",
    qemu_args=("-M", "mps2-an386"),
    renode_script="cortex_m4.resc",
    description="QEMU MPS2 AN386 (Cortex-M4F) with 4 MB code and 4 MB RAM",
)


@dataclass(frozen=True)
class CountRegion:
    """Addresses of the two marker functions bounding a measured region."""

    start: int
    stop: int


@dataclass
class RunResult:
    """Everything one emulator run produced, classified."""

    outcome: Outcome
    message: str
    emulator: str
    command: list[str]
    returncode: int | None
    console: str
    stderr: str
    seconds: float
    #: Instructions between the start and stop markers, one entry per region.
    regions: list[int] = field(default_factory=list)
    #: Instructions retired in the whole run (startup and I/O included).
    total_instructions: int | None = None
    stack_used: int | None = None
    stack_size: int | None = None

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.OK

    def describe(self) -> str:
        """One paragraph for an error message: outcome, message and the console tail."""
        tail = "\n".join(self.console.strip().splitlines()[-8:])
        err = "\n".join(self.stderr.strip().splitlines()[-8:])
        parts = [f"[{self.outcome.value}] {self.message}"]
        if tail:
            parts.append(f"console (last lines):\n{tail}")
        if err and self.outcome is not Outcome.OK:
            parts.append(f"emulator stderr (last lines):\n{err}")
        parts.append("command: " + " ".join(self.command))
        return "\n".join(parts)


class Emulator(Protocol):
    """What the firmware layer needs from an emulator."""

    name: str

    def available(self) -> bool: ...

    def run(self, elf: Path, machine: Machine, args: Sequence[str], *, cwd: Path, timeout: float,
            count: CountRegion | None = None) -> RunResult: ...


_STACK_RE = re.compile(r"^\[cm\] stack_used (\d+) of (\d+)\s*$", re.M)


def _parse_stack(console: str) -> tuple[int | None, int | None]:
    m = _STACK_RE.search(console)
    return (int(m.group(1)), int(m.group(2))) if m else (None, None)


def _hardfault_line(console: str) -> str | None:
    for line in console.splitlines():
        if line.startswith("HardFault:"):
            return line.strip()
    return None


def classify(returncode: int | None, console: str, stderr: str, *, timed_out: bool,
             timeout: float) -> tuple[Outcome, str]:
    """Map how the emulator process ended to an :class:`Outcome` and a message.

    Kept separate from the process handling so the rules are easy to read; the
    order matters: a fault line beats the exit code, QEMU's fatal errors beat the
    firmware's."""
    fault = _hardfault_line(console)
    if timed_out:
        last = (console.strip().splitlines() or ["<no console output>"])[-1]
        return Outcome.TIMEOUT, (f"no result within {timeout:g} s: the firmware neither exited nor faulted "
                                 f"(last console line: {last!r})")
    if fault and returncode == HARDFAULT_EXIT_CODE:
        return Outcome.HARDFAULT, fault
    fatal = next((ln.strip() for ln in stderr.splitlines() if "qemu: fatal" in ln), None)
    if returncode is not None and returncode < 0:
        try:
            sig = signal.Signals(-returncode).name
        except ValueError:
            sig = f"signal {-returncode}"
        why = f": {fatal}" if fatal else ""
        if fault:
            why += f" (after the firmware reported {fault!r})"
        return Outcome.EMULATOR_CRASH, f"the emulator was killed by {sig}{why}"
    if returncode in _SHELL_SIGNAL_CODES:
        return Outcome.EMULATOR_CRASH, (f"the emulator exited with {returncode} ({_SHELL_SIGNAL_CODES[returncode]})"
                                        + (f": {fatal}" if fatal else ""))
    if fatal:
        return Outcome.EMULATOR_CRASH, fatal
    if fault:  # fault line but another exit code: still a fault, say both
        return Outcome.HARDFAULT, f"{fault} (exit code {returncode})"
    if returncode == 0:
        return Outcome.OK, "firmware exited with 0"
    if returncode == HARDFAULT_EXIT_CODE:
        return Outcome.HARDFAULT, f"exit code {HARDFAULT_EXIT_CODE} (the fault handler's) without a HardFault line"
    if not console.strip() and stderr.strip():
        first = stderr.strip().splitlines()[0]
        return Outcome.EMULATOR_ERROR, f"the emulator did not start the firmware (rc {returncode}): {first}"
    return Outcome.FIRMWARE_ERROR, f"firmware exited with code {returncode}"


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    path = Path(base) / "microinterp"
    try:
        path.mkdir(parents=True, exist_ok=True)
        return path
    except OSError:  # read-only home: fall back to the temp dir
        path = Path(tempfile.gettempdir()) / f"microinterp-{os.getuid()}"
        path.mkdir(parents=True, exist_ok=True)
        return path


def build_count_plugin(cc: str | None = None) -> Path:
    """Build (once per source version) the instruction-counting plugin with the host
    compiler and return the path of the shared object.

    Cached by a hash of the sources, written atomically, so parallel test workers
    and repeated runs share one build."""
    sources = [PLUGIN_DIR / "insncount.c", PLUGIN_DIR / "mi_qemu_plugin_api.h"]
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in sources)).hexdigest()[:16]
    out = _cache_dir() / f"libmi_insncount-{digest}.so"
    if out.exists():
        return out
    compiler = cc or os.environ.get("HOST_CC") or shutil.which("gcc") or shutil.which("cc")
    if not compiler:
        raise RuntimeError("no host C compiler (gcc/cc) to build the QEMU instruction-count plugin")
    tmp = out.with_suffix(f".{os.getpid()}.tmp")
    cmd = [compiler, "-O2", "-Wall", "-Wextra", "-Werror", "-std=c11", "-shared", "-fPIC",
           "-fvisibility=hidden", "-o", str(tmp), str(sources[0])]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"building the QEMU plugin failed:\n{' '.join(cmd)}\n{proc.stderr}")
    os.replace(tmp, out)
    return out


def _parse_counts(path: Path) -> tuple[list[int], int | None]:
    regions: list[int] = []
    total = None
    if not path.exists():
        return regions, total
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "region":
            regions.append(int(parts[2]))
        elif len(parts) == 2 and parts[0] == "total":
            total = int(parts[1])
    return regions, total


def _run_process(cmd: list[str], cwd: Path, timeout: float,
                 env: dict[str, str] | None = None) -> tuple[int | None, str, str, bool, float]:
    """Run with a hard timeout; kill the whole process group when it expires."""
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True, env=env)
    try:
        out, err = proc.communicate(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, err = proc.communicate()
        timed_out = True
    seconds = time.monotonic() - t0
    return (None if timed_out else proc.returncode, out.decode(errors="replace"),
            err.decode(errors="replace"), timed_out, seconds)


class QemuEmulator:
    """``qemu-system-arm`` with semihosting on the console and the host file system
    (run it in a temporary directory), plus the counting plugin when asked."""

    name = "qemu"

    def __init__(self, binary: str = "qemu-system-arm") -> None:
        self.binary = binary

    def available(self) -> bool:
        return shutil.which(self.binary) is not None

    def command(self, elf: Path, machine: Machine, args: Sequence[str], *, plugin: str | None = None) -> list[str]:
        """The exact command line (also shown in every failure message)."""
        for a in args:
            if "," in a or " " in a:
                raise ValueError(f"semihosting argument {a!r} may not contain ',' or ' '")
        sh = "enable=on,target=native,chardev=con0" + "".join(f",arg={a}" for a in ("fw", *args))
        cmd = [self.binary, *machine.qemu_args, "-display", "none", "-monitor", "none", "-serial", "none",
               "-chardev", "stdio,id=con0", "-semihosting-config", sh, "-kernel", str(elf)]
        if plugin:
            cmd += ["-plugin", plugin]
        return cmd

    def run(self, elf: Path, machine: Machine, args: Sequence[str], *, cwd: Path, timeout: float,
            count: CountRegion | None = None) -> RunResult:
        plugin_arg = None
        counts_file = cwd / "insncount.txt"
        if count is not None:
            counts_file.unlink(missing_ok=True)
            plugin = build_count_plugin()
            plugin_arg = f"{plugin},start={count.start:#x},stop={count.stop:#x},out={counts_file}"
        cmd = self.command(elf, machine, args, plugin=plugin_arg)
        if not self.available():
            return RunResult(Outcome.EMULATOR_MISSING, f"{self.binary} is not on PATH (install qemu-system-arm)",
                             self.name, cmd, None, "", "", 0.0)
        rc, out, err, timed_out, seconds = _run_process(cmd, cwd, timeout)
        outcome, message = classify(rc, out, err, timed_out=timed_out, timeout=timeout)
        regions, total = _parse_counts(counts_file) if count is not None else ([], None)
        used, size = _parse_stack(out)
        return RunResult(outcome, message, self.name, cmd, rc, out, err, seconds, regions, total, used, size)


class RenodeEmulator:
    """Renode runner. UNTESTED: Renode is not installable where this was written.

    Writes a ``run.resc`` that sets the ELF, the platform and three Python hooks
    (semihosting on ``cm_sh_call``, instruction counts on the two markers) and
    includes the board's ``.resc`` from firmware/ports/renode/ (see its README).
    Console, exit code and counts come back through files in ``cwd`` and are
    classified by the same rules as QEMU's."""

    name = "renode"

    def __init__(self, binary: str = "renode") -> None:
        self.binary = binary

    def available(self) -> bool:
        return shutil.which(self.binary) is not None

    def run(self, elf: Path, machine: Machine, args: Sequence[str], *, cwd: Path, timeout: float,
            count: CountRegion | None = None) -> RunResult:
        if machine.renode_script is None:
            raise ValueError(f"machine {machine.name} has no Renode platform script")
        resc = RENODE_DIR / machine.renode_script
        platform = resc.with_suffix(".repl")
        counts_file = cwd / "insncount.txt"
        for stale in ("console.txt", "exit_code.txt", counts_file.name):
            (cwd / stale).unlink(missing_ok=True)
        script = cwd / "run.resc"
        script.write_text(
            f"$elf=@{elf}\n"
            f"$platform=@{platform}\n"
            f"$hook=\"execfile(r'{RENODE_DIR / 'semihost_hook.py'}')\"\n"
            "set mark_start\n\"\"\"\nimport sys\nsys._mi_mark = self.ExecutedInstructions\n\"\"\"\n"
            "set mark_stop\n\"\"\"\nimport sys\n"
            "n = getattr(sys, '_mi_regions', 0)\n"
            f"f = open(r'{counts_file}', 'a')\n"
            "f.write('region %d %d\\n' % (n, self.ExecutedInstructions - sys._mi_mark))\n"
            "f.close()\nsys._mi_regions = n + 1\n\"\"\"\n"
            f"include @{resc}\n"
        )
        cmd = [self.binary, "--disable-xwt", "--console", "--plain", str(script)]
        if not self.available():
            return RunResult(Outcome.EMULATOR_MISSING, f"{self.binary} is not on PATH", self.name, cmd, None, "", "",
                             0.0)
        env = {**os.environ, "MI_RENODE_WORKDIR": str(cwd), "MI_RENODE_CMDLINE": " ".join(("fw", *args))}
        rc, out, err, timed_out, seconds = _run_process(cmd, cwd, timeout, env=env)
        console_file, rc_file = cwd / "console.txt", cwd / "exit_code.txt"
        console = console_file.read_text(errors="replace") if console_file.exists() else ""
        if rc_file.exists() and not timed_out:
            rc = int(rc_file.read_text().strip() or "1")
        outcome, message = classify(rc, console, err + out, timed_out=timed_out, timeout=timeout)
        regions, _total = _parse_counts(counts_file)
        used, size = _parse_stack(console)
        return RunResult(outcome, message, self.name, cmd, rc, console, err + out, seconds, regions, None, used,
                         size)


def select_emulator(preference: str | None = None) -> Emulator:
    """The emulator to use: ``preference`` or ``$MICROINTERP_EMULATOR`` ("qemu",
    "renode" or "auto"); "auto" takes Renode when ``renode`` is on PATH, else QEMU."""
    choice = (preference or os.environ.get("MICROINTERP_EMULATOR") or "auto").lower()
    if choice == "qemu":
        return QemuEmulator()
    if choice == "renode":
        return RenodeEmulator()
    if choice != "auto":
        raise ValueError(f"unknown emulator {choice!r}: expected qemu, renode or auto")
    renode = RenodeEmulator()
    return renode if renode.available() else QemuEmulator()
