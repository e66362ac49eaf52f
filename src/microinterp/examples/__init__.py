"""The built-in example: an int8 CNN for 8x8 handwritten digits, made by
``examples/make_digits_model.py`` (trained with numpy, quantized by the project)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np


def digits_model_path() -> Path:
    return Path(str(resources.files(__package__) / "digits_int8.tflite"))


def digits_test_split() -> tuple[np.ndarray, np.ndarray]:
    """(images int8 [N,8,8,1] quantized like the model's input, labels uint8 [N])."""
    with resources.as_file(resources.files(__package__) / "digits_test.npz") as p:
        data = np.load(p)
        return data["images"], data["labels"]
