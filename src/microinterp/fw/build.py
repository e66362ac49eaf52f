"""Build the interpreter firmware for a Cortex-M core with ``firmware/Makefile``
(``PORT=cortex_m``, the one home of the compiler flags): :func:`build_library`
compiles the core and kernels once per core, :func:`link_runner` links
``runner/mi_runner.c`` with the model in flash (``cm_model.S`` ``.incbin``) in a
fraction of a second, and :func:`build_selftest` builds ``ports/cortex_m/selftest``,
the port without the interpreter, for the tests of startup, semihosting,
counting and faults.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Sequence
from pathlib import Path

from .cores import PORT_DIR, CortexMTarget
from .emulator import FIRMWARE_DIR
from .toolchain import CROSS_PREFIX, ToolchainError


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


def file_digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]

def build_selftest(target: CortexMTarget, workdir: Path, *, defines: Sequence[str] = ()) -> Path:
    """Build the port's own selftest firmware (no interpreter): used by the tests to
    check startup, semihosting, exit codes, counting and fault reporting alone."""
    objdir = workdir / f"selftest-{target.name}"
    objs = target.port_objects(objdir, defines=defines)
    objs += target.compile([PORT_DIR / "selftest" / "cm_selftest.c"], objdir, defines=defines)
    return target.link(objs, objdir / "cm_selftest.elf")
