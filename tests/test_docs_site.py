"""The docs as a site: ``mkdocs build --strict`` renders them, and a real headless
Chromium (Debian's ``chromium``, driven by Playwright) opens every page from a
local HTTP server on 127.0.0.1: each page renders its heading, every image
loads (non-zero natural size), and every internal link resolves. A screenshot
of the first page is kept as a test artifact (``build/test-artifacts/``).
"""

from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "build" / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
#: the flags this machine's closed network needs (no background connections, no sandbox as root)
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"),
                           "-d", str(out)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"mkdocs build --strict failed:\n{proc.stderr[-3000:]}"
    return out


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *a, **k: None  # type: ignore[method-assign]
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


def test_mkdocs_build_strict(site: Path) -> None:
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("index.html"))
    assert len(pages) >= 9, pages


@pytest.mark.skipif(CHROMIUM is None, reason="headless browser chromium not found (scripts/test.sh installs it)")
def test_pages_render_in_chromium(site: Path, server: str) -> None:
    from playwright.sync_api import sync_playwright

    pages = sorted(p.parent.relative_to(site).as_posix() for p in site.rglob("index.html"))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    checked_links: set[str] = set()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        for rel in pages:
            url = urljoin(server, "" if rel == "." else rel + "/")
            response = page.goto(url, wait_until="load")
            assert response is not None and response.ok, url
            heading = page.locator("h1").first.inner_text()
            assert heading.strip(), f"{url}: no heading rendered"
            broken = page.evaluate("() => [...document.images].filter(i => !i.complete || i.naturalWidth === 0)"
                                   ".map(i => i.src)")
            assert not broken, f"{url}: images that did not load: {broken}"
            links = page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.href)")
            for link in links:
                target = link.split("#")[0]
                if urlparse(target).netloc != urlparse(server).netloc or target in checked_links:
                    continue
                with urllib.request.urlopen(target, timeout=10) as r:  # raises on 404
                    assert r.status == 200, target
                checked_links.add(target)
            if rel == ".":
                page.screenshot(path=str(ARTIFACTS / "docs-index.png"), full_page=True)
        browser.close()
    assert (ARTIFACTS / "docs-index.png").stat().st_size > 0
    assert len(checked_links) >= len(pages)
