#!/usr/bin/env python3
"""Write (or, with --check, verify) the C port's op coverage in README.md and
firmware/README.md from the two registries (microinterp.fw.coverage).

    .venv/bin/python scripts/port_coverage.py          # rewrite both blocks
    .venv/bin/python scripts/port_coverage.py --check  # exit 1 if either is stale
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from microinterp.fw import coverage

ROOT = Path(__file__).resolve().parents[1]
READMES = (ROOT / "README.md", ROOT / "firmware" / "README.md")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale blocks (exit 1)")
    args = parser.parse_args()
    block = coverage.coverage_text(ROOT / "firmware")
    stale = []
    for path in READMES:
        text = path.read_text()
        if coverage.current_block(text) != block:
            stale.append(path)
            if not args.check:
                path.write_text(coverage.replace_block(text, block))
    for path in stale:
        print(f"{path.relative_to(ROOT)}: {'stale' if args.check else 'updated'}")
    return 1 if stale and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
