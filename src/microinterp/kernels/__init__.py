"""Every builtin kernel, listed explicitly (nothing registers itself on import).

One op per file; each file opens with a docstring naming its TFLM counterpart
and its C twin in ``firmware/src/kernels/mi_<stem>.c``.
"""

from __future__ import annotations

from ..context import Registration
from . import conv_2d, depthwise_conv_2d, reshape

BUILTIN_KERNELS: list[Registration] = [
    reshape.REGISTRATION,
    conv_2d.REGISTRATION,
    depthwise_conv_2d.REGISTRATION,
]
