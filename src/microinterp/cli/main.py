"""The ``microinterp`` command.

Each subcommand lives in its own module with ``add_arguments(parser)`` and
``main(args) -> int``; this file only dispatches, so the commands can grow
independently:

    run       run a model (or the built-in example) and print outputs
    inspect   print the graph: ops, tensors, shapes, dtypes, quantization
    plan      arena sizing and plan pictures            (cli/plan.py)
    golden    write golden vectors for firmware tests   (cli/golden.py)
    diff      find the first op where two dumps differ  (cli/diff.py)
    firmware  build and cross-check the C port          (cli/firmware.py)
    eval      a dataset through batch mode: accuracy, LiteRT agreement (cli/eval.py)
    explain   one output element's arithmetic, step by step (cli/explain.py)
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import NoReturn

from ..errors import MicrointerpError

#: subcommand -> (module, help). A module is imported only to build the parser,
#: and a module that fails to import is a bug to see, not a command to hide.
COMMANDS: dict[str, tuple[str, str]] = {
    "run": ("microinterp.cli.run", "run a model (or the built-in example) and print its outputs"),
    "inspect": ("microinterp.cli.inspect", "print a model's graph, tensors and quantization"),
    "plan": ("microinterp.cli.plan", "size the tensor arena and picture the memory plan"),
    "golden": ("microinterp.cli.golden", "write golden vectors (npy, C headers, CSV)"),
    "diff": ("microinterp.cli.diff", "report the first op where two tensor dumps differ"),
    "firmware": ("microinterp.cli.firmware", "build the C port and cross-check it bit for bit"),
    "eval": ("microinterp.cli.eval", "run a dataset through the model: top-1 accuracy, agreement with LiteRT"),
    "explain": ("microinterp.cli.explain", "show the arithmetic of one output element, rounding step by step"),
}


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors: ``microinterp: error: <command>: <what>`` and exit 2,
    the same shape as every other error of the command (argparse's own prints the usage
    block first). Subcommand parsers are of this class too (``add_subparsers`` copies it)."""

    def error(self, message: str) -> NoReturn:
        command = self.prog.removeprefix("microinterp").strip()
        where = f"{command}: " if command else ""
        self.exit(2, f"microinterp: error: {where}{message} (see `{self.prog} --help`)\n")


def fail(message: str) -> NoReturn:
    """Stop with a one-line usage error (exit 2) from inside a subcommand."""
    print(f"microinterp: error: {message}", file=sys.stderr)
    raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    from .. import __version__

    parser = Parser(prog="microinterp", description=__doc__.split("\n")[0])
    parser.add_argument("--version", action="version", version=f"microinterp {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (spec, help_text) in COMMANDS.items():
        cmd = importlib.import_module(spec)
        p = sub.add_parser(name, help=help_text, description=help_text)
        cmd.add_arguments(p)  # type: ignore[attr-defined]
        p.set_defaults(_cmd=cmd)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_cmd", None):
        parser.print_help()
        return 2
    try:
        return int(args._cmd.main(args) or 0)
    except MicrointerpError as e:
        print(f"microinterp: error: {_one_line(str(e))}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # e.g. `microinterp inspect m.tflite | head`
        return 0
    except OSError as e:  # a file the user named: missing, a directory, not writable, disk full
        name = f" {e.filename!r}" if e.filename else ""
        print(f"microinterp: error: cannot access{name}: {e.strerror or e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("microinterp: error: interrupted", file=sys.stderr)
        return 130
    except Exception as e:  # noqa: BLE001 - the last line of defence: still one line, never a traceback
        if os.environ.get("MICROINTERP_DEBUG"):
            raise
        print(f"microinterp: error: internal error ({type(e).__name__}: {_one_line(str(e))}); this is a bug, "
              "please report it (MICROINTERP_DEBUG=1 shows the traceback)", file=sys.stderr)
        return 3


def _one_line(text: str) -> str:
    """An error message on one line (some carry a command's output after the first line)."""
    return " | ".join(line.strip() for line in text.strip().splitlines() if line.strip())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
