"""``microinterp diff``: find the first op where two tensor dumps differ (see ``golden/diff.py``).

    microinterp diff MODEL REFERENCE CANDIDATE [--all] [--json]

Exits 0 when the dumps are identical, 1 when they differ and 2 when they cannot
be compared, like ``diff(1)``.
"""

from __future__ import annotations

import argparse
import sys

from ..errors import MicrointerpError


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("model", help="the .tflite model both dumps came from")
    p.add_argument("reference", help="golden case folder, folder of cases, or .npz")
    p.add_argument("candidate", help="golden case folder, folder of cases, or .npz")
    p.add_argument("--all", action="store_true", help="detail every differing op, not only the first")
    p.add_argument("--json", action="store_true", help="print the report as JSON")


def main(args: argparse.Namespace) -> int:
    from ..golden.diff import diff_paths, report_json

    try:
        reports = diff_paths(args.model, args.reference, args.candidate)
    except MicrointerpError as e:
        print(f"microinterp: error: {e}", file=sys.stderr)
        return 2
    if args.json:
        print(report_json(reports))
    else:
        differing = [name for name, rep in reports if not rep.identical]
        for name, rep in reports:
            if name:
                if rep.identical and len(reports) > 1:
                    continue
                print(f"== {name}")
            print(rep.format(all_ops=args.all))
        if len(reports) > 1:
            ops = {f"{rep.compared_ops} of {rep.model_ops}" for _, rep in reports}
            print(f"{len(differing)} of {len(reports)} cases differ"
                  + (f": {', '.join(differing[:10])}" if differing else "")
                  + f" (compared {', '.join(sorted(ops))} ops per case)")
    return 1 if any(not rep.identical for _, rep in reports) else 0
