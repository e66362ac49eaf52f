"""SignalFilterBank (TFLM: signal/micro/kernels/filter_bank.cc,
signal/src/filter_bank.cc; C twin:
firmware/src/kernels/mi_signal_filter_bank.c).

Accumulates a uint32 energy spectrum into ``num_channels`` mel channels of
uint64. Channel ``i`` (of ``num_channels + 1``; TFLM drops channel 0, a scratch
channel) sums ``weights[ws + j] * input[fs + j]`` over its ``width`` bins, and
channel ``i + 1`` starts from channel ``i``'s ``unweights`` sum. TFLM multiplies
the int16 weight, converted to uint64, by the uint64 input and accumulates in
uint64: all modulo 2**64, which uint64 numpy arithmetic reproduces (a negative
weight wraps the same way).

The five tables (weights, unweights, channel frequency starts, weight starts,
widths) must be constant tensors, so that every index they hold is checked once
here: TFLM reads wherever they point, so out-of-range starts and widths are
refused rather than read.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..context import Node, Registration
from ..errors import KernelError, ModelError
from ..memory.declaration import KernelMemory, OpMemory, c_struct, persist, temps
from .signal_common import option_int, options, require

INPUT, WEIGHTS, UNWEIGHTS, FREQ_STARTS, WEIGHT_STARTS, WIDTHS = range(6)
OUTPUT = 0


@dataclass(frozen=True)
class OpData:
    channels: int
    bins: np.ndarray  # input index of every term, channel by channel
    weights: np.ndarray  # uint64 (wrapped int16) weight of every term
    unweights: np.ndarray
    bounds: np.ndarray  # channel c's terms are bounds[c]:bounds[c + 1]


def prepare(node: Node) -> OpData:
    channels = option_int(node, options(node), "num_channels")
    require(node, len(node.op.inputs) == 6 and len(node.op.outputs) == 1, "takes 6 inputs and 1 output")
    x, y = node.input(INPUT), node.output(OUTPUT)
    tables = [node.input(k) for k in (WEIGHTS, UNWEIGHTS, FREQ_STARTS, WEIGHT_STARTS, WIDTHS)]
    if x.type_name != "UINT32" or y.type_name != "UINT64" or any(t.type_name != "INT16" for t in tables):
        raise node.unsupported("types are not supported (uint32 spectrum, int16 tables -> uint64)")
    require(node, all(len(t.shape) == 1 for t in (x, y, *tables)), "every tensor must be 1-D")
    require(node, all(t.data is not None for t in tables), "the weight and channel tables must be constant")
    require(node, channels > 0 and y.size == channels, f"num_channels {channels} differs from the {y.size} outputs")
    w, u, fs, ws, width = (np.asarray(t.data, np.int64).reshape(-1) for t in tables)
    require(node, w.size == u.size and min(fs.size, ws.size, width.size) >= channels + 1,
            f"tables of {w.size}/{u.size} weights and {fs.size}/{ws.size}/{width.size} channel entries "
            f"do not describe {channels} + 1 channels")
    fs, ws, width = fs[: channels + 1], ws[: channels + 1], width[: channels + 1]
    require(node, bool(np.all(width >= 0) and np.all(fs >= 0) and np.all(ws >= 0)
                       and np.all(fs + width <= x.size) and np.all(ws + width <= w.size)),
            "a channel's bins or weights fall outside the spectrum or the weight tables")
    bounds = np.concatenate([[0], np.cumsum(width)])
    within = np.arange(int(bounds[-1])) - np.repeat(bounds[:-1], width)
    channel = np.repeat(np.arange(channels + 1), width)
    terms = ws[channel] + within

    def u64(v: np.ndarray) -> np.ndarray:
        return v.astype(np.int64).astype(np.uint64)  # int16 -> uint64, modulo 2**64

    return OpData(channels, fs[channel] + within, u64(w[terms]), u64(u[terms]), bounds)


def invoke(node: Node, data: OpData, inputs: Sequence[np.ndarray | None], outputs: Sequence[np.ndarray]) -> None:
    x = inputs[INPUT].astype(np.uint64)[data.bins]
    zero = np.zeros(1, np.uint64)
    with np.errstate(over="ignore"):  # modulo 2**64, as TFLM's uint64 accumulators
        wsum = np.concatenate([zero, np.cumsum(data.weights * x, dtype=np.uint64)])
        usum = np.concatenate([zero, np.cumsum(data.unweights * x, dtype=np.uint64)])
        b = data.bounds
        weighted = wsum[b[1:]] - wsum[b[:-1]]  # channel c's weights sum, c = 0..channels
        unweighted = usum[b[1:]] - usum[b[:-1]]
        outputs[OUTPUT][...] = weighted[1:] + unweighted[:-1]


def bind(node: Node, data: OpData, inputs: Sequence[np.ndarray | None],
         outputs: Sequence[np.ndarray]) -> Callable[[], None]:
    """``invoke`` in 3 numpy calls: output channel c is channel c + 1's weighted terms plus
    channel c's unweighted ones, so their bins and (uint64) coefficients are laid out
    here, output channel after output channel, and each invoke gathers the spectrum at
    those bins, multiplies, and sums each channel's run (``add.reduceat``, modulo 2**64
    as TFLM's uint64 accumulators). A channel without terms gets one of weight 0
    (``reduceat`` of an empty run would return its first element, not 0)."""
    x, y = inputs[INPUT], outputs[OUTPUT]
    b = data.bounds
    bins, coeffs, starts = [], [], []
    for c in range(data.channels):
        starts.append(sum(len(t) for t in bins))
        terms = np.concatenate([data.bins[b[c + 1]:b[c + 2]], data.bins[b[c]:b[c + 1]]])
        weights = np.concatenate([data.weights[b[c + 1]:b[c + 2]], data.unweights[b[c]:b[c + 1]]])
        if terms.size == 0:
            terms, weights = np.zeros(1, np.int64), np.zeros(1, np.uint64)
        bins.append(terms)
        coeffs.append(weights)
    index, weight = np.concatenate(bins), np.concatenate(coeffs).astype(np.uint64)
    first = np.array(starts, np.intp)
    gathered, products = np.empty(index.shape, x.dtype), np.empty(index.shape, np.uint64)
    p = functools.partial
    calls = (p(x.take, index, None, gathered, "clip"),
             p(np.multiply, gathered, weight, products),
             p(np.add.reduceat, products, first, 0, None, y))

    def run() -> None:
        for call in calls:
            call()

    return run


def _channels(node: Node) -> int:
    try:
        return max(options(node).int("num_channels"), 0)
    except (ModelError, KernelError):
        return 0


def memory(node: Node, pointer_bytes: int) -> OpMemory:
    """FilterBankInit allocates a work area of num_channels + 1 uint64 after its params."""
    return OpMemory(tflm_prepare=(*persist(8 * (_channels(node) + 1)), *temps(node, tuple(range(6)), (0,))))


MEMORY = KernelMemory(tflm_op_data="TFLMSignalFilterBankParams", c_op_data=c_struct(p=5, w=1), needs=memory)
REGISTRATION = Registration("CUSTOM:SignalFilterBank", prepare, invoke, memory=MEMORY, bind=bind)
