"""The pictures in docs/ still regenerate from the project's commands, and come out as the committed ones.

The plan picture is drawn by matplotlib from integer offsets, so a regenerated
PNG has the committed one's pixel size and pixels (font rendering aside: the
comparison allows a small fraction of differing pixels, argued below)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from oracle import model_path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from make_doc_pictures import PICTURES  # noqa: E402

plt = pytest.importorskip("matplotlib.pyplot")


def test_pictures_regenerate(tmp_path: Path) -> None:
    models = model_path("mlperf-tiny/vww_96_int8.tflite").parents[1]
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_doc_pictures.py"), "--out", str(tmp_path),
                           "--models", str(models)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    for name in PICTURES:
        new, old = plt.imread(tmp_path / name), plt.imread(ROOT / "docs" / name)
        assert new.shape == old.shape, f"{name}: {new.shape} vs committed {old.shape}"
        # Boxes, offsets and labels come from the plan; only anti-aliased text edges may differ between
        # matplotlib/freetype builds, which touches well under 2% of the pixels.
        differing = np.mean(np.any(np.abs(new - old) > 0.1, axis=-1))
        assert differing < 0.02, f"{name}: {differing:.1%} of the pixels differ from the committed picture"
