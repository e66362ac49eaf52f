"""The registry of firmware targets: where the C port can be built and run.

A target is anything with a ``name``, an ``abi`` (for ``memory.firmware_arena``), a
``description`` and three methods::

    unavailable() -> str | None          # why it cannot run here, or None
    build(workdir=None) -> Path          # the runner binary (built once, reused)
    run(binary, model, inputs, outputs, *, timeout, dump=None, arena=None) -> RunnerOutput

``run`` executes ``firmware/runner/mi_runner.c`` on one model (see
``fw/runner.py`` for the file protocol). This module registers the host
targets and the Cortex-M ones (``fw/cortex_m.py``); tests add fakes with
:func:`register`, so ``microinterp firmware check --target NAME`` works the
same everywhere. Module-level :func:`build` and :func:`run` take a target or
its name.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from . import runner as rp
from . import sources
from .cortex_m import FIRMWARE_TARGETS as CORTEX_M_TARGETS

#: The C port: the checkout's firmware/ or the wheel's packaged copy (see fw/sources.py).
FIRMWARE_DIR = sources.firmware_dir()
BUILD_DIR = sources.build_root()


class BuildError(RuntimeError):
    """The C port did not compile or link; the message holds the command and its output."""


class Target(Protocol):
    name: str
    abi: str
    description: str

    def unavailable(self) -> str | None: ...

    def build(self, workdir: Path | None = None) -> Path: ...

    def run(self, binary: Path, model: Path, inputs: Path, outputs: Path, *, timeout: float,
            dump: Path | None = None, arena: int | None = None) -> rp.RunnerOutput: ...


@contextmanager
def _locked(path: Path):  # type: ignore[no-untyped-def]
    """An exclusive file lock, so parallel test workers do not run make in one build dir at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def make(args: list[str], *, lock: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """``make -C firmware ARGS`` under a lock; BuildError with the output on failure."""
    cmd = ["make", "-C", str(FIRMWARE_DIR), f"-j{os.cpu_count() or 2}", *args]
    with _locked(lock):
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise BuildError(f"building the C port failed:\n{' '.join(cmd)}\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}")
    return proc


@dataclass(frozen=True)
class HostTarget:
    """The C port built with the host gcc; ``sanitize`` adds AddressSanitizer + UBSan.

    The build directory holds the runner and the C unit-test binaries
    (``test_reader``, ``test_quant``, ``test_planner``, ``test_api``)."""

    name: str
    sanitize: bool
    description: str
    abi: str = "host64"

    def unavailable(self) -> str | None:
        from shutil import which

        missing = [t for t in ("gcc", "make") if which(t) is None]
        return f"not installed: {', '.join(missing)}" if missing else sources.missing()

    def build_dir(self, workdir: Path | None = None) -> Path:
        return (Path(workdir) if workdir is not None else BUILD_DIR) / self.name

    def build(self, workdir: Path | None = None) -> Path:
        out = self.build_dir(workdir).resolve()
        make([f"BUILD={out}", f"SANITIZE={1 if self.sanitize else 0}", "TARGET=host", "runner", "tests"],
             lock=out.with_name(out.name + ".lock"))
        return out / "mi_runner"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.sanitize:
            env["ASAN_OPTIONS"] = f"exitcode={rp.EXIT_ASAN}:detect_leaks=1:abort_on_error=0"
            env["UBSAN_OPTIONS"] = f"exitcode={rp.EXIT_UBSAN}:print_stacktrace=1:halt_on_error=1"
        return env

    def execute(self, cmd: list[str], *, timeout: float, cwd: Path | None = None) -> rp.RunnerOutput:
        """Run one of this target's binaries and parse its console."""
        start = time.monotonic()
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=self.env(), cwd=cwd)
        except subprocess.TimeoutExpired as e:
            out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
            err = e.stderr.decode() if isinstance(e.stderr, bytes) else (e.stderr or "")
            return rp.parse(None, out, err, timed_out=True, seconds=time.monotonic() - start, command=cmd)
        return rp.parse(proc.returncode, proc.stdout, proc.stderr, seconds=time.monotonic() - start, command=cmd)

    def run(self, binary: Path, model: Path, inputs: Path, outputs: Path, *, timeout: float,
            dump: Path | None = None, arena: int | None = None) -> rp.RunnerOutput:
        cmd = [str(binary), "--model", str(model), "--inputs", str(inputs), "--outputs", str(outputs)]
        if dump is not None:
            cmd += ["--dump", str(dump)]
        if arena is not None:
            cmd += ["--arena", str(int(arena))]
        return self.execute(cmd, timeout=timeout)


TARGETS: dict[str, Any] = {}


def register(target: Any, *, replace: bool = False) -> None:
    """Add a target to the registry."""
    if target.name in TARGETS and not replace:
        raise ValueError(f"firmware target {target.name!r} is already registered")
    TARGETS[target.name] = target


register(HostTarget("host", False, "host gcc, -O2 (the C port as a native program)"))
register(HostTarget("host-asan", True, "host gcc with AddressSanitizer + UndefinedBehaviorSanitizer"))

for _t in CORTEX_M_TARGETS.values():
    register(_t)


def names() -> list[str]:
    return sorted(TARGETS)


def get_target(name: str) -> Any:
    try:
        return TARGETS[name]
    except KeyError:
        raise ValueError(f"unknown firmware target {name!r}; choose one of {', '.join(sorted(TARGETS))}") from None


def build(target: Any, workdir: Path | None = None) -> Path:
    """Build the runner for ``target`` (a Target or its name); returns the binary's path."""
    t = get_target(target) if isinstance(target, str) else target
    return t.build(workdir)


def run(target: Any, binary: Path, model_path: Path, inputs_path: Path, outputs_path: Path,
        timeout: float = 300.0, **kwargs: Any) -> rp.RunnerOutput:
    """Run the runner built for ``target`` on one model (see fw/runner.py for the files)."""
    t = get_target(target) if isinstance(target, str) else target
    return t.run(Path(binary), Path(model_path), Path(inputs_path), Path(outputs_path), timeout=timeout, **kwargs)
