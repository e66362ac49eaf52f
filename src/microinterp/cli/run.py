"""``microinterp run``: run a model on given or random inputs and print the outputs.

With ``--example`` (or no model at all) it runs the built-in digits classifier
over its held-out test split and prints predictions and accuracy.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from ..errors import InputError
from ..golden.cases import load_array
from ..inputs import random_inputs
from ..interpreter import Interpreter
from .args import non_negative_int, positive_int, trace_level


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("model", nargs="?", help=".tflite file (default: the built-in example)")
    p.add_argument("--example", action="store_true", help="run the built-in digits example")
    p.add_argument("--input", action="append", default=[], metavar="X.npy",
                   help="input array for input 0, 1, ... (repeat per input); default: random")
    p.add_argument("--seed", type=non_negative_int, default=0, help="seed for random inputs (default 0)")
    p.add_argument("--trace", type=trace_level, default=None, metavar="N", help="trace level 0-3 (see trace.py)")
    p.add_argument("--arena-size", type=non_negative_int, default=None,
                   help="arena bytes (default: exactly what is needed)")
    p.add_argument("--profile", metavar="OUT", default=None,
                   help="per-op time and arena bytes: ASCII bars, plus a picture when OUT is a .png/.svg path "
                        "('-' for the bars only)")
    p.add_argument("--repeats", type=positive_int, default=10, help="invokes to take the median time of (--profile)")


def _run_example(args: argparse.Namespace) -> int:
    from ..examples import digits_model_path, digits_test_split

    interp = Interpreter.from_file(digits_model_path(), arena_size=args.arena_size, trace=args.trace)
    images, labels = digits_test_split()
    print(f"built-in example: {digits_model_path().name} (8x8 digits CNN, int8 per-channel), "
          f"arena {interp.arena_used_bytes()} bytes")
    print(f"ops: {' -> '.join(interp.model.op_names)}")
    scale = float(interp.get_output_details(0)["quantization_parameters"]["scales"][0])
    zp = int(interp.get_output_details(0)["quantization_parameters"]["zero_points"][0])
    correct = 0
    for n, (img, label) in enumerate(zip(images, labels)):
        interp.set_input(img[None], 0)
        interp.invoke()
        probs = interp.get_output(0)[0]
        pred = int(probs.argmax())
        correct += pred == int(label)
        if n < 8:
            conf = (int(probs[pred]) - zp) * scale
            print(f"  image {n:3d}: predicted {pred} (p={conf:.2f}), label {int(label)}"
                  + ("" if pred == int(label) else "   <- wrong"))
    print(f"accuracy on the {len(labels)} held-out test images: {correct / len(labels):.4f} "
          f"({correct}/{len(labels)})")
    return 0


def main(args: argparse.Namespace) -> int:
    if args.example or not args.model:
        return _run_example(args)
    interp = Interpreter.from_file(args.model, arena_size=args.arena_size, trace=args.trace)
    if args.input:
        if len(args.input) != interp.num_inputs:
            raise InputError(f"the model has {interp.num_inputs} inputs but {len(args.input)} --input given")
        inputs = [load_array(p) for p in args.input]
    else:
        inputs = random_inputs(interp.model, np.random.default_rng(args.seed))
    for i, x in enumerate(inputs):
        interp.set_input(x, i)
    interp.invoke()
    np.set_printoptions(threshold=64, edgeitems=8)
    print(f"{Path(args.model).name}: {len(interp.nodes)} ops, arena {interp.arena_used_bytes()} bytes"
          + ("" if args.input else f", random inputs (seed {args.seed})"))
    for k in range(interp.num_outputs):
        d = interp.get_output_details(k)
        out = interp.get_output(k)
        print(f"output {k} {d['name']!r} {np.dtype(d['dtype']).name}{list(out.shape)}:")
        print(out)
    if args.profile is not None:
        _profile(args, inputs)
    return 0


def _profile(args: argparse.Namespace, inputs: list[np.ndarray]) -> None:
    from ..profile import ascii_bars, profile, save_picture

    rows = profile(args.model, inputs, args.repeats)
    print(ascii_bars(rows))
    if args.profile != "-":
        if Path(args.profile).suffix.lower() not in (".png", ".svg"):
            raise InputError(f"--profile {args.profile}: use a .png or .svg path, or '-' for ASCII bars only")
        save_picture(rows, args.profile, f"{Path(args.model).name}: per-op profile")
        print(f"wrote {args.profile}")
