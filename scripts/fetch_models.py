#!/usr/bin/env python3
"""Download the public test models listed in tests/models.json and verify them.

    scripts/fetch_models.py [--dest DIR] [--base-url URL] [--list FILE] [--only GLOB] [--timeout S]

Each model is fetched from ``<base-url>/<repo>/<commit>/<path>`` (default base
``https://raw.githubusercontent.com``, i.e. the file at that exact commit of
its origin repository; pass a mirror with ``--base-url`` or
``$MICROINTERP_MODELS_BASE_URL``), written to a temporary file, checked
against the size and sha256 in the list, and only then moved to
``<dest>/<name>``. A file whose hash differs is rejected: not kept, reported,
and the script exits 1 after trying every model. Files already present with
the right hash are not downloaded again.

``--dest`` defaults to ``$MICROINTERP_MODELS`` if set, else
``~/.cache/microinterp/models`` — the directory the tests look in after
``../shared/models`` and ``$MICROINTERP_MODELS`` (tests/oracle.py), so after
a successful fetch the tests find the models with no further setting.

Standard library only, so it runs before anything is installed.
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import json
import os
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_LIST = REPO_ROOT / "tests" / "models.json"
DEFAULT_BASE_URL = "https://raw.githubusercontent.com"
#: Largest model file accepted, so a wrong URL cannot fill the disk (the largest listed is ~1.1 MB).
MAX_BYTES = 64 << 20


def default_dest() -> Path:
    """Where models go when ``--dest`` is not given (also where the tests look last)."""
    env = os.environ.get("MICROINTERP_MODELS")
    if env:
        return Path(env)
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return Path(cache) / "microinterp" / "models"


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def url_of(entry: dict, base_url: str) -> str:
    return f"{base_url.rstrip('/')}/{entry['repo']}/{entry['commit']}/{entry['path']}"


def fetch_one(name: str, entry: dict, dest: Path, base_url: str, timeout: float) -> str:
    """Fetch one model; return "present" or "fetched", raise ValueError/OSError on failure."""
    target = dest / name
    if target.is_file() and sha256_of(target) == entry["sha256"]:
        return "present"
    url = url_of(entry, base_url)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    tmp = Path(tmp_name)
    try:
        h, n = hashlib.sha256(), 0
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as resp:
            for chunk in iter(lambda: resp.read(1 << 16), b""):
                n += len(chunk)
                if n > MAX_BYTES:
                    raise ValueError(f"{url}: more than {MAX_BYTES} bytes; not a listed model")
                h.update(chunk)
                out.write(chunk)
        if n != entry["size"] or h.hexdigest() != entry["sha256"]:
            raise ValueError(f"{url}: got {n} bytes with sha256 {h.hexdigest()}, "
                             f"expected {entry['size']} bytes with sha256 {entry['sha256']}: rejected")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return "fetched"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--dest", type=Path, default=None, help="models directory (default: see --help text above)")
    p.add_argument("--base-url", default=os.environ.get("MICROINTERP_MODELS_BASE_URL", DEFAULT_BASE_URL),
                   help=f"URL prefix before <repo>/<commit>/<path> (default {DEFAULT_BASE_URL})")
    p.add_argument("--list", type=Path, default=DEFAULT_LIST, help="model list (default tests/models.json)")
    p.add_argument("--only", default="*", help="fetch only names matching this glob, e.g. 'mlperf-tiny/*'")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds per HTTP request")
    args = p.parse_args(argv)

    dest = args.dest or default_dest()
    try:
        models = json.loads(args.list.read_text())["models"]
    except (OSError, ValueError, KeyError) as e:
        print(f"fetch_models: error: cannot read the model list {args.list}: {e}", file=sys.stderr)
        return 2
    chosen = {k: v for k, v in models.items() if fnmatch.fnmatch(k, args.only)}
    if not chosen:
        print(f"fetch_models: error: no model in {args.list} matches {args.only!r}", file=sys.stderr)
        return 2
    counts = {"present": 0, "fetched": 0}
    failed = []
    for name, entry in sorted(chosen.items()):
        try:
            counts[fetch_one(name, entry, dest, args.base_url, args.timeout)] += 1
        except (OSError, ValueError, urllib.error.URLError) as e:
            failed.append(name)
            print(f"fetch_models: {name}: {e}", file=sys.stderr)
    print(f"fetch_models: {counts['fetched']} fetched, {counts['present']} already present, "
          f"{len(failed)} failed, into {dest}")
    if failed:
        print(f"fetch_models: error: {len(failed)} model(s) missing or rejected: {', '.join(failed)}",
              file=sys.stderr)
        return 1
    if dest != default_dest():
        print(f"the tests find them with: export MICROINTERP_MODELS={dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
