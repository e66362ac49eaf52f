"""microinterp: a pure-Python TensorFlow Lite for Microcontrollers interpreter.

Outputs are bit-exact with TFLM (tolerance 0), so it can serve as the
reference for firmware golden vectors. See README.md for the design.
"""

from .errors import (
    ArenaTooSmallError,
    ArgumentError,
    InputError,
    KernelError,
    MicrointerpError,
    ModelError,
    UnsupportedOpError,
)
from .interpreter import Interpreter
from .model import Model, load_model
from .resolver import OpResolver

__version__ = "0.1.0"

__all__ = [
    "Interpreter",
    "load_model",
    "Model",
    "OpResolver",
    "MicrointerpError",
    "ModelError",
    "UnsupportedOpError",
    "ArenaTooSmallError",
    "InputError",
    "ArgumentError",
    "KernelError",
    "__version__",
]
