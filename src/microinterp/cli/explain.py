"""``microinterp explain``: the whole arithmetic of one output element of one op.

Runs the model once (random inputs from ``--seed``, or ``--input`` arrays),
keeping every tensor, then prints what ``explain.explain`` finds: the inputs
the element reads, the accumulation, the bias, multiplier and shift with the
real factor they encode, each rounding step, the clamp, and what single
rounding would have given. Exits 1 if the explained value were ever to differ
from the interpreter's (it is a self-check).
"""

from __future__ import annotations

import argparse

import numpy as np

from ..errors import InputError
from ..explain import EXPLAINERS, explain
from ..inputs import random_inputs
from ..interpreter import Interpreter


def _element(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated index: {text!r} (e.g. 0,3,4,7)") from None


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("model", help=".tflite file")
    p.add_argument("--op", type=int, required=True, metavar="N", help="operator index (see `microinterp inspect`)")
    p.add_argument("--element", type=_element, default=None, metavar="I,J,K,L",
                   help="output element index (default: the first)")
    p.add_argument("--input", action="append", default=[], metavar="X.npy",
                   help="input array for input 0, 1, ... (repeat per input); default: random")
    p.add_argument("--seed", type=int, default=0, help="seed for random inputs (default 0)")
    p.epilog = f"explained ops (int8): {', '.join(EXPLAINERS)}"


def _load(path: str) -> np.ndarray:
    try:
        return np.load(path, allow_pickle=False)
    except (OSError, ValueError) as e:
        raise InputError(f"cannot read --input {path}: {e}") from None


def main(args: argparse.Namespace) -> int:
    it = Interpreter.from_file(args.model, preserve_all_tensors=True)
    if args.input:
        if len(args.input) != it.num_inputs:
            raise InputError(f"the model has {it.num_inputs} inputs but {len(args.input)} --input given")
        inputs = [_load(p) for p in args.input]
    else:
        if args.seed < 0:
            raise InputError(f"--seed must be >= 0, got {args.seed}")
        inputs = random_inputs(it.model, np.random.default_rng(args.seed))
    for i, x in enumerate(inputs):
        it.set_input(x, i)
    it.invoke()
    e = explain(it, args.op, args.element)
    print("\n".join(e.lines()))
    return 0 if e.matches else 1
