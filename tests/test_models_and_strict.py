"""The test models outside this repository, and the strict CI mode.

* ``scripts/fetch_models.py`` against a real HTTP server on 127.0.0.1 (the
  standard library's, in a thread) serving builder-made models laid out as
  ``<repo>/<commit>/<path>``: good files are fetched and verified, a corrupted
  one and a missing one are rejected and not kept, and a second run downloads
  nothing.
* ``tests/models.json`` lists every model the tests read, with facts only.
* Strict mode (``MICROINTERP_STRICT=1`` or ``CI=true``): with the models absent,
  pytest fails with a message saying what is missing and how to fetch it;
  without strict mode the same run passes with skips.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from oracle import MODEL_LIST, MODELS_DIR, SHARED_MODELS

from microinterp.builder import ModelBuilder

REPO = Path(__file__).resolve().parents[1]
FETCH = REPO / "scripts" / "fetch_models.py"


def _model(n: int) -> bytes:
    b = ModelBuilder()
    x = b.add_input("x", [1, n], "float32")
    out = b.add_output("out", [1, n], "float32")
    b.add_operator("RELU", [x], [out])
    return b.build()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """(base URL, served root) of an HTTP server on 127.0.0.1 for this test only."""
    root = tmp_path / "srv"
    root.mkdir()
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", root
    finally:
        httpd.shutdown()
        httpd.server_close()


def _publish(root: Path, files: dict[str, bytes], corrupt: set[str], unserved: set[str]) -> dict:
    """Serve ``files`` under repo/commit/path and return their model list; the
    ``corrupt`` ones are served with one byte flipped, the ``unserved`` not at all."""
    models = {}
    for name, data in files.items():
        entry = {"repo": "example/models", "commit": "0123456789abcdef0123456789abcdef01234567",
                 "path": f"models/{name}", "sha256": hashlib.sha256(data).hexdigest(), "size": len(data),
                 "license": "Apache-2.0"}
        models[name] = entry
        if name in unserved:
            continue
        served = bytearray(data)
        if name in corrupt:
            served[len(served) // 2] ^= 0x40
        path = root / entry["repo"] / entry["commit"] / entry["path"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(bytes(served))
    return {"about": "test list", "models": models}


def _fetch(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(FETCH), *args], capture_output=True, text=True, timeout=120,
                          env=env)


def test_fetch_verifies_hashes_and_rejects_a_corrupted_file(server: tuple[str, Path], tmp_path: Path) -> None:
    base, root = server
    files = {"a/relu4.tflite": _model(4), "a/relu8.tflite": _model(8), "b/corrupt.tflite": _model(16),
             "b/gone.tflite": _model(32)}
    listing = tmp_path / "models.json"
    listing.write_text(json.dumps(_publish(root, files, corrupt={"b/corrupt.tflite"}, unserved={"b/gone.tflite"})))
    dest = tmp_path / "models"
    proc = _fetch("--list", str(listing), "--dest", str(dest), "--base-url", base)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "b/corrupt.tflite" in proc.stderr and "rejected" in proc.stderr
    assert "b/gone.tflite" in proc.stderr and "404" in proc.stderr
    assert "2 fetched, 0 already present, 2 failed" in proc.stdout
    for name in ("a/relu4.tflite", "a/relu8.tflite"):
        assert (dest / name).read_bytes() == files[name]
    assert not (dest / "b" / "corrupt.tflite").exists() and not (dest / "b" / "gone.tflite").exists()
    assert not [p for p in dest.rglob("*") if p.name.endswith(".part")], "temporary files left behind"

    # once the server has the right bytes, a second run fetches only what is missing
    _publish(root, files, corrupt=set(), unserved=set())
    again = _fetch("--list", str(listing), "--dest", str(dest), "--base-url", base)
    assert again.returncode == 0, again.stderr
    assert "2 fetched, 2 already present, 0 failed" in again.stdout
    assert f"export MICROINTERP_MODELS={dest}" in again.stdout
    assert all((dest / n).read_bytes() == d for n, d in files.items())


def test_fetch_into_the_default_cache_and_only(server: tuple[str, Path], tmp_path: Path) -> None:
    """Without --dest the models go to $XDG_CACHE_HOME/microinterp/models (where the tests look
    when ../shared/models is absent); --only picks by glob."""
    base, root = server
    files = {"a/relu4.tflite": _model(4), "b/relu8.tflite": _model(8)}
    listing = tmp_path / "models.json"
    listing.write_text(json.dumps(_publish(root, files, corrupt=set(), unserved=set())))
    env = {k: v for k, v in os.environ.items() if k != "MICROINTERP_MODELS"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    proc = _fetch("--list", str(listing), "--base-url", base, "--only", "b/*", env=env)
    assert proc.returncode == 0, proc.stderr
    cache = tmp_path / "cache" / "microinterp" / "models"
    assert (cache / "b" / "relu8.tflite").read_bytes() == files["b/relu8.tflite"]
    assert not (cache / "a").exists()
    code = "import oracle; print(oracle.CACHED_MODELS)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         cwd=REPO / "tests", check=True).stdout.strip()
    assert Path(out) == cache


def test_model_list_has_the_facts_for_every_model() -> None:
    """Each listed model: origin repo, a full commit, path, sha256, size and license; where the
    models are present, each file matches its hash."""
    models = json.loads(MODEL_LIST.read_text())["models"]
    assert len(models) >= 80
    for name, m in models.items():
        assert set(m) == {"repo", "commit", "path", "sha256", "size", "license"}, name
        assert m["repo"].count("/") == 1 and len(m["commit"]) == 40 and len(m["sha256"]) == 64, name
        assert m["license"] and m["size"] > 0 and name.endswith(".tflite"), name
    present = [n for n in models if (MODELS_DIR / n).is_file()]
    for name in present:
        assert hashlib.sha256((MODELS_DIR / name).read_bytes()).hexdigest() == models[name]["sha256"], name
    if SHARED_MODELS.is_dir() and MODELS_DIR == SHARED_MODELS:
        on_disk = {str(p.relative_to(SHARED_MODELS)) for p in SHARED_MODELS.rglob("*.tflite")}
        assert on_disk == set(models), "tests/models.json and ../shared/models list different models"


def _pytest(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("CI", "MICROINTERP_STRICT", "MICROINTERP_MODELS")}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
                          capture_output=True, text=True, timeout=300, cwd=REPO, env={**base, **env})


@pytest.mark.parametrize("strict_env", [{"MICROINTERP_STRICT": "1"}, {"CI": "true"}], ids=["STRICT=1", "CI=true"])
def test_strict_mode_fails_without_the_models(tmp_path: Path, strict_env: dict[str, str]) -> None:
    empty = tmp_path / "no-models"
    empty.mkdir()
    node = "tests/test_offline_plan.py"
    proc = _pytest([node], MICROINTERP_MODELS=str(empty), **strict_env)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    assert "strict mode" in out and "the test models" in out and str(empty) in out
    assert "scripts/fetch_models.py" in out
    assert "Traceback" not in out

    relaxed = _pytest([node], MICROINTERP_MODELS=str(empty))
    assert relaxed.returncode == 0, relaxed.stdout + relaxed.stderr
    assert "skipped" in relaxed.stdout and re.search(r"microinterp: ran \d+ tests: .* skipped", relaxed.stdout)
