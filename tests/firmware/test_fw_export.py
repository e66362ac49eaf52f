"""Where the C port comes from (checkout or wheel) and ``microinterp firmware export``.

The wheel itself is built, installed in a fresh venv and exercised by
``scripts/wheel_test.sh`` (run by scripts/test.sh, so by CI); these tests
cover the pieces that need no wheel.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from microinterp.fw import sources

REPO = Path(__file__).resolve().parents[2]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "microinterp.cli", *args], capture_output=True, text=True,
                          timeout=120)


def test_checkout_firmware_is_used_in_a_checkout() -> None:
    assert sources.firmware_dir() == REPO / "firmware"
    assert not sources.is_packaged() and sources.missing() is None
    assert sources.build_root() == REPO / "firmware" / "build"


def test_packaged_copy_is_found_when_there_is_no_checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As in an installed wheel: no checkout next to the package, the copy inside it is used
    and builds go to the per-user cache, not into site-packages."""
    packaged = tmp_path / "pkg" / "_firmware"
    packaged.mkdir(parents=True)
    (packaged / "Makefile").write_text("all:\n")
    monkeypatch.setattr(sources, "_checkout_dir", lambda: tmp_path / "no-checkout" / "firmware")
    monkeypatch.setattr(sources, "_packaged_dir", lambda: packaged)
    monkeypatch.setenv("MICROINTERP_CACHE", str(tmp_path / "cache"))
    assert sources.firmware_dir() == packaged and sources.is_packaged()
    assert sources.build_root().parent == tmp_path / "cache"
    monkeypatch.setattr(sources, "_packaged_dir", lambda: None)
    assert "sources are missing" in (sources.missing() or "")


def test_export_copies_sources_headers_makefile_and_ports(tmp_path: Path) -> None:
    dest = tmp_path / "myfw" / "microinterp"
    proc = _cli("firmware", "export", str(dest))
    assert proc.returncode == 0, proc.stderr
    for rel in ("Makefile", "README.md", "src/mi_interpreter.c", "include/mi/mi_interpreter.h",
                "ports/host/mi_port_host.c", "ports/cortex_m/cm_startup.c", "runner/mi_runner.c"):
        assert (dest / rel).read_bytes() == (REPO / "firmware" / rel).read_bytes(), rel
    assert not (dest / "build").exists()
    exported = {p.relative_to(dest) for p in dest.rglob("*") if p.is_file()}
    tracked = subprocess.run(["git", "-C", str(REPO), "ls-files", "firmware"], capture_output=True, text=True,
                             check=True).stdout.split()
    missing = {Path(t).relative_to("firmware") for t in tracked} - exported
    assert not missing, f"not exported: {sorted(map(str, missing))[:10]}"


def test_export_refuses_a_non_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    proc = _cli("firmware", "export", str(tmp_path))
    assert proc.returncode == 2
    assert proc.stderr.startswith("microinterp: error: firmware export:") and "not empty" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert _cli("firmware", "export", str(tmp_path), "--force").returncode == 0
    assert (tmp_path / "keep.txt").read_text() == "mine" and (tmp_path / "Makefile").is_file()
