"""Ahead-of-time prepare for the C port: per-channel constants computed on the host.

Why: the int8/int16 CONV_2D and DEPTHWISE_CONV_2D kernels of the C port keep a
multiplier and a shift per output channel (8 bytes a channel), computed in
prepare from the model's scales and allocated in the arena's persistent tail
(``mi_conv_quantized_output_params``, as TFLM's ``PopulateConvolutionQuantizationParams``).
They are constants of the model: written into it once, they stay in flash with
the weights and leave the arena (KWS: 4.6 KB of its 22.6 KB).

The image is a metadata entry ``microinterp_aot`` (the model's other bytes are
kept, ``offline_plan.with_metadata``), int32 little-endian::

    [version 1, entries, then per entry: operator index, channels n,
     n multipliers, n shifts]

for every quantized CONV_2D / DEPTHWISE_CONV_2D of the main subgraph, computed
by the Python kernels' own ``convolution.per_channel_multipliers`` (``quant.py``).
The C prepare points its arrays at an entry instead of allocating them, after
checking every value against the one it computes itself, so a model gives the
same outputs with and without the image, and a wrong image is refused
(``MI_ERR_MODEL_INVALID``) rather than used. Optional per build: a model
without the entry runs as before. TFLM and the Python interpreter ignore it.
"""

from __future__ import annotations

import struct

import numpy as np

from ..context import Node, nodes_of
from ..errors import ModelError
from ..kernels import convolution
from ..memory.offline_plan import with_metadata
from ..model import Model

METADATA_NAME = "microinterp_aot"
VERSION = 1
#: the ops whose C twin reads the image, with the filter dimension of their output channels
AOT_OPS = {"CONV_2D": 0, "DEPTHWISE_CONV_2D": -1}


def takes_arrays(node: Node) -> bool:
    """The C twin allocates per-channel arrays for this operator (convolution.conv_memory's rule)."""
    if node.name not in AOT_OPS or len(node.inputs) < 2 or node.inputs[0] is None or node.inputs[1] is None:
        return False
    return node.inputs[0].type_name != "FLOAT32" and len(node.inputs[1].shape) == 4


def aot_arrays(model: Model) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Operator index -> (multipliers, shifts) as int32, for every operator the image covers."""
    out = {}
    for node in nodes_of(model.main):
        if not takes_arrays(node):
            continue
        x, w, y = node.input(0), node.input(1), node.output(0)
        channels = w.shape[AOT_OPS[node.name]]
        mult, shift = convolution.per_channel_multipliers(node, x.scale, w.quant.scale, y.scale, channels)
        out[node.index] = (np.asarray(mult, np.int32), np.asarray(shift, np.int32))
    return out


def aot_payload(model: Model) -> bytes:
    """The metadata buffer of ``model``'s image."""
    arrays = aot_arrays(model)
    words = [VERSION, len(arrays)]
    for op, (mult, shift) in sorted(arrays.items()):
        words += [op, len(mult), *mult.tolist(), *shift.tolist()]
    return struct.pack(f"<{len(words)}i", *words)


def with_aot_prepare(model: Model) -> bytes:
    """``model``'s bytes with its ahead-of-time prepare image (replacing any)."""
    return with_metadata(model, METADATA_NAME, aot_payload(model))


def read_aot(model: Model) -> dict[int, int]:
    """Operator index -> channels of each entry of the model's image ({} without one).
    A malformed image is a ``ModelError`` (the C port refuses it too)."""
    blob = model.metadata.get(METADATA_NAME)
    if blob is None:
        return {}
    if len(blob) < 8 or len(blob) % 4:
        raise ModelError(f"{METADATA_NAME} metadata is {len(blob)} bytes: not a list of int32")
    words = struct.unpack(f"<{len(blob) // 4}i", blob)
    if words[0] != VERSION:
        raise ModelError(f"{METADATA_NAME} metadata has version {words[0]}, not {VERSION}")
    out: dict[int, int] = {}
    k = 2
    for _ in range(max(words[1], 0)):
        if k + 2 > len(words) or not 0 <= words[k + 1] <= (len(words) - k - 2) // 2:
            raise ModelError(f"{METADATA_NAME} metadata is truncated")
        out.setdefault(words[k], words[k + 1])  # the C port takes an operator's first entry
        k += 2 + 2 * words[k + 1]
    return out
