"""The converter fixture: models made by TensorFlow's own converter, once per session.

``make_models.py`` runs in the converter's venv (``.venv-converter``, made by
``scripts/bootstrap.sh test`` or ``scripts/bootstrap.sh converter``; another interpreter
through ``$MICROINTERP_CONVERTER_PYTHON``) and writes its models to a temporary directory.
Without that venv the tests skip with a "not found under" reason, which strict mode
(CI=true / MICROINTERP_STRICT=1) turns into a failure, as for the TFLM oracle; a
converter that is there but fails is always a failure.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).resolve().parent / "make_models.py"
HINT = "make it with `scripts/bootstrap.sh converter` (or set $MICROINTERP_CONVERTER_PYTHON)"


def converter_python() -> Path:
    """The Python that has TensorFlow: $MICROINTERP_CONVERTER_PYTHON, else .venv-converter's."""
    env = os.environ.get("MICROINTERP_CONVERTER_PYTHON")
    return Path(env) if env else REPO / ".venv-converter" / "bin" / "python"


def converter_missing() -> str | None:
    """Why the converter cannot run here (None when it can)."""
    python = converter_python()
    if not python.exists():
        return f"the TensorFlow converter (tensorflow-cpu) not found under {python.parent.parent}: {HINT}"
    return None


class Converted:
    """The converted models: ``path(name)``, ``bytes(name)``, ``kind(name)`` ("while" or "stale")."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        listing = json.loads((directory / "models.json").read_text())
        self.tensorflow: str = listing["tensorflow"]
        self.kinds: dict[str, str] = listing["models"]

    def path(self, name: str) -> Path:
        return self.directory / name

    def bytes(self, name: str) -> bytes:
        return self.path(name).read_bytes()


@pytest.fixture(scope="session")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Converted:
    missing = converter_missing()
    if missing:
        pytest.skip(missing)
    out = tmp_path_factory.mktemp("converted")
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "CUDA_VISIBLE_DEVICES": ""}
    run = subprocess.run([str(converter_python()), str(SCRIPT), str(out)], capture_output=True, text=True,
                         timeout=900, env=env, stdin=subprocess.DEVNULL)
    if run.returncode != 0:
        pytest.fail(f"make_models.py failed (exit {run.returncode}) in {converter_python()}:\n{run.stderr[-3000:]}")
    return Converted(out)
