"""``microinterp golden``: write golden case folders (see ``golden/cases.py``).

    microinterp golden MODEL --out DIR [--inputs x.npy ... | --random N --seed S]
                       [--layers] [--format npy,c,csv] [--engine microinterp|tflm]
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

from .args import non_negative_int, positive_int


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("model", help="the .tflite model")
    p.add_argument("--out", required=True, metavar="DIR",
                   help="output folder; cases go to DIR/case_0000, DIR/case_0001, ...")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--inputs", nargs="+", metavar="FILE",
                     help="input values: one .npy or TFLM .csv per model input (in order), or one .npz "
                          "(keys input_0, ...); a leading extra dimension holds several cases")
    src.add_argument("--random", type=positive_int, metavar="N",
                     help="N random cases over each input's full quantized range (default: 1)")
    p.add_argument("--seed", type=non_negative_int, default=0,
                   help="seed of the random inputs; case k uses numpy.random.default_rng([seed, k]) "
                        "(default 0)")
    p.add_argument("--layers", action="store_true",
                   help="also write every op's output tensors (layers/<op>_<OP>_<tensor>.npy)")
    p.add_argument("--format", default="npy", metavar="LIST",
                   help="comma-separated: npy (always written), c (C headers), csv (TFLM's test layout)")
    p.add_argument("--engine", choices=("microinterp", "tflm"), default="microinterp",
                   help="compute the values with microinterp (default) or with TFLM itself")
    p.add_argument("--copy-model", action="store_true", help="also copy the model into each case folder")
    bar = p.add_mutually_exclusive_group()
    bar.add_argument("--progress", dest="progress", action="store_true", default=None,
                     help="always show a progress bar (default: only on a terminal)")
    bar.add_argument("--no-progress", dest="progress", action="store_false", help="never show one")


def main(args: argparse.Namespace) -> int:
    from ..golden.cases import case_folders, generate, load_inputs
    from ..model import load_model

    model = load_model(args.model)
    inputs = None
    source = None
    if args.inputs:
        inputs = load_inputs(model, args.inputs)
        source = ", ".join(args.inputs)
    if args.progress and importlib.util.find_spec("tqdm") is None:
        print("microinterp: warning: --progress needs tqdm (pip install 'microinterp[progress]'); "
              "going on without a progress bar", file=sys.stderr)
    paths = generate(
        model, args.out, inputs=inputs, count=args.random, seed=args.seed, layers=args.layers,
        formats=args.format, engine=args.engine, copy_model=args.copy_model, source=source,
        progress=args.progress, model_path=args.model,
    )
    what = f"inputs from {source}" if source else f"random inputs, seed {args.seed}"
    print(f"wrote {len(paths)} case(s) to {args.out} ({what}; formats {args.format}"
          f"{'; every layer' if args.layers else ''}; values from {args.engine})")
    stale = sorted(set(case_folders(args.out)) - {Path(p) for p in paths})
    if stale:
        print(f"note: {args.out} also holds {len(stale)} older case folder(s) not written now "
              f"({stale[0].name}...); remove them before comparing whole folders with `diff`",
              file=sys.stderr)
    for p in paths[:3]:
        print(f"  {p}: " + " ".join(sorted(f.name for f in Path(p).iterdir())))
    if len(paths) > 3:
        print(f"  ... {len(paths) - 3} more")
    return 0
