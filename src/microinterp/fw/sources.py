"""Where the C port's sources are, where it is built, and exporting them.

Why two places: in a repository checkout (and an editable install) the C port
is the repository's ``firmware/`` directory, which three people edit while the
tests build it; in an installed wheel there is no repository, so ``setup.py``
copies ``firmware/`` into the package as ``microinterp/_firmware`` at build
time (``firmware/`` itself never moves). :func:`firmware_dir` prefers the
checkout and falls back to the packaged copy, found through
``importlib.resources``; everything that builds or exports the C port asks it.

A packaged copy lives in ``site-packages``, which may be read-only or shared,
so builds from it go to a per-user cache (:func:`build_root`) instead of
``firmware/build``.
"""

from __future__ import annotations

import os
import shutil
from importlib import resources
from pathlib import Path

#: The package directory ``setup.py`` copies ``firmware/`` into.
PACKAGED_NAME = "_firmware"

#: What a user's firmware tree needs to build the C port (``microinterp firmware export``).
EXPORTED = ("Makefile", "README.md", "include", "src", "ports", "runner", "tests", "tools")

#: Never exported or packaged: build output.
_IGNORED = shutil.ignore_patterns("build", "*.o", "*.d", "*.a", "*.elf", "*.so", "__pycache__", "*.lock")


def _checkout_dir() -> Path:
    """``<repo>/firmware`` as seen from ``<repo>/src/microinterp/fw/sources.py``."""
    return Path(__file__).resolve().parents[3] / "firmware"


def _packaged_dir() -> Path | None:
    try:
        path = Path(str(resources.files("microinterp") / PACKAGED_NAME))
    except (ModuleNotFoundError, TypeError):  # pragma: no cover - not importable as a package
        return None
    return path if (path / "Makefile").is_file() else None


def firmware_dir() -> Path:
    """The C port's root (holding its Makefile): the checkout's ``firmware/``, else
    the copy inside the installed package. Returns the checkout path even when
    neither exists, so :func:`missing` can name it."""
    checkout = _checkout_dir()
    if (checkout / "Makefile").is_file():
        return checkout
    return _packaged_dir() or checkout


def is_packaged() -> bool:
    """True when the C port comes from the installed wheel, not a checkout."""
    return firmware_dir() != _checkout_dir()


def missing() -> str | None:
    """Why the C port's sources cannot be used, or None."""
    root = firmware_dir()
    if not (root / "Makefile").is_file():
        return (f"the C port's sources are missing (no Makefile in {root}); reinstall microinterp from a wheel "
                "or run it from a repository checkout")
    return None


def build_root() -> Path:
    """Default build directory: ``firmware/build`` in a checkout; for the packaged
    copy ``$MICROINTERP_CACHE/firmware-build`` (default ``~/.cache/microinterp``)."""
    if not is_packaged():
        return firmware_dir() / "build"
    base = os.environ.get("MICROINTERP_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "microinterp")
    from .. import __version__

    return Path(base) / f"firmware-build-{__version__}"


def export(dest: Path, *, force: bool = False) -> list[Path]:
    """Copy the C port (sources, headers, Makefile, ports, runner, tests, tools)
    into ``dest``; refuse to overwrite an existing non-empty directory unless
    ``force``. Returns the top-level paths written."""
    why = missing()
    if why:
        raise FileNotFoundError(why)
    dest = Path(dest)
    if dest.exists() and not dest.is_dir():
        raise FileExistsError(f"{dest} exists and is not a directory")
    if dest.is_dir() and any(dest.iterdir()) and not force:
        raise FileExistsError(f"{dest} is not empty (pass --force to overwrite the C port's files in it)")
    dest.mkdir(parents=True, exist_ok=True)
    root = firmware_dir()
    written = []
    for name in EXPORTED:
        src = root / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=_IGNORED, dirs_exist_ok=True)
        elif src.is_file():
            shutil.copy2(src, dest / name)
        else:
            continue
        written.append(dest / name)
    return written
