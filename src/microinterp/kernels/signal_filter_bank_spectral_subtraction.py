"""SignalFilterBankSpectralSubtraction (TFLM:
signal/micro/kernels/filter_bank_spectral_subtraction.cc,
signal/src/filter_bank_spectral_subtraction.cc; C twin:
firmware/src/kernels/mi_signal_filter_bank_spectral_subtraction.c).

Subtracts a running noise estimate from each uint32 channel. The estimate is
the op's **state**: TFLM keeps it in a persistent buffer of ``num_channels``
uint32 that Prepare and the kernel's ``reset`` zero, so it carries from one
invoke to the next; here it lives in the op data and ``Registration.reset``
zeroes it (``Interpreter.reset``). The second output is a copy of it.

Per channel (even channels use ``smoothing``, odd ones ``alternate_smoothing``):
``estimate = (signal << smoothing_bits) * smoothing + estimate * one_minus``
in uint64 (modulo 2**64), shifted by ``spectral_subtraction_bits`` and stored
in uint32; the output is ``max((scaled - min(estimate, scaled)) >> smoothing_bits,
signal * min_signal_remaining >> spectral_subtraction_bits)``, and with
``clamping`` the estimate itself is clamped to the scaled signal. The
coefficients are int32 options stored in uint32 fields, as TFLM does; the two
shift counts must be shifts TFLM's C defines (0..31 for the uint32
``smoothing_bits``, 0..63 for the uint64 ``spectral_subtraction_bits``), and
``num_channels`` must be every tensor's length (TFLM would read past them).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..context import Node, Registration
from ..errors import KernelError, ModelError
from ..memory.declaration import KernelMemory, OpMemory, c_struct, persist, temps
from .signal_common import option_bool, option_int, options, require, shift_in_range

INPUT, OUTPUT, NOISE_ESTIMATE = 0, 0, 1
MASK32 = np.uint64(0xFFFFFFFF)


@dataclass(frozen=True)
class OpData:
    smoothing: np.ndarray  # per channel, uint64 holding the uint32 coefficient
    one_minus: np.ndarray
    min_signal_remaining: np.uint64
    smoothing_bits: np.uint64
    subtraction_bits: np.uint64
    clamping: bool
    noise: np.ndarray  # the state: uint32 noise estimate per channel


def prepare(node: Node) -> OpData:
    m = options(node)
    u32 = {key: option_int(node, m, key) & 0xFFFFFFFF for key in (
        "alternate_one_minus_smoothing", "alternate_smoothing", "min_signal_remaining", "one_minus_smoothing",
        "smoothing")}
    clamping = option_bool(node, m, "clamping")
    channels = option_int(node, m, "num_channels")
    smoothing_bits = shift_in_range(node, "smoothing_bits", option_int(node, m, "smoothing_bits"), 32)
    subtraction_bits = shift_in_range(node, "spectral_subtraction_bits",
                                      option_int(node, m, "spectral_subtraction_bits"), 64)
    require(node, len(node.op.inputs) == 1 and len(node.op.outputs) == 2, "takes 1 input and 2 outputs")
    x, y, noise = node.input(INPUT), node.output(OUTPUT), node.output(NOISE_ESTIMATE)
    if any(t.type_name != "UINT32" for t in (x, y, noise)):
        raise node.unsupported("types are not supported (uint32)")
    require(node, all(len(t.shape) == 1 for t in (x, y, noise)), "every tensor must be 1-D")
    require(node, channels > 0 and x.size == y.size == noise.size == channels,
            f"num_channels {channels} differs from the tensors' lengths {x.size}, {y.size}, {noise.size}")
    even = np.arange(channels) % 2 == 0
    smoothing = np.where(even, u32["smoothing"], u32["alternate_smoothing"]).astype(np.uint64)
    one_minus = np.where(even, u32["one_minus_smoothing"], u32["alternate_one_minus_smoothing"]).astype(np.uint64)
    return OpData(smoothing, one_minus, np.uint64(u32["min_signal_remaining"]), np.uint64(smoothing_bits),
                  np.uint64(subtraction_bits), clamping, np.zeros(channels, np.uint32))


def reset(data: OpData) -> None:
    data.noise[...] = 0


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    signal = inputs[INPUT].astype(np.uint64)
    with np.errstate(over="ignore"):  # uint64 products and sums wrap modulo 2**64, as in TFLM
        scaled = (signal << data.smoothing_bits) & MASK32
        estimate = ((scaled * data.smoothing + data.noise.astype(np.uint64) * data.one_minus)
                    >> data.subtraction_bits) & MASK32
        over = estimate > scaled
        clipped = np.where(over, scaled, estimate)
        floor = ((signal * data.min_signal_remaining) >> data.subtraction_bits) & MASK32
    data.noise[...] = np.where(over, scaled, estimate) if data.clamping else estimate
    subtracted = (scaled - clipped) >> data.smoothing_bits
    outputs[OUTPUT][...] = np.maximum(subtracted, floor)
    outputs[NOISE_ESTIMATE][...] = data.noise


def bind(node: Node, data: OpData, inputs: Sequence[np.ndarray | None],
         outputs: Sequence[np.ndarray]) -> Callable[[], None]:
    """``invoke`` on buffers made once, 12 numpy calls: the uint32 shifts wrap as C's, the
    uint64 products and sum wrap modulo 2**64 and are stored to uint32 by the shift's
    output cast; the new estimate (with ``clamping``, its minimum with the signal) is
    written straight into the state. The state is ``data.noise`` itself, so ``reset``
    and the traced path see the same one."""
    x, y, noise_out, noise = inputs[INPUT], outputs[OUTPUT], outputs[NOISE_ESTIMATE], data.noise
    shape = x.shape
    scaled, estimate, clipped, floor = (np.empty(shape, np.uint32) for _ in range(4))
    acc, other = np.empty(shape, np.uint64), np.empty(shape, np.uint64)
    smoothing_bits, subtraction_bits = np.uint32(data.smoothing_bits), data.subtraction_bits
    p = functools.partial
    calls = [
        p(np.left_shift, x, smoothing_bits, scaled),  # uint32, wrapping
        p(np.multiply, scaled, data.smoothing, acc),
        p(np.multiply, noise, data.one_minus, other),  # the old estimate, before it is replaced
        p(np.add, acc, other, acc),
    ]
    if data.clamping:
        calls += [p(np.right_shift, acc, subtraction_bits, estimate, casting="unsafe"),
                  p(np.minimum, estimate, scaled, out=noise)]
        clipped = noise
    else:
        calls += [p(np.right_shift, acc, subtraction_bits, noise, casting="unsafe"),  # the new estimate
                  p(np.minimum, noise, scaled, out=clipped)]
    calls += [
        p(np.subtract, scaled, clipped, scaled),  # clipped <= scaled
        p(np.right_shift, scaled, smoothing_bits, scaled),
        p(np.multiply, x, data.min_signal_remaining, acc),
        p(np.right_shift, acc, subtraction_bits, floor, casting="unsafe"),
        p(np.maximum, scaled, floor, out=y),
        p(np.copyto, noise_out, noise),
    ]
    calls_t = tuple(calls)

    def run() -> None:
        for call in calls_t:
            call()

    return run


def _channels(node: Node) -> int:
    try:
        return max(options(node).int("num_channels"), 0)
    except (ModelError, KernelError):
        return 0


def memory(node: Node, pointer_bytes: int) -> OpMemory:
    """Init allocates the noise estimate (num_channels uint32) after its params; the
    C twin's prepare allocates it as a state (mi_alloc_state)."""
    channels = _channels(node)
    return OpMemory(tflm_prepare=(*persist(4 * channels), *temps(node, (0,), (0, 1))),
                    c_arrays=(4 * channels,) if channels else ())


MEMORY = KernelMemory(tflm_op_data="TFLMSignalSpectralSubtractionParams", c_op_data=c_struct(p=2, w=10, b=1),
                      needs=memory)
REGISTRATION = Registration("CUSTOM:SignalFilterBankSpectralSubtraction", prepare, invoke, memory=MEMORY,
                            reset=reset, bind=bind)
