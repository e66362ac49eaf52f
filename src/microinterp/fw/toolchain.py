"""The arm-none-eabi toolchain: where it is, whether it is installed, running its tools.

``MICROINTERP_CROSS_PREFIX`` overrides the prefix (default ``arm-none-eabi-``).
"""

from __future__ import annotations

import os
import shutil
import subprocess

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


def run_tool(cmd: list[str]) -> subprocess.CompletedProcess[str]:
    """Run one toolchain command, capturing its output for the error message."""
    return subprocess.run(cmd, capture_output=True, text=True)
