"""Build hook: ship the C port inside the wheel.

``firmware/`` stays where it is in the repository; at build time this copies
it (without build output) into the package as ``microinterp/_firmware``, where
``microinterp.fw.sources`` finds it through ``importlib.resources``. An
editable install skips the copy and keeps using the checkout's ``firmware/``.
Everything else about the package is declared in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
IGNORED = shutil.ignore_patterns("build", "*.o", "*.d", "*.a", "*.elf", "*.so", "__pycache__", "*.lock")


class build_py_with_firmware(build_py):  # noqa: N801 - setuptools command naming
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        src = HERE / "firmware"
        if not (src / "Makefile").is_file():
            raise SystemExit(f"setup.py: {src} is missing; build the wheel from a full checkout or sdist")
        dest = Path(self.build_lib) / "microinterp" / "_firmware"
        if dest.exists():
            shutil.rmtree(dest)
        shutil.copytree(src, dest, ignore=IGNORED)


setup(cmdclass={"build_py": build_py_with_firmware})
