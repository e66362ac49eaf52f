"""What SignalDelay, SignalFramer and SignalStacker share (not a kernel; C twin:
firmware/src/kernels/mi_signal_fifo.c + .h): the size
of TFLM's ``tflm_signal::CircularBuffer`` (signal/src/circular_buffer.h), which each
of them allocates in its persistent arena, and a FIFO of int16 rows that behaves as
those circular buffers do when they neither overflow nor underflow (the kernels
refuse the options under which TFLM's would: its bounds checks are compiled out).
"""

from __future__ import annotations

import numpy as np

from ..context import Node

#: the most bytes of state one of these ops may keep (its options, not its tensors,
#: size it): 64 MiB, thousands of times any audio front end's, so that a corrupt
#: option is refused instead of allocated
MAX_STATE_BYTES = 1 << 26


def require_state_bytes(node: Node, nbytes: int) -> None:
    """Refuse options that would size the op's state beyond ``MAX_STATE_BYTES``."""
    if nbytes > MAX_STATE_BYTES:
        raise node.fail(f"its options ask for {nbytes} bytes of state (at most {MAX_STATE_BYTES})")


def circular_buffer_bytes(capacity: int, pointer_bytes: int) -> int:
    """``CircularBufferGetNeededMemory(capacity)``: the struct (three ``size_t``, two
    ``int32_t``, one pointer) followed by ``2 * capacity`` int16 samples."""
    struct = 3 * pointer_bytes + 8 + pointer_bytes
    return struct + 2 * 2 * capacity


class Fifo:
    """``rows`` first-in first-out queues of int16 samples, all holding the same count."""

    def __init__(self, rows: int, capacity: int) -> None:
        self.data = np.zeros((rows, capacity), np.int16)
        self.count = 0

    def clear(self) -> None:
        self.data[...] = 0
        self.count = 0

    def push(self, values: np.ndarray) -> None:
        n = values.shape[1]
        self.data[:, self.count:self.count + n] = values
        self.count += n

    def peek(self, n: int) -> np.ndarray:
        return self.data[:, :n]

    def drop(self, n: int) -> None:
        rest = self.count - n
        self.data[:, :rest] = self.data[:, n:self.count].copy()
        self.count = rest
