"""The READMEs state the C port's op coverage truthfully: the generated block
between the markers equals what the registries (firmware/src/mi_resolver.c and
kernels/__init__.py) say, and the registries agree with each other and with the
kernels' C memory declarations. Fix a failure with
``.venv/bin/python scripts/port_coverage.py``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from microinterp.fw import coverage
from microinterp.fw.kernel_select import kernel_stem
from microinterp.memory import firmware_arena

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("readme", ["README.md", "firmware/README.md"])
def test_readme_states_the_registries(readme: str) -> None:
    text = (ROOT / readme).read_text()
    assert coverage.current_block(text) == coverage.coverage_text(ROOT / "firmware"), (
        f"{readme} is stale: run .venv/bin/python scripts/port_coverage.py")


def test_registries_agree() -> None:
    """Every C kernel has a Python twin and a C op data declaration, and each
    registration in the resolver is defined by its mi_<stem>.c with that op's name."""
    c_ops = coverage.c_port_ops(ROOT / "firmware")
    assert len(c_ops) == len(set(c_ops))
    assert set(c_ops) <= set(coverage.python_ops())
    assert set(c_ops) == set(firmware_arena.c_kernels())
    for op in c_ops:
        stem = kernel_stem(op)
        source = (ROOT / "firmware" / "src" / "kernels" / f"mi_{stem}.c").read_text()
        if op.startswith("CUSTOM:"):  # matched by its custom code
            code = op.split(":", 1)[1]
            assert re.search(rf'mi_registration_{stem} = \{{\s*MI_OP_CUSTOM,[^}}]*"{code}"', source), op
        else:
            assert re.search(rf"mi_registration_{stem} = \{{\s*MI_OP_{op},", source), op


def test_replace_block_needs_the_markers() -> None:
    with pytest.raises(ValueError, match="markers"):
        coverage.replace_block("no markers here", "x")
    text = f"a\n{coverage.BEGIN}\nold\n{coverage.END}\nb"
    assert coverage.current_block(coverage.replace_block(text, "new")) == "new"
