#!/usr/bin/env python3
"""Regenerate the pictures in docs/ from the project's own commands.

    scripts/make_doc_pictures.py [--out DIR] [--models DIR]

Why a script: a picture in the docs is output of the tools, and must still be
what they produce today; tests/test_docs_pictures.py runs this into a scratch
folder and compares. Needs matplotlib (``pip install 'microinterp[plot]'``) and
the public models (``$MICROINTERP_MODELS`` or ../shared/models).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from microinterp.cli.main import main as microinterp

ROOT = Path(__file__).resolve().parents[1]

#: picture file name -> the microinterp command line that draws it ({models} and {out} filled in)
PICTURES = {
    "vww_96_int8_plan.png": "plan {models}/mlperf-tiny/vww_96_int8.tflite --planner best --plot {out}",
}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", type=Path, default=ROOT / "docs", help="folder to write into (default docs/)")
    p.add_argument("--models", type=Path, default=Path(os.environ.get("MICROINTERP_MODELS", ROOT.parent / "shared"
                                                                      / "models")))
    args = p.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, command in PICTURES.items():
        line = command.format(models=args.models, out=args.out / name).split()
        if microinterp(line) != 0:
            print(f"make_doc_pictures: `microinterp {' '.join(line)}` failed", file=sys.stderr)
            return 1
        print(f"wrote {args.out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
