"""Argument types shared by the subcommands, so every bad value is refused by
argparse itself with one line (``microinterp: error: ...``, exit 2) before any
work starts, instead of surfacing later as a numpy or subprocess traceback."""

from __future__ import annotations

import argparse

from ..trace import MAX_TRACE_LEVEL


def _int(text: str) -> int:
    try:
        return int(text, 10)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None


def non_negative_int(text: str) -> int:
    """A seed, a byte count: 0 or more (numpy's generators refuse negative seeds)."""
    value = _int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative; give 0 or more")
    return value


def positive_int(text: str) -> int:
    """A number of cases or vectors: 1 or more."""
    value = _int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be at least 1")
    return value


def trace_level(text: str) -> int:
    """A trace level, 0 to ``trace.MAX_TRACE_LEVEL``."""
    value = _int(text)
    if not 0 <= value <= MAX_TRACE_LEVEL:
        raise argparse.ArgumentTypeError(f"trace level {value} does not exist; use 0 to {MAX_TRACE_LEVEL}")
    return value


def positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not value > 0:  # also refuses nan
        raise argparse.ArgumentTypeError(f"{text} seconds: give a positive number")
    return value
