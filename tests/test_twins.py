"""Twins stay twins: every Python kernel module and its C twin name each other.

``src/microinterp/kernels/<stem>.py`` <-> ``firmware/src/kernels/mi_<stem>.c`` (shared
helper modules included: ``padding``, ``pooling``, ``convolution``, ...). For each
pair, the Python docstring names the C file and the C file's opening comment names
the Python file; a C file without a Python twin, or a docstring naming a C file that
does not exist, fails. A registered kernel declares its C op data
(``Registration.memory.c_op_data``) exactly when its C twin exists, so the C-port
sizing knows every kernel the firmware has.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from microinterp.fw.kernel_select import kernel_stem
from microinterp.kernels import BUILTIN_KERNELS

ROOT = Path(__file__).resolve().parents[1]
PY_DIR = ROOT / "src" / "microinterp" / "kernels"
C_DIR = ROOT / "firmware" / "src" / "kernels"

PY_STEMS = sorted(p.stem for p in PY_DIR.glob("*.py") if p.stem != "__init__")
C_STEMS = sorted(p.stem[3:] for p in C_DIR.glob("mi_*.c"))


def docstring(stem: str) -> str:
    return ast.get_docstring(ast.parse((PY_DIR / f"{stem}.py").read_text())) or ""


def opening_comment(stem: str) -> str:
    text = (C_DIR / f"mi_{stem}.c").read_text()
    m = re.match(r"\s*/\*(.*?)\*/", text, re.S)
    return re.sub(r"\s*\n\s*\*?\s*", " ", m.group(1)) if m else ""


def test_the_lists_are_not_empty() -> None:
    assert "conv_2d" in PY_STEMS and "conv_2d" in C_STEMS


@pytest.mark.parametrize("stem", C_STEMS)
def test_every_c_kernel_has_a_python_twin_that_names_it(stem: str) -> None:
    assert stem in PY_STEMS, f"firmware/src/kernels/mi_{stem}.c has no kernels/{stem}.py"
    assert f"mi_{stem}.c" in docstring(stem), f"kernels/{stem}.py's docstring does not name mi_{stem}.c"
    assert f"kernels/{stem}.py" in opening_comment(stem), f"mi_{stem}.c's opening comment does not name kernels/{stem}.py"


@pytest.mark.parametrize("stem", PY_STEMS)
def test_python_docstrings_name_only_c_files_that_exist(stem: str) -> None:
    named = set(re.findall(r"mi_(\w+)\.c\b", docstring(stem)))
    missing = sorted(n for n in named if n not in C_STEMS)
    assert not missing, f"kernels/{stem}.py names C files that do not exist: {missing}"


@pytest.mark.parametrize("reg", BUILTIN_KERNELS, ids=lambda r: r.name)
def test_c_op_data_is_declared_exactly_for_c_kernels(reg) -> None:  # type: ignore[no-untyped-def]
    stem = kernel_stem(reg.name)
    declared = reg.memory is not None and reg.memory.c_op_data is not None
    assert declared == (stem in C_STEMS), (
        f"{reg.name}: C twin {'exists' if stem in C_STEMS else 'missing'} but c_op_data "
        f"{'is' if declared else 'is not'} declared")
