"""Every builtin kernel, listed explicitly (nothing registers itself on import).

One op per file; each file opens with a docstring naming its TFLM counterpart
and its C twin in ``firmware/src/kernels/mi_<stem>.c``.
"""

from __future__ import annotations

from ..context import Registration
from . import (
    add,
    average_pool_2d,
    conv_2d,
    depthwise_conv_2d,
    dequantize,
    div,
    fully_connected,
    hard_swish,
    leaky_relu,
    logistic,
    max_pool_2d,
    maximum,
    mean,
    minimum,
    mul,
    pad,
    padv2,
    quantize,
    relu,
    relu6,
    reshape,
    softmax,
    strided_slice,
    sub,
    svdf,
    tanh,
    transpose,
    transpose_conv,
    unidirectional_sequence_lstm,
)

BUILTIN_KERNELS: list[Registration] = [
    reshape.REGISTRATION,
    conv_2d.REGISTRATION,
    depthwise_conv_2d.REGISTRATION,
    logistic.REGISTRATION,
    tanh.REGISTRATION,
    relu.REGISTRATION,
    relu6.REGISTRATION,
    hard_swish.REGISTRATION,
    fully_connected.REGISTRATION,
    average_pool_2d.REGISTRATION,
    max_pool_2d.REGISTRATION,
    transpose_conv.REGISTRATION,
    softmax.REGISTRATION,
    svdf.REGISTRATION,
    unidirectional_sequence_lstm.REGISTRATION,
    add.REGISTRATION,
    sub.REGISTRATION,
    mul.REGISTRATION,
    div.REGISTRATION,
    maximum.REGISTRATION,
    minimum.REGISTRATION,
    quantize.REGISTRATION,
    dequantize.REGISTRATION,
    pad.REGISTRATION,
    padv2.REGISTRATION,
    strided_slice.REGISTRATION,
    leaky_relu.REGISTRATION,
    transpose.REGISTRATION,
    mean.REGISTRATION,
]
