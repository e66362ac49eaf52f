"""``microinterp firmware``: build the C port and cross-check it bit for bit.

    microinterp firmware check MODEL [--target host] [--vectors N] [--seed S]
                                     [--sanitize] [--layers] [--json]
    microinterp firmware build [--target host] [--sanitize]
    microinterp firmware sizes [--target host]
    microinterp firmware targets
    microinterp firmware export DIR [--force]
    microinterp firmware aot MODEL -o OUT

``aot`` writes a copy of the model with its ahead-of-time prepare image
(``fw/aot.py``): the C port's per-channel convolution constants move from the
arena into flash, with the same outputs.

``check`` builds the runner for the target once (later runs reuse it), runs
the model on N random input vectors (full range of each input type,
reproducible from the seed), compares every output byte with
``microinterp.Interpreter``, prints the arena the firmware used next to
``memory.firmware_arena``'s prediction for that target, and exits non-zero on any
difference, naming the first operator whose outputs differ. Exit status: 0
identical, 1 mismatch (bytes or arena), 2 could not build or run.

``export`` copies the C port (sources, headers, Makefile, ports, runner, unit
tests, the QEMU plugin) into a firmware tree: from the repository's
``firmware/`` in a checkout, or from the copy inside the installed wheel.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..fw import check as fwcheck
from ..fw import targets as tg
from ..memory import firmware_arena
from ..model import load_model
from .args import non_negative_int, positive_int, positive_seconds
from .main import fail


def _target_name(args: argparse.Namespace) -> str:
    """The registered target to use; an unknown name or a misplaced --sanitize is a usage error."""
    name = args.target
    if name not in tg.names():
        fail(f"firmware {args.fw_command}: unknown --target {name!r}; choose one of {', '.join(tg.names())} "
             "(see `microinterp firmware targets`)")
    if getattr(args, "sanitize", False):
        if name != "host":
            fail(f"firmware {args.fw_command}: --sanitize applies to --target host, not {name}")
        name = "host-asan"
    return name


def add_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="fw_command", metavar="ACTION")

    c = sub.add_parser("check", help="run a model on the C port and compare every byte with the Python interpreter")
    c.add_argument("model", help=".tflite file")
    c.add_argument("--target", default="host", help="firmware target (see `microinterp firmware targets`)")
    c.add_argument("--vectors", type=positive_int, default=4, help="random input vectors to run (default 4)")
    c.add_argument("--seed", type=non_negative_int, default=0, help="seed of the random inputs (default 0)")
    c.add_argument("--sanitize", action="store_true", help="host only: build with AddressSanitizer + UBSan")
    c.add_argument("--layers", action="store_true",
                   help="also compare every operator's outputs (always done after an output mismatch)")
    c.add_argument("--arena", type=non_negative_int, default=None,
                   help="give the firmware exactly this many arena bytes (default: its whole static arena)")
    c.add_argument("--timeout", type=positive_seconds, default=300.0, help="seconds before the firmware run is killed")
    c.add_argument("--build-dir", type=Path, default=None, help="where to build (default firmware/build/<target>)")
    c.add_argument("--keep", type=Path, default=None, help="keep the inputs/outputs/dump files in this directory")
    c.add_argument("--json", action="store_true", help="print the report as JSON")

    b = sub.add_parser("build", help="build the C port's runner (and, on the host, its unit tests)")
    b.add_argument("--target", default="host")
    b.add_argument("--sanitize", action="store_true")
    b.add_argument("--build-dir", type=Path, default=None)

    s = sub.add_parser("sizes", help="the C struct sizes memory.firmware_arena assumes on a target, and the arena for a model")
    s.add_argument("model", nargs="?", help="optional .tflite file: also print its predicted arena")
    s.add_argument("--target", default="host")

    sub.add_parser("targets", help="list the firmware targets and whether they can run here")

    a = sub.add_parser("aot", help="write a copy of the model whose per-channel constants the C port keeps in flash")
    a.add_argument("model", type=Path, help=".tflite file")
    a.add_argument("-o", "--output", type=Path, required=True, help="where to write the model with its image")
    a.add_argument("--overlap", action="store_true",
                   help="also opt the model into outputs written over the inputs that die at their op "
                        "(smaller arena, about 0.5 KB more code in the image; memory/overlap.py)")

    e = sub.add_parser("export", help="copy the C port (sources, headers, Makefile, ports) into a directory")
    e.add_argument("dir", type=Path, help="destination (created; must be empty unless --force)")
    e.add_argument("--force", action="store_true", help="overwrite the C port's files in a non-empty directory")


def main(args: argparse.Namespace) -> int:
    cmd = getattr(args, "fw_command", None)
    if cmd == "check":
        target = _target_name(args)
        load_model(str(args.model))  # a missing or corrupt file is bad input (one line), not "unavailable"
        report = fwcheck.check(args.model, target, vectors=args.vectors, seed=args.seed,
                               layers=args.layers, timeout=args.timeout, workdir=args.build_dir, keep=args.keep,
                               arena=args.arena)
        if args.json:
            print(report.to_json())
        else:
            print("\n".join(report.lines()))
        if report.ok:
            return 0
        return 1 if report.outcome in ("mismatch", "arena-mismatch") else 2
    if cmd == "build":
        target = tg.get_target(_target_name(args))
        why = target.unavailable()
        if why:
            print(f"microinterp: error: target {target.name} cannot build here: {why}", file=sys.stderr)
            return 2
        try:
            print(target.build(args.build_dir))
        except tg.BuildError as e:
            print(f"microinterp: error: {e}", file=sys.stderr)
            return 2
        return 0
    if cmd == "sizes":
        try:
            sizes = firmware_arena.struct_sizes(args.target)
        except ValueError as e:
            fail(f"firmware sizes: {e}")
        width = max(len(k) for k in sizes)
        print(f"target {args.target} (ABI {firmware_arena.abi_of(args.target).name})")
        for name, size in sizes.items():
            print(f"  {name:<{width}}  {size:>4} B")
        if args.model:
            print(json.dumps(firmware_arena.firmware_arena_bytes(args.model, args.target), indent=1))
        return 0
    if cmd == "targets":
        for name in tg.names():
            t = tg.get_target(name)
            why = t.unavailable()
            print(f"{name:<15} {t.abi:<7} {'ok' if why is None else 'unavailable: ' + why}  {t.description}")
        return 0
    if cmd == "aot":
        from ..fw import aot
        from ..model import Model

        model: Model = load_model(str(args.model))
        try:
            data = aot.with_aot_prepare(model)
            if args.overlap:
                from ..memory.overlap import with_overlap

                data = with_overlap(load_model(data))
        except ValueError as e:
            fail(f"firmware aot: {e}")
        args.output.write_bytes(data)
        arrays = aot.aot_arrays(model)
        print(f"wrote {args.output}: {len(arrays)} operators' multipliers and shifts "
              f"({sum(8 * len(m) for m, _ in arrays.values()):,} B) now in flash"
              + ("; outputs may overlap dying inputs" if args.overlap else ""))
        return 0
    if cmd == "export":
        from ..fw import sources

        try:
            written = sources.export(args.dir, force=args.force)
        except (FileNotFoundError, FileExistsError, OSError) as e:
            print(f"microinterp: error: firmware export: {e}", file=sys.stderr)
            return 2
        print(f"exported the C port from {sources.firmware_dir()} to {args.dir}: "
              f"{', '.join(p.name for p in written)}")
        print(f"build it with: make -C {args.dir}   (see {args.dir / 'README.md'})")
        return 0
    fail("firmware: choose an action: check, build, sizes, targets, export or aot "
         "(see `microinterp firmware --help`)")
